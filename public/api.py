"""The case API's lists and records, read from the published copy alone.

Each row is the `data` the publication stored for the record in the visitor's
language (cases/entries.py: the public serializers' output, its `url` relative),
so an answer reads nothing of the private database and costs the same few
queries whatever the records hold: the generation, a count, a page of rows.

The lists take the search page's parameters and find their rows with the same
query (public/search.py: `SearchForm`, `found`), so that the API and the page
never disagree on what matches. The reference lists (violation types, places,
facilities, organizations) are the copy's Reference rows.

Answers are cached in the shared cache "public" under the copy's generation
(core/caching.py, scope PUBLIC): a draft's edit leaves them, a publication
replaces them. URLs and names stay in cases/api_urls.py.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BAD_REQUEST, CSVDownloadMixin, Pagination, reverse, versioned_path
from core.caching import PUBLIC, CachedResponseMixin
from core.languages import language, stored
from core.renderers import FlatCSVRenderer, streamed_csv
from public import api_schema, proceedings
from public.counts import DIMENSIONS, MEASURES, THRESHOLD, Counts
from public.models import Entry, Reference
from public.search import KINDS, SearchForm, api_parameters, found

NOT_FOUND = OpenApiResponse(description="No published record or reference with this code.")


class CopyPagination(Pagination):
    """Exact counts: the copy holds only public records, counted in one query.

    `count_capped` stays in every answer for the clients that read it; it is
    always false now (it was true when a count over the private database stopped
    at a cap)."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = False
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "Always false: `count` is exact.",
        }
        return schema


class CopyViewSet(CachedResponseMixin, CSVDownloadMixin, viewsets.GenericViewSet):
    """Read-only lists and records of the copy, JSON and CSV, cached by generation."""

    cache_scope = PUBLIC
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, FlatCSVRenderer]
    pagination_class = CopyPagination
    filter_backends = []  # the parameters are read by each view (query_parameters)
    cursor_ordering = ("code",)
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def list(self, request, *args, **kwargs):
        return self.cached(self.build_list)

    def retrieve(self, request, *args, code=None, **kwargs):
        return self.cached(lambda: self.build_record(code))

    def build_list(self):
        page = self.paginate_queryset(self.rows())
        return self.get_paginated_response([self.shown(row) for row in page])

    def build_record(self, code):
        row = self.get_queryset().filter(code=code).only("data").first()
        if row is None:
            raise NotFound
        return Response(self.shown(row))

    def rows(self):
        raise NotImplementedError

    def shown(self, row):
        return in_order(row.data, api_schema.REFERENCES[self.list_name]())


def in_order(value, field):
    """A reference row's stored data with its keys in the schema's order (which is
    the public serializers'), nested objects too: PostgreSQL's jsonb sorts an
    object's keys its own way, and a CSV's columns follow the order. (Entries keep
    theirs as text: public.models.JSONText.)"""
    if isinstance(field, serializers.ListSerializer):
        return [in_order(item, field.child) for item in value] if isinstance(value, list) else value
    if isinstance(field, serializers.Serializer) and isinstance(value, dict):
        fields = field.fields
        ordered = {name: in_order(value[name], fields[name]) for name in fields if name in value}
        ordered.update((name, item) for name, item in value.items() if name not in ordered)
        return ordered
    return value


class EntryViewSet(CopyViewSet):
    """A kind of published record (`kind`: a key of public.search.KINDS); its
    `query_parameters` are `api_parameters(kind)`, the search form's."""

    kind = None

    def get_queryset(self):
        return Entry.objects.of(KINDS[self.kind][0])

    def rows(self):
        form = SearchForm(self.request.query_params, self.kind, strict=True, refuse_reversed=False)
        if not form.is_valid():
            errors = form.errors.get_json_data()
            raise ValidationError(
                {name: [error["message"] for error in listed] for name, listed in errors.items()}
            )
        return found(form).only("data", "code")

    def shown(self, row, lang=None):
        """The row in the visitor's language, its address made absolute."""
        data = stored(row.data, lang)
        url = versioned_path(self.request, data["url"])
        return {**data, "url": self.request.build_absolute_uri(url)}

    @action(detail=False, pagination_class=None, renderer_classes=[FlatCSVRenderer, JSONRenderer])
    def export(self, request, *args, **kwargs):
        """Every record the parameters match, as one CSV streamed as it is read: the
        columns, escaping and order of the list's CSV, without its pages."""
        lang = language()
        return streamed_csv(
            self.rows().iterator(chunk_size=500),
            self.csv_filename,
            row=lambda record: FlatCSVRenderer.flatten(self.shown(record, lang)),
        )


