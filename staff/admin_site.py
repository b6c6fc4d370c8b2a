"""The admin site behind two factors: a password, then a TOTP code or a recovery code.

`AdminSite` is django-otp's `OTPAdminSite` (no admin page opens unless the
session was verified by a device) with its own login in two steps:

1. username and password (Django's admin form; django-axes counts failures and
   locks out);
2. a six-digit code from the authenticator app, or one of the recovery codes.

A failed code counts as a failed login for django-axes, so guessing codes locks
out like guessing passwords; after a failure the form says how many attempts
are left. A member of staff without a device is sent, after the password step,
to the enrolment page: a TOTP secret shown as a QR code drawn on the server
(SVG, no request to anyone) and as text, confirmed with a first code and the
one-time enrolment code a superuser issued (staff/enrolment.py), followed by ten
single-use recovery codes shown once. The secret is made for that one session
and kept in it; the device (`staff.models.SealedTOTPDevice`, its secret
encrypted) is created only when confirmed, so a secret seen in another session
never becomes a device. After the second step the user is told of every device
added to the account since the device they used was last used.

Passkeys (staff/passkeys.py) are a device beside TOTP: the second step offers
"Use your passkey" to whoever has one. Custodians and superusers must use one:
for them `has_permission` refuses a session verified by TOTP or a recovery code,
and the login sends them to use or enrol a passkey (enrolment spends an
enrolment code, like TOTP's).

"Log out everywhere" ends every session of the user and deletes their API token.
"""

import base64
import time

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.admin import OTPAdminSite
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from staff import passkeys
from staff.enrolment import use_enrolment_code
from staff.models import SealedTOTPDevice
from staff.sessions import log_out_everywhere

RECOVERY_CODES = 10
ENROLMENT_DEVICE = "authenticator"
# The secret being enrolled in this session (hex), until its first code confirms it.
ENROLMENT_KEY = "otp_enrolment_key"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


