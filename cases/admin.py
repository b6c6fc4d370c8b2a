import dataclasses

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from cases import roles, services, workflow
from cases.access import admin_records, edits_any_status, is_sensitive, sees_restricted
from cases.models import (
    BorderCrossing,
    ConcurrentEditError,
    Confidentiality,
    ConsentScope,
    ConsentWithdrawal,
    CrossingLeg,
    Event,
    Facility,
    Identity,
    IdentityAccess,
    Information,
    Involvement,
    Organization,
    Person,
    PersonMerge,
    Place,
    Publishable,
    Source,
    StatusChange,
    Testimony,
    Violation,
    ViolationType,
    WorkflowStatus,
)
from cases.pagination import CappedPaginator
from cases.resources import RESOURCES
from cases.vault import ENCRYPTED_COLUMNS, identity_log
from jobs.models import uploads_purge_expired
from jobs.services import job_import_queue_if_large
from nkdb.spreadsheets import CSV, XLSX, SpreadsheetImportForm, SpreadsheetRefused

PUBLICATION_FIELDS = ("status", "confidentiality", "is_synthetic")
PERIOD_FIELDS = (("start_date", "start_precision"), ("end_date", "end_precision"))
WORKFLOW_ACTIONS = {
    "submit": services.record_submit_for_review,
    "publish": services.record_publish,
    "return": services.record_return,
}


def report_refusal(admin_obj, request, error):
    messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
    for message in messages_:
        admin_obj.message_user(request, message, messages.ERROR)


class VersionedForm(forms.ModelForm):
    """Carries the version the user started from; refuses the save if it moved on."""

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if instance.pk and cleaned.get("version") is not None:
            stored = (
                type(instance)
                ._base_manager.filter(pk=instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if stored != cleaned["version"]:
                raise ConcurrentEditError(instance)
        return cleaned


class VisibleFieldsHelper(HistoricalRecordContextHelper):
    """A history's diffs over the fields the record's own page shows this user only."""

    def __init__(self, model, historical_record, *, visible):
        super().__init__(model, historical_record)
        self.visible = visible

    def context_for_delta_changes(self, delta):
        delta = dataclasses.replace(
            delta,
            changes=[change for change in delta.changes if change.field in self.visible],
            changed_fields=[name for name in delta.changed_fields if name in self.visible],
        )
        return super().context_for_delta_changes(delta)


class GuardedInlineFormSet(BaseInlineFormSet):
    """Refuses, row by row and with the reason, what the record's own page would
    refuse: a row in review or published for a researcher, a published row for
    anyone (it changes through review), a part of another published record."""

    user = None

    def clean(self):
        super().clean()
        for form in self.forms:
            if not (form.has_changed() or self._should_delete_form(form)):
                continue
            problem = row_problem(form.instance, user=self.user, parent=self.instance)
            if problem:
                form.add_error(None, problem)


def row_problem(record, *, user, parent):
    """Why an inline may not write this row, or None."""
    if isinstance(record, Publishable) and record.pk is not None:
        stored = type(record)._base_manager.get(pk=record.pk)
        if stored.status == WorkflowStatus.PUBLISHED:
            return _("%(code)s is published: open it to change it (the change goes to review).") % {
                "code": stored.code
            }
        if stored.status == WorkflowStatus.IN_REVIEW and not edits_any_status(user):
            return _("%(code)s is in review: only a reviewer changes it.") % {"code": stored.code}
        return None
    if record._meta.label in workflow.PARTS:
        for other in workflow.published_parents(record):
            if other != parent:
                return _("%(code)s is published: return it before changing its parts.") % {
                    "code": other.code
                }
    return None


class PartAdmin(SimpleHistoryAdmin):
    """A part of publishable records (a perpetrator, a citation, a leg): changed and
    deleted only while no record it belongs to is published (cases/workflow.py)."""

    def get_queryset(self, request):
        return admin_records(super().get_queryset(request), request.user)

    def has_change_permission(self, request, obj=None):
        published = obj is not None and workflow.published_parents(obj)
        return super().has_change_permission(request, obj) and not published

    def has_delete_permission(self, request, obj=None):
        published = obj is not None and workflow.published_parents(obj)
        return super().has_delete_permission(request, obj) and not published

    def delete_queryset(self, request, queryset):
        for part in queryset:
            for parent in workflow.published_parents(part):
                message = _("%(code)s is published: return it before changing its parts.")
                self.message_user(request, message % {"code": parent.code}, messages.ERROR)
                return
        super().delete_queryset(request, queryset)


class GuardedInline:
    """Inline rows scoped as the admin's lists are, and written under the same rules."""

    formset = GuardedInlineFormSet

    def get_queryset(self, request):
        return admin_records(super().get_queryset(request), request.user)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"user": request.user})


