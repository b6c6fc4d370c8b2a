"""The identity vault and the curation logs (append-only)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
    TestimonyPrint,
    Violation,
    WorkflowStatus,
)
from cases.vault import (
    ENCRYPTED_COLUMNS,
    can_deposit_identities,
    fields_naming_a_held_name,
    identity_deposit,
    identity_log,
)

# --- The identity vault and the curation logs ---------------------------------

HELD_NAME_WARNING = _(
    "Check %(fields)s: a name kept in the identity vault is written there. "
    "A real name belongs in the vault only."
)
# An import's warning names at most this many cells, then counts the others.
CELLS_NAMED = 20


def warn_of_held_names(model_admin, request, obj, form):
    """A warning when a text just typed into the form holds a name kept in the
    identity vault: which field, never whose name (cases.vault)."""
    texts = {
        str(form.fields[name].label): form.cleaned_data[name]
        for name in form.changed_data
        if isinstance(form.cleaned_data.get(name), str)
    }
    where = f"{model_admin.opts.model_name} {getattr(obj, 'code', '') or obj.pk or ''}"
    flagged = fields_naming_a_held_name(texts, by=request.user, where=where)
    if flagged:
        fields = ", ".join(f"“{label}”" for label in flagged)
        model_admin.message_user(request, HELD_NAME_WARNING % {"fields": fields}, messages.WARNING)


def warn_of_held_names_in_import(model_admin, request, result):
    """The same warning for an import, by line and column of the file: the cells
    the resource found and logged (RecordResource.held_names, cases/resources.py)."""
    warning = held_names_warning(getattr(result, "held_names", None))
    if warning:
        model_admin.message_user(request, warning, messages.WARNING)


def held_names_warning(cells):
    """The warning for these (line, column) cells, or None: also on a background
    import's page (jobs/)."""
    if not cells:
        return None
    named = [
        _("line %(line)d, column “%(column)s”") % {"line": line, "column": column}
        for line, column in cells[:CELLS_NAMED]
    ]
    others = len(cells) - CELLS_NAMED
    if others > 0:
        named.append(
            ngettext("%(count)d more cell", "%(count)d more cells", others) % {"count": others}
        )
    return HELD_NAME_WARNING % {"fields": "; ".join(named)}


class DepositForm(forms.Form):
    real_name = forms.CharField(label=_("real name"), max_length=500)
    other_names = forms.CharField(
        label=_("other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: names used in the North, in China, aliases."),
    )
    contacts = forms.CharField(
        label=_("contacts"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    relatives_in_north = forms.CharField(
        label=_("relatives still in the North"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


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

    def get_urls(self):
        deposit = self.admin_site.admin_view(self.deposit_view)
        return [
            path("deposit/<int:person_id>/", deposit, name="cases_identity_deposit"),
            *super().get_urls(),
        ]

    def deposit_view(self, request, person_id):
        """A researcher seals a person's identity: a form that is never filled in
        from the vault, and a page that never shows what is held."""
        if not can_deposit_identities(request.user):
            raise PermissionDenied
        person = get_object_or_404(admin_records(Person.objects.all(), request.user), pk=person_id)
        held = Identity.objects.filter(person=person).exists()
        form = DepositForm(request.POST if request.method == "POST" and not held else None)
        if form.is_bound and form.is_valid():
            try:
                identity_deposit(person=person, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("The identity of %(code)s is sealed in the vault. Only custodians read it.")
                    % {"code": person.code},
                )
                return HttpResponseRedirect(reverse("admin:cases_person_change", args=[person.pk]))
        return TemplateResponse(
            request,
            "admin/cases/identity_deposit.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Deposit the identity of %(code)s") % {"code": person.code},
                "opts": self.opts,
                "person": person,
                "held": held,
                "form": form,
            },
        )


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


@admin.register(TestimonyPrint)
class TestimonyPrintAdmin(LogAdmin):
    list_display = ("at", "testimony", "language", "with_transcript", "by")
    list_filter = ("language", "with_transcript")
    search_fields = ("testimony__code", "by__username")
    list_select_related = ("testimony", "by")

    def get_queryset(self, request):
        # A confidential testimony's prints are as hidden as the testimony.
        testimonies = admin_records(Testimony.objects.all(), request.user)
        return super().get_queryset(request).filter(testimony__in=testimonies)
