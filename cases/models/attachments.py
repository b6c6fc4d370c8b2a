"""Attachments: audio, scans and PDFs kept with a source or a testimony.

Never public and never part of the published record: no serializer, export,
search index or published copy names them. The bytes live encrypted in a file
under PRIVATE_FILES_ROOT (cases/attachments.py); the file name and description
are encrypted here, since a file name can name a witness. Only custodians read
them, and every upload, read and deletion is written to AttachmentAccess. Not
versioned, as Identity: history rows would be one more copy to protect.

Not a part of the published record either (cases.workflow.PARTS): since nothing
of an attachment is published, adding or removing one changes no public byte, so
the workflow guard has nothing to guard. Uploads follow the record's own edit
rules instead (cases.attachments.may_attach).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.people import Testimony
from cases.models.reference import Source
from cases.vault import EncryptedTextField


class Attachment(models.Model):
    """One file, attached to exactly one source or one testimony."""

    class Kind(models.TextChoices):
        AUDIO = "audio", _("audio recording")
        SCAN = "scan", _("scan")
        PDF = "pdf", _("PDF document")
        OTHER = "other", _("other")

    # PROTECT: a record goes only once its attachments are deleted, each deletion
    # logged and its file removed (cases.attachments.delete_attachment).
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    testimony = models.ForeignKey(
        Testimony,
        verbose_name=_("testimony"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file_name = EncryptedTextField(_("file name"))
    description = EncryptedTextField(_("description"), blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    # The SHA-256 of the plain bytes, checked on every read: it finds a file that
    # was damaged or swapped for another attachment's. Encrypted like the name:
    # in clear, it would let whoever holds a copy of the database confirm that a
    # document they already have (a scan, a recording) is held here.
    sha256 = EncryptedTextField(_("SHA-256"), editable=False)
    stored_as = models.CharField(_("stored as"), max_length=100, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__isnull=True, testimony__isnull=False)
                | Q(source__isnull=False, testimony__isnull=True),
                name="attachment_on_one_record",
                violation_error_message=_("An attachment belongs to one source or one testimony."),
            )
        ]

    def __str__(self):
        return _("Attachment %(number)s of %(code)s") % {
            "number": self.pk,
            "code": self.record_code,
        }

    def __repr__(self):
        return f"<Attachment {self.pk}>"

    @property
    def record(self):
        return self.source if self.source_id else self.testimony

    @property
    def record_code(self):
        record = self.record
        return record.code if record is not None else ""


class AttachmentAccess(models.Model):
    """One upload, read or deletion of an attachment: who, when, which. Never its
    name or contents. Only ever appended to (cases/admin/attachments.py)."""

    class Action(models.TextChoices):
        UPLOAD = "upload", _("uploaded")
        READ = "read", _("read")
        DELETE = "delete", _("deleted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    # Not a foreign key: the log outlives the attachment it records.
    attachment_number = models.PositiveBigIntegerField(_("attachment"), db_index=True)
    record_code = models.CharField(_("record"), max_length=20, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("attachment access")
        verbose_name_plural = _("attachment accesses")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} "
            f"{self.record_code} #{self.attachment_number}"
        )
