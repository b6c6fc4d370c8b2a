from django.urls import path
from rest_framework.routers import SimpleRouter

from stats import api_views, map_views

app_name = "stats-api"

router = SimpleRouter()
router.register("datasets", api_views.DatasetViewSet)
router.register("observations", api_views.ObservationViewSet)

urlpatterns = [
    path("", api_views.StatsApiRoot.as_view(), name="root"),
    path("series/arrivals/", api_views.ArrivalsSeriesView.as_view(), name="series-arrivals"),
    path(
        "series/unhcr-by-year/",
        api_views.UnhcrByYearSeriesView.as_view(),
        name="series-unhcr-by-year",
    ),
    path(
        "series/unhcr-by-country/",
        api_views.UnhcrByCountrySeriesView.as_view(),
        name="series-unhcr-by-country",
    ),
    path(
        "series/emigrant-stock/",
        api_views.EmigrantStockSeriesView.as_view(),
        name="series-emigrant-stock",
    ),
    path("series/profile/", api_views.ProfileSeriesView.as_view(), name="series-profile"),
    path("maps/provinces/", map_views.ProvinceMapView.as_view(), name="maps-provinces"),
    path("maps/flows/", map_views.FlowMapView.as_view(), name="maps-flows"),
    path("maps/boundaries/<slug:name>/", map_views.boundaries, name="maps-boundaries"),
    path(
        "datasets/<slug:slug>/datapackage.json",
        api_views.DatasetViewSet.as_view(
            {"get": "datapackage"}, renderer_classes=[api_views.JSONRenderer]
        ),
        name="dataset-datapackage",
    ),
    path(
        "datasets/<slug:slug>/observations.csv",
        api_views.DatasetViewSet.as_view({"get": "observations_csv"}),
        name="dataset-observations-csv",
    ),
    *router.urls,
]
