"""The case records and their inlines: persons, testimonies, events, violations,
border crossings, and their parts."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from cases import intake, merging, roles, services
from cases.access import is_sensitive, sees_restricted
from cases.admin import intake as intake_page
from cases.admin import printing
from cases.admin.attachments import ATTACHMENT_INLINES
from cases.admin.base import (
    PERIOD_FIELDS,
    PUBLICATION_FIELDS,
    GuardedInline,
    PartAdmin,
    RecordAdmin,
    VersionedForm,
)
from cases.admin.duplicates import PersonDuplicatesMixin
from cases.models import (
    BorderCrossing,
    ConsentScope,
    CrossingLeg,
    Event,
    EventRelation,
    Information,
    Involvement,
    Person,
    PersonRelation,
    Testimony,
    TestimonySource,
    Violation,
    WorkflowStatus,
)
from cases.naming import may_name
from cases.vault import can_deposit_identities


class PersonForm(VersionedForm):
    viewer = None  # the user, set by PersonAdmin.get_form
    not_a_duplicate = forms.BooleanField(
        label=_("Not a duplicate"),
        required=False,
        help_text=_("Tick after checking the possible duplicates listed above."),
    )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk or cleaned.get("not_a_duplicate"):
            return cleaned
        similar = merging.similar_persons(
            pseudonym=cleaned.get("pseudonym"),
            visible_to=self.viewer,
            birth_year=cleaned.get("birth_year"),
            origin_place=cleaned.get("origin_place"),
        )
        if similar:
            names = "; ".join(
                f"{person.code} {person.pseudonym} ({person.birth_year or '?'}, "
                f"{person.origin_place or '?'})"
                for person in similar
            )
            raise ValidationError(
                _(
                    "This person may already be recorded: %(names)s. Use the existing record, "
                    "or tick “Not a duplicate” to save anyway."
                )
                % {"names": names},
                code="possible_duplicate",
            )
        return cleaned


class IncomingRelationsInline(GuardedInline, admin.TabularInline):
    """The relations other records name this one in, to read: each is changed on the
    record that names it."""

    fk_name = "other"
    extra = 0
    fields = ("named_by", "kind", "notes")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("named by"))
    def named_by(self, relation):
        named = relation.person if isinstance(relation, PersonRelation) else relation.event
        return str(named)


class OutgoingRelationsInline(GuardedInline, admin.TabularInline):
    """The relations this record names (its `fk_name`) to another record."""

    extra = 0
    autocomplete_fields = ("other",)
    fields = ("kind", "other", "notes")


class PersonRelationInline(OutgoingRelationsInline):
    """Links between persons (family, held together): never published, and shown only
    to whom may open both persons (cases.access.PART_LINKS)."""

    model = PersonRelation
    fk_name = "person"


class PersonRelatedFromInline(IncomingRelationsInline):
    model = PersonRelation
    verbose_name_plural = _("persons who name this one")


@admin.register(Person)
class PersonAdmin(PersonDuplicatesMixin, RecordAdmin):
    inlines = (PersonRelationInline, PersonRelatedFromInline)
    form = PersonForm
    list_display = ("code", "pseudonym", "sex", "birth_year", "origin_place", *PUBLICATION_FIELDS)
    list_filter = ("status", "confidentiality", "sex", "is_synthetic")
    search_fields = ("code", "pseudonym")
    list_select_related = ("origin_place",)
    autocomplete_fields = ("origin_place",)
    change_list_template = "admin/cases/person/change_list.html"
    actions = (*RecordAdmin.actions, "merge_persons")
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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": (*options["fields"], "not_a_duplicate")}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"viewer": request.user})

    def has_merge_permission(self, request):
        return request.user.has_perm(roles.MERGE_PERSON)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        if can_deposit_identities(request.user) and object_id.isdigit():
            context["identity_deposit_url"] = reverse(
                "admin:cases_identity_deposit", args=[object_id]
            )
        if may_name(request.user) and object_id.isdigit():
            context["naming_url"] = reverse(
                "admin:cases_perpetratornaming_approve", args=[object_id]
            )
        return super().change_view(request, object_id, form_url, context)

    @admin.action(description=_("Merge two selected persons"), permissions=["merge"])
    def merge_persons(self, request, queryset):
        """To the side-by-side page of the two (cases/admin/duplicates.py)."""
        persons = list(queryset.order_by("pk").values_list("pk", flat=True)[:3])
        if len(persons) != 2:
            self.message_user(request, _("Select exactly two persons to merge."), messages.ERROR)
            return None
        return HttpResponseRedirect(reverse("admin:cases_person_merge", args=persons))


class InformationInline(GuardedInline, admin.TabularInline):
    model = Information
    extra = 0
    autocomplete_fields = ("testimony", "source", "event", "violation")
    fields = ("testimony", "source", "event", "violation", "knowledge", "reliability")


class TestimonySourceInline(GuardedInline, admin.TabularInline):
    """The sources the testimony rests on: its recording, transcript, a ruling."""

    model = TestimonySource
    extra = 0
    autocomplete_fields = ("source",)
    fields = ("source", "notes")


class BorderCrossingInline(GuardedInline, admin.StackedInline):
    """The interviewee's crossing, entered with the testimony; the person is filled in."""

    model = BorderCrossing
    fk_name = "testimony"
    extra = 0
    show_change_link = True
    autocomplete_fields = ("departure_place", "crossing_place", "settlement_place")
    fields = (
        ("departure_place", "crossing_place", "crossing_point"),
        ("crossing_date", "crossing_date_precision", "broker"),
        ("outcome", "arrival_date", "arrival_date_precision", "settlement_place"),
    )


