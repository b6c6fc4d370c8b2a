from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import reverse
from nkdb import home
from public import language, markers
from public.schema import DocsView, PublicSchemaGenerator

# A database error raised outside a view still answers 503 (nkdb/middleware.py).
handler500 = "nkdb.middleware.server_error"
handler404 = "core.api.not_found"


class ApiRoot(APIView):
    """The sections of the API, its OpenAPI schema and its documentation."""

    # The browsable page's heading and text, in the reader's language.
    name = gettext_lazy("API root")
    description = gettext_lazy("The sections of the API, its OpenAPI schema and its documentation.")

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, format=None):
        names = {
            "stats": "stats-api:root",
            "cases": "cases-api:root",
            "schema": "schema",
            "docs": "api-docs",
        }
        return Response({key: reverse(name, request=request) for key, name in names.items()})


def public_api(prefix):
    return [
        path(prefix, ApiRoot.as_view(), name="api-root"),
        path(f"{prefix}stats/", include("stats.api_urls")),
        path(f"{prefix}cases/", include("public.api_urls")),
        path(f"{prefix}cases/markers/", markers.MarkerView.as_view(), name="cases-markers"),
    ]


def schema_of(patterns):
    # Each schema documents its own API only: the public one never the staff API.
    return SpectacularAPIView.as_view(patterns=patterns, generator_class=PublicSchemaGenerator)


# The public API under /api/v1/ (URL namespace "v1"), and, the same views, under
# /api/ as it has always been: docs/api.md, "Versions", says how long. The staff API
# has no version.
PUBLIC_API = public_api("api/")
V1 = public_api("")
PUBLIC_API_V1 = [path("api/v1/", include((V1, "v1")))]  # what its schema documents


def favicon(request):
    """The pages name their icon; a browser's own PDF viewer asks for /favicon.ico.
    Resolved when asked, so that the static files' manifest is read then."""
    return redirect(static("img/favicon.svg"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("api/schema/", schema_of(PUBLIC_API), name="schema"),
    path(
        "api/v1/",
        include(([path("schema/", schema_of(PUBLIC_API_V1), name="schema"), *V1], "v1")),
    ),
    path("api/docs/", DocsView.as_view(url_name="schema"), name="api-docs"),
    *PUBLIC_API,
]
public_pages = [
    path("", home.home, name="home"),
    path("stats/", include("stats.urls")),
    path("cases/", include("public.urls")),
    path("cases/map/", markers.case_map_page, name="cases-map"),
    # The API's documentation page under /ko/ too, as a Korean reader would type it
    # (in English it is /api/docs/, above); the API itself follows Accept-Language.
    path("api/docs/", DocsView.as_view(url_name="schema"), name="api-docs-localized"),
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
