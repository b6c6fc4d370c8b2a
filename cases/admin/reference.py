"""Reference data: places, violation types, organizations, sources, facilities."""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cases.admin.attachments import ATTACHMENT_INLINES
from cases.admin.logs import warn_of_held_names
from cases.models import (
    Facility,
    Organization,
    Place,
    Source,
    ViolationType,
)


@admin.register(Place)
class PlaceAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_en", "name_ko", "level", "parent", "location_precision")
    list_filter = ("level", "location_precision")
    search_fields = ("code", "name_en", "name_ko", "aliases", "iso_alpha3")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(ViolationType)
class ViolationTypeAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_en", "name_ko", "right_affected", "crime_against_humanity")
    list_filter = ("crime_against_humanity", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name_en", "name_ko")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_en", "name_ko", "country", "kind", "parent")
    list_filter = ("country", "kind")
    search_fields = ("code", "name_en", "name_ko", "aliases")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    """The internal description (title) for staff; the public citation, with the
    publisher, year and address, for the public (Source.public_reference)."""

    list_display = (
        "code",
        "title",
        "public_citation",
        "kind",
        "publisher",
        "published_year",
        "is_public_document",
        "is_synthetic",
    )
    list_filter = ("kind", "is_public_document", "is_synthetic")
    search_fields = ("code", "title", "public_citation", "publisher")
    readonly_fields = ("code",)
    inlines = ATTACHMENT_INLINES
    fieldsets = (
        (None, {"fields": ("code", "kind", "title", "language", "is_synthetic")}),
        (
            _("What the public sees"),
            {
                "fields": (
                    "is_public_document",
                    "public_citation",
                    "publisher",
                    "published_year",
                    "url",
                ),
                "description": _(
                    "Only a public document with a public citation is named on the public "
                    "site; any other source is shown by its kind alone."
                ),
            },
        ),
    )
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }

    def save_model(self, request, obj, form, change):
        warn_of_held_names(self, request, obj, form)  # a recording titled with a name
        super().save_model(request, obj, form, change)


@admin.register(Facility)
class FacilityAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_en", "name_ko", "kind", "place", "location_precision", "status")
    list_filter = ("kind", "status", "location_precision")
    search_fields = ("code", "name_en", "name_ko", "aliases")
    list_select_related = ("place",)
    autocomplete_fields = ("place", "source")