class RecordAdmin(ImportExportMixin, SimpleHistoryAdmin):
    """Publishable, versioned records.

    - status moves only through the workflow buttons and actions (services);
    - researchers edit drafts and returned records, not records in review or published;
    - confidential records are listed for custodians only, and only custodians lift a
      restriction;
    - a save made from an older version of the record is refused (optimistic locking);
    - the history view shows diffs and reverts; spreadsheets import and export (CSV, XLSX).
    """

    form = VersionedForm
    readonly_fields = ("code", "status", "created_at", "updated_at")
    list_per_page = 50
    show_full_result_count = False
    # Counting a million records takes a second: stop at search.COUNT_CAP and say so
    # (templates/admin/cases/pagination.html).
    paginator = CappedPaginator
    change_form_template = "admin/cases/record_change_form.html"
    formats = (CSV, XLSX)  # formula-escaped and size-capped (nkdb/spreadsheets.py)
    import_form_class = SpreadsheetImportForm
    actions = ("submit_for_review", "publish")

    def get_queryset(self, request):
        return admin_records(super().get_queryset(request), request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Changed through the workflow box under the form (cases/workflow.py).
            fields += [name for name in self.model.workflow_fields if name not in fields]
        return fields

    def has_delete_permission(self, request, obj=None):
        published = obj is not None and obj.status == WorkflowStatus.PUBLISHED
        return super().has_delete_permission(request, obj) and not published

    def delete_queryset(self, request, queryset):
        published = list(queryset.filter(status=WorkflowStatus.PUBLISHED)[:20])
        if published:
            codes = ", ".join(record.code for record in published)
            message = _("Published records are returned before they are deleted: %(codes)s.")
            self.message_user(request, message % {"codes": codes}, messages.ERROR)
            return
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        stored = type(obj)._base_manager.filter(pk=obj.pk).values_list("status", flat=True)
        if change and stored.first() == WorkflowStatus.PUBLISHED:
            services.record_edit_published(record=obj, by=request.user)
            self.message_user(
                request,
                _("%(code)s was published: the change goes to review before the public sees it.")
                % {"code": obj.code},
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": (*options["fields"], "version")}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        current = getattr(request, "history_current", None)
        if current is not None and obj is not None:
            # A revert restores content, never workflow state: it starts from the
            # stored version and the stored status, confidentiality and consent.
            for name in ("version", *self.model.workflow_fields, *self.model.kept_elsewhere):
                if hasattr(current, name):
                    setattr(obj, name, getattr(current, name))
        kwargs.setdefault("widgets", {})["version"] = forms.HiddenInput
        return super().get_form(request, obj, change, **kwargs)

    def history_view(self, request, object_id, extra_context=None):
        self._history_record(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history lets anyone who may view a version post a revert; the
        # record's own rules (who sees it, who changes it in which status) apply.
        current = self._history_record(request, object_id)
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied
        request.history_current = current
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _history_record(self, request, object_id):
        """The record as this user may see it now, or a 404 (not a fallback to its
        history, which would show a record its page hides)."""
        current = self.get_object(request, unquote(object_id))
        if current is None:
            raise Http404
        if not self.has_view_permission(request, current):
            raise PermissionDenied
        request.history_visible = self.history_fields(request, current)
        return current

    def history_fields(self, request, current):
        """The fields whose changes the history shows: those the record's page shows."""
        return set(flatten_fieldsets(self.get_fieldsets(request, current)))

    def get_historical_record_context_helper(self, request, historical_record):
        return VisibleFieldsHelper(
            self.model, historical_record, visible=getattr(request, "history_visible", set())
        )

    def revert_disabled(self, request, obj=None):
        current = self.get_object(request, obj.pk) if obj is not None else None
        return super().revert_disabled(request, obj) or not self.has_change_permission(
            request, current
        )

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is not None and obj.status in (WorkflowStatus.IN_REVIEW, WorkflowStatus.PUBLISHED):
            return edits_any_status(request.user)
        return True

    def has_review_permission(self, request):
        return request.user.has_perm(roles.REVIEW)

    def has_import_permission(self, request):
        return super().has_import_permission(request) and request.user.has_perm(
            f"cases.change_{self.opts.model_name}"
        )

    def get_resource_classes(self, request):
        return [RESOURCES[self.model]]

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing: an invalid row rolls back the whole file, not just itself.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def import_action(self, request, **kwargs):
        uploads_purge_expired()
        # A large file is checked, then imported, by a worker (jobs/), not in the request.
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                job = job_import_queue_if_large(model_admin=self, request=request, form=form)
                if job is not None:
                    self.message_user(
                        request,
                        _(
                            "The file has more than %(rows)d rows: it is being checked in the "
                            "background. Import it from this page when the check is done."
                        )
                        % {"rows": settings.BACKGROUND_IMPORT_ROWS},
                    )
                    return HttpResponseRedirect(job.get_absolute_url())
        response = None
        try:
            response = super().import_action(request, **kwargs)
        finally:
            # The file is kept only for a clean preview's confirmation.
            if "confirm_form" not in (getattr(response, "context_data", None) or {}):
                self.remove_upload(
                    getattr(request.FILES.get("import_file"), "tmp_storage_name", "")
                )
        return response

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except SpreadsheetRefused as error:
            self.message_user(request, str(error), messages.ERROR)
            info = self.opts.app_label, self.opts.model_name
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info)))
        finally:
            # Imported, refused or failed: the previewed file goes, whatever the outcome.
            if request.method == "POST" and self.has_import_permission(request):
                self.remove_upload(request.POST.get("import_file_name", ""))

    def remove_upload(self, name):
        if name:
            self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs()).remove()

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetRefused):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    # --- workflow -----------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/workflow/",
                self.admin_site.admin_view(self.workflow_view),
                name="{}_{}_workflow".format(*info),
            ),
            *super().get_urls(),
        ]

    def workflow_view(self, request, object_id):
        """POST only: submit, publish or return the record (testimonies: withdraw consent)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        record = self.get_object(request, unquote(object_id))
        if record is None or not self.has_view_permission(request, record):
            raise PermissionDenied
        action = request.POST.get("action", "")
        comment = request.POST.get("comment", "")
        try:
            self.run_workflow_action(request, record, action, comment)
        except (ValidationError, PermissionDenied) as error:
            report_refusal(self, request, error)
        else:
            self.message_user(request, _("Done: %(code)s.") % {"code": record.code})
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[record.pk])
        )

    def run_workflow_action(self, request, record, action, comment):
        if action == "confidentiality":
            return services.record_set_confidentiality(
                record=record,
                confidentiality=request.POST.get("confidentiality", ""),
                by=request.user,
                comment=comment,
            )
        if action not in WORKFLOW_ACTIONS:
            raise ValidationError(_("Unknown action."))
        kwargs = {"record": record, "by": request.user, "comment": comment}
        return WORKFLOW_ACTIONS[action](**kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if record is not None:
            user = request.user
            context["workflow"] = {
                "url": reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_workflow",
                    args=[record.pk],
                ),
                "can_submit": record.status in (WorkflowStatus.DRAFT, WorkflowStatus.RETURNED)
                and user.has_perm(f"cases.change_{self.opts.model_name}"),
                "can_review": user.has_perm(roles.REVIEW)
                and record.status in (WorkflowStatus.IN_REVIEW, WorkflowStatus.PUBLISHED),
                "can_publish": user.has_perm(roles.REVIEW)
                and record.status == WorkflowStatus.IN_REVIEW,
                "can_restrict": user.has_perm(f"cases.change_{self.opts.model_name}"),
                "confidentiality_choices": Confidentiality.choices
                if sees_restricted(user)
                else [
                    choice
                    for choice in Confidentiality.choices
                    if services.LEVELS.index(choice[0])
                    >= services.LEVELS.index(record.confidentiality)
                ],
                "changes": StatusChange.objects.filter(
                    content_type=ContentType.objects.get_for_model(self.model),
                    object_id=record.pk,
                ).select_related("by")[:20],
            }
        return super().change_view(request, object_id, form_url, context)

    @admin.action(description=_("Submit the selected records for review"))
    def submit_for_review(self, request, queryset):
        self._bulk(request, queryset, services.record_submit_for_review)

    @admin.action(description=_("Publish the selected records"), permissions=["review"])
    def publish(self, request, queryset):
        self._bulk(request, queryset, services.record_publish)

    def _bulk(self, request, queryset, service):
        done = 0
        for record in queryset:
            try:
                service(record=record, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    self.message_user(request, f"{record.code}: {message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d records moved.") % {"count": done})


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
        similar = services.similar_persons(
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


@admin.register(Person)
class PersonAdmin(RecordAdmin):
    form = PersonForm
    list_display = ("code", "pseudonym", "sex", "birth_year", "origin_place", *PUBLICATION_FIELDS)
    list_filter = ("status", "confidentiality", "sex", "is_synthetic")
    search_fields = ("code", "pseudonym")
    list_select_related = ("origin_place",)
    autocomplete_fields = ("origin_place",)
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

    @admin.action(description=_("Merge two selected persons"), permissions=["merge"])
    def merge_persons(self, request, queryset):
        persons = list(queryset.order_by("pk")[:3])
        if len(persons) != 2:
            self.message_user(request, _("Select exactly two persons to merge."), messages.ERROR)
            return None
        if "keep" in request.POST:
            keep = next((p for p in persons if str(p.pk) == request.POST["keep"]), None)
            if keep is None:
                self.message_user(request, _("Choose the record to keep."), messages.ERROR)
                return None
            duplicate = persons[1] if keep is persons[0] else persons[0]
            try:
                merge = services.person_merge(keep=keep, duplicate=duplicate, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                report_refusal(self, request, error)
                return None
            self.message_user(
                request,
                _("%(old)s merged into %(new)s.")
                % {"old": merge.merged_code, "new": merge.kept.code},
            )
            return None
        return TemplateResponse(
            request,
            "admin/cases/person_merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge persons"),
                "opts": self.opts,
                "persons": persons,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class InformationInline(GuardedInline, admin.TabularInline):
    model = Information
    extra = 0
    autocomplete_fields = ("testimony", "source", "event", "violation")
    fields = ("testimony", "source", "event", "violation", "knowledge", "reliability")


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
    inlines = (InformationInline, BorderCrossingInline)
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
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)


class ViolationInline(GuardedInline, admin.TabularInline):
    model = Violation
    extra = 0
    show_change_link = True
    autocomplete_fields = ("violation_type", "victim", "place", "facility")
    fields = ("violation_type", "victim", "victim_age", "start_date", "start_precision", "status")
    readonly_fields = ("status",)


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
    )


@admin.register(CrossingLeg)
class CrossingLegAdmin(PartAdmin):
    list_display = ("crossing", "order", "country", "what_happened")
    list_filter = ("what_happened",)
    search_fields = ("crossing__code",)
    list_select_related = ("crossing", "country")
    autocomplete_fields = ("crossing", "country")


# --- The identity vault and the curation logs ---------------------------------


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    """Custodians only (cases.view_identity). Lists show the person's code, never a value.

    Opening an identity logs a read; saving logs a change.
    """

    list_display = ("person", "created_at")
    list_select_related = ("person",)
    search_fields = ("person__code",)
    autocomplete_fields = ("person",)
    fields = ("person", "real_name", "other_names", "contacts", "relatives_in_north")
    show_full_result_count = False

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return roles.has_role_perm(request.user, roles.VIEW_IDENTITY)

    def has_add_permission(self, request):
        return roles.has_role_perm(request.user, "cases.add_identity")

    def has_change_permission(self, request, obj=None):
        return roles.has_role_perm(request.user, "cases.change_identity")

    def has_delete_permission(self, request, obj=None):
        return roles.has_role_perm(request.user, "cases.delete_identity")

    def get_queryset(self, request):
        # The list needs no identity field: leave the ciphertext undecrypted.
        return super().get_queryset(request).defer(*ENCRYPTED_COLUMNS)

    def get_object(self, request, object_id, from_field=None):
        try:
            return Identity.objects.select_related("person").get(pk=object_id)
        except (Identity.DoesNotExist, ValueError, ValidationError):
            return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and self.has_view_permission(request):
            identity = self.get_object(request, unquote(object_id))
            if identity is not None:
                identity_log(identity=identity, by=request.user, action=IdentityAccess.Action.READ)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = IdentityAccess.Action.CHANGE if change else IdentityAccess.Action.CREATE
        identity_log(identity=obj, by=request.user, action=action)

    def delete_model(self, request, obj):
        identity_log(identity=obj, by=request.user, action=IdentityAccess.Action.DELETE)
        super().delete_model(request, obj)


class LogAdmin(admin.ModelAdmin):
    """Append-only records: readable by those allowed, never edited or deleted here."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IdentityAccess)
