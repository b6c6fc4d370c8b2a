"""The decisions to name individual perpetrators: a list with filters, each
decision read-only, and two forms that call the services (cases/naming.py):
approve (from the person's page) and withdraw (from the decision's page).

Nothing here writes a naming itself: the change form is read-only, the history
cannot be reverted, and the model refuses any save outside the services.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from cases.access import admin_records
from cases.admin.base import ScopedHistoryAdmin
from cases.models import Involvement, PerpetratorNaming, Person
from cases.naming import may_name, perpetrator_naming_approve, perpetrator_naming_withdraw


class ApproveForm(forms.Form):
    public_name = forms.CharField(
        label=_("name as published"),
        max_length=200,
        help_text=PerpetratorNaming._meta.get_field("public_name").help_text,
    )
    legal_note = forms.CharField(
        label=_("legal note"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=PerpetratorNaming._meta.get_field("legal_note").help_text,
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for the withdrawal"), widget=forms.Textarea(attrs={"rows": 3})
    )


class InForceFilter(admin.SimpleListFilter):
    title = _("decision")
    parameter_name = "decision"

    def lookups(self, request, model_admin):
        return [("in_force", _("in force")), ("withdrawn", _("withdrawn"))]

    def queryset(self, request, queryset):
        if self.value() == "in_force":
            return queryset.in_force()
        if self.value() == "withdrawn":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


@admin.register(PerpetratorNaming)
class PerpetratorNamingAdmin(ScopedHistoryAdmin):
    list_display = ("code", "public_name", "person", "in_force", "decided_by", "decided_at")
    list_filter = (InForceFilter, "decided_at", "withdrawn_at")
    search_fields = ("code", "public_name", "person__code")
    list_select_related = ("person", "decided_by")
    fields = (
        "code",
        "person",
        "public_name",
        "legal_note",
        "decided_by",
        "decided_at",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_reason",
    )
    readonly_fields = fields
    change_form_template = "admin/cases/perpetratornaming/change_form.html"
    show_full_result_count = False

    @admin.display(boolean=True, description=_("in force"))
    def in_force(self, obj):
        return obj.in_force

    def get_queryset(self, request):
        # A confidential person's naming, for custodians only (as the person).
        return admin_records(super().get_queryset(request), request.user)

    # Decided through the services only (approve_view, withdraw_view).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True

    def get_urls(self):
        approve = self.admin_site.admin_view(self.approve_view)
        withdraw = self.admin_site.admin_view(self.withdraw_view)
        return [
            path("approve/<int:person_id>/", approve, name="cases_perpetratornaming_approve"),
            path("<int:object_id>/withdraw/", withdraw, name="cases_perpetratornaming_withdraw"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        naming = self.get_object(request, object_id)
        if naming is not None and naming.in_force and may_name(request.user):
            context["withdraw_form"] = WithdrawForm()
            context["withdraw_url"] = reverse(
                "admin:cases_perpetratornaming_withdraw", args=[naming.pk]
            )
        return super().change_view(request, object_id, form_url, context)

    def approve_view(self, request, person_id):
        """The decision form, from the person's page: the name as it may be
        published and the legal note; the person's acts as a perpetrator listed."""
        if not may_name(request.user):
            raise PermissionDenied
        person = get_object_or_404(admin_records(Person.objects.all(), request.user), pk=person_id)
        current = PerpetratorNaming.objects.filter(person=person).first()
        initial = {"public_name": current.public_name} if current and current.in_force else {}
        form = ApproveForm(request.POST if request.method == "POST" else None, initial=initial)
        if form.is_bound and form.is_valid():
            try:
                naming = perpetrator_naming_approve(
                    person=person, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("Naming approved: the public pages will show %(name)s.")
                    % {"name": naming.public_name},
                )
                return HttpResponseRedirect(
                    reverse("admin:cases_perpetratornaming_change", args=[naming.pk])
                )
        acts = (
            Involvement.objects.filter(perpetrator_person=person)
            .select_related("violation__violation_type")
            .order_by("violation__code")
        )
        return TemplateResponse(
            request,
            "admin/cases/naming_approve.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Name %(code)s as a perpetrator") % {"code": person.code},
                "opts": self.opts,
                "person": person,
                "current": current,
                "acts": acts,
                "form": form,
            },
        )

    def withdraw_view(self, request, object_id):
        if not may_name(request.user) or request.method != "POST":
            raise PermissionDenied
        naming = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = WithdrawForm(request.POST)
        change = reverse("admin:cases_perpetratornaming_change", args=[naming.pk])
        if form.is_valid():
            try:
                perpetrator_naming_withdraw(
                    naming=naming, reason=form.cleaned_data["reason"], by=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), level="error")
            else:
                self.message_user(
                    request, _("Naming withdrawn: the public pages no longer show the name.")
                )
        else:
            self.message_user(request, _("Say why the naming is withdrawn."), level="error")
        return HttpResponseRedirect(change)
