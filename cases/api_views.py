"""The public case API: read-only, every queryset starting from `.public()`.

Nested lists (an event's violations, a violation's victim and perpetrators, the
information behind a record) are prefetched through `.public()` querysets too,
so a list costs the same number of queries whatever its length.

JSON and CSV responses are cached per process under the token of the case data
(nkdb/caching.py), which every write that could change them replaces: a cached
response costs one query, the token.
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from cases import aggregates, search, serializers
from cases.filters import (
    BorderCrossingFilter,
    EventFilter,
    TestimonyFilter,
    ViolationFilter,
    public_information,
)
from cases.models import (
    BorderCrossing,
    CrossingLeg,
    Event,
    Facility,
    Information,
    Involvement,
    Organization,
    Person,
    Place,
    Testimony,
    Violation,
    ViolationType,
)
from cases.pagination import CappedPaginator
from nkdb.caching import CASES, CachedResponseMixin
from stats.api_views import CachedReadOnlyViewSet, CSVDownloadMixin
from stats.renderers import CSVRenderer


def _flat(value):
    if isinstance(value, dict):
        return value.get("code", value.get("testimony")) or next(iter(value.values()), "")
    return value


class FlatCSVRenderer(CSVRenderer):
    """CSV with nested objects reduced to their code and lists joined by "; "."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            data = {"results": [self.flatten(row) for row in data["results"]]}
        return super().render(data, accepted_media_type, renderer_context)

    @staticmethod
    def flatten(row):
        flat = {}
        for key, value in row.items():
            if isinstance(value, list):
                flat[key] = "; ".join(str(_flat(item) or "") for item in value)
            else:
                flat[key] = _flat(value)
        return flat


RENDERERS = [JSONRenderer, BrowsableAPIRenderer, FlatCSVRenderer]


class CasePagination(PageNumberPagination):
    django_paginator_class = CappedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        # "count" is exact unless this is true; then more than `count` records match.
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"True when more than {search.COUNT_CAP:,} records match: "
            "`count` then stops at that number.",
        }
        return schema


# --- Querysets shared with the HTML pages ----------------------------------


def organization_involvements():
    return Involvement.objects.filter(perpetrator_organization__isnull=False).select_related(
        "perpetrator_organization"
    )


def supporting_information():
    return public_information().select_related("source", "testimony")


def public_victims():
    return Prefetch("victim", queryset=Person.objects.public())


def events_queryset():
    violations = (
        Violation.objects.public()
        .select_related("violation_type", "place__parent")
        .prefetch_related(
            public_victims(),
            Prefetch("involvements", organization_involvements(), to_attr="public_involvements"),
        )
    )
    return (
        Event.objects.public()
        .select_related("place__parent", "facility")
        .prefetch_related(
            Prefetch("violations", violations, to_attr="public_violations"),
            Prefetch("information", supporting_information(), to_attr="public_information"),
        )
    )


def violations_queryset():
    return (
        Violation.objects.public()
        .select_related("event", "violation_type", "place__parent", "facility")
        .prefetch_related(
            public_victims(),
            Prefetch("involvements", organization_involvements(), to_attr="public_involvements"),
            Prefetch("information", supporting_information(), to_attr="public_information"),
        )
    )


def testimonies_queryset():
    supported = Information.objects.filter(event__in=Event.objects.public()).select_related("event")
    return Testimony.objects.public().prefetch_related(
        Prefetch("information", supported, to_attr="public_information")
    )


def crossings_queryset():
    return (
        BorderCrossing.objects.public()
        .select_related("departure_place__parent", "crossing_place__parent")
        .select_related("settlement_place__parent")
        .prefetch_related(
            Prefetch("legs", CrossingLeg.objects.select_related("country")),
            Prefetch("testimony", Testimony.objects.public()),
        )
    )


# --- Views --------------------------------------------------------------------


class CasesApiRoot(APIView):
    """Published cases and the reference lists they use."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, format=None):
        names = [
            "event-list", "violation-list", "testimony-list", "bordercrossing-list",
            "violationtype-list", "place-list", "facility-list", "organization-list",
            "aggregates",
        ]  # fmt: skip
        return Response(
            {name: reverse(f"cases-api:{name}", request=request, format=format) for name in names}
        )


class PublicViewSet(CachedReadOnlyViewSet):
    cache_scope = CASES
    renderer_classes = RENDERERS
    pagination_class = CasePagination
    lookup_field = "code"
    lookup_value_regex = "[^/]+"


class EventViewSet(PublicViewSet):
    """Published events with their public violations, victims (code and pseudonym
    only), perpetrator organizations and supporting sources. `q` searches titles and
    descriptions in Korean and English; `type` includes sub-types."""

    serializer_class = serializers.EventSerializer
    filterset_class = EventFilter
    csv_filename = "events"

    def get_queryset(self):
        return events_queryset()


class ViolationViewSet(PublicViewSet):
    """Published violations (acts). A victim appears only if the person is public."""

    serializer_class = serializers.ViolationSerializer
    filterset_class = ViolationFilter
    csv_filename = "violations"

    def get_queryset(self):
        return violations_queryset()


class TestimonyViewSet(PublicViewSet):
    """Published testimonies: their public summaries only."""

    serializer_class = serializers.TestimonySerializer
    filterset_class = TestimonyFilter
    csv_filename = "testimonies"

    def get_queryset(self):
        return testimonies_queryset()


class BorderCrossingViewSet(PublicViewSet):
    """Published border crossings and their routes through transit countries."""

    serializer_class = serializers.BorderCrossingSerializer
    filterset_class = BorderCrossingFilter
    csv_filename = "crossings"

    def get_queryset(self):
        return crossings_queryset()


class ViolationTypeViewSet(PublicViewSet):
    """The violation taxonomy; a sub-type's code starts with its category's."""

    queryset = ViolationType.objects.select_related("parent")
    serializer_class = serializers.ViolationTypeSerializer
    filterset_fields = ["parent__code", "crime_against_humanity"]
    csv_filename = "violation-types"


class PlaceViewSet(PublicViewSet):
    queryset = Place.objects.select_related("parent")
    serializer_class = serializers.PlaceSerializer
    filterset_fields = ["level", "parent__code"]
    csv_filename = "places"


class FacilityViewSet(PublicViewSet):
    queryset = Facility.objects.select_related("place")
    serializer_class = serializers.FacilitySerializer
    filterset_fields = ["kind", "status"]
    csv_filename = "facilities"


class OrganizationViewSet(PublicViewSet):
    queryset = Organization.objects.select_related("parent")
    serializer_class = serializers.OrganizationSerializer
    filterset_fields = ["country", "kind"]
    csv_filename = "organizations"


class AggregatesView(CachedResponseMixin, CSVDownloadMixin, APIView):
    """Counts of published violations by `type` (top-level category), `year` (as
    told) and `province`, one dimension or a pair (`?by=type,year`). A count
    concerning fewer than 5 persons is null with `suppression` "fewer_than_5";
    cells withheld so that totals cannot give it back are null with
    "complementary"."""

    cache_scope = CASES
    query_parameters = ["by"]
    renderer_classes = RENDERERS
    csv_filename = "violation-counts"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "by", str, description="One or two of type, year, province, comma-separated"
            )
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request, format=None):
        return self.cached(lambda: self.counts(request))

    def counts(self, request):
        asked = request.query_params.get("by", "type").split(",")
        dims = [d for d in aggregates.DIMENSIONS if d in asked][:2]
        return Response(
            {
                "by": dims,
                "threshold": aggregates.THRESHOLD,
                "results": aggregates.Aggregates().records(dims),
            }
        )
