from django.urls import path
from rest_framework.routers import SimpleRouter

from cases import api_views

app_name = "cases-api"

router = SimpleRouter()
router.register("events", api_views.EventViewSet, basename="event")
router.register("violations", api_views.ViolationViewSet, basename="violation")
router.register("testimonies", api_views.TestimonyViewSet, basename="testimony")
router.register("crossings", api_views.BorderCrossingViewSet, basename="bordercrossing")
router.register("violation-types", api_views.ViolationTypeViewSet)
router.register("places", api_views.PlaceViewSet)
router.register("facilities", api_views.FacilityViewSet)
router.register("organizations", api_views.OrganizationViewSet)

urlpatterns = [
    path("", api_views.CasesApiRoot.as_view(), name="root"),
    path("aggregates/", api_views.AggregatesView.as_view(), name="aggregates"),
    *router.urls,
]
