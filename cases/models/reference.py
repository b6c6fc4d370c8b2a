"""Reference data: places, the violation taxonomy, organizations, sources, facilities."""

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.base import BilingualNameMixin, LocationPrecision, new_code

# --- Reference data -------------------------------------------------------


class Proposable(models.Model):
    """A place or facility a researcher proposed: unapproved until a reviewer
    approves it (cases/reference_proposals.py), and never published before.

    Unapproved unless a writer says otherwise, so that a write path added later
    cannot publish a row nobody reviewed: the shipped reference files
    (cases/reference.py) and a reviewer's own new row are approved explicitly."""

    approved = models.BooleanField(_("approved"), default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def marked(self, text):
        """Its name as the curation site shows it: marked while it awaits approval."""
        if self.approved:
            return text
        return _("%(name)s (proposed)") % {"name": text}


class Place(Proposable, BilingualNameMixin, models.Model):
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
    name_ja = models.CharField(_("Japanese name"), max_length=200, blank=True)
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("One per line: abbreviations (함북), romanizations, former names."),
    )
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
        permissions = [("approve_place", _("Can approve a proposed place"))]
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
        return self.marked(f"{self.name} ({self.code})")


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
    name_ja = models.CharField(_("Japanese name"), max_length=200, blank=True)
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
    name_ja = models.CharField(_("Japanese name"), max_length=200, blank=True)
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
    """A documentary source: a report, ruling, article, statistic, or an interview's
    own recording or transcript.

    Its `title` is the internal description, which may name a witness, a date and
    a city ("김순옥 면담 녹음 (2024-05-14, 서울)") and is never published. The public
    reads only `public_citation`, and only for a public document
    (`public_reference`); any other source is shown by its kind alone.
    """

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
    title = models.CharField(
        _("internal description"),
        max_length=500,
        help_text=_(
            "For staff only, never published: it may name the witness, the date and "
            "the place of an interview."
        ),
    )
    public_citation = models.CharField(
        _("public citation"),
        max_length=500,
        blank=True,
        help_text=_(
            "What the public site shows, with the publisher, year and address, for a "
            "public document only. Leave empty to show the source by its kind alone."
        ),
    )
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

    def clean(self):
        super().clean()
        if self.public_citation.strip() and not self.is_public_document:
            message = _("A document held in confidence has no public citation.")
            raise ValidationError(
                {"public_citation": ValidationError(message, code="citation_of_confidential")}
            )

    @property
    def is_cited_publicly(self):
        """Whether the public may read this source's citation, publisher, year and address."""
        return self.is_public_document and bool(self.public_citation.strip())

    @property
    def public_language(self):
        """The citation's language as a code a page may carry (`lang`), or "": the
        field is typed text, so only what CLDR knows as a language passes."""
        if not self.is_cited_publicly:
            return ""
        try:
            return str(Locale.parse(self.language.strip(), sep="-")).replace("_", "-")
        except (ValueError, TypeError, UnknownLocaleError):
            return ""

    @property
    def public_reference(self):
        """What the public reads of this source's name: its citation with its
        publisher and year, or "" (the public then sees its kind only)."""
        if not self.is_cited_publicly:
            return ""
        text = self.public_citation.strip()
        if self.publisher:
            text = f"{self.publisher}, {text}"
        if self.published_year:
            text = f"{text} ({self.published_year})"
        return text


class Facility(Proposable, BilingualNameMixin, models.Model):
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
    name_ja = models.CharField(_("Japanese name"), max_length=200, blank=True)
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
        permissions = [("approve_facility", _("Can approve a proposed facility"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="facility_point_complete",
            ),
        ]

    def __str__(self):
        return self.marked(self.name)
