from django.urls import path

from cases import views
from public import views as public_views

app_name = "cases"

urlpatterns = [
    path("", public_views.case_search, name="search"),
    path("counts/", views.counts, name="counts"),
    path("events/<str:code>/", views.event_detail, name="event"),
    path("violations/<str:code>/", views.violation_detail, name="violation"),
    path("testimonies/<str:code>/", views.testimony_detail, name="testimony"),
    path("crossings/<str:code>/", views.crossing_detail, name="crossing"),
]
