"""The identity vault and the curation logs (append-only)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from cases import roles
from cases.access import admin_records
from cases.models import (
    BorderCrossing,
    ConsentWithdrawal,
    Event,
    Identity,
    IdentityAccess,
    Person,
    PersonMerge,
    StatusChange,
    Testimony,
    Violation,
    WorkflowStatus,
)
from cases.vault import ENCRYPTED_COLUMNS, identity_log

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
            records = admin_records(records, request.user)  # as every admin list
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
