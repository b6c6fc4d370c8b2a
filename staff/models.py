"""The append-only log of role (group) membership changes."""

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
