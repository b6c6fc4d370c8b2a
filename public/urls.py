from django.urls import path

from public import facilities, individuals, pages, perpetrators, proceedings
from public import views as public_views

# The names keep the "cases" namespace of the addresses they serve.
app_name = "cases"

# The search, the case pages and the counts read the published copy.
urlpatterns = [
    path("", public_views.case_search, name="search"),
    path("counts/", pages.counts, name="counts"),
    path("events/<str:code>/", pages.event_detail, name="event"),
    path("events/<str:code>/pdf/", pages.event_pdf, name="event-pdf"),
    path("violations/<str:code>/", pages.violation_detail, name="violation"),
    path("testimonies/<str:code>/", pages.testimony_detail, name="testimony"),
    path("testimonies/<str:code>/pdf/", pages.testimony_pdf, name="testimony-pdf"),
    path("crossings/<str:code>/", pages.crossing_detail, name="crossing"),
    path("crossings/<str:code>/pdf/", pages.crossing_pdf, name="crossing-pdf"),
    # Facilities and perpetrator organizations, from the reference lists and the
    # records the copy keys to them.
    path("facilities/", facilities.facility_index, name="facilities"),
    path("facilities/<str:code>/", facilities.facility_detail, name="facility"),
    path("perpetrators/", perpetrators.organization_index, name="perpetrators"),
    path("perpetrators/<str:code>/", perpetrators.organization_detail, name="perpetrator"),
    # Individuals, named only after a reviewer's decision (public/individuals.py).
    path(
        "perpetrators/persons/<str:code>/",
        individuals.individual_detail,
        name="perpetrator-person",
    ),
    # Submissions to UN mechanisms and courts, counted by forum and outcome.
    path("proceedings/", proceedings.proceeding_index, name="proceedings"),
    path("proceedings/<str:code>/", proceedings.proceeding_detail, name="proceeding"),
]