BUNDLE_STEPS = {"submit_bundle": intake.bundle_submit, "publish_bundle": intake.bundle_publish}


class ConsentForm(forms.Form):
    """The consent the witness gave, recorded through the workflow (the change form
    shows it read-only once the testimony exists)."""

    consent_scope = forms.ChoiceField(label=_("consent"), choices=ConsentScope.choices)
    consent_given_on = forms.DateField(
        label=_("consent given on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    consent_method = forms.CharField(
        label=_("how consent was given"), required=False, max_length=200
    )


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
    change_list_template = "admin/cases/testimony/change_list.html"
    inlines = (
        InformationInline,
        TestimonySourceInline,
        BorderCrossingInline,
        *ATTACHMENT_INLINES,
    )
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

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "consent_withdrawn_on"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or sees_restricted(request.user) or not is_sensitive(obj):
            return fieldsets
        return [
            (name, {**options, "fields": tuple(f for f in options["fields"] if f != "transcript")})
            for name, options in fieldsets
        ]

    def history_fields(self, request, current):
        # Stricter than the page: an old transcript may predate a restriction.
        fields = super().history_fields(request, current)
        return fields if sees_restricted(request.user) else fields - {"transcript"}

    def get_changeform_initial_data(self, request):
        return {
            "interview_country": "KR",
            "interviewer": request.user.get_full_name() or request.user.get_username(),
            **super().get_changeform_initial_data(request),
        }

    def save_formset(self, request, form, formset, change):
        if formset.model is BorderCrossing:
            for crossing in formset.save(commit=False):
                crossing.person = form.instance.interviewee
                crossing._history_user = request.user
                crossing.save()
            for crossing in formset.deleted_objects:
                crossing.delete()
            return
        super().save_formset(request, form, formset, change)

    def run_workflow_action(self, request, record, action, comment):
        if action == "consent":
            form = ConsentForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    [
                        f"{form.fields[name].label}: {' '.join(errors)}"
                        for name, errors in form.errors.items()
                    ]
                )
            return services.testimony_set_consent(
                testimony=record, by=request.user, **form.cleaned_data
            )
        if action in BUNDLE_STEPS:
            codes = BUNDLE_STEPS[action](testimony=record, by=request.user, comment=comment)
            self.message_user(
                request, _("Moved with the bundle: %(codes)s.") % {"codes": ", ".join(codes)}
            )
            return codes
        if action != "withdraw":
            return super().run_workflow_action(request, record, action, comment)
        field = forms.DateField(label=_("consent withdrawn on"))
        withdrawn_on = field.clean(request.POST.get("withdrawn_on"))
        return services.testimony_withdraw_consent(
            testimony=record, withdrawn_on=withdrawn_on, by=request.user, comment=comment
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, unquote(object_id))
        context = {
            "can_withdraw_consent": request.user.has_perm(roles.WITHDRAW_CONSENT),
            "consent_form": ConsentForm(
                initial={name: getattr(record, name) for name in services.CONSENT_FIELDS}
            )
            if record is not None
            and record.status in (WorkflowStatus.DRAFT, WorkflowStatus.RETURNED)
            and not record.consent_withdrawn_on
            and self.has_change_permission(request, record)
            else None,
            "print_url": reverse("admin:cases_testimony_print", args=[record.pk])
            if record is not None
            else "",
            # The whole bundle (cases.intake.bundle_records), each record by its own step.
            "bundle": self.bundle_steps(request, record),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def bundle_steps(self, request, record):
        if record is None:
            return None
        steps = {
            "can_submit": self.has_change_permission(request, record),
            "can_publish": request.user.has_perm(roles.REVIEW),
        }
        return steps if any(steps.values()) else None

    def get_urls(self):
        printed = path(
            "<path:object_id>/print/",
            self.admin_site.admin_view(self.print_view),
            name="cases_testimony_print",
        )
        entered = path(
            "intake/", self.admin_site.admin_view(self.intake_view), name="cases_testimony_intake"
        )
        return [entered, printed, *super().get_urls()]

    def print_view(self, request, object_id):
        return printing.print_view(self, request, object_id)

    def intake_view(self, request):
        return intake_page.intake_view(self, request)


class ViolationInline(GuardedInline, admin.TabularInline):
    model = Violation
    extra = 0
    show_change_link = True
    autocomplete_fields = ("violation_type", "victim", "place", "facility")
    fields = ("violation_type", "victim", "victim_age", "start_date", "start_precision", "status")
    readonly_fields = ("status",)


class EventRelationInline(OutgoingRelationsInline):
    """The chain of events, recorded on the event it starts from: a part of that event."""

    model = EventRelation
    fk_name = "event"


class EventRelatedFromInline(IncomingRelationsInline):
    model = EventRelation
    verbose_name_plural = _("events that name this one")


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ("code", "title_ko", "title_en", "earliest_date", "place", *PUBLICATION_FIELDS)
    list_filter = ("status", "confidentiality", "is_synthetic", "start_precision")
    search_fields = ("code", "title_en", "title_ko")
    list_select_related = ("place",)
    autocomplete_fields = ("place", "facility")
    inlines = (ViolationInline, InformationInline, EventRelationInline, EventRelatedFromInline)
    fieldsets = (
        (None, {"fields": ("code", ("title_ko", "title_en"), "description_ko", "description_en")}),
        (_("When and where"), {"fields": (*PERIOD_FIELDS, "place", "facility")}),
        (_("Publication"), {"fields": PUBLICATION_FIELDS}),
    )


class InvolvementInline(GuardedInline, admin.TabularInline):
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
class InvolvementAdmin(PartAdmin):
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
class InformationAdmin(PartAdmin):
    list_display = ("__str__", "knowledge", "reliability")
    list_filter = ("knowledge", "reliability")
    search_fields = ("testimony__code", "source__title", "event__code", "violation__code")
    list_select_related = ("testimony", "source", "event", "violation__violation_type")
    autocomplete_fields = ("testimony", "source", "event", "violation")


class CrossingLegInline(GuardedInline, admin.TabularInline):
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
        (
            _("What the public is not shown"),
            {
                "fields": ("withhold_year", "withhold_departure", "withhold_settlement"),
                "description": _(
                    "When publishing would let the person be singled out, withhold a detail "
                    "here instead of changing what was recorded."
                ),
            },
        ),
    )


@admin.register(CrossingLeg)
class CrossingLegAdmin(PartAdmin):
    list_display = ("crossing", "order", "country", "what_happened")
    list_filter = ("what_happened",)
    search_fields = ("crossing__code",)
    list_select_related = ("crossing", "country")
    autocomplete_fields = ("crossing", "country")
