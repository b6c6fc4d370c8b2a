from django.urls import path
from rest_framework.routers import SimpleRouter

from cases import api_views
from public import api

app_name = "cases-api"

# The lists and records read the published copy (public/api.py); the root and the
# counts are still served from the private database's public records.
router = SimpleRouter()
router.register("events", api.EventViewSet, basename="event")
router.register("violations", api.ViolationViewSet, basename="violation")
router.register("testimonies", api.TestimonyViewSet, basename="testimony")
router.register("crossings", api.BorderCrossingViewSet, basename="bordercrossing")
router.register("violation-types", api.ViolationTypeViewSet, basename="violationtype")
router.register("places", api.PlaceViewSet, basename="place")
router.register("facilities", api.FacilityViewSet, basename="facility")
router.register("organizations", api.OrganizationViewSet, basename="organization")

urlpatterns = [
    path("", api_views.CasesApiRoot.as_view(), name="root"),
    path("aggregates/", api_views.AggregatesView.as_view(), name="aggregates"),
    *router.urls,
]
