"""Accounts and groups in the admin, with roles granted by superusers only (staff/guards.py),
and the read-only log of group changes."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from cases.admin.logs import LogAdmin
from staff.enrolment import VALID_FOR, issue_enrolment_code
from staff.guards import grantable_groups, may_grant, may_manage_account, protected_groups
from staff.models import EnrolmentCode, GroupChange, SealedTOTPDevice

User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)
# Devices are enrolled as SealedTOTPDevice (secret encrypted); no plain ones are made here.
admin.site.unregister(TOTPDevice)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    actions = ["issue_enrolment_codes"]

    @admin.action(description=_("Issue an enrolment code"), permissions=["issue_enrolment_code"])
    def issue_enrolment_codes(self, request, queryset):
        issued = [(user, issue_enrolment_code(user=user, by=request.user)) for user in queryset]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enrolment codes"),
            "issued": issued,
            "expires": timezone.now() + VALID_FOR,
        }
        return TemplateResponse(request, "admin/staff/enrolment_codes.html", context)

    def has_issue_enrolment_code_permission(self, request):
        return may_grant(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not may_grant(request.user):
            fields += ["is_superuser", "user_permissions"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and not may_manage_account(actor=request.user, account=obj):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not may_grant(request.user):
            kwargs["queryset"] = grantable_groups()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Group)
class StaffGroupAdmin(GroupAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not may_grant(request.user):
            fields.append("permissions")
        return fields

    def has_change_permission(self, request, obj=None):
        if (
            obj is not None
            and not may_grant(request.user)
            and protected_groups().filter(pk=obj.pk).exists()
        ):
            return False
        return super().has_change_permission(request, obj)


@admin.register(GroupChange)
class GroupChangeAdmin(LogAdmin):
    list_display = ["at", "actor", "account", "action", "group"]
    list_filter = ["action", "group"]
    search_fields = ["actor", "account", "group"]
    date_hierarchy = "at"


@admin.register(EnrolmentCode)
class EnrolmentCodeAdmin(admin.ModelAdmin):
    """Who was given a code, by whom, and whether it was used; deleting one revokes it."""

    list_display = ["user", "issued_by", "issued_at", "expires_at", "used_at"]
    fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SealedTOTPDevice)
class SealedTOTPDeviceAdmin(admin.ModelAdmin):
    """A lost device is deleted here; the secret is never shown, nor a device added."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    fields = list_display
    list_filter = ["confirmed"]
    search_fields = ["user__username", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebAuthnCredential)
class PasskeyAdmin(admin.ModelAdmin):
    """A lost passkey is deleted here (then the account enrols a new one with an
    enrolment code); none is added or changed here."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    fields = list_display
    list_filter = ["confirmed"]
    search_fields = ["user__username", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
