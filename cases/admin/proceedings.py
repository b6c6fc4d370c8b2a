"""Proceedings and interventions: the submissions to UN mechanisms and courts, with
the persons, events and sources they concern as parts edited under them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.admin.base import PUBLICATION_FIELDS, GuardedInline, RecordAdmin
from cases.models import Proceeding, ProceedingEvent, ProceedingPerson, ProceedingSource


class ProceedingPersonInline(GuardedInline, admin.TabularInline):
    """The proceeding is public only while every person here is public."""

    model = ProceedingPerson
    extra = 0
    autocomplete_fields = ("person",)
    fields = ("person",)


class ProceedingEventInline(GuardedInline, admin.TabularInline):
    model = ProceedingEvent
    extra = 0
    autocomplete_fields = ("event",)
    fields = ("event",)


class ProceedingSourceInline(GuardedInline, admin.TabularInline):
    model = ProceedingSource
    extra = 0
    autocomplete_fields = ("source",)
    fields = ("source", "notes")


@admin.register(Proceeding)
class ProceedingAdmin(RecordAdmin):
    list_display = (
        "code",
        "forum",
        "kind",
        "submitted_on",
        "outcome",
        "outcome_on",
        *PUBLICATION_FIELDS,
    )
    list_filter = ("forum", "outcome", "kind", "status", "confidentiality", "is_synthetic")
    search_fields = ("code", "un_reference", "submitted_by", "person_links__person__code")
    inlines = (ProceedingPersonInline, ProceedingEventInline, ProceedingSourceInline)
    fieldsets = (
        (None, {"fields": ("code", ("forum", "kind"), "submitted_by")}),
        (
            _("Dates and outcome"),
            {
                "fields": (
                    ("submitted_on", "submitted_on_precision"),
                    "outcome",
                    ("outcome_on", "outcome_on_precision"),
                    ("un_reference", "un_reference_public"),
                )
            },
        ),
        (_("Text"), {"fields": ("summary_ko", "summary_en", "notes")}),
        (_("Publication"), {"fields": PUBLICATION_FIELDS}),
    )

    # Entered one by one: no spreadsheet import or export (cases/resources.py).
    def has_import_permission(self, request):
        return False

    def has_export_permission(self, request):
        return False
