"""The staff search's own tables: its index, saved searches, notices, and the log.

`StaffDocument` and `StaffTranscript` hold the text of private records (notes,
transcripts): they are read only through research.services, which scopes them
by cases/access.py, and are registered in no admin and no API.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PERSON = "person", _("person")
    TESTIMONY = "testimony", _("testimony")
    EVENT = "event", _("event")
    VIOLATION = "violation", _("violation")
    BORDERCROSSING = "bordercrossing", _("border crossing")
    SOURCE = "source", _("source")


class Indexed(models.Model):
    """The columns core/words.py searches: normalised text for substrings (SQLite,
    one-syllable Korean words), tokens for the GIN index of `search_vector`
    (PostgreSQL, a generated column added by migration 0002, outside the state)."""

    body = models.TextField(blank=True, default="")
    search_text = models.TextField(blank=True, default="")
    search_tokens = models.TextField(blank=True, default="")

    class Meta:
        abstract = True


class StaffDocument(Indexed):
    """One case record's searchable text (never its transcript, kept apart) and facets."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    record_id = models.BigIntegerField()
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, blank=True)
    decade = models.PositiveSmallIntegerField(null=True, blank=True)
    place = models.ForeignKey(
        "cases.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facility = models.ForeignKey(
        "cases.Facility", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "record_id"], name="staffdocument_one_per_record"
            )
        ]
        indexes = [models.Index(fields=["-updated_at", "-id"], name="staffdocument_recent")]

    def __str__(self):
        return f"{self.kind} {self.code}"


class StaffTranscript(Indexed):
    """A testimony's transcript, searched only where the role may read it."""

    document = models.OneToOneField(
        StaffDocument, on_delete=models.CASCADE, related_name="transcript"
    )

    def __str__(self):
        return f"transcript of {self.document}"


class SavedSearch(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    name = models.CharField(_("name"), max_length=200)
    query = models.CharField(_("words"), max_length=200)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    shared_with = models.ForeignKey(
        Group,
        verbose_name=_("shared with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Members of this group see the search and its alerts, each within their role."),
    )
    alerts = models.BooleanField(
        _("alerts"),
        default=True,
        help_text=_("Tell me when a newly entered or newly published record matches."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class Notice(models.Model):
    """A record that a saved search now finds, told to one user (the alerts)."""

    class Reason(models.TextChoices):
        ENTERED = "entered", _("newly entered")
        PUBLISHED = "published", _("newly published")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="search_notices"
    )
    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(StaffDocument, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("why"), max_length=10, choices=Reason.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("search notice")
        verbose_name_plural = _("search notices")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "saved_search", "document", "reason"], name="notice_once"
            )
        ]

    def __str__(self):
        return f"{self.document} {self.reason}"


class SearchLog(models.Model):
    """One search over restricted text, or one export: who, when, which words, how
    many records matched, how many of them restricted. Append-only."""

    class Action(models.TextChoices):
        SEARCH = "search", _("search")
        EXPORT = "export", _("export")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    words = models.CharField(_("words"), max_length=200)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    matched = models.PositiveIntegerField(_("records matched"))
    restricted = models.PositiveIntegerField(_("restricted records matched"))
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("staff search log")
        verbose_name_plural = _("staff search logs")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.words}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The staff search log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The staff search log is append-only.")
