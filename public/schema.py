from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularSwaggerSplitView


class PublicSchemaGenerator(SchemaGenerator):
    """The public API's schema, without security schemes.

    The public API needs no authentication (a token only raises the rate limit), so
    Swagger UI should show no "Authorize" button or lock icons. The views keep their
    token authentication; only the schema leaves it out, here rather than by a settings
    patch, which would be shared with the staff schema served in other threads."""

    def get_schema(self, request=None, public=False):
        schema = super().get_schema(request=request, public=public)
        schema.pop("security", None)
        schema.get("components", {}).pop("securitySchemes", None)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if isinstance(operation, dict):
                    operation.pop("security", None)
        return schema


class DocsView(SpectacularSwaggerSplitView):
    """The API's documentation page, GET and HEAD only: DRF would answer OPTIONS by
    rendering its metadata with the page's template renderer, and fail (a 500)."""

    http_method_names = ["get", "head"]
