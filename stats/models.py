"""Published migration figures, kept in the publishers' own terms.

A Dataset is one edition of one publisher's table; an Observation is one
published cell of it. Figures are stored as published: nothing is split,
interpolated, or summed across measures, and a cell the publisher did not
report is simply absent.
"""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stats.caveats import caveat_text

# Dimensions an observation may be broken down by. An empty string means "not
# broken down by this" (all ages, both sexes, ...), never NULL, so that the
# uniqueness constraint below holds on SQLite and PostgreSQL alike.
DIMENSIONS = ("sex", "age_band", "education", "occupation", "province", "region")


class Classification(models.TextChoices):
    DEFECTOR_ARRIVALS = "defector_arrivals", _("North Korean defectors arriving in South Korea")
    DEFECTOR_RESIDENTS = "defector_residents", _("North Korean defectors resident in South Korea")
    UNHCR_POPULATIONS = "unhcr_populations", _("refugees, asylum-seekers and others (UNHCR)")
    MIGRANT_STOCK = "migrant_stock", _("international migrant stock")


class Measure(models.TextChoices):
    ARRIVALS = "arrivals", _("defector arrivals in South Korea")
    RESIDENTS = "residents", _("defectors currently resident in South Korea")
    REFUGEES = "refugees", _("refugees under UNHCR's mandate")
    ASYLUM_SEEKERS = "asylum_seekers", _("asylum-seekers")
    IDPS = "idps", _("internally displaced persons of concern to UNHCR")
    OTHER_PROTECTION = "other_protection", _("other people in need of international protection")
    STATELESS = "stateless", _("stateless persons")
    HOST_COMMUNITY = "host_community", _("host community")
    OTHERS_OF_CONCERN = "others_of_concern", _("others of concern to UNHCR")
    MIGRANT_STOCK = "migrant_stock", _("international migrant stock")


class Status(models.TextChoices):
    REPORTED = "reported", _("reported")
    NOT_REPORTED = "not_reported", _("not reported")
    SMALL = "small", _("small or suppressed")
    ESTIMATED = "estimated", _("estimated")


class Sex(models.TextChoices):
    BOTH = "", _("both sexes")
    MALE = "male", _("male")
    FEMALE = "female", _("female")


# A family is one publisher's table across its editions (and copies of an edition):
# the observations API answers from one edition of each family unless asked for
# another (`?dataset=`) or for all of them (`?editions=all`). Slugs are matched by
# prefix, first match wins; a dataset matching none is a family of its own.
FAMILY_PREFIXES = (
    ("mou-arrivals", "mou-arrivals"),
    ("mou-profile-", "mou-profile"),
    ("mou-residents-", "mou-residents"),
    ("unhcr-", "unhcr-populations"),
    ("undesa-ims-", "undesa-ims"),
    ("wb-bilateral-matrix-", "wb-bilateral-matrix"),
    ("wb-gbmd-2000-total", "wb-gbmd-2000-total"),
    ("wb-gbmd-", "wb-gbmd"),
)


# The places a source names: web addresses, and repositories at a commit.
ADDRESS_PATTERN = re.compile(r"https?://[^\s;()]+|github:[^\s@]+@\w+")


def family_of(slug):
    for prefix, family in FAMILY_PREFIXES:
        if slug.startswith(prefix):
            return family
    return slug


class DatasetQuerySet(models.QuerySet):
    def by_classification(self, classification):
        return self.filter(classification=classification)

    def current(self):
        """The current edition of each family: the one whose figures reach the latest
        year; on a tie, the one retrieved last, then the one imported last."""
        best = (
            Dataset.objects.filter(family=models.OuterRef("family"))
            .annotate(last_year=models.Max("observations__period_end"))
            .order_by(
                models.F("last_year").desc(nulls_last=True),
                models.F("retrieved").desc(nulls_last=True),
                "-pk",
            )
            .values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(best))

    def with_observation_counts(self):
        # Meta.ordering does not apply to aggregated queries.
        return self.annotate(
            observation_count=models.Count("observations"),
            is_current=models.Exists(Dataset.objects.current().filter(pk=models.OuterRef("pk"))),
        ).order_by(*Dataset._meta.ordering)


