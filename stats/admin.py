from django.contrib import admin

from stats.models import Dataset, Observation


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["slug", "publisher", "title", "edition", "classification"]
    list_filter = ["classification", "publisher"]
    search_fields = ["slug", "title", "edition", "publisher"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = [
        "dataset", "measure", "period_label", "origin", "destination", "sex", "value", "status",
    ]  # fmt: skip
    list_filter = ["dataset", "measure", "status", "sex"]
    list_select_related = ["dataset"]
    search_fields = ["period_label", "origin", "destination", "destination_name", "note"]
    raw_id_fields = ["dataset"]
