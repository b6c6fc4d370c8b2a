"""The staff API: read-only access for staff tools (a reviewer's script), by token.

- DRF tokens only (issued in the admin or with `manage.py drf_create_token`, deleted
  by "log out everywhere"); anonymous and session-only requests get 401.
- Each endpoint needs the model's `view_` permission (the roles, `cases/roles.py`)
  and a staff account; it shows every workflow status.
- Restricted and confidential records, and the transcripts of sensitive testimonies
  (consent withdrawn included), only for custodians (`cases/access.py`, the rules
  shared with the admin).
- No identity endpoint and no identity field: identities are read in the admin,
  where each read is logged.
- Paginated, a constant number of queries per page, throttled per user
  (`API_STAFF_RATE`).
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import viewsets
from rest_framework.authentication import TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import UserRateThrottle

from cases import staff_serializers as s
from cases.access import staff_api_records
from cases.models import BorderCrossing, CrossingLeg, Event, Person, Testimony, Violation
from core.throttling import AnnouncedRateMixin

app_name = "staff-api"


class StaffRateThrottle(AnnouncedRateMixin, UserRateThrottle):
    """Per user (by token), at the rate `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["staff"]`."""

    scope = "staff"


def staff_account(user):
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def view_permission(model):
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


class CanViewModel(BasePermission):
    """An active staff account holding `cases.view_<model>` (from its role)."""

    def has_permission(self, request, view):
        user = request.user
        return staff_account(user) and user.has_perm(view_permission(view.queryset.model))


class CanViewAnyModel(BasePermission):
    """The staff schema: an active staff account that may read at least one endpoint."""

    def has_permission(self, request, view):
        user = request.user
        models = [viewset.queryset.model for _prefix, viewset, _name in router.registry]
        return staff_account(user) and any(user.has_perm(view_permission(m)) for m in models)


class StaffPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def documented(noun):
    return extend_schema_view(
        list=extend_schema(
            tags=["staff"],
            summary=f"Staff: list {noun} (token; scoped by role)",
            description=(
                "Every workflow status. Restricted and confidential records, and "
                "transcripts of sensitive testimonies, for custodians only."
            ),
        ),
        retrieve=extend_schema(tags=["staff"], summary=f"Staff: one of the {noun}, by code"),
    )


class StaffViewSet(viewsets.ReadOnlyModelViewSet):
    authentication_classes = [TokenAuthentication]
    permission_classes = [CanViewModel]
    throttle_classes = [StaffRateThrottle]
    renderer_classes = [JSONRenderer]
    pagination_class = StaffPagination
    lookup_field = "code"
    filterset_fields = ["status", "confidentiality", "is_synthetic"]

    def base_queryset(self):
        return self.queryset

    def get_queryset(self):
        return staff_api_records(self.base_queryset(), self.request.user).order_by("code")


@documented("persons")
class PersonViewSet(StaffViewSet):
    queryset = Person.objects.all()
    serializer_class = s.StaffPersonSerializer

    def base_queryset(self):
        return Person.objects.select_related("origin_place")


@documented("testimonies")
class TestimonyViewSet(StaffViewSet):
    queryset = Testimony.objects.all()
    serializer_class = s.StaffTestimonySerializer

    def base_queryset(self):
        return Testimony.objects.select_related("interviewee")


@documented("events")
class EventViewSet(StaffViewSet):
    queryset = Event.objects.all()
    serializer_class = s.StaffEventSerializer

    def base_queryset(self):
        return Event.objects.select_related("place", "facility")


@documented("violations")
class ViolationViewSet(StaffViewSet):
    queryset = Violation.objects.all()
    serializer_class = s.StaffViolationSerializer

    def base_queryset(self):
        return Violation.objects.select_related(
            "event", "violation_type", "victim", "place", "facility"
        )


@documented("border crossings")
class BorderCrossingViewSet(StaffViewSet):
    queryset = BorderCrossing.objects.all()
    serializer_class = s.StaffBorderCrossingSerializer

    def base_queryset(self):
        legs = CrossingLeg.objects.select_related("country").order_by("order")
        return BorderCrossing.objects.select_related(
            "person",
            "testimony__interviewee",
            "departure_place",
            "crossing_place",
            "settlement_place",
        ).prefetch_related(Prefetch("legs", legs))


router = SimpleRouter()
router.register("persons", PersonViewSet, basename="person")
router.register("testimonies", TestimonyViewSet, basename="testimony")
router.register("events", EventViewSet, basename="event")
router.register("violations", ViolationViewSet, basename="violation")
router.register("crossings", BorderCrossingViewSet, basename="bordercrossing")

urlpatterns = router.urls


class StaffSchemaView(SpectacularAPIView):
    """The staff API's OpenAPI schema (`/api/staff/schema/`), for the staff API's readers.

    The public schema (`/api/schema/`) leaves the staff API out: each view is given
    its own URL patterns (`nkdb/urls.py`), not a settings patch, which would be
    shared with concurrent requests in other threads.
    """

    authentication_classes = [TokenAuthentication]
    permission_classes = [CanViewAnyModel]
    throttle_classes = [StaffRateThrottle]