def _documented(serializer, parameters, **more):
    return extend_schema_view(
        list=extend_schema(
            parameters=parameters, responses={200: serializer(many=True), 400: BAD_REQUEST}
        ),
        retrieve=extend_schema(responses={200: serializer, 404: NOT_FOUND}),
        **more,
    )


def _records(kind):
    parameters = api_schema.record_parameters(kind)
    export = extend_schema(
        parameters=parameters,
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: BAD_REQUEST},
        description="Every record the parameters match, as one CSV (the list's columns), "
        "streamed: no pages, no ETag.",
    )
    return _documented(api_schema.RECORDS[kind], parameters, export=export)


@_records("events")
class EventViewSet(EntryViewSet):
    """Published events with their public violations, victims (code and pseudonym
    only), perpetrator organizations and supporting sources. `q` searches titles and
    descriptions in Korean and English; `type` includes sub-types."""

    kind = "events"
    query_parameters = sorted(api_parameters(kind))
    csv_filename = "events"


@_records("violations")
class ViolationViewSet(EntryViewSet):
    """Published violations (acts). A victim appears only if the person is public."""

    kind = "violations"
    query_parameters = sorted(api_parameters(kind))
    csv_filename = "violations"


@_records("testimonies")
class TestimonyViewSet(EntryViewSet):
    """Published testimonies: their public summaries only."""

    kind = "testimonies"
    query_parameters = sorted(api_parameters(kind))
    csv_filename = "testimonies"


@_records("crossings")
class BorderCrossingViewSet(EntryViewSet):
    """Published border crossings and their routes through transit countries."""

    kind = "crossings"
    query_parameters = sorted(api_parameters(kind))
    csv_filename = "crossings"


# --- The reference lists --------------------------------------------------------


def _boolean(name, value):
    answer = {"true": True, "1": True, "false": False, "0": False}.get(value.lower())
    if answer is None:
        # Django's own message (translated in its catalog).
        message = _("“%(value)s” value must be either True or False.") % {"value": value}
        raise ValidationError({name: [message]})
    return answer


class ReferenceViewSet(CopyViewSet):
    """A reference list of the copy; `filters` are {parameter: (key of the stored
    data, type)}, the filters these lists have always had (`parent__code` is the
    stored `parent`, a code)."""

    list_name = None
    filters = {}  # and query_parameters, its keys

    def get_queryset(self):
        return Reference.objects.filter(list=self.list_name)

    def rows(self):
        rows = self.get_queryset().only("data", "code")
        for name, (key, kind) in self.filters.items():
            value = self.request.query_params.get(name, "")
            if value:
                value = _boolean(name, value) if kind is bool else value
                rows = rows.filter(**{f"data__{key}": value})
        return rows


def _references(list_name, filters):
    serializer = api_schema.REFERENCES[list_name]
    return _documented(serializer, api_schema.reference_parameters(filters))


TYPE_FILTERS = {
    "parent__code": ("parent", str),
    "crime_against_humanity": ("crime_against_humanity", bool),
}
PLACE_FILTERS = {"level": ("level", str), "parent__code": ("parent", str)}
FACILITY_FILTERS = {"kind": ("kind", str), "status": ("status", str)}
ORGANIZATION_FILTERS = {"country": ("country", str), "kind": ("kind", str)}


@_references("violation-type", TYPE_FILTERS)
class ViolationTypeViewSet(ReferenceViewSet):
    """The violation taxonomy; a sub-type's code starts with its category's."""

    list_name, filters, query_parameters = "violation-type", TYPE_FILTERS, list(TYPE_FILTERS)
    csv_filename = "violation-types"


@_references("place", PLACE_FILTERS)
class PlaceViewSet(ReferenceViewSet):
    """Provinces, counties and countries, with the place each lies in."""

    list_name, filters, query_parameters = "place", PLACE_FILTERS, list(PLACE_FILTERS)
    csv_filename = "places"


