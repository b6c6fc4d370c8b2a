"""A reviewer's decision to name an individual perpetrator on the public site.

Until a person recorded as a perpetrator has a naming in force, the public copy
counts their acts as those of "an individual perpetrator, not named". The
decision holds the name as it may be published (a rank, a position, a surname:
never taken from the pseudonym or the vault) and its legal basis. It is written
only by cases/naming.py, inside `workflow.acting()`: any other save (a change
form, a history revert, a script) is refused, so no name reaches the public
without the decision being taken and logged.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import workflow
from cases.models.base import new_code
from cases.models.people import Person


class PerpetratorNamingQuerySet(models.QuerySet):
    def in_force(self):
        """Approved and not withdrawn: the names the public copy may hold."""
        return self.filter(withdrawn_at__isnull=True)


class PerpetratorNaming(models.Model):
    code_prefix = "N"

    # The address of the individual's public page: never the person's own code.
    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="naming"
    )
    public_name = models.CharField(
        _("name as published"),
        max_length=200,
        help_text=_(
            "The name, rank or position as the public may read it, e.g. “Camp 15 security "
            "chief Pak”. Not the pseudonym, and not the identity in the vault unless that "
            "is what was decided."
        ),
    )
    legal_note = models.TextField(
        _("legal note"),
        help_text=_(
            "The basis of the decision: the evidence and its level, the public interest, "
            "counsel consulted. Never published."
        ),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)
    history = HistoricalRecords()

    objects = PerpetratorNamingQuerySet.as_manager()

    class Meta:
        verbose_name = _("naming of a perpetrator")
        verbose_name_plural = _("namings of perpetrators")
        ordering = ["-decided_at"]
        permissions = [("name_perpetrator", _("Can approve or withdraw naming a perpetrator"))]

    def __str__(self):
        return f"{self.code} {self.public_name}"

    def save(self, *args, **kwargs):
        if not workflow.is_acting():
            workflow.refuse(self.code or self.person_id, _("a naming is decided by its services."))
        if not self.code:
            self.code = new_code(self.code_prefix)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not workflow.is_acting():
            workflow.refuse(self.code, _("a naming is withdrawn, never deleted."))
        return super().delete(*args, **kwargs)

    @property
    def in_force(self):
        return self.withdrawn_at is None
