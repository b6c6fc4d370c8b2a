"""The admin's ground rules for case records: who sees and changes which record,
through which steps, and what its history shows (cases/workflow.py is the rule)."""

import dataclasses

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from cases import preview, roles, services, workflow
from cases.access import admin_records, edits_any_status, sees_restricted
from cases.admin import history
from cases.admin import preview as preview_page
from cases.admin.logs import warn_of_held_names, warn_of_held_names_in_import
from cases.forms import UncertainDatesForm
from cases.models import (
    ConcurrentEditError,
    Confidentiality,
    Publishable,
    StatusChange,
    WorkflowStatus,
)
from cases.pagination import CappedPaginator
from cases.resources import RESOURCES
from core.spreadsheets import CSV, XLSX, SpreadsheetImportForm, SpreadsheetRefused

PUBLICATION_FIELDS = ("status", "confidentiality", "is_synthetic")
PERIOD_FIELDS = (("start_date", "start_precision"), ("end_date", "end_precision"))
# The change form's own button (templates/admin/cases/submit_line.html): save, then
# submit, so that an edit typed into the form is never left behind by the submit.
SUBMIT_BUTTON = "_submit_for_review"
WORKFLOW_ACTIONS = {
    "submit": services.record_submit_for_review,
    "publish": services.record_publish,
    "return": services.record_return,
}


def report_refusal(admin_obj, request, error):
    messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
    for message in messages_:
        admin_obj.message_user(request, message, messages.ERROR)


class VersionedForm(UncertainDatesForm):
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


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """History pages that show a record only to whom its page shows it, and of it
    only the fields its page shows; a revert only by whom may change it."""

    # Django-simple-history's list, with an empty change reason left empty (not
    # "None") and, below it, the changes to the record's parts (its inlines).
    object_history_list_template = "admin/cases/object_history_list.html"

    def history_view(self, request, object_id, extra_context=None):
        current = self._history_record(request, object_id)
        parts = {"part_changes": history.part_changes(self, request, current)}
        return super().history_view(request, object_id, {**parts, **(extra_context or {})})

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


class PartAdmin(ScopedHistoryAdmin):
    """A part of publishable records (a perpetrator, a citation, a leg): changed and
    deleted only while no record it belongs to is published (cases/workflow.py)."""

    form = UncertainDatesForm

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
    form = UncertainDatesForm

    def get_queryset(self, request):
        return admin_records(super().get_queryset(request), request.user)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"user": request.user})


class RecordAdmin(ImportExportMixin, ScopedHistoryAdmin):
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
    formats = (CSV, XLSX)  # formula-escaped and size-capped (core/spreadsheets.py)
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
        warn_of_held_names(self, request, obj, form)
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
        """The import page, which hands large files to the background jobs.

        The jobs app sits above cases (it imports cases to run them), so its two
        functions are named in the settings (IMPORT_PURGE_EXPIRED,
        IMPORT_QUEUE_IF_LARGE) and looked up here, as Django looks up its
        backends: the dependency is written down once, in one place, with no
        registration at start-up to follow.
        """
        import_string(settings.IMPORT_PURGE_EXPIRED)()
        # A large file is checked, then imported, by a worker (jobs/), not in the request.
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                queue_if_large = import_string(settings.IMPORT_QUEUE_IF_LARGE)
                job = queue_if_large(model_admin=self, request=request, form=form)
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
            context = getattr(response, "context_data", None) or {}
            warn_of_held_names_in_import(self, request, context.get("result"))
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

    def process_result(self, result, request):
        warn_of_held_names_in_import(self, request, result)
        return super().process_result(result, request)

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
        previews = [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="{}_{}_preview".format(*info),
            )
        ]
        return [
            *(previews if self.model in preview.KINDS else []),
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

    def preview_view(self, request, object_id):
        return preview_page.preview_view(self, request, object_id)

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
                # "Save and submit for review", in the change form's own buttons.
                "can_submit": record.status in (WorkflowStatus.DRAFT, WorkflowStatus.RETURNED)
                and self.has_change_permission(request, record),
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
                "preview_url": reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_preview",
                    args=[record.pk],
                )
                if self.model in preview.KINDS
                else "",
                "changes": StatusChange.objects.filter(
                    content_type=ContentType.objects.get_for_model(self.model),
                    object_id=record.pk,
                ).select_related("by")[:20],
            }
        return super().change_view(request, object_id, form_url, context)

    def response_change(self, request, obj):
        """After the save, "Save and submit for review" submits the record as the
        workflow's submit does; a refusal is shown and the saved edit is kept."""
        if SUBMIT_BUTTON not in request.POST:
            return super().response_change(request, obj)
        comment = request.POST.get("_submit_comment", "")
        try:
            services.record_submit_for_review(record=obj, by=request.user, comment=comment)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(
                request,
                _("The changes to %(code)s were saved.") % {"code": obj.code},
                messages.SUCCESS,
            )
            reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
            for reason in reasons:
                self.message_user(
                    request,
                    _("%(code)s was not submitted for review: %(reason)s")
                    % {"code": obj.code, "reason": reason},
                    messages.ERROR,
                )
        else:
            self.message_user(
                request,
                _("%(code)s was saved and submitted for review.") % {"code": obj.code},
                messages.SUCCESS,
            )
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return HttpResponseRedirect(add_preserved_filters(preserved, request.path))

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