@_references("facility", FACILITY_FILTERS)
class FacilityViewSet(ReferenceViewSet):
    """Detention and other facilities, with their place."""

    list_name, filters, query_parameters = "facility", FACILITY_FILTERS, list(FACILITY_FILTERS)
    csv_filename = "facilities"


@_references("organization", ORGANIZATION_FILTERS)
class OrganizationViewSet(ReferenceViewSet):
    """Perpetrator organizations, with the organization each is part of."""

    list_name = "organization"
    filters, query_parameters = ORGANIZATION_FILTERS, list(ORGANIZATION_FILTERS)
    csv_filename = "organizations"


class CasesApiRoot(APIView):
    """Published cases and the reference lists they use."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, format=None):
        names = [
            "event-list", "violation-list", "testimony-list", "bordercrossing-list",
            "violationtype-list", "place-list", "facility-list", "organization-list",
            "aggregates", "proceeding-list", "proceeding-counts",
        ]  # fmt: skip
        return Response(
            {name: reverse(f"cases-api:{name}", request=request, format=format) for name in names}
        )


class AggregatesView(CachedResponseMixin, CSVDownloadMixin, APIView):
    """Counts of published violations, or of their victims (`?measure=victims`), by
    `type` (top-level category), `year` (as told), `province`, `sex` (a public
    victim's; others are unknown) and `age` (the victim's age group at the time),
    one dimension or a pair (`?by=type,year`). A count concerning fewer than 5
    persons is null with `suppression` "fewer_than_5"; cells withheld so that
    totals cannot give it back are null with "complementary". A victim is counted
    once per cell, so a total of victims is not the sum of its cells. Read from the
    copy, where they are stored suppressed."""

    cache_scope = PUBLIC
    query_parameters = ["by", "measure"]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, FlatCSVRenderer]
    csv_filename = "violation-counts"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "by",
                str,
                description="One or two of type, year, province, sex, age, comma-separated",
            ),
            OpenApiParameter("measure", str, enum=list(MEASURES), description="What is counted"),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: BAD_REQUEST},
    )
    def get(self, request, format=None):
        return self.cached(lambda: self.counts(request))

    def counts(self, request):
        asked = request.query_params.get("by", "type").split(",")
        dims = [d for d in DIMENSIONS if d in asked][:2]
        measure = request.query_params.get("measure", "violations")
        if measure not in MEASURES:
            raise ValidationError(
                {"measure": [_("Choose one of: %(values)s.") % {"values": ", ".join(MEASURES)}]}
            )
        return Response(
            {
                "by": dims,
                "measure": measure,
                "threshold": THRESHOLD,
                "results": Counts.published(measure).records(dims),
            }
        )


class ProceedingCountSerializer(serializers.Serializer):
    """One row of the proceedings' counts: the dimension's value, its label, the count."""

    value = serializers.CharField(help_text="The forum's or outcome's code.")
    label = serializers.CharField(help_text="Its name in the response's language.")
    proceedings = serializers.IntegerField(help_text="Published proceedings: exact.")


class ProceedingCountsView(CachedResponseMixin, CSVDownloadMixin, APIView):
    """Counts of published proceedings (submissions to UN mechanisms and courts) by
    `forum` or by `outcome`. Each count is of proceedings listed one by one, with
    their codes, on /cases/proceedings/, so it is exact; no person is counted."""

    cache_scope = PUBLIC
    query_parameters = ["by"]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, FlatCSVRenderer]
    csv_filename = "proceeding-counts"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "by",
                str,
                enum=list(proceedings.DIMENSIONS),
                description="forum (default) or outcome",
            )
        ],
        responses={
            200: inline_serializer(
                "ProceedingCounts",
                {
                    "by": serializers.CharField(),
                    "results": ProceedingCountSerializer(many=True),
                },
            ),
            400: BAD_REQUEST,
        },
    )
    def get(self, request, format=None):
        by = request.query_params.get("by", "forum")
        if by not in proceedings.DIMENSIONS:
            raise ValidationError(
                {"by": [_("Choose one of: %(values)s.") % {"values": "forum, outcome"}]}
            )
        return self.cached(lambda: self.counts(by))

    def counts(self, by):
        rows = proceedings.counted(proceedings.rows(), by)
        results = [
            {"value": r["value"], "label": r["label"], "proceedings": r["count"]} for r in rows
        ]
        return Response({"by": by, "results": results})
