"""The testimony and case database, after the HURIDOCS events methodology.

An Event holds acts (Violations); each act links a victim, a ViolationType and
perpetrators (through Involvement); Information records which Testimony or
Source supports which event or act. Identity is kept apart from Person.

What the public may see is decided in one place per model: the
`.by_publication_rules()` QuerySet methods below. Evaluating those rules means
anti-joins over testimonies and their supporting information, too slow to repeat
on every request at a million violations, so their outcome is stored on each
record as `is_public` and kept current by cases.publication whenever a record
they depend on is written. Every public page, API, export and map reads it
through `.public()`; `manage.py check_publication` compares the two.
"""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import dates, workflow
from cases.dates import DatePrecision
from cases.states import Confidentiality, WorkflowStatus
from cases.vault import EncryptedTextField

# Columns computed from other records or fields, never edited and never versioned.
DERIVED_FIELDS = ["search_text", "search_tokens", "is_public"]

# Crockford's base32 without I, L, O, U: no look-alike characters, no words.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_code(prefix, rng=secrets):
    """A stable public code such as E-7K3M9QXA.

    Random rather than sequential, so that a public code reveals neither a name
    nor how many unpublished records lie between two published ones. Pass a
    seeded `random.Random` as `rng` for reproducible demo data.
    """
    return f"{prefix}-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(8))


class BilingualNameMixin:
    """Reference data carries English and Korean names; show the visitor's."""

    @property
    def name(self):
        if (get_language() or "").startswith("ko") and self.name_ko:
            return self.name_ko
        return self.name_en or self.name_ko


class LocationPrecision(models.TextChoices):
    EXACT = "exact", _("exact")
    APPROXIMATE = "approximate", _("approximate (within a few kilometres)")
    LOCALITY = "locality", _("town or village")
    COUNTY = "county", _("county")
    PROVINCE = "province", _("province")
    COUNTRY = "country", _("country")
    UNKNOWN = "unknown", _("unknown")


# --- Reference data -------------------------------------------------------


