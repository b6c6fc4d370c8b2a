"""The published copy: what the public may see, and nothing else, ready to read.

These tables live in their own database (the alias `public`, public/routing.py).
Only the publication (cases/copying.py, through the outbox of cases.models) writes
them; the public pages read them and nothing of the private record. Each row is
denormalized for reading: an entry carries its display text in Korean and English,
its dates, its search columns and, as keys, every facet value it can be found by.

No private id is ever shown: `record_id` only lets the publication find the row
of a record it changes.
"""

import json
import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.languages import localized


class JSONText(models.TextField):
    """JSON kept as written: PostgreSQL's jsonb sorts an object's keys its own way,
    and the API's fields and CSV columns must keep the public serializers' order.
    (Nothing filters on what is stored here.)"""

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)

    def get_placeholder(self, value, compiler, connection):
        # Having this method keeps Django's bulk_create on PostgreSQL from sending
        # the rows as arrays (INSERT ... SELECT FROM UNNEST): psycopg escapes every
        # quote of a JSON text inside an array in Python, a third of the copy's
        # insert time. One placeholder per value is escaped by libpq.
        return "%s"


class Kind(models.TextChoices):
    EVENT = "event", _("event")
    VIOLATION = "violation", _("violation")
    TESTIMONY = "testimony", _("testimony")
    CROSSING = "crossing", _("border crossing")
    PROCEEDING = "proceeding", _("proceeding")


class Generation(models.Model):
    """One row whose token changes with every change applied to the copy: the
    key of every cached public page (public/caching.py)."""

    token = models.CharField(max_length=32, default="")
    applied_at = models.DateTimeField(null=True)
    # The id of the last outbox row applied: the copy is current up to it.
    outbox_position = models.BigIntegerField(default=0)

    def __str__(self):
        return self.token

    @classmethod
    def current(cls):
        row = cls.objects.order_by("pk").first()
        return row.token if row else ""

    @classmethod
    def advance(cls, *, position, at):
        token = uuid.uuid4().hex
        updated = cls.objects.update(token=token, applied_at=at, outbox_position=position)
        if not updated:
            cls.objects.create(token=token, applied_at=at, outbox_position=position)
        return token


class EntryQuerySet(models.QuerySet):
    def of(self, kind):
        return self.filter(kind=kind)

    def in_period(self, start=None, end=None):
        """Entries whose possible dates overlap [start, end]; once a bound is
        given, undated entries are left out."""
        queryset = self
        if start:
            queryset = queryset.filter(latest__gte=start)
        if end:
            queryset = queryset.filter(earliest__lte=end)
        return queryset

    def with_key(self, facet, value):
        return self.filter(pk__in=Key.objects.filter(facet=facet, value=value).values("entry"))


class Entry(models.Model):
    """One published record: an event, a violation, a testimony, a crossing or a
    proceeding."""

    kind = models.CharField(max_length=12, choices=Kind.choices)
    record_id = models.BigIntegerField()
    code = models.CharField(max_length=40)
    # A violation's event, whose page shows it.
    parent_code = models.CharField(max_length=40, blank=True, default="")
    title_en = models.TextField(blank=True, default="")
    title_ko = models.TextField(blank=True, default="")
    # Japanese where the title is built from reference names (a violation's type).
    title_ja = models.TextField(blank=True, default="")
    text_en = models.TextField(blank=True, default="")
    text_ko = models.TextField(blank=True, default="")
    when_en = models.CharField(max_length=200, blank=True, default="")
    when_ko = models.CharField(max_length=200, blank=True, default="")
    when_ja = models.CharField(max_length=200, blank=True, default="")
    # The date of the kind's default order (newest first), and the bounds of
    # every day the record's dates can mean (the period filter, the sorts).
    order_date = models.DateField(null=True)
    earliest = models.DateField(null=True)
    latest = models.DateField(null=True)
    # An event's point on the case map, as cases.markers.locate() allows it to be
    # shown (rounded to its precision, never finer than the province when a living
    # person is involved); null when it has no point precise enough.
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    precision = models.CharField(max_length=12, blank=True, default="")
    coarsened = models.BooleanField(default=False)
    # Demo data: marked so on every page that shows it.
    is_synthetic = models.BooleanField(default=False)
    search_text = models.TextField(blank=True, default="")
    search_tokens = models.TextField(blank=True, default="")
    # What the public API shows of the record and what its page shows, each by
    # language ({"en": ..., "ko": ..., "ja": ...}), built by the publication (cases/entries.py).
    data = JSONText(default=dict)
    page = models.JSONField(default=dict)
    # A digest of everything above and the keys: the publication writes an entry
    # again only when it differs, and moves the generation only then.
    fingerprint = models.CharField(max_length=64, default="")

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-order_date", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_id"], name="entry_kind_record"),
            models.UniqueConstraint(fields=["kind", "code"], name="entry_kind_code"),
        ]
        indexes = [
            models.Index(fields=["kind", "order_date", "code"], name="entry_kind_order"),
            models.Index(fields=["kind", "earliest", "latest"], name="entry_kind_period"),
        ]

    def __str__(self):
        return f"{self.kind} {self.code}"


class Key(models.Model):
    """A facet value an entry is found by: `type` 2.1 and its category 2, the
    province and the county its place lies in, and so on. An entry has one key
    per value, so a facet's count of a value is the number of entries its filter
    selects."""

    # DO_NOTHING: cases/copying.py deletes an entry's keys itself, each in one
    # DELETE; Django's cascade would first read every entry (JSON and all) into memory.
    entry = models.ForeignKey(Entry, on_delete=models.DO_NOTHING, related_name="keys")
    facet = models.CharField(max_length=16)
    value = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "value", "entry"], name="key_facet_value")
        ]
        indexes = [models.Index(fields=["entry", "facet"], name="key_entry_facet")]

    def __str__(self):
        return f"{self.facet}={self.value}"


class Reference(models.Model):
    """A row of the reference lists the public API serves (violation types,
    places, facilities, organizations): what the public serializers show of it."""

    class List(models.TextChoices):
        VIOLATION_TYPE = "violation-type", _("violation type")
        PLACE = "place", _("place")
        FACILITY = "facility", _("facility")
        ORGANIZATION = "organization", _("organization")

    list = models.CharField(max_length=16, choices=List.choices)
    code = models.CharField(max_length=40)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["list", "code"]
        constraints = [models.UniqueConstraint(fields=["list", "code"], name="reference_code")]

    def __str__(self):
        return f"{self.list} {self.code}"


class Summary(models.Model):
    """A table the publication computes over all public records, stored as it may
    be shown: the violation counts with their small cells already withheld."""

    name = models.CharField(max_length=40, unique=True)
    data = models.JSONField(default=list)

    def __str__(self):
        return self.name


class Option(models.Model):
    """The label of a facet value, in each language, and its place in the list."""

    facet = models.CharField(max_length=16)
    value = models.CharField(max_length=64)
    label_en = models.CharField(max_length=300)
    label_ko = models.CharField(max_length=300, blank=True, default="")
    label_ja = models.CharField(max_length=300, blank=True, default="")
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["facet", "position", "value"]
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="option_facet_value")
        ]

    def __str__(self):
        return f"{self.facet}={self.value}: {self.label_en}"

    def label(self):
        """The label in the active language, else in English."""
        return localized(self, "label") or self.value
