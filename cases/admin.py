from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cases.models import (
    BorderCrossing,
    CrossingLeg,
    Event,
    Facility,
    Information,
    Involvement,
    Organization,
    Person,
    Place,
    Source,
    Testimony,
    Violation,
    ViolationType,
)

PUBLICATION_FIELDS = ("status", "confidentiality", "is_synthetic")
PERIOD_FIELDS = (("start_date", "start_precision"), ("end_date", "end_precision"))


class RecordAdmin(SimpleHistoryAdmin):
    """Versioned records: a history view with diffs and revert on every change page."""

    readonly_fields = ("code", "created_at", "updated_at")
    list_per_page = 50
    show_full_result_count = False


@admin.register(Place)
class PlaceAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_en", "name_ko", "level", "parent", "location_precision")
    list_filter = ("level", "location_precision")
    search_fields = ("code", "name_en", "name_ko", "iso_alpha3")
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
    list_display = ("code", "title", "kind", "publisher", "published_year", "is_synthetic")
    list_filter = ("kind", "is_public_document", "is_synthetic")
    search_fields = ("code", "title", "publisher")
    readonly_fields = ("code",)
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }


@admin.register(Facility)
class FacilityAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_en", "name_ko", "kind", "place", "location_precision", "status")
    list_filter = ("kind", "status", "location_precision")
    search_fields = ("code", "name_en", "name_ko", "aliases")
    list_select_related = ("place",)
    autocomplete_fields = ("place", "source")


@admin.register(Person)
class PersonAdmin(RecordAdmin):
    list_display = ("code", "pseudonym", "sex", "birth_year", "origin_place", *PUBLICATION_FIELDS)
    list_filter = ("status", "confidentiality", "sex", "is_synthetic")
    search_fields = ("code", "pseudonym")
    list_select_related = ("origin_place",)
    autocomplete_fields = ("origin_place",)
    fieldsets = (
        (
            None,
            {"fields": ("code", "pseudonym", "sex", ("birth_year", "birth_year_is_approximate"))},
        ),
        (
            _("Life in the North"),
            {"fields": ("origin_place", "occupation_in_north", "education_in_north", "is_alive")},
        ),
        (_("Publication"), {"fields": (*PUBLICATION_FIELDS, "notes")}),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )


class InformationInline(admin.TabularInline):
    model = Information
    extra = 0
    autocomplete_fields = ("testimony", "source", "event", "violation")
    fields = ("testimony", "source", "event", "violation", "knowledge", "reliability")


@admin.register(Testimony)
class TestimonyAdmin(RecordAdmin):
    list_display = (
        "code",
        "title_ko",
        "title_en",
        "interviewee",
        "interview_date",
        "consent_scope",
        *PUBLICATION_FIELDS,
    )
    list_filter = ("status", "consent_scope", "confidentiality", "language", "is_synthetic")
    search_fields = ("code", "title_en", "title_ko", "interviewee__code", "interviewee__pseudonym")
    list_select_related = ("interviewee",)
    autocomplete_fields = ("interviewee",)
    date_hierarchy = "interview_date"
    inlines = (InformationInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    "interviewee",
                    ("interviewer", "interview_date"),
                    ("interview_country", "language"),
                    "knowledge",
                )
            },
        ),
        (_("Period covered"), {"fields": PERIOD_FIELDS}),
        (
            _("Text"),
            {
                "fields": (
                    ("title_ko", "title_en"),
                    "public_summary_ko",
                    "public_summary_en",
                    "transcript",
                )
            },
        ),
        (
            _("Consent"),
            {
                "fields": (
                    "consent_scope",
                    ("consent_given_on", "consent_method"),
                    "consent_withdrawn_on",
                )
            },
        ),
        (_("Publication"), {"fields": PUBLICATION_FIELDS}),
    )


class ViolationInline(admin.TabularInline):
    model = Violation
    extra = 0
    show_change_link = True
    autocomplete_fields = ("violation_type", "victim", "place", "facility")
    fields = ("violation_type", "victim", "victim_age", "start_date", "start_precision", "status")


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ("code", "title_ko", "title_en", "earliest_date", "place", *PUBLICATION_FIELDS)
    list_filter = ("status", "confidentiality", "is_synthetic", "start_precision")
    search_fields = ("code", "title_en", "title_ko")
    list_select_related = ("place",)
    autocomplete_fields = ("place", "facility")
    inlines = (ViolationInline, InformationInline)
    fieldsets = (
        (None, {"fields": ("code", ("title_ko", "title_en"), "description_ko", "description_en")}),
        (_("When and where"), {"fields": (*PERIOD_FIELDS, "place", "facility")}),
        (_("Publication"), {"fields": PUBLICATION_FIELDS}),
    )


