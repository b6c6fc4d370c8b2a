"""The append-only log of role (group) membership changes, and enrolment codes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
