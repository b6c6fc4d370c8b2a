"""Passkeys (WebAuthn, django-otp-webauthn) beside TOTP, and who must use one.

A TOTP code can be relayed by a fake login page in real time; a passkey signs a
challenge that the browser binds to this site's origin, so a look-alike site
gets nothing it can replay here.

- `passkey_required(user)` is the rule: superusers (they grant roles) and
  whoever holds an identity or restricted-material permission
  (`cases.roles.SENSITIVE`), that is the custodians, who read witnesses'
  identities. For them the admin opens only to a session verified by a passkey
  (`second_factor_suffices`, read by `staff.admin_site.AdminSite.has_permission`);
  everyone else keeps TOTP. `PASSKEYS_REQUIRED = False` turns the rule off.
- Enrolling a passkey spends a one-time enrolment code (staff/enrolment.py), as
  enrolling TOTP does: the code is checked when the ceremony begins (a wrong one
  counts as a failed login for django-axes) and spent in the transaction that
  saves the passkey. A user who already has a device must first have verified
  this session with it. Enrolling does not verify the session: the new passkey
  is then used like any other.
- The JSON endpoints below are the library's views with these checks; the
  library's own URLs are not mounted (they would enrol without an enrolment code
  and allow a login with a passkey alone). The browser side is
  static/js/passkeys.js, served by the site under the site's CSP.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as library
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions

from cases.roles import SENSITIVE
from staff.enrolment import enrolment_code_is_valid, use_enrolment_code

PASSKEY_NEEDED = _(
    "Your role needs a passkey to open the admin: a code from an authenticator app "
    "can be relayed by a fake login page, a passkey cannot. Use your passkey, or "
    "enrol one with an enrolment code from a superuser."
)


# --- the rule ---------------------------------------------------------------------------


def passkey_required(user):
    """Whether `user` may reach the admin only with a passkey-verified session."""
    if not getattr(settings, "PASSKEYS_REQUIRED", True):
        return False
    if not (user is not None and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    # The custodian role is what carries these permissions; read from the
    # permissions (cached on the user for the admin's own checks), not the group
    # name, so that no other group carrying them escapes the rule.
    return bool(SENSITIVE & user.get_all_permissions())


def verified_by_passkey(request):
    """Whether this session's second factor was a passkey."""
    return isinstance(getattr(request.user, "otp_device", None), WebAuthnCredential)


def second_factor_suffices(request):
    """Whether the session's second factor opens the admin to its user."""
    user = request.user
    if not (user.is_authenticated and user.is_verified()):
        return False
    return verified_by_passkey(request) or not passkey_required(user)


def has_passkey(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


# --- the library's helper, with a device name --------------------------------------------


class PasskeyHelper(WebAuthnHelper):
    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        device.name = gettext("passkey")
        return device


# --- JSON endpoints ---------------------------------------------------------------------


class Refused(exceptions.OTPWebAuthnApiError):
    """A refusal whose message the user reads (the library's own are replaced by ours)."""

    status_code = 403
    default_code = "refused"


class EnrolmentCodeInvalid(Refused):
    default_code = "enrolment_code_invalid"
    default_detail = _("This enrolment code is not valid. Ask a superuser for a new one.")


class LockedOut(Refused):
    status_code = 429
    default_code = "locked_out"
    default_detail = _(
        "Too many failed attempts: this account is locked out from this address for a while."
    )


MESSAGES = {
    "user_not_verified": _("Verify this session with your second factor first."),
    "not_authenticated": _("Log in with your password first."),
    "credential_user_mismatch": _("This passkey belongs to another account."),
    "credential_not_found": _("This passkey is not enrolled here. Use another one."),
}
FAILED = _("The passkey could not be used. Try again, or ask a superuser for help.")


def _credentials(user):
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}


def safe_next(request):
    url = request.GET.get(REDIRECT_FIELD_NAME, "")
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else reverse("admin:index")


class _Endpoint:
    """Answers in the user's language; staff only; django-axes lockouts honoured."""

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            # Ours are meant for the user; the library's are replaced by ours.
            detail = exc.detail if isinstance(exc, Refused) else MESSAGES.get(exc.code, FAILED)
            return JsonResponse({"detail": str(detail), "code": exc.code}, status=exc.status_code)
        raise exc

    def get_user(self):
        user = self.request.user
        if user.is_authenticated and user.is_active and user.is_staff:
            return user
        return None

    def refuse_if_locked_out(self, user):
        if AxesProxyHandler.is_locked(self.request, _credentials(user)):
            auth_logout(self.request)
            raise LockedOut()

    def count_failure(self, user):
        user_login_failed.send(
            sender=__name__, credentials=_credentials(user), request=self.request
        )
        if getattr(self.request, "axes_locked_out", False):
            auth_logout(self.request)
            raise LockedOut()


class RegisterBegin(_Endpoint, library.BeginCredentialRegistrationView):
    """Registration options, once the enrolment code is known to be good."""

    def check_can_register(self):
        user = self.get_user()
        self.refuse_if_locked_out(user)
        code = str(self.request.data.get("enrolment_code") or "")
        if not enrolment_code_is_valid(user=user, code=code):
            self.count_failure(user)
            raise EnrolmentCodeInvalid()


class RegisterComplete(_Endpoint, library.CompleteCredentialRegistrationView):
    """Verify the new passkey and save it, spending the enrolment code with it."""

    def check_can_register(self):
        self.refuse_if_locked_out(self.get_user())

    def post(self, *args, **kwargs):
        user = self.get_user()
        state = self.get_state()
        code = str(self.request.data.get("enrolment_code") or "")
        credential = self.request.data.get("credential")
        if not isinstance(credential, dict):
            raise exceptions.MalformedRequest()
        with transaction.atomic():
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
            spent = use_enrolment_code(user=user, code=code)
            if spent:
                # A credential that fails verification rolls the code back unspent.
                with rewrite_exceptions(logger=library._get_pywebauthn_logger()):
                    device = self.get_helper().register_complete(
                        user=user, state=state, data=credential
                    )
        if not spent:
            self.count_failure(user)
            raise EnrolmentCodeInvalid()
        next_url = (
            reverse("admin:login") + "?" + urlencode({REDIRECT_FIELD_NAME: safe_next(self.request)})
        )
        return JsonResponse({"id": device.pk, "redirect_url": next_url})


class _Verification:
    def check_can_authenticate(self):
        # No passwordless login: the password step comes first.
        user = self.get_user()
        if user is None:
            raise exceptions.NotAuthenticated()
        self.refuse_if_locked_out(user)


class VerifyBegin(_Endpoint, _Verification, library.BeginCredentialAuthenticationView):
    pass


class VerifyComplete(_Endpoint, _Verification, library.CompleteCredentialAuthenticationView):
    """Verify the session with a passkey of its user, then go on to `next`."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # When each device was last used, before this use changes it (for the notices).
        self.last_used = {
            known.persistent_id: known.last_used_at or known.created_at
            for known in devices_for_user(request.user)
        }

    def complete_auth(self, device):
        from staff.admin_site import notify_new_devices

        otp_login(self.request, device)
        self.request.session.cycle_key()
        notify_new_devices(
            self.request, device=device, since=self.last_used.get(device.persistent_id)
        )

    def get_success_url(self):
        return safe_next(self.request)
