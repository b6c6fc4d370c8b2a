"""Reference data: places, violation types, organizations, sources, facilities."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cases import reference_proposals
from cases.admin.attachments import ATTACHMENT_INLINES
from cases.admin.logs import warn_of_held_names
from cases.models import (
    Facility,
    Organization,
    Place,
    Source,
    ViolationType,
)
from cases.names import romanize, skeleton


class AwaitingApprovalFilter(admin.SimpleListFilter):
    title = _("approval")
    parameter_name = "approval"

    def lookups(self, request, model_admin):
        return [("awaiting", _("awaiting approval")), ("approved", _("approved"))]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset.filter(approved=False)
        if self.value() == "approved":
            return queryset.filter(approved=True)
        return queryset


class ProposableAdmin(SimpleHistoryAdmin):
    """Researchers propose rows and change their own proposals; reviewers approve
    them (cases/reference_proposals.py)."""

    readonly_fields = ("approved", "proposed_by", "approved_by", "approved_at")
    actions = ["approve"]

    @admin.display(description=_("English name"), ordering="name_en")
    def shown_name(self, obj):
        return obj.marked(obj.name_en)

    def get_search_results(self, request, queryset, search_term):
        """Also a Latin term as the names sound in any romanization: Hamgyong and
        Hamkyŏng find 함경북도 (the tables hold hundreds of rows, read at once)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = skeleton(search_term)
        if len(term) < 3 or not term.isascii():  # Hangul: the database search above
            return found, duplicates
        sounding = [
            pk
            for pk, *names in queryset.values_list("pk", "name_ko", "name_en", "aliases")
            if any(term in skeleton(romanize(name)) for name in names)
        ]
        return found | queryset.filter(pk__in=sounding), duplicates

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or reference_proposals.may_change(request.user, obj))

    def has_approve_permission(self, request):
        return reference_proposals.may_approve(request.user, self.model)

    def save_model(self, request, obj, form, change):
        if change and not reference_proposals.may_change(request.user, obj):
            raise PermissionDenied
        reference_proposals.mark_proposed(obj, by=request.user)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Approve the selected proposals"), permissions=["approve"])
    def approve(self, request, queryset):
        approved = 0
        for row in queryset.filter(approved=False):
            try:
                reference_proposals.reference_approve(record=row, by=request.user)
                approved += 1
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
        self.message_user(request, _("Approved: %(count)d.") % {"count": approved})


class PlaceForm(forms.ModelForm):
    proposing = False  # set by PlaceAdmin for a user who may not approve

    def clean(self):
        data = super().clean()
        if self.proposing and data.get("level") not in (Place.Level.COUNTY, Place.Level.LOCALITY):
            message = _("Propose a county, city or locality, under its province.")
            self.add_error("level", message)
        elif self.proposing and not data.get("parent"):
            self.add_error("parent", _("Say which province or county it lies in."))
        return data


@admin.register(Place)
class PlaceAdmin(ProposableAdmin):
    form = PlaceForm

    list_display = ("code", "shown_name", "name_ko", "level", "parent", "location_precision")
    list_filter = (AwaitingApprovalFilter, "level", "location_precision")
    search_fields = ("code", "name_en", "name_ko", "aliases", "iso_alpha3")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.proposing = not reference_proposals.may_approve(request.user, Place)
        return form


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
class FacilityAdmin(ProposableAdmin):
    list_display = (
        "code",
        "shown_name",
        "name_ko",
        "kind",
        "place",
        "location_precision",
        "status",
    )
    list_filter = (AwaitingApprovalFilter, "kind", "status", "location_precision")
    search_fields = ("code", "name_en", "name_ko", "aliases")
    list_select_related = ("place",)
    autocomplete_fields = ("place", "source")
