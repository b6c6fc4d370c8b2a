"""Proceedings and interventions (HURIDOCS): who acted on a case before which
forum (a UN Working Group, a treaty body, a court), when, and with what result.

A proceeding speaks of the persons it concerns, so it is public only when every
one of them is public by their own rules, their consent included. Its persons,
events and sources are parts of it (cases/workflow.py): fixed while it is published.
"""

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import dates
from cases.dates import DatePrecision
from cases.models.base import Publishable, PublishableQuerySet, check_dates
from cases.models.events import Event
from cases.models.people import Person
from cases.models.reference import Source


class ProceedingQuerySet(PublishableQuerySet):
    def by_publication_rules(self):
        """Reviewed, and no person concerned who is not public by the persons' own
        rule (published, standard, no testimony without consent)."""
        withheld = ProceedingPerson.objects.filter(proceeding=OuterRef("pk")).exclude(
            person__in=Person.objects.by_publication_rules()
        )
        return self.reviewed_for_publication().exclude(Exists(withheld))


class Proceeding(Publishable):
    code_prefix = "J"

    class Kind(models.TextChoices):
        SUBMISSION = "submission", _("submission or communication")
        URGENT_APPEAL = "urgent_appeal", _("urgent appeal")
        FOLLOW_UP = "follow_up", _("follow-up")
        COURT_CASE = "court_case", _("court case")
        OTHER = "other", _("other action")

    class Forum(models.TextChoices):
        WGAD = "wgad", _("UN Working Group on Arbitrary Detention")
        WGEID = "wgeid", _("UN Working Group on Enforced or Involuntary Disappearances")
        SPECIAL_RAPPORTEUR = "special_rapporteur", _("UN Special Rapporteur on the DPRK")
        HUMAN_RIGHTS_COMMITTEE = "human_rights_committee", _("UN Human Rights Committee")
        CAT = "cat", _("UN Committee against Torture")
        CEDAW = "cedaw", _("UN Committee on the Elimination of Discrimination against Women")
        CRC = "crc", _("UN Committee on the Rights of the Child")
        ACCOUNTABILITY = (
            "accountability",
            _("UN Commission of Inquiry / OHCHR accountability project"),
        )
        NATIONAL_COURT = "national_court", _("national court")
        OTHER = "other", _("other forum")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        TRANSMITTED = "transmitted", _("transmitted to the government")
        REPLIED = "replied", _("government replied")
        VIOLATION_FOUND = "violation_found", _("opinion adopted: violation found")
        CLARIFIED = "clarified", _("clarified")
        DISCONTINUED = "discontinued", _("discontinued")
        NO_RESPONSE = "no_response", _("no response")
        OTHER = "other", _("other outcome")

    kind = models.CharField(
        _("kind of action"), max_length=20, choices=Kind.choices, default=Kind.SUBMISSION
    )
    forum = models.CharField(_("forum"), max_length=30, choices=Forum.choices)
    submitted_by = models.CharField(
        _("submitted by"),
        max_length=200,
        blank=True,
        help_text=_("The organization that acted, e.g. NKDB. Never a person's name."),
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_on_precision = models.CharField(
        _("precision"), max_length=12, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    un_reference = models.CharField(
        _("UN reference"),
        max_length=100,
        blank=True,
        help_text=_("E.g. Opinion No. 34/2023 or a communication's number. Internal."),
    )
    un_reference_public = models.BooleanField(
        _("publish the UN reference"),
        default=False,
        help_text=_(
            "A UN opinion or communication may name the person: publish its reference only "
            "when the UN document names nobody who is not public here."
        ),
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    outcome_on_precision = models.CharField(
        _("precision"), max_length=12, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    summary_en = models.TextField(_("English public summary"), blank=True)
    summary_ko = models.TextField(_("Korean public summary"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    history = HistoricalRecords(excluded_fields=["is_public"])

    objects = ProceedingQuerySet.as_manager()

    class Meta:
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")
        ordering = ["-submitted_on", "code"]
        indexes = [models.Index(fields=["status", "confidentiality"])]

    def __str__(self):
        return f"{self.label} {self.get_forum_display()}"

    def save(self, *args, **kwargs):
        for name, precision in dates.pairs(type(self)):
            setattr(self, name, dates.normalise(getattr(self, name), getattr(self, precision)))
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        check_dates(self)


class ProceedingPerson(models.Model):
    """A person a proceeding concerns: part of the proceeding."""

    proceeding = models.ForeignKey(
        Proceeding,
        verbose_name=_("proceeding"),
        on_delete=models.CASCADE,
        related_name="person_links",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="proceeding_links",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person concerned")
        verbose_name_plural = _("persons concerned")
        constraints = [
            models.UniqueConstraint(
                fields=["proceeding", "person"], name="proceeding_person_unique"
            )
        ]

    def __str__(self):
        return f"{self.proceeding.code} → {self.person.label}"  # by code: see Involvement


class ProceedingEvent(models.Model):
    """An event a proceeding concerns: part of the proceeding."""

    proceeding = models.ForeignKey(
        Proceeding,
        verbose_name=_("proceeding"),
        on_delete=models.CASCADE,
        related_name="event_links",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="proceeding_links",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event concerned")
        verbose_name_plural = _("events concerned")
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "event"], name="proceeding_event_unique")
        ]

    def __str__(self):
        return f"{self.proceeding.code} → {self.event.code}"


class ProceedingSource(models.Model):
    """A source a proceeding cites (the submission itself, the UN opinion)."""

    proceeding = models.ForeignKey(
        Proceeding,
        verbose_name=_("proceeding"),
        on_delete=models.CASCADE,
        related_name="source_links",
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="proceeding_links",
    )
    notes = models.TextField(_("internal notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source of the proceeding")
        verbose_name_plural = _("sources of the proceeding")
        constraints = [
            models.UniqueConstraint(
                fields=["proceeding", "source"], name="proceeding_source_unique"
            )
        ]

    def __str__(self):
        return f"{self.proceeding.code} ← {self.source}"
