"""Events and their acts (violations), perpetrators, the information behind
each fact, and border crossings with their legs."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import dates
from cases.dates import DatePrecision
from cases.models.base import (
    DERIVED_FIELDS,
    Corroborated,
    Knowledge,
    PeriodQuerySet,
    Publishable,
    PublishableQuerySet,
    Reliability,
    Searchable,
    UncertainPeriod,
    check_dates,
    public_in_order,
    public_indexes,
)
from cases.models.people import Person, Testimony, withheld_testimony_by
from cases.models.reference import Facility, Organization, Place, Source, ViolationType
from cases.states import Confidentiality


def withheld_support_for(**target):
    """A subquery: the record rests on a testimony whose consent does not allow publication."""
    return Exists(
        Information.objects.filter(
            testimony__in=Testimony.objects.without_publication_consent(), **target
        )
    )


class EventQuerySet(PeriodQuerySet):
    def by_publication_rules(self):
        return self.reviewed_for_publication().exclude(withheld_support_for(event=OuterRef("pk")))


class Event(Publishable, UncertainPeriod, Searchable, Corroborated):
    code_prefix = "E"

    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    title_ko = models.CharField(_("Korean title"), max_length=300, blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    description_ko = models.TextField(_("Korean description"), blank=True)
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT
    )
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), null=True, blank=True, on_delete=models.PROTECT
    )
    involves_living = models.BooleanField(
        _("involves a living person"),
        default=True,  # until computed: the map coarsens rather than reveals
        editable=False,
        help_text=_(
            "A victim or witness is living or not known to have died: the map never "
            "shows the event more precisely than its county. Kept by cases.publication."
        ),
    )
    history = HistoricalRecords(
        excluded_fields=[*DERIVED_FIELDS, "corroboration", "involves_living"]
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-earliest_date", "code"]
        indexes = [
            models.Index(fields=["status", "confidentiality"]),
            models.Index(fields=["earliest_date", "latest_date"]),
            # Records by place and facility (the publication reads them so).
            *public_indexes("event", "place", "facility"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_en="", title_ko=""),
                name="event_has_title",
                violation_error_message=_("Give the event a title in English or Korean."),
            )
        ]

    def __str__(self):
        return f"{self.label} {self.title}"

    @property
    def title(self):
        if (get_language() or "").startswith("ko") and self.title_ko:
            return self.title_ko
        return self.title_en or self.title_ko


class ViolationQuerySet(PeriodQuerySet):
    def by_publication_rules(self):
        return (
            self.reviewed_for_publication()
            .filter(event__in=Event.objects.by_publication_rules())
            .exclude(withheld_support_for(violation=OuterRef("pk")))
            .exclude(withheld_testimony_by(OuterRef("victim")))
            .exclude(victim__in=Person.objects.exclude(confidentiality=Confidentiality.STANDARD))
        )

    def of_type(self, violation_type):
        """Acts of this type or any of its sub-types."""
        return self.filter(
            Q(violation_type=violation_type)
            | Q(violation_type__code__startswith=f"{violation_type.code}.")
        )


class Violation(Publishable, UncertainPeriod, Searchable, Corroborated):
    """An act within an event (HURIDOCS): one victim, one type, its perpetrators."""

    code_prefix = "A"
    publication_fields = ("status", "confidentiality", "event", "victim")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="violations"
    )
    violation_type = models.ForeignKey(
        ViolationType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="violations"
    )
    victim = models.ForeignKey(
        Person,
        verbose_name=_("victim"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations_suffered",
    )
    victim_age = models.PositiveSmallIntegerField(
        _("victim's age at the time"), null=True, blank=True
    )
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT
    )
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), null=True, blank=True, on_delete=models.PROTECT
    )
    description_en = models.TextField(_("English description"), blank=True)
    description_ko = models.TextField(_("Korean description"), blank=True)
    history = HistoricalRecords(excluded_fields=[*DERIVED_FIELDS, "corroboration"])

    objects = ViolationQuerySet.as_manager()

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-earliest_date", "code"]
        indexes = [
            models.Index(fields=["status", "confidentiality"]),
            models.Index(fields=["violation_type", "earliest_date"]),
            models.Index(fields=["earliest_date", "latest_date"]),
            # Records by place and facility (the publication reads them so).
            *public_indexes("violation", "place", "facility"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(victim_age__isnull=True) | Q(victim_age__lte=120),
                name="violation_victim_age_plausible",
            )
        ]

    def __str__(self):
        return f"{self.label} {self.violation_type.name}"


class Involvement(models.Model):
    """A perpetrator's part in an act: a person or an organization, and how."""

    class Degree(models.TextChoices):
        CARRIED_OUT = "carried_out", _("carried it out")
        ORDERED = "ordered", _("ordered it")
        FAILED_TO_PREVENT = "failed_to_prevent", _("failed to prevent it")
        COMPLICIT = "complicit", _("complicit")
        UNKNOWN = "unknown", _("unknown")

    violation = models.ForeignKey(
        Violation,
        verbose_name=_("violation"),
        on_delete=models.CASCADE,
        related_name="involvements",
    )
    perpetrator_person = models.ForeignKey(
        Person,
        verbose_name=_("perpetrator (person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="involvements",
    )
    perpetrator_organization = models.ForeignKey(
        Organization,
        verbose_name=_("perpetrator (organization)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="involvements",
    )
    degree = models.CharField(
        _("degree"), max_length=20, choices=Degree.choices, default=Degree.CARRIED_OUT
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("perpetrator involvement")
        verbose_name_plural = _("perpetrator involvements")
        constraints = [
            models.CheckConstraint(
                condition=Q(perpetrator_person__isnull=True, perpetrator_organization__isnull=False)
                | Q(perpetrator_person__isnull=False, perpetrator_organization__isnull=True),
                name="involvement_one_perpetrator",
                violation_error_message=_("Choose either a person or an organization."),
            )
        ]

    def __str__(self):
        # A person by code alone: this row is listed where its person may not be
        # shown (the admin's delete page of the act, its history).
        person = self.perpetrator_person
        perpetrator = person.label if person else self.perpetrator_organization
        return f"{perpetrator}: {self.get_degree_display()}"


class Information(models.Model):
    """Which testimony or source supports which event or act, and how well."""

    testimony = models.ForeignKey(
        Testimony,
        verbose_name=_("testimony"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="information",
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="information",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="information",
    )
    violation = models.ForeignKey(
        Violation,
        verbose_name=_("violation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="information",
    )
    knowledge = models.CharField(
        _("how the source knows"), max_length=12, choices=Knowledge.choices
    )
    reliability = models.CharField(
        _("reliability"), max_length=10, choices=Reliability.choices, default=Reliability.UNKNOWN
    )
    notes = models.TextField(_("internal notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supporting information")
        verbose_name_plural = _("supporting information")
        constraints = [
            models.CheckConstraint(
                condition=Q(testimony__isnull=True, source__isnull=False)
                | Q(testimony__isnull=False, source__isnull=True),
                name="information_one_origin",
                violation_error_message=_("Cite either a testimony or a source."),
            ),
            models.CheckConstraint(
                condition=Q(event__isnull=True, violation__isnull=False)
                | Q(event__isnull=False, violation__isnull=True),
                name="information_one_target",
                violation_error_message=_("Attach the information to an event or a violation."),
            ),
        ]

    def __str__(self):
        return f"{self.testimony or self.source} → {self.event or self.violation}"


class TestimonySource(models.Model):
    """A source behind a testimony: its recording, its transcript, the court ruling
    or case file it speaks of.

    Not an Information row: Information says which one testimony or source
    supports which event or act, how it knows and how reliably, and a row that
    named both would say neither. This says what the testimony itself rests on.
    A source cited by a public testimony that supports the same record is not
    an independent source: it counts once, with the testimony
    (cases/corroboration.py). Part of its testimony: fixed while the testimony is
    published (cases/workflow.py), never shown on the public side."""

    testimony = models.ForeignKey(
        Testimony,
        verbose_name=_("testimony"),
        on_delete=models.CASCADE,
        related_name="source_links",
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="testimony_links",
    )
    notes = models.TextField(_("internal notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source of the testimony")
        verbose_name_plural = _("sources of the testimony")
        constraints = [
            models.UniqueConstraint(fields=["testimony", "source"], name="testimony_source_unique")
        ]

    def __str__(self):
        return f"{self.testimony} ← {self.source}"


class BorderCrossingQuerySet(PublishableQuerySet):
    def by_publication_rules(self):
        return (
            self.reviewed_for_publication()
            .filter(person__confidentiality=Confidentiality.STANDARD)
            .exclude(withheld_testimony_by(OuterRef("person")))
            .exclude(testimony__in=Testimony.objects.without_publication_consent())
        )


class BorderCrossing(Publishable, Searchable):
    code_prefix = "B"
    publication_fields = ("status", "confidentiality", "person", "testimony")

    class Outcome(models.TextChoices):
        REACHED_SOUTH_KOREA = "reached_south_korea", _("reached South Korea")
        REACHED_THIRD_COUNTRY = "reached_third_country", _("reached a third country")
        ARRESTED_IN_CHINA = "arrested_in_china", _("arrested in China")
        FORCIBLY_REPATRIATED = "forcibly_repatriated", _("forcibly repatriated")
        TRAFFICKED = "trafficked", _("trafficked")
        UNKNOWN = "unknown", _("unknown")

    class Broker(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")
        UNKNOWN = "unknown", _("unknown")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="border_crossings"
    )
    testimony = models.ForeignKey(
        Testimony,
        verbose_name=_("testimony"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="border_crossings",
        help_text=_("The account this crossing is recorded from."),
    )
    departure_place = models.ForeignKey(
        Place,
        verbose_name=_("departed from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    crossing_date = models.DateField(_("crossing date"), null=True, blank=True)
    crossing_date_precision = models.CharField(
        _("crossing date precision"),
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.UNKNOWN,
    )
    crossing_point = models.CharField(
        _("crossing point"),
        max_length=200,
        blank=True,
        help_text=_("River and county, e.g. Tumen River near Musan."),
    )
    crossing_place = models.ForeignKey(
        Place,
        verbose_name=_("crossing place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    broker = models.CharField(
        _("broker used"), max_length=10, choices=Broker.choices, default=Broker.UNKNOWN
    )
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=Outcome.choices, default=Outcome.UNKNOWN
    )
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    arrival_date_precision = models.CharField(
        _("arrival date precision"),
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.UNKNOWN,
    )
    settlement_place = models.ForeignKey(
        Place,
        verbose_name=_("region of settlement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description_en = models.TextField(_("English description"), blank=True)
    description_ko = models.TextField(_("Korean description"), blank=True)
    # A reviewer's choice of what the public is not shown, when the re-identification
    # check refuses the crossing: the recorded values stay (docs/publication-policy.md).
    withhold_year = models.BooleanField(
        _("publish without its dates"),
        default=False,
        help_text=_("The public sees no year of crossing, arrival or any leg."),
    )
    withhold_departure = models.BooleanField(
        _("publish without where it started"),
        default=False,
        help_text=_("The public sees neither the place of departure nor the place of crossing."),
    )
    withhold_settlement = models.BooleanField(
        _("publish without the region of settlement"), default=False
    )
    history = HistoricalRecords(excluded_fields=DERIVED_FIELDS)

    objects = BorderCrossingQuerySet.as_manager()

    class Meta:
        verbose_name = _("border crossing")
        verbose_name_plural = _("border crossings")
        ordering = ["-crossing_date", "code"]
        indexes = [
            models.Index(fields=["outcome"]),
            models.Index(fields=["crossing_date"]),
            public_in_order("crossing", ordering),
        ]

    def __str__(self):
        return f"{self.label} {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        self.crossing_date = dates.normalise(self.crossing_date, self.crossing_date_precision)
        self.arrival_date = dates.normalise(self.arrival_date, self.arrival_date_precision)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        check_dates(self)

    @property
    def crossing_date_display(self):
        return dates.display(self.crossing_date, self.crossing_date_precision)


class CrossingLeg(models.Model):
    """One stage of a journey, in order, through a transit country."""

    class WhatHappened(models.TextChoices):
        TRANSITED = "transited", _("passed through")
        HID = "hid", _("hid or lived in hiding")
        WORKED = "worked", _("worked")
        DETAINED = "detained", _("detained")
        ARRESTED = "arrested", _("arrested")
        REPATRIATED = "repatriated", _("forcibly repatriated")
        TRAFFICKED = "trafficked", _("trafficked")

    crossing = models.ForeignKey(
        BorderCrossing,
        verbose_name=_("border crossing"),
        on_delete=models.CASCADE,
        related_name="legs",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    country = models.ForeignKey(
        Place,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": Place.Level.COUNTRY},
        related_name="+",
    )
    entered_on = models.DateField(_("entered on"), null=True, blank=True)
    entered_on_precision = models.CharField(
        _("precision"), max_length=12, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    what_happened = models.CharField(
        _("what happened"),
        max_length=12,
        choices=WhatHappened.choices,
        default=WhatHappened.TRANSITED,
    )
    notes = models.TextField(_("internal notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leg of the journey")
        verbose_name_plural = _("legs of the journey")
        ordering = ["crossing", "order"]
        constraints = [
            models.UniqueConstraint(fields=["crossing", "order"], name="crossing_leg_order_unique")
        ]

    def __str__(self):
        return f"{self.order}. {self.country.name}: {self.get_what_happened_display()}"

    def save(self, *args, **kwargs):
        self.entered_on = dates.normalise(self.entered_on, self.entered_on_precision)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        check_dates(self)
