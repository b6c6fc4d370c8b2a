"""What the statistics API (stats/api_views.py) and the case API (public/api.py) share."""

from django.http import JsonResponse
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.relations import HyperlinkedIdentityField
from rest_framework.renderers import JSONRenderer
from rest_framework.reverse import reverse as drf_reverse

BAD_REQUEST = OpenApiResponse(
    description="An unknown parameter or value; the answer names the accepted values."
)


VERSIONS = ("v1",)  # URL namespaces of the versioned paths (nkdb/urls.py)


def reverse(viewname, *args, request=None, **kwargs):
    """DRF's reverse, in the version the request was made in: a link in an answer
    under /api/v1/ stays under /api/v1/; under /api/, under /api/."""
    match = getattr(request, "resolver_match", None)
    version = match.namespaces[0] if match and match.namespaces else None
    if version in VERSIONS:
        try:
            return drf_reverse(f"{version}:{viewname}", *args, request=request, **kwargs)
        except NoReverseMatch:  # an address with no version (the documentation page)
            pass
    return drf_reverse(viewname, *args, request=request, **kwargs)


class VersionedIdentityField(HyperlinkedIdentityField):
    """A record's own address, in the version the request was made in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reverse = reverse  # DRF's field sets its own in __init__


def not_found(request, exception):
    """handler404: under /api/, a JSON 404 as the API's own, for an address no view
    answers (`/api/stats/observations/0.5/`); elsewhere the site's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


class Pagination(PageNumberPagination):
    """Pages of 50 rows; `?page_size=` from 1 to MAX, anything else a 400, never
    silently clamped; a page that does not exist (0, past the last) a 404.

    The schema states both ranges (public/schema.py checks them with schemathesis)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size):
            message = _("A whole number from 1 to %(max)d.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = "A page number; one past the last is a 404."
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = (
                    f"Rows per page, 1 to {self.max_page_size} (default {self.page_size}); "
                    "anything else is a 400."
                )
        return parameters


class CSVDownloadMixin:
    """A CSV answer is a download named `csv_filename`; an error is JSON even when
    CSV was asked for, one shape for every error (public/schema.py)."""

    csv_filename = "statistics"

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if getattr(self.request, "accepted_renderer", None) and (
            self.request.accepted_renderer.format == "csv"
        ):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            getattr(request, "accepted_renderer", None)
            and request.accepted_renderer.format == "csv"
            and "Content-Disposition" not in response  # a cached response keeps its own
        ):
            response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}.csv"'
        return response