class IdentityAccessAdmin(LogAdmin):
    list_display = ("at", "user", "action", "person_code", "reason")
    list_filter = ("action",)
    search_fields = ("person_code", "user__username")
    list_select_related = ("user",)


@admin.register(StatusChange)
class StatusChangeAdmin(LogAdmin):
    list_display = ("at", "record_code", "from_status", "to_status", "by", "comment")
    list_filter = ("to_status", "content_type")
    search_fields = ("record_code", "comment")
    list_select_related = ("by", "content_type")

    def get_urls(self):
        return [
            path(
                "review-queue/",
                self.admin_site.admin_view(self.review_queue_view),
                name="cases_review_queue",
            ),
            *super().get_urls(),
        ]

    def review_queue_view(self, request):
        """Every record waiting for review, oldest first: one query per kind of record."""
        if not request.user.has_perm(roles.REVIEW):
            raise PermissionDenied
        queue = []
        for model in (Testimony, Event, Violation, Person, BorderCrossing):
            records = model.objects.filter(status=WorkflowStatus.IN_REVIEW)
            if model is Violation:
                records = records.select_related("violation_type")
            if not sees_restricted(request.user):
                records = records.exclude(confidentiality=Confidentiality.CONFIDENTIAL)
            for record in records.order_by("updated_at")[:200]:
                queue.append(
                    {
                        "record": record,
                        "kind": model._meta.verbose_name,
                        "url": reverse(
                            f"admin:cases_{model._meta.model_name}_change", args=[record.pk]
                        ),
                    }
                )
        queue.sort(key=lambda item: item["record"].updated_at)
        return TemplateResponse(
            request,
            "admin/cases/review_queue.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Review queue"),
                "opts": self.opts,
                "queue": queue,
            },
        )


@admin.register(ConsentWithdrawal)
class ConsentWithdrawalAdmin(LogAdmin):
    list_display = ("at", "testimony", "withdrawn_on", "by")
    search_fields = ("testimony__code",)
    list_select_related = ("testimony", "by")


@admin.register(PersonMerge)
class PersonMergeAdmin(LogAdmin):
    list_display = ("at", "merged_code", "kept", "by")
    search_fields = ("merged_code", "kept__code")
    list_select_related = ("kept", "by")
