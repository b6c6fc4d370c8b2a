"""Background jobs a researcher started: what, by whom, how far along, and the outcome."""

import datetime
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.access import sees_restricted

logger = logging.getLogger(__name__)

# At most this many rejected rows are kept with their reasons (the count is always exact).
REJECTED_ROWS_KEPT = 1000
# An upload a dry run checked but nobody confirmed is deleted after this long.
UNCONFIRMED_UPLOAD_LIFETIME = datetime.timedelta(days=1)
# A file the admin's import previewed but nobody confirmed is deleted after this long.
PENDING_UPLOAD_LIFETIME = datetime.timedelta(hours=1)


def runs_maintenance(user):
    """Superusers and administrators (who manage staff accounts) rebuild search
    columns and re-import the shipped statistics."""
    return user.is_active and (user.is_superuser or user.has_perm("auth.change_user"))


def sees_all_jobs(user):
    """Custodians, administrators and superusers see everyone's jobs; others their own."""
    return runs_maintenance(user) or sees_restricted(user)


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        if sees_all_jobs(user):
            return self
        return self.filter(user=user)


class Job(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import", _("Spreadsheet import")
        REBUILD_SEARCH = "rebuild_search", _("Rebuild search columns")
        STATISTICS = "statistics", _("Re-import the shipped statistics")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected: nothing written")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    target = models.CharField(
        _("records"), max_length=100, blank=True, help_text=_("The model imported into.")
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    dry_run = models.BooleanField(
        _("dry run"), default=False, help_text=_("Checked only; nothing is written.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    rejected_rows = models.JSONField(
        _("rejected rows"),
        default=list,
        blank=True,
        help_text=_("Row number, field and reason of each refusal."),
    )
    held_names = models.JSONField(
        _("cells naming someone in the vault"),
        default=list,
        blank=True,
        help_text=_(
            "Line and column of each cell holding a name kept in the vault, never the name."
        ),
    )
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("admin:jobs_job_change", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)

    @property
    def percent(self):
        if not self.rows_total:
            return None
        return min(100, 100 * self.rows_processed // self.rows_total)

    @property
    def wrote_nothing(self):
        return self.dry_run or self.status in (self.Status.REJECTED, self.Status.FAILED)

    def start(self, *, rows_total):
        self.status = self.Status.RUNNING
        self.started_at = timezone.now()
        self.rows_total = rows_total
        self.save(update_fields=["status", "started_at", "rows_total"])

    def record_progress(self, done, total=None):
        """Save how far the work is, where the admin page can already read it."""
        self.rows_processed = done
        values = {"rows_processed": done}
        if total is not None:
            self.rows_total = values["rows_total"] = total
        if connection.in_atomic_block and connection.vendor != "sqlite":
            # The work runs in one transaction; a write in it would be seen only at
            # the end. SQLite allows one writer at a time, so there it waits.
            self._update_from_another_connection(values)
        else:
            Job.objects.filter(pk=self.pk).update(**values)

    def _update_from_another_connection(self, values):
        def write():
            try:
                Job.objects.filter(pk=self.pk).update(**values)
            except DatabaseError:
                logger.warning("Could not save the progress of job %s", self.pk, exc_info=True)
            finally:
                connection.close()  # this thread's own connection

        thread = threading.Thread(target=write, name=f"job-{self.pk}-progress")
        thread.start()
        thread.join()

    def finish(self, status, *, rejected_rows=(), error="", **counts):
        rejected_rows = list(rejected_rows)
        self.status = status
        self.finished_at = timezone.now()
        self.error = error
        self.rejected_rows = rejected_rows[:REJECTED_ROWS_KEPT]
        for name, value in counts.items():
            setattr(self, name, value)
        if status == self.Status.DONE:
            self.rows_processed = self.rows_total
        self.save()


class UploadQuerySet(models.QuerySet):
    def unconfirmed(self):
        """Files a dry run checked long ago that nobody went on to import."""
        return self.filter(
            job__dry_run=True,
            job__finished_at__lt=timezone.now() - UNCONFIRMED_UPLOAD_LIFETIME,
        )


class Upload(models.Model):
    """The uploaded file, kept in the database for the worker (another process, maybe
    another machine) and deleted when the job is over: never written under a
    served directory."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="upload")
    format = models.CharField(_("format"), max_length=10)
    content = models.BinaryField(_("content"))

    objects = UploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")

    def __str__(self):
        return self.job.file_name


class PendingUploadQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(created_at__lt=timezone.now() - PENDING_UPLOAD_LIFETIME)


class PendingUpload(models.Model):
    """A file the admin's import previewed, kept until the researcher confirms or
    leaves it (jobs/storage.py, DatabaseStorage): in the database, where
    every web process finds it, never in a temporary folder."""

    name = models.CharField(_("name"), max_length=32, unique=True)
    content = models.BinaryField(_("content"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)

    objects = PendingUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("previewed file")
        verbose_name_plural = _("previewed files")

    def __str__(self):
        return self.name


def uploads_purge_expired():
    """Deletes the files of checks and previews nobody confirmed in time; run at each
    import and each background job, so an abandoned file does not wait for the next
    upload."""
    Upload.objects.unconfirmed().delete()
    PendingUpload.objects.expired().delete()