class Dataset(models.Model):
    slug = models.SlugField(
        _("identifier"),
        max_length=100,
        unique=True,
        help_text=_("Stable identifier used in addresses and by re-imports."),
    )
    publisher = models.CharField(
        _("publisher"), max_length=200, help_text=_("Who published the figures.")
    )
    publisher_ko = models.CharField(_("publisher in Korean"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300)
    title_ko = models.CharField(_("title in Korean"), max_length=300, blank=True)
    edition = models.CharField(
        _("edition or cut-off"),
        max_length=300,
        help_text=_("Release, edition or cut-off date; editions are never mixed in one series."),
    )
    edition_ko = models.CharField(_("edition in Korean"), max_length=300, blank=True)
    address = models.CharField(
        _("source address"),
        max_length=1000,
        help_text=_("The publisher's page for these figures: an address a reader can open."),
    )
    compiled_from = models.TextField(
        _("how the figures were compiled"),
        blank=True,
        help_text=_(
            "Where the figures were read, how they were checked and what was corrected; "
            "shown on the “About the data” page."
        ),
    )
    compiled_from_ko = models.TextField(_("how the figures were compiled, in Korean"), blank=True)
    source_key = models.CharField(
        _("source key"),
        max_length=100,
        blank=True,
        help_text=_("Identifier in the source registry of fixtures/stats/SOURCES.md."),
    )
    licence = models.CharField(
        _("licence"), max_length=200, blank=True, help_text=_("Empty when the source states none.")
    )
    retrieved = models.DateField(_("retrieved"), null=True, blank=True)
    classification = models.CharField(
        _("what it counts"), max_length=32, choices=Classification.choices
    )
    family = models.SlugField(
        _("family"),
        max_length=100,
        blank=True,
        help_text=_(
            "The table this is an edition of; filled from the identifier when empty. "
            "Without a dataset, the API answers from the current edition of each family."
        ),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the figures count, in plain words.")
    )
    description_ko = models.TextField(_("description in Korean"), blank=True)
    caveat = models.TextField(
        _("caveats"),
        blank=True,
        help_text=_("Shown next to every chart and table of these figures."),
    )
    caveat_ko = models.TextField(_("caveats in Korean"), blank=True)
    caveat_ids = models.JSONField(
        _("caveat identifiers"),
        default=list,
        blank=True,
        help_text=_("Stable identifiers of the caveats (stats.caveats), cited on every row."),
    )

    objects = DatasetQuerySet.as_manager()

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["classification", "publisher", "slug"]

    def __str__(self):
        return f"{self.title} ({self.edition_label})"

    def save(self, *args, **kwargs):
        if not self.family:
            self.family = family_of(self.slug)
        super().save(*args, **kwargs)

    def _in_language(self, name):
        """The field in the page's language: the Korean text when the page is Korean
        and one was written, else the English."""
        if (translation.get_language() or "").startswith("ko"):
            return getattr(self, f"{name}_ko") or getattr(self, name)
        return getattr(self, name)

    @property
    def publisher_display(self):
        return self._in_language("publisher")

    @property
    def title_display(self):
        return self._in_language("title")

    @property
    def edition_display(self):
        return self._in_language("edition")

    @property
    def description_display(self):
        return self._in_language("description")

    @property
    def caveat_display(self):
        return self._in_language("caveat")

    @property
    def compiled_from_display(self):
        return self._in_language("compiled_from")

    @property
    def caveat_ids_text(self):
        """The caveat identifiers as one CSV cell: "mou-spans; mou-final-figures"."""
        return "; ".join(self.caveat_ids)

    def caveat_list(self):
        """(identifier, text in the page's language) of each of the dataset's caveats."""
        return [(ident, caveat_text(ident)) for ident in self.caveat_ids]

    @property
    def edition_label_display(self):
        return f"{self.edition_display} [{self.slug}]"

    @property
    def edition_label(self):
        """The edition with the identifier: two copies of one edition read apart."""
        return f"{self.edition} [{self.slug}]"

    def citation(self):
        """One line naming publisher, title, edition, address, licence, retrieval and
        caveats, in the active language; what was not recorded says so."""
        parts = [
            f"{self.publisher_display}, {self.title_display}, {self.edition_display}",
            self.address,
        ]
        if self.licence:
            parts.append(gettext("Licence: %(licence)s") % {"licence": self.licence})
        else:
            parts.append(gettext("Licence not stated by the source"))
        if self.retrieved:
            parts.append(gettext("Retrieved %(date)s") % {"date": self.retrieved.isoformat()})
        else:
            parts.append(gettext("Retrieval date not recorded"))
        if self.caveat_ids:
            parts.append(gettext("Caveats: %(ids)s") % {"ids": ", ".join(self.caveat_ids)})
        return ". ".join(parts) + "."

    def citations(self):
        """The citation in each of the site's languages (the publisher's words as published)."""
        result = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                result[code] = self.citation()
        return result

    def row_source(self, source):
        """`source` (an observation's) when it names a place the dataset's address
        does not, else "": what a reader needs beside the dataset's citation."""
        source = source.strip()
        if not source:
            return ""
        places = [place.rstrip(".,") for place in ADDRESS_PATTERN.findall(source)] or [source]
        known = f"{self.address} {self.compiled_from}"
        return source if any(place not in known for place in places) else ""

    def breakdowns(self):
        """The dimensions some of this dataset's figures are broken down by (one query)."""
        counts = self.observations.aggregate(
            **{dim: models.Count("pk", filter=~Q(**{dim: ""})) for dim in DIMENSIONS}
        )
        return [dim for dim in DIMENSIONS if counts[dim]]


class ObservationQuerySet(models.QuerySet):
    def with_dataset(self):
        return self.select_related("dataset")

    def current_editions(self):
        return self.filter(dataset__in=Dataset.objects.current())

    def for_dataset(self, dataset):
        if isinstance(dataset, Dataset):
            return self.filter(dataset=dataset)
        return self.filter(dataset__slug=dataset)

    def for_series(self, dataset, measure, *, by=(), **fixed):
        """One measure (or several, kept apart) of one dataset, by the dimensions in `by`.

        Every other dimension must be absent (empty), so a series never mixes
        a total with its own breakdown and nothing gets counted twice.
        `fixed` pins dimensions to one value, e.g. `sex=Sex.FEMALE`.
        """
        unknown = (set(by) | set(fixed)) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"Unknown dimensions: {sorted(unknown)}")
        absent = {dim: "" for dim in DIMENSIONS if dim not in by and dim not in fixed}
        measures = [measure] if isinstance(measure, str) else list(measure)
        return (
            self.for_dataset(dataset)
            .filter(measure__in=measures, **absent, **fixed)
            .order_by("period_end", "period_label", "origin", "destination", *by)
        )

    def single_years(self):
        return self.filter(period_start=models.F("period_end"))

    def within_years(self, start=None, end=None):
        """Periods lying wholly inside [start, end]; an open-ended span never does."""
        qs = self
        if start is not None:
            qs = qs.filter(period_start__gte=start)
        if end is not None:
            qs = qs.filter(period_end__lte=end)
        return qs

    def canonical_order(self):
        return self.order_by(
            "dataset_id", "measure", "period_end", "period_label", "origin", "destination",
            *DIMENSIONS,
        )  # fmt: skip