class InvolvementInline(admin.TabularInline):
    model = Involvement
    extra = 1
    autocomplete_fields = ("perpetrator_person", "perpetrator_organization")


@admin.register(Violation)
class ViolationAdmin(RecordAdmin):
    list_display = (
        "code",
        "violation_type",
        "event",
        "victim",
        "earliest_date",
        *PUBLICATION_FIELDS,
    )
    list_filter = ("status", "confidentiality", "is_synthetic", "violation_type__parent")
    search_fields = ("code", "event__code", "victim__code", "victim__pseudonym")
    list_select_related = ("violation_type", "event", "victim")
    autocomplete_fields = ("event", "violation_type", "victim", "place", "facility")
    inlines = (InvolvementInline, InformationInline)
    fieldsets = (
        (None, {"fields": ("code", "event", "violation_type", ("victim", "victim_age"))}),
        (_("When and where"), {"fields": (*PERIOD_FIELDS, "place", "facility")}),
        (_("Description"), {"fields": ("description_ko", "description_en")}),
        (_("Publication"), {"fields": PUBLICATION_FIELDS}),
    )


@admin.register(Involvement)
class InvolvementAdmin(SimpleHistoryAdmin):
    list_display = ("violation", "perpetrator_person", "perpetrator_organization", "degree")
    list_filter = ("degree",)
    search_fields = (
        "violation__code",
        "perpetrator_person__code",
        "perpetrator_organization__name_en",
    )
    list_select_related = (
        "violation__violation_type",
        "perpetrator_person",
        "perpetrator_organization",
    )
    autocomplete_fields = ("violation", "perpetrator_person", "perpetrator_organization")


@admin.register(Information)
class InformationAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "knowledge", "reliability")
    list_filter = ("knowledge", "reliability")
    search_fields = ("testimony__code", "source__title", "event__code", "violation__code")
    list_select_related = ("testimony", "source", "event", "violation__violation_type")
    autocomplete_fields = ("testimony", "source", "event", "violation")


class CrossingLegInline(admin.TabularInline):
    model = CrossingLeg
    extra = 1
    autocomplete_fields = ("country",)
    fields = ("order", "country", "entered_on", "entered_on_precision", "what_happened", "notes")


@admin.register(BorderCrossing)
class BorderCrossingAdmin(RecordAdmin):
    list_display = (
        "code",
        "person",
        "crossing_date",
        "crossing_point",
        "outcome",
        "settlement_place",
        *PUBLICATION_FIELDS,
    )
    list_filter = ("outcome", "status", "confidentiality", "broker", "is_synthetic")
    search_fields = ("code", "person__code", "person__pseudonym", "crossing_point")
    list_select_related = ("person", "settlement_place")
    autocomplete_fields = (
        "person",
        "testimony",
        "departure_place",
        "crossing_place",
        "settlement_place",
    )
    inlines = (CrossingLegInline,)
    fieldsets = (
        (None, {"fields": ("code", "person", "testimony")}),
        (
            _("Crossing"),
            {
                "fields": (
                    "departure_place",
                    ("crossing_date", "crossing_date_precision"),
                    ("crossing_point", "crossing_place"),
                    "broker",
                )
            },
        ),
        (
            _("Outcome"),
            {"fields": ("outcome", ("arrival_date", "arrival_date_precision"), "settlement_place")},
        ),
        (_("Description"), {"fields": ("description_ko", "description_en")}),
        (_("Publication"), {"fields": PUBLICATION_FIELDS}),
    )


@admin.register(CrossingLeg)
class CrossingLegAdmin(SimpleHistoryAdmin):
    list_display = ("crossing", "order", "country", "what_happened")
    list_filter = ("what_happened",)
    search_fields = ("crossing__code",)
    list_select_related = ("crossing", "country")
    autocomplete_fields = ("crossing", "country")
