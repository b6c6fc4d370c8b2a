from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BAD_REQUEST, CSVDownloadMixin, Pagination, reverse
from core.caching import STATS, CachedResponseMixin, KnownParametersMixin
from core.renderers import CSVRenderer, streamed_csv
from stats import datapackage, series
from stats.filters import DatasetFilter, ObservationFilter, editions_of
from stats.models import Classification, Dataset, Observation
from stats.serializers import DatasetSerializer, ObservationSerializer, SeriesSerializer

RENDERERS = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]


class StatsPagination(Pagination):
    """Pages of 50 rows, `?page_size=` up to 1,000 (core.api.Pagination)."""


class ObservationPagination(StatsPagination):
    """Pages that say which editions they hold, as the `Editions` header does."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {"editions": editions_of(self.request.query_params), **response.data}
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        editions = {
            "type": "string",
            "example": "current",
            "description": '"current" (one edition of each table), "all" (editions mixed: '
            "never add their figures together) or the dataset asked for.",
        }
        paginated["properties"] = {"editions": editions, **paginated["properties"]}
        paginated["required"] = ["editions", *paginated["required"]]
        return paginated


# On every observations answer: "current", "all" (editions mixed) or the dataset.
EDITIONS_HEADER = "Editions"


class StatsApiRoot(KnownParametersMixin, APIView):
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


@extend_schema_view(
    list=extend_schema(
        responses={200: DatasetSerializer(many=True), 400: BAD_REQUEST},
    )
)
class DatasetViewSet(CachedReadOnlyViewSet):
    """Published tables, one per edition, with their source address and caveats.

    Editions of one table share a `family`; `is_current` marks the one the
    observations API answers from when no dataset is asked for."""

    queryset = Dataset.objects.with_observation_counts()
    cursor_ordering = ("slug",)
    serializer_class = DatasetSerializer
    filterset_class = DatasetFilter
    pagination_class = StatsPagination
    lookup_field = "slug"
    renderer_classes = RENDERERS
    csv_filename = "datasets"

    @extend_schema(
        filters=False,
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
        description="The dataset as a Frictionless data package: schema (types, missing "
        "values), sources, licence, caveats, and its CSV resource.",
    )
    def datapackage(self, request, slug=None):
        dataset = self.get_object()
        csv_url = reverse(
            "stats-api:dataset-observations-csv", kwargs={"slug": dataset.slug}, request=request
        )
        return Response(datapackage.descriptor(dataset, csv_url=csv_url))

    @extend_schema(
        filters=False,
        responses={(200, "text/csv"): OpenApiTypes.STR},
        description="Every figure of the dataset, the data package's CSV resource.",
    )
    def observations_csv(self, request, slug=None):
        dataset = self.get_object()
        return HttpResponse(datapackage.csv_text(dataset), content_type="text/csv; charset=utf-8")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                EDITIONS_HEADER,
                str,
                location=OpenApiParameter.HEADER,
                response=True,
                description='"current" (one edition of each table), "all" (editions mixed) '
                "or the dataset asked for.",
            ),
        ],
        responses={200: ObservationSerializer(many=True), 400: BAD_REQUEST},
    )
)
class ObservationViewSet(CachedReadOnlyViewSet):
    """Published figures, one per row, each naming its dataset, edition and source.

    Without `dataset`, only the current edition of each table (family) answers, so
    that no figure is counted twice; `editions=all` mixes every edition. The
    `Editions` header and the page's `editions` say which: "current", "all", or
    the dataset's identifier.

    A null value with status "not_reported" was not published; "small" means the
    publisher's small-count convention (UNHCR's 5 = 5 or fewer). CSV downloads
    (`?format=csv`) are not paginated.
    """

    queryset = Observation.objects.with_dataset().canonical_order()
    cursor_ordering = ("id",)
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter
    pagination_class = ObservationPagination
    renderer_classes = RENDERERS
    csv_filename = "observations"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code in (200, 304):  # cached or not
            response[EDITIONS_HEADER] = editions_of(request.query_params)
        return response

    def paginate_queryset(self, queryset):
        if self.request.accepted_renderer.format == "csv":
            return None
        return super().paginate_queryset(queryset)

    @extend_schema(
        filters=True,
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: BAD_REQUEST},
        description="Every figure the filters match, as one CSV (the columns of "
        "`?format=csv`), streamed as it is read: no pages, no ETag, no size limit.",
    )
    @action(detail=False, pagination_class=None, renderer_classes=[CSVRenderer, JSONRenderer])
    def export(self, request, *args, **kwargs):
        serializer = ObservationSerializer(context={"request": request})
        rows = self.filter_queryset(self.get_queryset()).iterator(chunk_size=1000)
        return streamed_csv(rows, self.csv_filename, row=serializer.to_representation)


DATASET_PARAM = OpenApiParameter(
    "dataset",
    str,
    description="Dataset identifier (one edition); defaults to the one shown. "
    "An unknown identifier, or a dataset of another kind (e.g. UNHCR figures for the "
    "arrivals series), is a 404 naming the suitable ones.",
)
YEAR_PARAM = OpenApiParameter(
    "year",
    {"type": "integer", "minimum": 0},
    description="Year; defaults to the latest available. A year the series lacks is a 404 "
    "naming the years it has (also listed in `years`); a non-number is a 400.",
)
NOT_FOUND = OpenApiResponse(
    description="No such dataset, or no figures for that year or origin; the answer names "
    "those there are."
)
SERIES_RESPONSES = {200: SeriesSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}
ORIGIN_PARAM = OpenApiParameter(
    "origin",
    str,
    description="Country of origin, ISO alpha-3 (default PRK); one the dataset lacks is a 404 "
    "naming the origins it has.",
)


class SeriesView(CachedResponseMixin, CSVDownloadMixin, APIView):
    cache_scope = STATS
    renderer_classes = RENDERERS
    default_key = ""
    classifications = ()  # what a dataset of this series counts

    def get_dataset(self):
        slug = self.request.query_params.get("dataset") or series.DEFAULT_DATASETS[self.default_key]
        dataset = Dataset.objects.filter(slug=slug).first()
        if dataset is None:
            message = _("No such dataset. Datasets: %(slugs)s.") % {
                "slugs": ", ".join(Dataset.objects.values_list("slug", flat=True))
            }
            raise NotFound(message)
        if dataset.classification not in self.classifications:  # no empty look-alike answer
            message = _("This series is not made from %(dataset)s. Datasets: %(slugs)s.") % {
                "dataset": dataset.slug,
                "slugs": ", ".join(
                    Dataset.objects.filter(classification__in=self.classifications).values_list(
                        "slug", flat=True
                    )
                ),
            }
            raise NotFound(message)
        return dataset

    def int_param(self, name):
        value = self.request.query_params.get(name, "")
        if not value:
            return None
        if not (value.isascii() and value.isdigit()):
            raise ValidationError({name: [_("A year, such as 2020.")]})
        return int(value)

    def check_year(self, result, year):
        """A year the series lacks is a 404 naming the years it has, never another year."""
        if year is not None and year != result.year:
            message = _("No figures for %(year)d in %(dataset)s. Years: %(years)s.") % {
                "year": year,
                "dataset": result.dataset.slug,
                "years": ", ".join(map(str, result.years)) or "\u2013",
            }
            raise NotFound(message)
        return result

    def check_origin(self, result):
        """An origin asked for and absent from the dataset is a 404 naming those it has,
        not an empty series that reads as "nobody"."""
        if result.rows or "origin" not in self.request.query_params:
            return result
        origins = (
            Observation.objects.for_dataset(result.dataset)
            .exclude(origin="")
            .order_by("origin")
            .values_list("origin", flat=True)
            .distinct()
        )
        message = _("No figures from %(origin)s in %(dataset)s. Origins: %(origins)s.") % {
            "origin": self.origin_param(),
            "dataset": result.dataset.slug,
            "origins": ", ".join(origins) or "\u2013",
        }
        raise NotFound(message)

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


@extend_schema(parameters=[DATASET_PARAM], responses=SERIES_RESPONSES)
class ArrivalsSeriesView(SeriesView):
    """Defector arrivals in South Korea per period, male, female and total, with the
    female share (computed). Spans such as 1999-2001 are single rows."""

    default_key = "arrivals"
    classifications = [Classification.DEFECTOR_ARRIVALS]
    query_parameters = ["dataset"]
    csv_filename = "arrivals-by-sex"

    def build(self, request):
        return series.arrivals_by_sex(self.get_dataset())


@extend_schema(parameters=[DATASET_PARAM, ORIGIN_PARAM], responses=SERIES_RESPONSES)
class UnhcrByYearSeriesView(SeriesView):
    """Refugees and asylum-seekers per year, each summed over countries of asylum
    (two measures, never added together); missing years are absent."""

    default_key = "unhcr"
    classifications = [Classification.UNHCR_POPULATIONS]
    query_parameters = ["dataset", "origin"]
    csv_filename = "unhcr-by-year"

    def build(self, request):
        return self.check_origin(
            series.unhcr_by_year(self.get_dataset(), origin=self.origin_param())
        )


@extend_schema(parameters=[DATASET_PARAM, YEAR_PARAM, ORIGIN_PARAM], responses=SERIES_RESPONSES)
class UnhcrByCountrySeriesView(SeriesView):
    """Refugees and asylum-seekers by country of asylum for one year."""

    default_key = "unhcr"
    classifications = [Classification.UNHCR_POPULATIONS]
    query_parameters = ["dataset", "year", "origin"]
    csv_filename = "unhcr-by-country"

    def build(self, request):
        year = self.int_param("year")
        result = series.unhcr_by_country(self.get_dataset(), year=year, origin=self.origin_param())
        return self.check_year(self.check_origin(result), year)


@extend_schema(parameters=[DATASET_PARAM, YEAR_PARAM, ORIGIN_PARAM], responses=SERIES_RESPONSES)
class EmigrantStockSeriesView(SeriesView):
    """Migrant stock by destination for one edition and one year."""

    default_key = "emigrant_stock"
    classifications = [Classification.MIGRANT_STOCK]
    query_parameters = ["dataset", "year", "origin"]
    csv_filename = "emigrant-stock"

    def build(self, request):
        year = self.int_param("year")
        result = series.emigrant_stock(self.get_dataset(), year=year, origin=self.origin_param())
        return self.check_year(self.check_origin(result), year)


@extend_schema(
    parameters=[
        DATASET_PARAM,
        OpenApiParameter(
            "dimension",
            str,
            enum=list(series.PROFILE_DIMENSIONS),
            description="Default age_band. Another value, or a dimension the dataset is not "
            "broken down by, is a 400 naming the accepted values.",
        ),
    ],
    responses=SERIES_RESPONSES,
)
class ProfileSeriesView(SeriesView):
    """The profile of arrivals by one dimension (cumulative, for one cut-off)."""

    default_key = "profile"
    classifications = [Classification.DEFECTOR_ARRIVALS, Classification.DEFECTOR_RESIDENTS]
    query_parameters = ["dataset", "dimension"]
    csv_filename = "profile"

    def build(self, request):
        dimension = request.query_params.get("dimension") or "age_band"
        if dimension not in series.PROFILE_DIMENSIONS:
            message = _("Unknown dimension. Accepted: %(accepted)s.") % {
                "accepted": ", ".join(series.PROFILE_DIMENSIONS)
            }
            raise ValidationError({"dimension": [message]})
        dataset = self.get_dataset()
        self.csv_filename = f"profile-{dimension}"
        result = series.arrival_profile(dataset, dimension=dimension)
        if not result.rows:  # never another table's figures under this dimension's name
            has = [d for d in dataset.breakdowns() if d in series.PROFILE_DIMENSIONS]
            message = _("%(dataset)s is not broken down by %(dimension)s. It has: %(has)s.") % {
                "dataset": dataset.slug,
                "dimension": dimension,
                "has": ", ".join(has) or "\u2013",
            }
            raise NotFound(message)
        return result