class Place(BilingualNameMixin, models.Model):
    class Level(models.TextChoices):
        COUNTRY = "country", _("country")
        PROVINCE = "province", _("province")
        COUNTY = "county", _("county or city")
        LOCALITY = "locality", _("locality")

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("ISO 3166-1 alpha-2 for countries, ISO 3166-2 for provinces (KP-09)."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name_en = models.CharField(_("English name"), max_length=200)
    name_ko = models.CharField(_("Korean name"), max_length=200, blank=True)
    iso_alpha3 = models.CharField(_("ISO alpha-3"), max_length=3, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    location_precision = models.CharField(
        _("location precision"),
        max_length=12,
        choices=LocationPrecision.choices,
        default=LocationPrecision.UNKNOWN,
        help_text=_("How exact the point is: a province's point is only its capital."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    # Spelled out: a CHECK passes when a comparison with NULL is unknown.
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="place_point_valid",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class ViolationType(BilingualNameMixin, models.Model):
    """The violation taxonomy: a tree whose codes carry the path (V05, V05.02)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_en = models.CharField(_("English name"), max_length=200)
    name_ko = models.CharField(_("Korean name"), max_length=200)
    right_affected = models.CharField(
        _("right affected"),
        max_length=200,
        blank=True,
        help_text=_("The instrument and article, e.g. ICCPR art. 12(2)."),
    )
    crime_against_humanity = models.BooleanField(
        _("crime against humanity"),
        default=False,
        help_text=_("Corresponds to a crime against humanity found by the UN COI (2014)."),
    )
    description_en = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("violation type")
        verbose_name_plural = _("violation types")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.parent and not self.code.startswith(f"{self.parent.code}."):
            message = _("A sub-type's code starts with its category's code and a dot.")
            raise ValidationError({"code": ValidationError(message, code="code_outside_parent")})

    def with_descendants(self):
        return ViolationType.objects.filter(Q(pk=self.pk) | Q(code__startswith=f"{self.code}."))


class Organization(BilingualNameMixin, models.Model):
    class Kind(models.TextChoices):
        STATE_SECURITY = "state_security", _("state security")
        POLICE = "police", _("police")
        MILITARY = "military", _("military")
        PARTY = "party", _("party")
        JUDICIAL = "judicial", _("judicial")
        BORDER_GUARD = "border_guard", _("border guard")
        FOREIGN_POLICE = "foreign_police", _("foreign police")
        FOREIGN_STATE_SECURITY = "foreign_state_security", _("foreign state security")
        LOCAL_ADMINISTRATION = "local_administration", _("local administration")
        OTHER = "other", _("other")

    code = models.CharField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_en = models.CharField(_("English name"), max_length=200)
    name_ko = models.CharField(_("Korean name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO alpha-2 code."))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    aliases = models.TextField(
        _("other names"), blank=True, help_text=_("Former and informal names, one per line.")
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["country", "name_en"]

    def __str__(self):
        return self.name


class Source(models.Model):
    """A documentary source: a report, ruling, article or statistic."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("interview")
        WHITE_PAPER = "white_paper", _("white paper")
        COURT_RULING = "court_ruling", _("court ruling")
        INTERROGATION_REPORT = "interrogation_report", _("interrogation report")
        MEDIA = "media", _("media")
        NGO_REPORT = "ngo_report", _("NGO report")
        UN_REPORT = "un_report", _("UN report")
        OFFICIAL_STATISTICS = "official_statistics", _("official statistics")
        SATELLITE_IMAGERY = "satellite_imagery", _("satellite imagery")
        OTHER = "other", _("other")

    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_year = models.PositiveSmallIntegerField(_("year published"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)
    is_public_document = models.BooleanField(
        _("public document"),
        default=True,
        help_text=_("Untick for documents held in confidence, such as obtained case files."),
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "publisher", "published_year"], name="source_unique_citation"
            )
        ]

    def __str__(self):
        text = self.title
        if self.publisher:
            text = f"{self.publisher}, {text}"
        if self.published_year:
            text = f"{text} ({self.published_year})"
        return text

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = new_code("S")
        super().save(*args, **kwargs)


class Facility(BilingualNameMixin, models.Model):
    class Kind(models.TextChoices):
        KWANLISO = "kwanliso", _("political prison camp (kwanliso)")
        KYOHWASO = "kyohwaso", _("reform-through-labour camp (kyohwaso)")
        LABOUR_TRAINING_CAMP = "labour_training_camp", _("labour training camp")
        HOLDING_CENTRE = "holding_centre", _("holding centre (jipkyulso)")
        STATE_SECURITY_DETENTION = "state_security_detention", _("state-security detention")
        POLICE_DETENTION = "police_detention", _("police detention")
        CHINESE_DETENTION = "chinese_detention", _("Chinese detention")

    class Status(models.TextChoices):
        OPERATING = "operating", _("operating")
        CLOSED = "closed", _("closed")
        REPORTED_CLOSED = "reported_closed", _("reported closed")
        UNKNOWN = "unknown", _("unknown")

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name_en = models.CharField(_("English name"), max_length=200)
    name_ko = models.CharField(_("Korean name"), max_length=200, blank=True)
    aliases = models.TextField(_("other names"), blank=True)
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    location_precision = models.CharField(
        _("location precision"),
        max_length=12,
        choices=LocationPrecision.choices,
        default=LocationPrecision.UNKNOWN,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNKNOWN
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("The public report that documents this facility."),
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["kind", "name_en"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="facility_point_complete",
            ),
        ]

    def __str__(self):
        return self.name


# --- Publishable records ---------------------------------------------------


class PublishableQuerySet(models.QuerySet):
    def reviewed_for_publication(self):
        """Published by a reviewer and not marked restricted or confidential."""
        return self.filter(
            status=WorkflowStatus.PUBLISHED, confidentiality=Confidentiality.STANDARD
        )

    def by_publication_rules(self):
        """The definition of what may be published; see cases.publication."""
        return self.reviewed_for_publication()

    def public(self):
        """What may be published, as last computed from the rules on write."""
        return self.filter(is_public=True)

    def synthetic(self):
        return self.filter(is_synthetic=True)


class ConcurrentEditError(ValidationError):
    """Someone else saved the record since this copy of it was read."""

    def __init__(self, record):
        super().__init__(
            _(
                "Someone else saved %(code)s while you were editing it. Reload the page to "
                "see their changes, then make yours again."
            )
            % {"code": record.code},
            code="concurrent_edit",
        )


def public_indexes(model_name, *fields):
    """An index per field over the public records only."""
    return [
        models.Index(
            fields=[field], condition=Q(is_public=True), name=f"{model_name}_public_{field}"
        )
        for field in fields
    ]


def public_in_order(model_name, ordering):
    """The public records in their default order: a list's first page reads a
    page of them and stops, rather than sorting every public record."""
    return models.Index(
        fields=ordering, condition=Q(is_public=True), name=f"{model_name}_public_order"
    )


class Publishable(models.Model):
    """Fields every record that can be published carries."""

    code_prefix = ""
    kept_elsewhere = ("is_public", "corroboration", "involves_living")

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        editable=False,
        help_text=_("Stable public code. It never contains a name."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=WorkflowStatus.choices,
        default=WorkflowStatus.DRAFT,
        db_index=True,
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.STANDARD,
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        editable=False,
        help_text=_(
            "Computed from the publication rules whenever this record or one it rests on "
            "is saved; never set by hand."
        ),
    )
    is_synthetic = models.BooleanField(
        _("synthetic demo data"),
        default=False,
        help_text=_("Generated for demonstration; not a real account."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Raised by every save; a save made from an older version is refused."),
    )

    objects = PublishableQuerySet.as_manager()

    # The fields of this record that the publication rules read (cases.publication):
    # a save that changes none of them cannot change any stored flag.
    publication_fields = ("status", "confidentiality")
    # The fields only the review workflow changes (cases/workflow.py).
    workflow_fields = ("status", "confidentiality")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Save, refusing to overwrite a version someone else saved meanwhile.

        Optimistic locking: the stored version must still be the one this
        instance was read at. The check and the bump are one UPDATE, so of two
        concurrent saves exactly one wins.
        """
        if not self.code:
            self.code = new_code(self.code_prefix)
        if self._state.adding:
            workflow.check_new(self)
            super().save(*args, **kwargs)
        else:
            self._save_unless_stale(*args, **kwargs)
        # The signal receivers have compared; the next save compares with this one
        # (unless some field the rules read was left out of update_fields).
        saved = kwargs.get("update_fields")
        partly = saved is not None and not set(self.publication_fields) <= {
            self._meta.get_field(name).name for name in saved
        }
        self._publication_values = None if partly else self.publication_values()

    def _save_unless_stale(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            current = type(self)._base_manager.filter(pk=self.pk, version=self.version)
            unchanged = current
            if not workflow.is_acting():
                # cases/workflow.py, rules 2 and 3, in the same statement as the version check.
                unchanged = current.filter(
                    **{name: getattr(self, name) for name in self.workflow_fields}
                ).exclude(status=WorkflowStatus.PUBLISHED)
            bumped = unchanged.update(version=models.F("version") + 1)
            if not bumped and current.exists():
                workflow.refuse(
                    self.code,
                    _(
                        "its status, confidentiality and consent change only through review, "
                        "and a published record changes only once it is returned."
                    ),
                )
            if not bumped:
                raise ConcurrentEditError(self)
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            else:
                # Written by cases.publication only: this copy's values may be stale.
                kwargs["update_fields"] = {
                    field.attname
                    for field in self._meta.concrete_fields
                    if not field.primary_key and field.attname not in self.kept_elsewhere
                } - self.get_deferred_fields()
            super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        record._publication_values = record.publication_values()
        return record

    def publication_values(self):
        """The values of `publication_fields` in this copy, or None if one is not loaded."""
        names = [self._meta.get_field(name).attname for name in self.publication_fields]
        if any(name not in self.__dict__ for name in names):  # deferred
            return None
        return tuple(self.__dict__[name] for name in names)

    def publication_changed(self):
        """Whether saving this copy can change what the publication rules decide:
        a new record, or a field they read differs from the stored one. (The
        version check in save() guarantees that the stored values are the loaded ones.)"""
        loaded = getattr(self, "_publication_values", None)
        return self._state.adding or loaded is None or loaded != self.publication_values()

    @property
    def label(self):
        """The code, marked when the record is synthetic."""
        return f"{self.code} [{_('synthetic')}]" if self.is_synthetic else self.code


def check_dates(record):
    """Refuse a date that its precision would blank or move (cases/dates.py)."""
    errors = {}
    for date_name, precision_name in dates.pairs(type(record)):
        precision = getattr(record, precision_name)
        problem = dates.moved(getattr(record, date_name), precision)
        if problem:
            # An unknown precision is the precision's fault; a moved date, the date's.
            unknown = precision == dates.DatePrecision.UNKNOWN
            name, code = (precision_name, "precision_missing") if unknown else (date_name, "moved")
            errors[name] = ValidationError(problem, code=code)
    if errors:
        raise ValidationError(errors)


class UncertainPeriod(models.Model):
    """A start and an end, each with a precision, and their derived bounds."""

    start_date = models.DateField(_("start date"), null=True, blank=True)
    start_precision = models.CharField(
        _("start precision"),
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.UNKNOWN,
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_precision = models.CharField(
        _("end precision"),
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.UNKNOWN,
    )
    earliest_date = models.DateField(
        _("earliest possible date"), null=True, blank=True, editable=False
    )
    latest_date = models.DateField(_("latest possible date"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.set_period_bounds()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        check_dates(self)
        self.set_period_bounds()
        start_earliest = dates.bounds(self.start_date, self.start_precision)[0]
        end_latest = dates.bounds(self.end_date, self.end_precision)[1]
        if start_earliest and end_latest and end_latest < start_earliest:
            message = _("The end cannot come before the start.")
            raise ValidationError({"end_date": ValidationError(message, code="end_before_start")})

    def set_period_bounds(self):
        self.start_date = dates.normalise(self.start_date, self.start_precision)
        self.end_date = dates.normalise(self.end_date, self.end_precision)
        start_bounds = dates.bounds(self.start_date, self.start_precision)
        end_bounds = dates.bounds(self.end_date, self.end_precision)
        self.earliest_date = start_bounds[0] or end_bounds[0]
        self.latest_date = end_bounds[1] or start_bounds[1]

    @property
    def period_display(self):
        return dates.display_span(
            self.start_date, self.start_precision, self.end_date, self.end_precision
        )


class Searchable(models.Model):
    """Search columns computed from the record's public fields (cases/search.py)."""

    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)
    search_tokens = models.TextField(_("search tokens"), blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from cases import search  # search reads these models

        search.fill(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *search.SEARCH_FIELDS}
        super().save(*args, **kwargs)


class Corroborated(models.Model):
    """How many independent public sources support the record, kept by cases.publication."""

    corroboration = models.PositiveSmallIntegerField(
        _("independent sources"),
        default=0,
        editable=False,
        help_text=_(
            "Distinct public witnesses plus documents behind the record or its event; "
            "recomputed whenever the information behind it changes."
        ),
    )

    class Meta:
        abstract = True


class PeriodQuerySet(PublishableQuerySet):
    def in_period(self, start=None, end=None):
        """Records whose possible dates overlap [start, end].

        Once a bound is given, undated records are left out: they cannot be said
        to fall in any period.
        """
        queryset = self
        if start:
            queryset = queryset.filter(latest_date__gte=start)
        if end:
            queryset = queryset.filter(earliest_date__lte=end)
        return queryset


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


class Knowledge(models.TextChoices):
    EXPERIENCED = "experienced", _("experienced it")
    WITNESSED = "witnessed", _("witnessed it")
    HEARD = "heard", _("heard of it")
    DOCUMENT = "document", _("from a document")


class Reliability(models.TextChoices):
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")
    UNKNOWN = "unknown", _("not assessed")


def withheld_testimony_by(person_ref):
    """A subquery: the person gave a testimony without (or withdrawn) publication consent."""
    return Exists(Testimony.objects.without_publication_consent().filter(interviewee=person_ref))


def withheld_support_for(**target):
    """A subquery: the record rests on a testimony whose consent does not allow publication."""
    return Exists(
        Information.objects.filter(
            testimony__in=Testimony.objects.without_publication_consent(), **target
        )
    )


class PersonQuerySet(PublishableQuerySet):
    def by_publication_rules(self):
        return self.reviewed_for_publication().exclude(withheld_testimony_by(OuterRef("pk")))


class Person(Publishable):
    """A victim, witness, interviewee or individual perpetrator, by pseudonym only."""

    code_prefix = "P"
    publication_fields = ("status", "confidentiality", "is_alive")

    class Education(models.TextChoices):
        NONE = "none", _("no schooling")
        KINDERGARTEN = "kindergarten", _("kindergarten")
        PRIMARY = "primary", _("primary school")
        SECONDARY = "secondary", _("secondary school")
        COLLEGE = "college", _("college")
        UNIVERSITY = "university", _("university or above")
        OTHER = "other", _("other")
        UNKNOWN = "unknown", _("unknown")

    class Occupation(models.TextChoices):
        # The Ministry of Unification's eight categories of occupation in the North.
        MANAGEMENT = "management", _("management")
        MILITARY = "military", _("military")
        WORKER = "worker", _("worker")
        UNEMPLOYED = "unemployed", _("unemployed or dependent")
        SERVICE = "service", _("service")
        ARTS_SPORTS = "arts_sports", _("arts and sports")
        PROFESSIONAL = "professional", _("professional")
        CHILD = "child", _("not applicable (child)")
        UNKNOWN = "unknown", _("unknown")

    pseudonym = models.CharField(
        _("pseudonym"),
        max_length=100,
        help_text=_("A name that cannot identify the person. Real names go in the identity vault."),
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_year_is_approximate = models.BooleanField(_("year of birth approximate"), default=False)
    origin_place = models.ForeignKey(
        Place,
        verbose_name=_("place of origin"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="persons_from",
    )
    occupation_in_north = models.CharField(
        _("occupation in the North"),
        max_length=20,
        choices=Occupation.choices,
        default=Occupation.UNKNOWN,
    )
    education_in_north = models.CharField(
        _("education in the North"),
        max_length=20,
        choices=Education.choices,
        default=Education.UNKNOWN,
    )
    is_alive = models.BooleanField(
        _("living"),
        null=True,
        blank=True,
        help_text=_(
            "Events involving a living witness are never located more precisely than the county."
        ),
    )
    notes = models.TextField(_("internal notes"), blank=True)
    history = HistoricalRecords(excluded_fields=["is_public"])

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["code"]
        permissions = [("merge_person", _("Can merge duplicate persons"))]
        indexes = [models.Index(fields=["pseudonym"]), models.Index(fields=["birth_year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1880, birth_year__lte=2100),
                name="person_birth_year_plausible",
            )
        ]

    def __str__(self):
        return f"{self.label} {self.pseudonym}"


class Identity(models.Model):
    """Who a person really is. Kept apart from Person; never shown publicly.

    Every field but the person is encrypted at rest (cases.vault). Only
    custodians read it, and each read is logged in IdentityAccess. Not versioned:
    history rows would be one more copy to protect.
    """

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="identity"
    )
    real_name = EncryptedTextField(_("real name"))
    other_names = EncryptedTextField(_("other names"), blank=True)
    contacts = EncryptedTextField(_("contacts"), blank=True)
    relatives_in_north = EncryptedTextField(_("relatives still in the North"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    def __str__(self):
        return _("Identity of %(code)s") % {"code": self.person.code}

    def __repr__(self):
        return f"<Identity of person {self.person_id}>"


class IdentityAccess(models.Model):
    """One read or change of an identity: who, when, which person. Never the values."""

    class Action(models.TextChoices):
        READ = "read", _("read")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    person_code = models.CharField(_("person"), max_length=20, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("identity access")
        verbose_name_plural = _("identity accesses")
        ordering = ["-at"]

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {self.person_code}"
        )


class InterviewLanguage(models.TextChoices):
    KOREAN = "ko", _("Korean")
    ENGLISH = "en", _("English")
    CHINESE = "zh", _("Chinese")
    OTHER = "other", _("other")


class ConsentScope(models.TextChoices):
    NONE = "none", _("none recorded")
    INTERNAL = "internal", _("internal use only")
    ANONYMISED = "anonymised", _("anonymised publication")
    FULL = "full", _("full publication")


PUBLISHABLE_CONSENT = (ConsentScope.ANONYMISED, ConsentScope.FULL)


class TestimonyQuerySet(PeriodQuerySet):
    def consented_for_publication(self):
        return self.filter(consent_scope__in=PUBLISHABLE_CONSENT, consent_withdrawn_on__isnull=True)

    def without_publication_consent(self):
        return self.exclude(
            consent_scope__in=PUBLISHABLE_CONSENT, consent_withdrawn_on__isnull=True
        )

    def by_publication_rules(self):
        return (
            self.reviewed_for_publication()
            .consented_for_publication()
            .filter(interviewee__confidentiality=Confidentiality.STANDARD)
        )


class Testimony(Publishable, UncertainPeriod, Searchable):
    """An interview. Its period is the span of time the account covers."""

    code_prefix = "T"
    publication_fields = (
        "status",
        "confidentiality",
        "consent_scope",
        "consent_withdrawn_on",
        "interviewee",
    )
    workflow_fields = (
        "status",
        "confidentiality",
        "consent_scope",
        "consent_given_on",
        "consent_method",
        "consent_withdrawn_on",
    )

    interviewee = models.ForeignKey(
        Person, verbose_name=_("interviewee"), on_delete=models.PROTECT, related_name="testimonies"
    )
    interviewer = models.CharField(_("interviewer"), max_length=100, blank=True)
    interview_date = models.DateField(_("interview date"), null=True, blank=True)
    interview_country = models.CharField(
        _("country of interview"), max_length=2, blank=True, help_text=_("ISO alpha-2 code.")
    )
    language = models.CharField(
        _("language of the interview"),
        max_length=10,
        choices=InterviewLanguage.choices,
        default=InterviewLanguage.KOREAN,
    )
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    title_ko = models.CharField(_("Korean title"), max_length=300, blank=True)
    public_summary_en = models.TextField(
        _("public summary (English)"),
        blank=True,
        help_text=_("Written for publication: nothing that could identify the witness."),
    )
    public_summary_ko = models.TextField(_("public summary (Korean)"), blank=True)
    transcript = models.TextField(
        _("transcript"), blank=True, help_text=_("Restricted. Never published.")
    )
    knowledge = models.CharField(
        _("how the witness knows"),
        max_length=12,
        choices=Knowledge.choices,
        default=Knowledge.EXPERIENCED,
    )
    consent_scope = models.CharField(
        _("consent"), max_length=12, choices=ConsentScope.choices, default=ConsentScope.NONE
    )
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_method = models.CharField(
        _("how consent was given"),
        max_length=200,
        blank=True,
        help_text=_("For example: signed form, recorded oral consent."),
    )
    consent_withdrawn_on = models.DateField(_("consent withdrawn on"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=DERIVED_FIELDS)

    objects = TestimonyQuerySet.as_manager()

    class Meta:
        verbose_name = _("testimony")
        verbose_name_plural = _("testimonies")
        ordering = ["-interview_date", "code"]
        permissions = [
            (
                "view_restricted",
                _("Can see confidential records and transcripts of restricted testimonies"),
            ),
            ("withdraw_consent", _("Can record a withdrawal of consent")),
        ]
        indexes = [
            models.Index(fields=["status", "consent_scope"]),
            models.Index(fields=["earliest_date", "latest_date"]),
            public_in_order("testimony", ordering),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_scope=ConsentScope.NONE) | Q(consent_given_on__isnull=False),
                name="testimony_consent_dated",
                violation_error_message=_("Consent needs the date it was given."),
            ),
            models.CheckConstraint(
                condition=Q(consent_withdrawn_on__isnull=True)
                | Q(
                    consent_given_on__isnull=False,
                    consent_withdrawn_on__gte=models.F("consent_given_on"),
                ),
                name="testimony_withdrawal_after_consent",
                violation_error_message=_("Consent cannot be withdrawn before it was given."),
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.title or ''}".strip()

    @property
    def title(self):
        if (get_language() or "").startswith("ko") and self.title_ko:
            return self.title_ko
        return self.title_en or self.title_ko

    @property
    def consents_to_publication(self):
        return self.consent_scope in PUBLISHABLE_CONSENT and self.consent_withdrawn_on is None


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
            # The province and county filters (cases.filters.place_q).
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
            # The province and county filters (cases.filters.place_q).
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
        perpetrator = self.perpetrator_person or self.perpetrator_organization
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
