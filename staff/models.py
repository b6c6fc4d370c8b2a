"""The append-only log of role (group) membership changes, enrolment codes, and
TOTP devices whose secrets are encrypted at rest."""

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp import models as totp_models

from cases import vault


class GroupChange(models.Model):
    """One account added to or removed from one group.

    Names are copied as text, not linked, so that deleting an account or a group
    leaves its history in place.
    """

    class Action(models.TextChoices):
        ADDED = "added", _("added to the group")
        REMOVED = "removed", _("removed from the group")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # Empty when the change came from a command (bootstrap, shell), not a request.
    actor = models.CharField(_("changed by"), max_length=150, blank=True)
    account = models.CharField(_("account"), max_length=150)
    group = models.CharField(_("group"), max_length=150)
    action = models.CharField(_("added or removed"), max_length=10, choices=Action.choices)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("group change")
        verbose_name_plural = _("group changes")

    def __str__(self):
        return f"{self.account} {self.action} {self.group}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The group change log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The group change log is append-only.")


class EnrolmentCode(models.Model):
    """A one-time code, issued by a superuser, without which no first device is enrolled.

    Only a digest is stored; the code is shown once, to the superuser who issues it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("account"),
    )
    digest = models.CharField(max_length=64, editable=False)
    issued_by = models.CharField(_("issued by"), max_length=150, blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("enrolment code")
        verbose_name_plural = _("enrolment codes")

    def __str__(self):
        return str(self.user)


class SealedKeyField(models.TextField):
    """A TOTP secret (hex) stored as a Fernet token made with `settings.OTP_KEYS`."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else vault.encrypt(value, keys=settings.OTP_KEYS)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        try:
            return vault.decrypt(value, keys=settings.OTP_KEYS)
        except InvalidToken:
            raise vault.VaultError(
                "A TOTP secret cannot be decrypted: is OTP_KEYS complete?"
            ) from None


class SealedTOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """django-otp's TOTP device, with its secret encrypted at rest.

    A copy of `otp_totp.TOTPDevice`'s fields and behaviour rather than a
    subclass: a (multi-table) subclass would keep the plain secret in the
    parent's `key` column.
    """

    key = SealedKeyField(validators=[totp_models.key_validator], default=totp_models.default_key)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    bin_key = totp_models.TOTPDevice.bin_key
    config_url = totp_models.TOTPDevice.config_url
    verify_token = totp_models.TOTPDevice.verify_token
    get_throttle_factor = totp_models.TOTPDevice.get_throttle_factor
    _read_str_from_settings = totp_models.TOTPDevice._read_str_from_settings

    class Meta(Device.Meta):
        verbose_name = _("TOTP device")
        verbose_name_plural = _("TOTP devices")
