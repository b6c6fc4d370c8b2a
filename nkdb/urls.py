from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.reverse import reverse

from public import language, markers
from public.schema import DocsView, PublicSchemaGenerator

# A database error raised outside a view still answers 503 (nkdb/middleware.py).
handler500 = "nkdb.middleware.server_error"
handler404 = "core.api.not_found"


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def api_root(request, format=None):
    """The sections of the API, its OpenAPI schema and its documentation."""
    names = {
        "stats": "stats-api:root",
        "cases": "cases-api:root",
        "schema": "schema",
        "docs": "api-docs",
    }
    return Response({key: reverse(name, request=request) for key, name in names.items()})


PUBLIC_API = [
    path("api/", api_root, name="api-root"),
    path("api/stats/", include("stats.api_urls")),
    path("api/cases/", include("public.api_urls")),
    path("api/cases/markers/", markers.MarkerView.as_view(), name="cases-markers"),
]

urlpatterns = [
    path("i18n/setlang/", language.set_language, name="set_language"),
    # Each schema documents its own API only: the public one never the staff API.
    path(
        "api/schema/",
        SpectacularAPIView.as_view(patterns=PUBLIC_API, generator_class=PublicSchemaGenerator),
        name="schema",
    ),
    path("api/docs/", DocsView.as_view(url_name="schema"), name="api-docs"),
    *PUBLIC_API,
]
public_pages = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("stats/", include("stats.urls")),
    path("cases/", include("public.urls")),
    path("cases/map/", markers.case_map_page, name="cases-map"),
]
private_pages = []

# A public node (SITE=public, nkdb/settings.py) has no admin and no staff API:
# their code is never even imported there.
if not settings.PUBLIC_SITE:
    from django.contrib import admin

    from cases import staff_api

    admin.site.site_header = "NKDB"
    admin.site.site_title = "NKDB"
    # Staff tools, by token, scoped by role (cases/staff_api.py).
    STAFF_API = [path("api/staff/", include("cases.staff_api"))]
    urlpatterns += [
        path(
            "api/staff/schema/",
            staff_api.StaffSchemaView.as_view(patterns=STAFF_API),
            name="staff-schema",
        ),
        *STAFF_API,
    ]
    private_pages.append(path("admin/", admin.site.urls))

urlpatterns += i18n_patterns(*public_pages, *private_pages, prefix_default_language=False)
