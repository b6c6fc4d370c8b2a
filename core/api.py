"""What the statistics API (stats/api_views.py) and the case API (public/api.py) share."""

import django_filters
from django.http import JsonResponse
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
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


def versioned_path(request, path):
    """A path under /api/ as the request's version spells it (a stored address)."""
    match = getattr(request, "resolver_match", None)
    version = match.namespaces[0] if match and match.namespaces else None
    if version in VERSIONS and path.startswith("/api/"):
        return f"/api/{version}/{path.removeprefix('/api/')}"
    return path


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


class AcceptedChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter whose 400 names the accepted values."""

    @property
    def field(self):
        if not hasattr(self, "_field"):
            field = super().field
            accepted = ", ".join(str(value) for value, _label in field.choices if value)
            field.error_messages["invalid_choice"] = _("Unknown value. Accepted: %(accepted)s.") % {
                "accepted": accepted
            }
        return self._field


class _Cursor(CursorPagination):
    """DRF's cursor pages over a view's `cursor_ordering`: one unique field, so
    that a row is never skipped or repeated between pages."""

    def __init__(self, ordering, page_size):
        self.ordering, self.page_size = ordering, page_size

    def get_ordering(self, request, queryset, view):
        return self.ordering


class Pagination(PageNumberPagination):
    """Pages of 50 rows; `?page_size=` from 1 to MAX, anything else a 400, never
    silently clamped; a page that does not exist (0, past the last) a 404.

    Or, with `?pagination=cursor` (a `cursor` from a `next` link implies it),
    cursor pages for bulk pulls: ordered by the view's `cursor_ordering` (a unique
    field), with `next` and `previous` links and no `count`, each page found by
    its position rather than an offset, so that deep pages cost as little as the
    first and a publication between two requests skips or repeats no row.

    The schema states the ranges (public/schema.py checks them with schemathesis)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    mode_query_param = "pagination"
    cursor_query_param = "cursor"
    cursor = None  # the cursor pages, when asked for

    @property
    def query_parameters(self):
        return {
            self.page_query_param,
            self.page_size_query_param,
            self.mode_query_param,
            self.cursor_query_param,
        }

    def paginate_queryset(self, queryset, request, view=None):
        mode = request.query_params.get(self.mode_query_param)
        if mode not in (None, "page", "cursor"):
            message = _("Unknown value. Accepted: %(accepted)s.") % {"accepted": "page, cursor"}
            raise ValidationError({self.mode_query_param: [message]})
        if mode == "cursor" or self.cursor_query_param in request.query_params:
            self.request = request
            self.cursor = _Cursor(view.cursor_ordering, self.get_page_size(request))
            return self.cursor.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.cursor is not None:
            return self.cursor.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["results"]
        paginated["properties"]["count"]["description"] = "Absent from cursor pages."
        return paginated

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
        ordering = ", ".join(getattr(view, "cursor_ordering", ()))
        mode = {
            "name": self.mode_query_param,
            "required": False,
            "in": "query",
            "description": f"`cursor` for cursor pages, in the order of {ordering}, with "
            "`next` links and no `count` (and `sort` ignored); `page` (the default) for "
            "numbered pages.",
            "schema": {"type": "string", "enum": ["page", "cursor"]},
        }
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": "A position, from a cursor page's `next` or `previous` link; "
            "one that is not is a 404.",
            "schema": {"type": "string"},
        }
        return [*parameters, mode, cursor]


class CSVDownloadMixin:
    """A CSV answer is a download named `csv_filename`; an error is JSON even when
    CSV was asked for, one shape for every error (public/schema.py)."""

    csv_filename = "statistics"

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        renderer = getattr(self.request, "accepted_renderer", None)  # none: `format` unknown
        if renderer is None or renderer.format == "csv":
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