class PasskeyEnrolForm(forms.Form):
    enrolment_code = forms.CharField(
        label=_("Enrolment code"),
        max_length=32,
        help_text=_("The one-time code a superuser gave you for setting up your device."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class EnrolForm(CodeForm, PasskeyEnrolForm):
    field_order = ["enrolment_code", "code"]


def qr_svg(text):
    """The QR code of `text` as inline SVG markup, drawn here, sent to no one."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - our own SVG, no input markup


def method_decorator_never_cache_sensitive(view):
    """Never cached, CSRF-checked, and no password or code in an error report."""
    for decorator in (sensitive_post_parameters(), csrf_protect, never_cache):
        view = method_decorator(decorator)(view)
    return view


def _credentials(user):
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}


def attempts_left(request, username):
    """How many more failures lock `username` out from this address (django-axes counts)."""
    failures = AxesProxyHandler.get_failures(
        request, {settings.AXES_USERNAME_FORM_FIELD: username or ""}
    )
    return max(settings.AXES_FAILURE_LIMIT - failures, 0)


def totp_matches(device, code):
    """Whether `code` is valid for the (unsaved) `device`; nothing is written."""
    if not code.isdigit():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(code), device.tolerance):
        return False
    device.last_t = totp.t()
    return True


def notify_new_devices(request, *, device, since):
    """Warn of each device (other than `device` and recovery codes) added since `since`."""
    if since is None:
        return
    for other in devices_for_user(request.user):
        created = getattr(other, "created_at", None)
        if isinstance(other, StaticDevice) or other.persistent_id == device.persistent_id:
            continue
        if created and created > since:
            when = date_format(timezone.localtime(created), "DATETIME_FORMAT")
            messages.warning(
                request,
                _(
                    "A new second-factor device (%(name)s) was added to your account on "
                    "%(when)s. If it was not you, tell a superuser at once."
                )
                % {"name": other.name, "when": when},
            )


class AdminSite(OTPAdminSite):
    """The project's `admin.site`: staff pages need a password and a second factor."""

    def __init__(self, name="admin"):
        super().__init__(name)

    def has_permission(self, request):
        """A verified session, and for custodians and superusers one verified by a
        passkey (staff/passkeys.py, `passkey_required`)."""
        return super().has_permission(request) and passkeys.second_factor_suffices(request)

    def get_urls(self):
        return [
            path("two-factor/enrol/", self.enrol_view, name="otp_enrol"),
            path("two-factor/passkey/", self.passkey_enrol_view, name="otp_passkey_enrol"),
            path(
                "two-factor/passkey/register/begin/",
                passkeys.RegisterBegin.as_view(),
                name="otp_passkey_register_begin",
            ),
            path(
                "two-factor/passkey/register/complete/",
                passkeys.RegisterComplete.as_view(),
                name="otp_passkey_register_complete",
            ),
            path(
                "two-factor/passkey/verify/begin/",
                passkeys.VerifyBegin.as_view(),
                name="otp_passkey_verify_begin",
            ),
            path(
                "two-factor/passkey/verify/complete/",
                passkeys.VerifyComplete.as_view(),
                name="otp_passkey_verify_complete",
            ),
            path(
                "logout-everywhere/",
                self.admin_view(self.logout_everywhere_view),
                name="logout_everywhere",
            ),
            *super().get_urls(),
        ]

    # --- helpers ----------------------------------------------------------------

    def _next_url(self, request):
        url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
        allowed = url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return url if url and allowed else reverse("admin:index", current_app=self.name)

    def _with_next(self, name, next_url):
        return (
            reverse(name, current_app=self.name) + "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
        )

    def _passkey_context(self, request, next_url):
        """What the passkey buttons (static/js/passkeys.js) need: their URLs and state."""
        user = request.user
        query = "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
        return {
            "required": passkeys.passkey_required(user),
            "enrolled": passkeys.has_passkey(user),
            "urls": {
                name: reverse(f"admin:otp_passkey_{name}", current_app=self.name) + query
                for name in (
                    "register_begin",
                    "register_complete",
                    "verify_begin",
                    "verify_complete",
                )
            },
        }

    def _render(self, request, template, context):
        request.current_app = self.name
        return TemplateResponse(
            request,
            template,
            {**self.each_context(request), **context},
            status=context.get("status"),
        )

    # --- login --------------------------------------------------------------------

    @method_decorator_never_cache_sensitive
    def login(self, request, extra_context=None):
        next_url = self._next_url(request)
        user = request.user
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(next_url)
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return self._password_step(request, next_url)
        if not user_has_device(user):
            return HttpResponseRedirect(self._with_next(self._enrolment(user), next_url))
        if (
            user.is_verified()
            and not passkeys.second_factor_suffices(request)
            and not passkeys.has_passkey(user)
        ):
            return HttpResponseRedirect(self._with_next("admin:otp_passkey_enrol", next_url))
        return self._code_step(request, next_url)

    @staticmethod
    def _enrolment(user):
        """The enrolment page for `user`: a passkey for those who must use one."""
        return "admin:otp_passkey_enrol" if passkeys.passkey_required(user) else "admin:otp_enrol"

    def _password_step(self, request, next_url):
        form = AdminAuthenticationForm(request, data=request.POST or None)
        if request.method == "POST" and form.is_valid():
            auth_login(request, form.get_user())
            return HttpResponseRedirect(self._with_next("admin:login", next_url))
        context = {
            "title": _("Log in"),
            "subtitle": _("Step 1 of 2: your password"),
            "form": form,
            "next": next_url,
            "site_header": self.site_header,
        }
        if form.errors:
            context["attempts_left"] = attempts_left(request, request.POST.get("username"))
        return self._render(request, "admin/two_factor/login.html", context)

    def _code_step(self, request, next_url):
        user = request.user
        if AxesProxyHandler.is_locked(request, _credentials(user)):
            auth_logout(request)
            return get_lockout_response(request, credentials=_credentials(user))
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            last_used = {
                known.persistent_id: known.last_used_at or known.created_at
                for known in devices_for_user(user)
            }
            device = match_token(user, form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                request.session.cycle_key()
                notify_new_devices(
                    request, device=device, since=last_used.get(device.persistent_id)
                )
                if isinstance(device, StaticDevice):
                    left = StaticToken.objects.filter(device=device).count()
                    messages.warning(
                        request,
                        _("You used a recovery code; %(left)d are left.") % {"left": left},
                    )
                if not passkeys.second_factor_suffices(request):
                    messages.error(request, passkeys.PASSKEY_NEEDED)
                    target = (
                        "admin:login" if passkeys.has_passkey(user) else "admin:otp_passkey_enrol"
                    )
                    return HttpResponseRedirect(self._with_next(target, next_url))
                return HttpResponseRedirect(next_url)
            user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
            if getattr(request, "axes_locked_out", False):
                auth_logout(request)
                return get_lockout_response(request, credentials=_credentials(user))
            form.add_error("code", _("This code is not valid. Check your device's clock."))
        context = {
            "attempts_left": attempts_left(request, user.get_username()) if form.errors else None,
            "title": _("Log in"),
            "subtitle": _("Step 2 of 2: the code from your authenticator app"),
            "form": form,
            "next": next_url,
            "username": user.get_username(),
            "passkey": self._passkey_context(request, next_url),
        }
        if context["passkey"]["enrolled"]:
            context["subtitle"] = _("Step 2 of 2: your passkey or a code")
        return self._render(request, "admin/two_factor/login.html", context)

    # --- enrolment ----------------------------------------------------------------

    @method_decorator_never_cache_sensitive
    def enrol_view(self, request):
        """A member of staff who passed the password step and has no device yet."""
        user = request.user
        next_url = self._next_url(request)
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return HttpResponseRedirect(self._with_next("admin:login", next_url))
        if user_has_device(user):
            # Devices are replaced by an administrator (who deletes the old one), never here.
            return HttpResponseRedirect(self._with_next("admin:login", next_url))
        if passkeys.passkey_required(user):
            return HttpResponseRedirect(self._with_next("admin:otp_passkey_enrol", next_url))
        if ENROLMENT_KEY not in request.session:
            request.session[ENROLMENT_KEY] = default_key()
        # Not saved until a first code confirms it (`_confirm`).
        device = SealedTOTPDevice(
            user=user, name=ENROLMENT_DEVICE, key=request.session[ENROLMENT_KEY]
        )
        form = EnrolForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if not totp_matches(device, form.cleaned_data["code"]):
                form.add_error("code", _("This code is not valid. Check your device's clock."))
            else:
                codes = self._confirm(user, device, form.cleaned_data["enrolment_code"])
                if codes is not None:
                    del request.session[ENROLMENT_KEY]
                    otp_login(request, device)
                    request.session.cycle_key()
                    context = {"title": _("Your recovery codes"), "codes": codes, "next": next_url}
                    return self._render(request, "admin/two_factor/recovery_codes.html", context)
                if user_has_device(user):  # another session enrolled first
                    return HttpResponseRedirect(self._with_next("admin:login", next_url))
                form.add_error(
                    "enrolment_code",
                    _("This enrolment code is not valid. Ask a superuser for a new one."),
                )
            user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
            if getattr(request, "axes_locked_out", False):
                auth_logout(request)
                return get_lockout_response(request, credentials=_credentials(user))
        context = {
            "attempts_left": attempts_left(request, user.get_username()) if form.errors else None,
            "title": _("Set up two-factor authentication"),
            "form": form,
            "next": next_url,
            "qr": qr_svg(device.config_url),
            "secret": base64.b32encode(device.bin_key).decode(),
        }
        return self._render(request, "admin/two_factor/enrol.html", context)

    @staticmethod
    @transaction.atomic
    def _confirm(user, device, enrolment_code):
        """Save the confirmed device and new recovery codes; None if a device exists
        or the enrolment code is not valid."""
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if user_has_device(user) or not use_enrolment_code(user=user, code=enrolment_code):
            return None
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()  # left from before
        SealedTOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device.confirmed = True
        device.set_last_used_timestamp(commit=False)
        device.save()
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name=_("recovery codes"), confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
        return codes

    @method_decorator_never_cache_sensitive
    def passkey_enrol_view(self, request):
        """Enrol a passkey (with an enrolment code): the form here, the ceremony in
        static/js/passkeys.js and staff/passkeys.py. Whoever already has a device
        verifies the session with it first."""
        user = request.user
        next_url = self._next_url(request)
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return HttpResponseRedirect(self._with_next("admin:login", next_url))
        if user_has_device(user) and not user.is_verified():
            return HttpResponseRedirect(self._with_next("admin:login", next_url))
        context = {
            "title": _("Enrol a passkey"),
            "form": PasskeyEnrolForm(),
            "next": next_url,
            "passkey": self._passkey_context(request, next_url),
        }
        return self._render(request, "admin/two_factor/passkey_enrol.html", context)

    # --- logout everywhere ---------------------------------------------------------

    def logout_everywhere_view(self, request):
        if request.method == "POST":
            log_out_everywhere(request.user)
            auth_logout(request)
            return redirect("admin:login")
        context = {"title": _("Log out everywhere")}
        return self._render(request, "admin/two_factor/logout_everywhere.html", context)
