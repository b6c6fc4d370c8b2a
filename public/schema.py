from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularSwaggerSplitView

from public.models import Option
from public.search import CHOICE_FACETS

# The bodies of the API's errors: DRF's, always JSON (core.api.CSVDownloadMixin).
ERROR_SCHEMAS = {
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
        "description": "What went wrong, in the language asked for.",
    },
    "ParameterErrors": {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "description": "For each parameter refused (`__all__` or `non_field_errors` for a "
        "combination), why, naming the accepted values where there is a list of them.",
    },
}
ERRORS = {
    "400": ("ParameterErrors", "An unknown parameter or a value out of range."),
    "404": ("Error", "No such record, page or format (`?format=` other than json or csv)."),
    "406": ("Error", "No answer in a media type the `Accept` header allows."),
    "429": ("Error", "Too many requests: wait for `Retry-After` seconds."),
}
_WHOLE_NUMBER = {"schema": {"type": "integer", "minimum": 0}}
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": {**_WHOLE_NUMBER, "description": "Requests allowed in the window."},
    "RateLimit-Remaining": {**_WHOLE_NUMBER, "description": "Requests left in the window."},
    "RateLimit-Reset": {**_WHOLE_NUMBER, "description": "Seconds until one more is allowed."},
}
RETRY_AFTER = {"Retry-After": {**_WHOLE_NUMBER, "description": "Seconds to wait."}}


def facet_choices():
    """{facet: [value, ...]} of the case API's facets with a fixed list of choices,
    which it refuses any other value of (public.search.SearchForm, `strict`)."""
    choices = {}
    for facet, value in Option.objects.filter(facet__in=CHOICE_FACETS).values_list(
        "facet", "value"
    ):
        choices.setdefault(facet, []).append(value)
    return {facet: sorted(values) for facet, values in choices.items()}


class PublicSchemaGenerator(SchemaGenerator):
    """The public API's schema: no security schemes, and every error it answers.

    The public API needs no authentication (a token only raises the rate limit), so
    Swagger UI should show no "Authorize" button or lock icons. The views keep their
    token authentication; only the schema leaves it out, here rather than by a settings
    patch, which would be shared with the staff schema served in other threads.

    Every operation may answer 400 (an unknown parameter is refused everywhere), 404
    (an unknown `format`), 406 and 429, so they are added here to each, with their
    bodies, and the RateLimit headers to its answers; a view's own description of
    an error (e.g. which 404s a series gives) is kept. tests/test_fuzz_api.py runs
    schemathesis with all its checks against this schema."""

    def get_schema(self, request=None, public=False):
        schema = super().get_schema(request=request, public=public)
        schema.pop("security", None)
        components = schema.setdefault("components", {})
        components.pop("securitySchemes", None)
        components.setdefault("schemas", {}).update(ERROR_SCHEMAS)
        choices = facet_choices()
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                if isinstance(operation, dict):
                    operation.pop("security", None)
                    self.document_errors(operation.setdefault("responses", {}))
                    parameters = operation.get("parameters", [])
                    self.document_parameters(parameters, choices if "/cases/" in path else {})
        return schema

    @staticmethod
    def document_parameters(parameters, choices):
        for parameter in parameters:
            if parameter["in"] != "query":
                continue
            # core.caching.KnownParametersMixin: an empty value is the same as none.
            parameter["allowEmptyValue"] = True
            if parameter["name"] in choices and "enum" not in parameter["schema"]:
                parameter["schema"]["enum"] = choices[parameter["name"]]

    @staticmethod
    def document_errors(responses):
        for response in responses.values():
            response.setdefault("headers", {}).update(RATE_LIMIT_HEADERS)
            if "text/csv" in response.get("content", {}):  # a table, not the JSON's object
                response["content"]["text/csv"] = {"schema": {"type": "string"}}
        for status, (component, description) in ERRORS.items():
            response = responses.setdefault(status, {"description": description})
            ref = {"$ref": f"#/components/schemas/{component}"}
            response["content"] = {"application/json": {"schema": ref}}
            if status == "400":  # a NUL byte in the address, refused before any view
                response["content"]["text/plain"] = {"schema": {"type": "string"}}
            response["headers"] = {**RATE_LIMIT_HEADERS, **(RETRY_AFTER if status == "429" else {})}


class DocsView(SpectacularSwaggerSplitView):
    """The API's documentation page, GET and HEAD only: DRF would answer OPTIONS by
    rendering its metadata with the page's template renderer, and fail (a 500)."""

    http_method_names = ["get", "head"]
