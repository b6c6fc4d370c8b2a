from django.urls import path

from stats import map_views, views

app_name = "stats"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("arrivals/", views.arrivals, name="arrivals"),
    path("profile/", views.profile, name="profile"),
    path("refugees/", views.unhcr, name="unhcr"),
    path("emigrant-stock/", views.emigrant_stock, name="emigrant-stock"),
    path("about/", views.about, name="about"),
    path("maps/", map_views.provinces_page, name="maps-provinces"),
    path("maps/flows/", map_views.flows_page, name="maps-flows"),
]
