from django.urls import path

from public import pages
from public import views as public_views

# The names keep the "cases" namespace of the addresses they serve.
app_name = "cases"

# The search, the case pages and the counts read the published copy.
urlpatterns = [
    path("", public_views.case_search, name="search"),
    path("counts/", pages.counts, name="counts"),
    path("events/<str:code>/", pages.event_detail, name="event"),
    path("violations/<str:code>/", pages.violation_detail, name="violation"),
    path("testimonies/<str:code>/", pages.testimony_detail, name="testimony"),
    path("crossings/<str:code>/", pages.crossing_detail, name="crossing"),
]
