from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from nkdb.caching import STATS, CachedResponseMixin
from stats import series
from stats.filters import DatasetFilter, ObservationFilter
from stats.models import Dataset, Observation
from stats.renderers import CSVRenderer
from stats.serializers import DatasetSerializer, ObservationSerializer, SeriesSerializer

RENDERERS = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]


class CSVDownloadMixin:
    csv_filename = "statistics"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            getattr(request, "accepted_renderer", None)
            and request.accepted_renderer.format == "csv"
            and "Content-Disposition" not in response  # a cached response keeps its own
        ):
            response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}.csv"'
        return response


class StatsApiRoot(APIView):
    """The statistics API: datasets, observations, and ready-made chart series."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, format=None):
        names = [
            "dataset-list", "observation-list", "series-arrivals", "series-unhcr-by-year",
            "series-unhcr-by-country", "series-emigrant-stock", "series-profile",
        ]  # fmt: skip
        return Response(
            {name: reverse(f"stats-api:{name}", request=request, format=format) for name in names}
        )


class CachedReadOnlyViewSet(CachedResponseMixin, CSVDownloadMixin, viewsets.ReadOnlyModelViewSet):
    cache_scope = STATS

    def list(self, request, *args, **kwargs):
        return self.cached(lambda: super(CachedReadOnlyViewSet, self).list(request))

    def retrieve(self, request, *args, **kwargs):
        return self.cached(lambda: super(CachedReadOnlyViewSet, self).retrieve(request, **kwargs))


class DatasetViewSet(CachedReadOnlyViewSet):
    """Published tables, one per edition, with their source address and caveats."""

    queryset = Dataset.objects.with_observation_counts()
    serializer_class = DatasetSerializer
    filterset_class = DatasetFilter
    lookup_field = "slug"
    renderer_classes = RENDERERS
    csv_filename = "datasets"


class ObservationViewSet(CachedReadOnlyViewSet):
    """Published figures, one per row, each naming its dataset, edition and source.

    A null value with status "not_reported" was not published; "small" means the
    publisher's small-count convention (UNHCR's 5 = 5 or fewer). CSV downloads
    (`?format=csv`) are not paginated.
    """

    queryset = Observation.objects.with_dataset().canonical_order()
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter
    renderer_classes = RENDERERS
    csv_filename = "observations"

    def paginate_queryset(self, queryset):
        if self.request.accepted_renderer.format == "csv":
            return None
        return super().paginate_queryset(queryset)


DATASET_PARAM = OpenApiParameter(
    "dataset", str, description="Dataset identifier (one edition); defaults to the one shown"
)
YEAR_PARAM = OpenApiParameter("year", int, description="Year; defaults to the latest available")
ORIGIN_PARAM = OpenApiParameter("origin", str, description="Country of origin, ISO alpha-3")


class SeriesView(CachedResponseMixin, CSVDownloadMixin, APIView):
    cache_scope = STATS
    renderer_classes = RENDERERS
    default_key = ""

    def get_dataset(self):
        slug = self.request.query_params.get("dataset") or series.DEFAULT_DATASETS[self.default_key]
        return get_object_or_404(Dataset, slug=slug)

    def int_param(self, name):
        value = self.request.query_params.get(name, "")
        return int(value) if value.isascii() and value.isdigit() else None

    def origin_param(self):
        return (self.request.query_params.get("origin") or "PRK").upper()

    def get(self, request):
        return self.cached(lambda: self.respond(self.build(request)))

    def build(self, request):
        """The series.Series to answer with."""
        raise NotImplementedError

    def respond(self, result):
        self.csv_filename = f"{self.csv_filename}-{result.dataset.slug}"
        return Response(SeriesSerializer(result).data)


@extend_schema(parameters=[DATASET_PARAM], responses=SeriesSerializer)
class ArrivalsSeriesView(SeriesView):
    """Defector arrivals in South Korea per period, male, female and total, with the
    female share (computed). Spans such as 1999-2001 are single rows."""

    default_key = "arrivals"
    query_parameters = ["dataset"]
    csv_filename = "arrivals-by-sex"

    def build(self, request):
        return series.arrivals_by_sex(self.get_dataset())


@extend_schema(parameters=[DATASET_PARAM, ORIGIN_PARAM], responses=SeriesSerializer)
class UnhcrByYearSeriesView(SeriesView):
    """Refugees and asylum-seekers per year, each summed over countries of asylum
    (two measures, never added together); missing years are absent."""

    default_key = "unhcr"
    query_parameters = ["dataset", "origin"]
    csv_filename = "unhcr-by-year"

    def build(self, request):
        return series.unhcr_by_year(self.get_dataset(), origin=self.origin_param())


@extend_schema(parameters=[DATASET_PARAM, YEAR_PARAM, ORIGIN_PARAM], responses=SeriesSerializer)
class UnhcrByCountrySeriesView(SeriesView):
    """Refugees and asylum-seekers by country of asylum for one year."""

    default_key = "unhcr"
    query_parameters = ["dataset", "year", "origin"]
    csv_filename = "unhcr-by-country"

    def build(self, request):
        return series.unhcr_by_country(
            self.get_dataset(), year=self.int_param("year"), origin=self.origin_param()
        )


@extend_schema(parameters=[DATASET_PARAM, YEAR_PARAM, ORIGIN_PARAM], responses=SeriesSerializer)
class EmigrantStockSeriesView(SeriesView):
    """Migrant stock by destination for one edition and one year."""

    default_key = "emigrant_stock"
    query_parameters = ["dataset", "year", "origin"]
    csv_filename = "emigrant-stock"

    def build(self, request):
        return series.emigrant_stock(
            self.get_dataset(), year=self.int_param("year"), origin=self.origin_param()
        )


@extend_schema(
    parameters=[
        DATASET_PARAM,
        OpenApiParameter("dimension", str, enum=list(series.PROFILE_DIMENSIONS)),
    ],
    responses=SeriesSerializer,
)
class ProfileSeriesView(SeriesView):
    """The profile of arrivals by one dimension (cumulative, for one cut-off)."""

    default_key = "profile"
    query_parameters = ["dataset", "dimension"]
    csv_filename = "profile"

    def build(self, request):
        dimension = request.query_params.get("dimension", "age_band")
        if dimension not in series.PROFILE_DIMENSIONS:
            dimension = "age_band"
        dataset = self.get_dataset()
        self.csv_filename = f"profile-{dimension}"
        return series.arrival_profile(dataset, dimension=dimension)
