"""The curation logs: status changes, consent withdrawals, person merges, persons
found to be two."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.states import WorkflowStatus

# --- Curation records -------------------------------------------------------


class StatusChange(models.Model):
    """A move through the review workflow: who moved which record, when, and why."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    record_code = models.CharField(_("record"), max_length=20, db_index=True)
    from_status = models.CharField(_("from"), max_length=12, choices=WorkflowStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=WorkflowStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        permissions = [("review_record", _("Can publish records in review or return them"))]

    def __str__(self):
        return (
            f"{self.record_code}: {self.get_from_status_display()} → {self.get_to_status_display()}"
        )


class ConsentWithdrawal(models.Model):
    """A witness withdrew consent: the date, who recorded it, what was unpublished."""

    testimony = models.ForeignKey(
        "Testimony",
        verbose_name=_("testimony"),
        on_delete=models.PROTECT,
        related_name="consent_withdrawals",
    )
    withdrawn_on = models.DateField(_("consent withdrawn on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("recorded"), auto_now_add=True)
    unpublished = models.TextField(
        _("records unpublished"), blank=True, help_text=_("Their codes, one per line.")
    )

    class Meta:
        verbose_name = _("consent withdrawal")
        verbose_name_plural = _("consent withdrawals")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.testimony.code} {self.withdrawn_on}"


class PersonMerge(models.Model):
    """Two records of one person became one: which was kept, which went, what moved."""

    kept = models.ForeignKey(
        "Person", verbose_name=_("kept"), on_delete=models.PROTECT, related_name="merges"
    )
    merged_code = models.CharField(_("merged record"), max_length=20, db_index=True)
    merged_pseudonym = models.CharField(_("merged pseudonym"), max_length=100)
    moved = models.JSONField(_("links moved"), default=dict, blank=True)
    taken = models.JSONField(
        _("values taken from the merged record"),
        default=list,
        blank=True,
        help_text=_("The fields whose value the kept record took from the merged one."),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("person merge")
        verbose_name_plural = _("person merges")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.merged_code} → {self.kept.code}"


class DistinctPersons(models.Model):
    """Two persons a reviewer compared and found to be two people: the duplicate
    finder no longer pairs them. Kept with the lower primary key first."""

    first = models.ForeignKey(
        "Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    second = models.ForeignKey(
        "Person", verbose_name=_("other person"), on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(_("why they are two"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("persons found to be two")
        verbose_name_plural = _("persons found to be two")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinct_persons_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="distinct_persons_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.first_id} ≠ {self.second_id}"


class PublicationChange(models.Model):
    """The outbox of the published copy: one row per record whose copy may have
    changed, written in the transaction that changed it (cases.publication).

    cases/copying.py applies the rows in order and deletes them: a row applied
    twice gives the same copy, so a crash between the two steps loses nothing.
    `kind` is a kind of entry (public.models.Kind), "options" (reference data whose
    names the copy shows) or "everything" (a full rebuild).
    """

    kind = models.CharField(_("kind"), max_length=12)
    record_id = models.BigIntegerField(_("record id"), null=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("change to publish")
        verbose_name_plural = _("changes to publish")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.kind} {self.record_id or ''}".strip()


class TestimonyPrint(models.Model):
    """A testimony printed for its witness to read and sign (cases/printing.py):
    who printed it, when, in which language, and whether the transcript was in it."""

    testimony = models.ForeignKey(
        "Testimony", verbose_name=_("testimony"), on_delete=models.PROTECT, related_name="prints"
    )
    language = models.CharField(_("language"), max_length=5)
    with_transcript = models.BooleanField(_("with the transcript"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("testimony print")
        verbose_name_plural = _("testimony prints")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.testimony.code} {self.at:%Y-%m-%d %H:%M}"
