"""What remains of the case API in the private database: the API root, the counts
(`aggregates`), and the querysets the publication builds the copy's entries with
(cases/entries.py).

The lists and records of the case API read the published copy (public/api.py).
The querysets here start from `.public()`, and prefetch nested lists (an event's
violations, a violation's victim and perpetrators, the information behind a
record) through `.public()` querysets too, so that no private related record
reaches an entry.

The counts are cached per process under the token of the case data
(nkdb/caching.py), which every write that could change them replaces.
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from cases import aggregates
from cases.filters import public_information
from cases.models import (
    BorderCrossing,
    CrossingLeg,
    Event,
    Information,
    Involvement,
    Person,
    Testimony,
    Violation,
)
from nkdb.caching import CASES, CachedResponseMixin
from stats.api_views import CSVDownloadMixin
from stats.renderers import FlatCSVRenderer

RENDERERS = [JSONRenderer, BrowsableAPIRenderer, FlatCSVRenderer]


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
