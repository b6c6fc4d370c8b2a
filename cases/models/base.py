"""Ground pieces of the case records: codes, bilingual names, the publishable
record with its optimistic locking and workflow check, uncertain periods,
search columns and corroboration."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases import dates, workflow
from cases.dates import DatePrecision
from cases.states import Confidentiality, WorkflowStatus
from core.languages import localized

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
    """Reference data carries English, Korean and Japanese names; show the visitor's."""

    @property
    def name(self):
        return localized(self, "name")


class LocationPrecision(models.TextChoices):
    EXACT = "exact", _("exact")
    APPROXIMATE = "approximate", _("approximate (within a few kilometres)")
    LOCALITY = "locality", _("town or village")
    COUNTY = "county", _("county")
    PROVINCE = "province", _("province")
    COUNTRY = "country", _("country")
    UNKNOWN = "unknown", _("unknown")


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
