from django.urls import path

from cases import views
from public import pages

app_name = "cases"

urlpatterns = [
    path("", views.case_search, name="search"),
    path("counts/", views.counts, name="counts"),
    path("events/<str:code>/", pages.event_detail, name="event"),
    path("violations/<str:code>/", pages.violation_detail, name="violation"),
    path("testimonies/<str:code>/", pages.testimony_detail, name="testimony"),
    path("crossings/<str:code>/", pages.crossing_detail, name="crossing"),
]
