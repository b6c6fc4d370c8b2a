from django.urls import path
from rest_framework.routers import SimpleRouter

from public import api, api_proceedings

app_name = "cases-api"

# Everything here reads the published copy (public/api.py).
router = SimpleRouter()
router.register("events", api.EventViewSet, basename="event")
router.register("violations", api.ViolationViewSet, basename="violation")
router.register("testimonies", api.TestimonyViewSet, basename="testimony")
router.register("crossings", api.BorderCrossingViewSet, basename="bordercrossing")
router.register("violation-types", api.ViolationTypeViewSet, basename="violationtype")
router.register("places", api.PlaceViewSet, basename="place")
router.register("facilities", api.FacilityViewSet, basename="facility")
router.register("organizations", api.OrganizationViewSet, basename="organization")
router.register("proceedings", api_proceedings.ProceedingViewSet, basename="proceeding")

urlpatterns = [
    path("", api.CasesApiRoot.as_view(), name="root"),
    path("aggregates/", api.AggregatesView.as_view(), name="aggregates"),
    path("proceedings/counts/", api.ProceedingCountsView.as_view(), name="proceeding-counts"),
    *router.urls,
]