class Observation(models.Model):
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="observations", verbose_name=_("dataset")
    )
    measure = models.CharField(_("measure"), max_length=32, choices=Measure.choices)
    period_start = models.PositiveSmallIntegerField(
        _("first year"),
        null=True,
        blank=True,
        help_text=_("Empty for an open span such as “up to 1998”."),
    )
    period_end = models.PositiveSmallIntegerField(
        _("last year"), help_text=_("Equal to the first year for a single year.")
    )
    period_label = models.CharField(
        _("period"),
        max_length=100,
        help_text=_("The period as published, e.g. “2009”, “1999-2001”, “up to 1998”."),
    )
    origin = models.CharField(
        _("origin"),
        max_length=8,
        blank=True,
        help_text=_("ISO 3166-1 alpha-3 code, or the publisher's own code (XXA, UNK, TIB)."),
    )
    origin_name = models.CharField(_("origin as published"), max_length=200, blank=True)
    destination = models.CharField(
        _("destination"),
        max_length=8,
        blank=True,
        help_text=_("Country of asylum, residence or destination (ISO 3166-1 alpha-3)."),
    )
    destination_name = models.CharField(_("destination as published"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    age_band = models.CharField(_("age band"), max_length=50, blank=True)
    education = models.CharField(_("education"), max_length=100, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    province = models.CharField(
        _("province of origin"), max_length=100, blank=True, help_text=_("In North Korea.")
    )
    region = models.CharField(
        _("region of residence"), max_length=100, blank=True, help_text=_("In South Korea.")
    )
    category_ko = models.CharField(
        _("category in Korean"),
        max_length=100,
        blank=True,
        help_text=_("The publisher's Korean label for the breakdown category."),
    )
    value = models.PositiveIntegerField(_("value"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REPORTED
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Caveat about this figure."))
    note_ko = models.TextField(_("note in Korean"), blank=True)
    source = models.TextField(
        _("row source"),
        blank=True,
        help_text=_("Where this row was confirmed, when more specific than the dataset's address."),
    )

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "dataset",
                    "measure",
                    "period_end",
                    "period_label",
                    "origin",
                    "destination",
                    *DIMENSIONS,
                ],
                name="stats_observation_unique_cell",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_start__lte=models.F("period_end")),
                name="stats_observation_period_ordered",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="not_reported", value__isnull=True)
                    | Q(status__in=["reported", "estimated"], value__isnull=False)
                    | Q(status="small")
                ),
                name="stats_observation_value_matches_status",
            ),
        ]

    def __str__(self):
        return f"{self.dataset.slug} {self.measure} {self.period_label}: {self.value}"

    @property
    def note_display(self):
        if (translation.get_language() or "").startswith("ko"):
            return self.note_ko or self.note
        return self.note

    @property
    def is_span(self):
        return self.period_start != self.period_end

    @property
    def period_display(self):
        """The period, translated when it is one of the standard shapes."""
        if self.period_label == default_period_label(self.period_start, self.period_end):
            if self.period_start is None:
                return gettext("up to %(year)s") % {"year": self.period_end}
            if self.period_start != self.period_end:
                return f"{self.period_start}\u2013{self.period_end}"
        return self.period_label

    @property
    def value_display(self):
        if self.value is None:
            return "\u2013"
        if self.status == Status.SMALL:
            return f"≤{self.value:,}"
        return f"{self.value:,}"


def default_period_label(start, end):
    if start is None:
        return f"up to {end}"
    if start == end:
        return str(end)
    return f"{start}-{end}"
