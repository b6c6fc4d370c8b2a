"""Keeping each record's stored `is_public` equal to its publication rules.

The rules (`by_publication_rules()` on each QuerySet in cases.models) decide what
the public may see. They look across records: a violation is withheld if its
victim gave a testimony without publication consent, an event if it rests on
such a testimony, and so on. Evaluating them on every request costs seconds at a
million violations, so the outcome is stored on each record and recomputed here,
inside the writing transaction, whenever a record the rules read is saved or
deleted (the signal receivers at the end of this module).

`refresh()` recomputes a set of records and everything whose rules read them,
with set-based UPDATEs, so it is cheap for one record and still fine for a whole
table (`refresh_everything()`). A save that changes none of the record's
`publication_fields` (the fields the rules read) refreshes nothing, and a new
record, on which nothing rests yet, only computes its own flags (`touch_new()`).

Writes that bypass signals (bulk_create, QuerySet.update, COPY) must call
`refresh()` themselves, which also writes the published copy's outbox
(cases/copying.py) in the same transaction; `manage.py check_publication` compares the stored flags
with the rules and, with `--fix`, repairs them. A record that misses a refresh
after one of its links was removed stays withheld: the rules only ever withhold
more when links are added, and every added link is refreshed.
"""

import contextlib
import contextvars
import enum
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
)
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save

from cases import copying
from cases.models import (
    BorderCrossing,
    Confidentiality,
    CrossingLeg,
    Event,
    Information,
    Involvement,
    Person,
    Proceeding,
    ProceedingEvent,
    ProceedingPerson,
    ProceedingSource,
    Testimony,
    TestimonySource,
    Violation,
    WorkflowStatus,
)

# Migration 0007 imports this name and computes the flags of these models, whose
# tables exist by then: a publishable model added later goes in PUBLISHABLE only.
PUBLISHABLE_MODELS = (Person, Testimony, Event, Violation, BorderCrossing)
# Every publishable model: what the checks and a full refresh read.
PUBLISHABLE = (*PUBLISHABLE_MODELS, Proceeding)


@dataclass
class Pending:
    """Primary keys written so far, by kind."""

    persons: set = field(default_factory=set)
    testimonies: set = field(default_factory=set)
    events: set = field(default_factory=set)
    violations: set = field(default_factory=set)
    crossings: set = field(default_factory=set)
    proceedings: set = field(default_factory=set)

    def add(self, **ids):
        for kind, pks in ids.items():
            getattr(self, kind).update(pk for pk in pks if pk is not None)

    def __bool__(self):
        return any(vars(self).values())


_pending = contextvars.ContextVar("publication_pending", default=None)


@contextlib.contextmanager
def batch():
    """Collect the refreshes of many writes and run them once, at the end.

    For imports and other loops of saves; open it inside the writing transaction
    so that the flags change in the same commit as the records. Nested batches
    join the outer one. If the block raises, nothing is refreshed.
    """
    if _pending.get() is not None:
        yield
        return
    with copying.applied_at_the_end():
        token = _pending.set(Pending())
        try:
            yield
            pending = _pending.get()
        finally:
            _pending.reset(token)
        if pending:
            refresh(**vars(pending))


def touch(**ids):
    """Refresh these records now, or at the end of the current batch."""
    pending = _pending.get()
    if pending is not None:
        pending.add(**ids)
    else:
        refresh(**ids)


def touch_new(record):
    """Refresh a record just created, now or at the end of the current batch.

    Nothing can rest on a record that did not exist, so outside a batch only
    its own flags, and what it changes of the records it points to, are
    computed: one to three statements instead of refresh()'s dozen.
    """
    model, pk = type(record), [record.pk]
    if _pending.get() is not None:
        RECEIVERS[model](instance=record)
        return
    with transaction.atomic():
        recompute(model._base_manager.filter(pk__in=pk))
        if model is Violation:
            recount(model._base_manager.filter(pk__in=pk))  # through its event's information
            relocate(Event._base_manager.filter(pk=record.event_id))  # its point may change
            copying.record_changes(Event, Event._base_manager.filter(pk=record.event_id))
        elif model is Event:
            relocate(model._base_manager.filter(pk__in=pk))
        elif model is BorderCrossing:  # its testimony's page lists it
            copying.record_changes(
                Testimony, Testimony._base_manager.filter(pk=record.testimony_id)
            )
        copying.record_changes(model, model._base_manager.filter(pk__in=pk))


def resting_on(*, persons=(), testimonies=()):
    """What rests on these persons and testimonies, as a Q per model: the records
    whose publication their consent and confidentiality decide. A consent
    withdrawal unpublishes these (cases/services.py); refresh() recomputes them.

    Each argument is an iterable of primary keys or a QuerySet of primary keys.
    """
    interviewees, supported = _links(persons, testimonies)
    return {
        Person: Q(pk__in=persons) | Q(pk__in=interviewees),
        Event: Q(pk__in=supported.values("event")),
        Violation: (
            Q(event__in=supported.values("event"))
            | Q(pk__in=supported.values("violation"))
            | Q(victim__in=persons)
            | Q(victim__in=interviewees)
        ),
        BorderCrossing: (
            Q(testimony__in=testimonies) | Q(person__in=persons) | Q(person__in=interviewees)
        ),
        # A proceeding is public only while every person it concerns is.
        Proceeding: (
            Q(person_links__person__in=persons) | Q(person_links__person__in=interviewees)
        ),
    }


def _links(persons, testimonies):
    """The testimonies' interviewees, and the information behind the persons'
    testimonies and these (information ties testimonies to the events and acts
    they support)."""
    interviewees = Testimony.objects.filter(pk__in=testimonies).values("interviewee")
    supported = Information.objects.filter(
        Q(testimony__in=testimonies) | Q(testimony__interviewee__in=persons)
    )
    return interviewees, supported


def refresh(*, persons=(), testimonies=(), events=(), violations=(), crossings=(), proceedings=()):
    """Recompute `is_public` of these records and of every record resting on them.

    Each argument is an iterable of primary keys or a QuerySet of primary keys.
    Returns the number of records whose public flag changed.
    """
    persons, testimonies, events, violations, crossings, proceedings = (
        _as_filter_value(ids)
        for ids in (persons, testimonies, events, violations, crossings, proceedings)
    )
    nothing = Q(pk__in=[])
    rest = resting_on(persons=persons, testimonies=testimonies)
    interviewees, supported = _links(persons, testimonies)
    # (A person's confidentiality decides whether their testimonies count as public.)
    scopes = {
        Person: rest[Person] if persons or testimonies else nothing,
        Testimony: (
            Q(pk__in=testimonies) | Q(interviewee__in=persons) | Q(interviewee__in=interviewees)
        )
        if persons or testimonies
        else nothing,
        Event: (Q(pk__in=events) | rest[Event]) if events or testimonies else nothing,
        Violation: (Q(pk__in=violations) | Q(event__in=events) | rest[Violation])
        if violations or events or persons or testimonies
        else nothing,
        BorderCrossing: (Q(pk__in=crossings) | rest[BorderCrossing])
        if crossings or persons or testimonies
        else nothing,
        Proceeding: (Q(pk__in=proceedings) | rest[Proceeding])
        if proceedings or persons or testimonies
        else nothing,
    }
    if violations or testimonies or persons:
        # An event counts the information behind its violations too, and whether
        # it involves a living person (cases.markers) reads which of its acts are
        # public and their victims.
        acts = Violation._base_manager.filter(scopes[Violation])
        scopes[Event] |= Q(pk__in=acts.values("event")) | Q(
            pk__in=supported.values("violation__event")
        )
    changed = 0
    with transaction.atomic():
        # Testimonies before events and acts: their corroboration counts public ones.
        for model, scope in scopes.items():
            if scope is not nothing:
                changed += recompute(model._base_manager.filter(scope))
        for model in (Event, Violation):
            if scopes[model] is not nothing:
                recount(model._base_manager.filter(scopes[model]))
        if scopes[Event] is not nothing:
            relocate(Event._base_manager.filter(scopes[Event]))
        for model, scope in scopes.items():
            if scope is not nothing:
                copying.record_changes(model, model._base_manager.filter(scope))
        if scopes[Event] is not nothing:  # a testimony's page lists its public events
            changed_events = Event._base_manager.filter(scopes[Event]).values("pk")
            copying.record_changes(
                Testimony, Testimony._base_manager.filter(information__event__in=changed_events)
            )
        if scopes[BorderCrossing] is not nothing:  # ... and its public crossings
            crossed = BorderCrossing._base_manager.filter(scopes[BorderCrossing])
            copying.record_changes(
                Testimony, Testimony._base_manager.filter(pk__in=crossed.values("testimony"))
            )
        _linked_pages(scopes, nothing)
        # A deleted record is in no scope any more, but may be in the copy.
        for model, ids in ((Testimony, testimonies), (Event, events), (Violation, violations)):
            copying.record_ids(model, ids)
        copying.record_ids(BorderCrossing, crossings)
        copying.record_ids(Proceeding, proceedings)
    return changed


def _linked_pages(scopes, nothing):
    """An event's page lists its public proceedings, and a proceeding's page its
    public events: either changed, the other's entry is read again."""
    if scopes[Event] is not nothing:
        events = Event._base_manager.filter(scopes[Event]).values("pk")
        copying.record_changes(
            Proceeding, Proceeding._base_manager.filter(event_links__event__in=events)
        )
    if scopes[Proceeding] is not nothing:
        proceedings = Proceeding._base_manager.filter(scopes[Proceeding]).values("pk")
        copying.record_changes(
            Event, Event._base_manager.filter(proceeding_links__proceeding__in=proceedings)
        )


def refresh_everything():
    """Recompute every flag and count: after a bulk load, a restore, or to repair."""
    with transaction.atomic():
        changed = sum(
            recompute(model._base_manager.all(), everything=True) for model in PUBLISHABLE
        )
        for model in (Event, Violation):
            recount(model._base_manager.all())
        relocate(Event._base_manager.all(), everything=True)
        copying.record_change(copying.EVERYTHING)
    return changed


def refresh_written(records, *, created):
    """Refresh what writes in bulk change (bulk_create and bulk_update send no
    signals): what `write_needs` asks for each record, now or at the end of the
    current batch (cases.resources). New draft acts are counted together: one
    statement instead of a refresh of every act and event around them."""
    new_acts = []
    for record in records:
        needs = write_needs(record, created=created)
        if needs is Needs.NEW_ACT:
            new_acts.append(record.pk)
        elif needs is not Needs.NOTHING:
            RECEIVERS[type(record)](instance=record)
            _moved_away(record)
    if new_acts:
        acts = Violation._base_manager.filter(_among(new_acts))
        # Not public, they leave their events' points as they are (cases.markers).
        recount(acts)


def _among(pks):
    """A filter on these primary keys. On PostgreSQL one array parameter
    (`IN (SELECT unnest(%s))`) rather than `IN` with a literal per key: for 10,000
    keys, a statement of 70 kB less to quote in Python, and to parse and plan."""
    if connection.vendor != "postgresql":
        return Q(pk__in=pks)
    return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (list(pks),)))


def relocate(events, *, everything=False):
    """Store whether these events involve a living person (cases.markers), writing
    only the flags that change, and have the copy rewrite the acts of those that
    changed; returns how many changed."""
    from cases.markers import living_condition

    if not everything:
        living = ExpressionWrapper(living_condition(), output_field=BooleanField())
        moved = list(events.exclude(involves_living=living).values_list("pk", flat=True))
        if moved:
            Event._base_manager.filter(pk__in=moved).update(involves_living=living)
            # An act is shown at its event's level of place (cases.disclosure.public_place).
            copying.record_changes(Violation, Violation._base_manager.filter(event__in=moved))
        return len(moved)
    found = events.filter(involves_living=False).filter(living_condition())
    lost = events.filter(involves_living=True).exclude(living_condition())
    gained = found.update(involves_living=True)
    return gained + lost.update(involves_living=False)


def misplaced():
    """Events whose stored `involves_living` differs from its definition."""
    from cases.markers import living_condition

    living = ExpressionWrapper(living_condition(), output_field=BooleanField())
    return Event._base_manager.exclude(involves_living=living)


def recount(records):
    """Store the corroboration of these events or violations, from the public
    information behind them (filters.support_rows), with one set-based UPDATE.

    Each record of the scope is joined (LEFT JOIN) to its count, so a record
    without public information gets 0, and only counts that differ are written.
    (Not an anti-join against the support rows: with statistics taken while
    every count was 0, PostgreSQL expects no row to pass `corroboration <> 0`
    and re-scans the whole support set for each, quadratic at scale.)"""
    from cases.corroboration import support_rows

    table = connection.ops.quote_name(records.model._meta.db_table)
    try:
        ids, id_params = records.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # the scope is empty
        return
    support, params = support_rows(records)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET corroboration = counted.n FROM (SELECT scope.pk, "  # noqa: S608 (SQL compiled by Django, values as params)
            "COALESCE(support.n, 0) AS n "
            f"FROM ({ids}) scope LEFT JOIN (SELECT support.r, "
            "COUNT(DISTINCT support.w) + COUNT(DISTINCT support.s) AS n "
            f"FROM ({support}) support GROUP BY support.r) support ON support.r = scope.pk"
            f") counted WHERE {table}.id = counted.pk AND {table}.corroboration <> counted.n",
            (*id_params, *params),
        )


def recompute(records, *, everything=False):
    """Set the flags of these records from the rules; returns how many changed."""
    if not everything:  # one UPDATE, of the flags that change
        rules = Exists(records.model.objects.by_publication_rules().filter(pk=OuterRef("pk")))
        # Every rule starts with reviewed_for_publication(): a record that is not
        # published or is restricted can only lose its flag, and the rules are
        # evaluated only for those that can pass them (not for imported drafts).
        reviewed = Q(status=WorkflowStatus.PUBLISHED, confidentiality=Confidentiality.STANDARD)
        candidates = records.filter(Q(is_public=True) | reviewed)
        return candidates.exclude(is_public=rules).update(is_public=rules)
    flagged_wrongly, missing = mismatches(records.model, records)
    return missing.update(is_public=True) + flagged_wrongly.update(is_public=False)


def mismatches(model, records=None):
    """Records whose stored flag differs from the rules: (flagged wrongly, missing)."""
    records = model._base_manager.all() if records is None else records
    # EXISTS, not IN: PostgreSQL turns it into a hashed semi- or anti-join, where
    # NOT IN over a large subquery is re-scanned for every row.
    allowed = Exists(model.objects.by_publication_rules().filter(pk=OuterRef("pk")))
    return records.filter(is_public=True).exclude(allowed), records.filter(allowed, is_public=False)


def _as_filter_value(ids):
    if hasattr(ids, "query"):  # a QuerySet: keep it a subquery
        return ids
    return sorted({pk for pk in ids if pk is not None})


# Signal receivers: which records a write can change the publication of.


def _written(instance, created=False, signal=None, **kwargs):
    """The receiver for publishable records: refresh what the write can change."""
    if signal is post_delete:
        RECEIVERS[type(instance)](instance=instance)
        return
    needs = write_needs(instance, created=created)
    if needs is Needs.SCOPE:
        RECEIVERS[type(instance)](instance=instance)
        _moved_away(instance)
    elif needs is not Needs.NOTHING:
        touch_new(instance)
    elif instance.status == WorkflowStatus.PUBLISHED:
        # Whatever else changed in a published record, its entry in the copy is
        # read again (and written only if what the public sees differs).
        copying.record_saved(instance)


class Needs(enum.Enum):
    """What a save asks of the publication (`write_needs`)."""

    NOTHING = "nothing"
    SCOPE = "the record and every record resting on it"
    NEW = "a new record's own flags"
    NEW_ACT = "a new act's count of sources"


def write_needs(record, *, created):
    """What saving this record changes of the publication: one rule for single
    saves (the receiver `_written`) and writes in bulk (`refresh_written`).

    A changed record whose `publication_fields` kept their values changes nothing.
    A new record under review or restricted is not public (the default) and has
    nothing resting on it; but a new testimony without consent withholds its
    witness, even as a draft, and a new draft act's count of sources reads
    its event's information.
    """
    if not created:
        return Needs.SCOPE if record.publication_changed() else Needs.NOTHING
    if isinstance(record, Testimony):
        return Needs.SCOPE
    if record.status == WorkflowStatus.PUBLISHED and (
        record.confidentiality == Confidentiality.STANDARD
    ):
        return Needs.NEW
    return Needs.NEW_ACT if isinstance(record, Violation) else Needs.NOTHING


def _moved_away(instance):
    """A link moved: the records it left change too (an event's count of sources
    and its living flag, a witness no longer withheld by the testimony)."""
    loaded = getattr(instance, "_publication_values", None)
    if loaded is None:
        return
    now = instance.publication_values()
    left = {
        name: before
        for name, before, after in zip(instance.publication_fields, loaded, now, strict=True)
        if before is not None and before != after
    }
    events = [left[name] for name in ("event",) if name in left]
    persons = [left[name] for name in ("victim", "interviewee", "person") if name in left]
    if events or persons:
        touch(events=events, persons=persons)


def _person_written(instance, **kwargs):
    touch(persons=[instance.pk])


def _testimony_written(instance, **kwargs):
    touch(testimonies=[instance.pk], persons=[instance.interviewee_id])


def _event_written(instance, **kwargs):
    touch(events=[instance.pk])


def _violation_written(instance, **kwargs):
    touch(violations=[instance.pk])


def _crossing_written(instance, **kwargs):
    touch(crossings=[instance.pk])


def _proceeding_written(instance, **kwargs):
    touch(proceedings=[instance.pk])


def _proceeding_part_written(instance, **kwargs):
    """A person, event or source of a proceeding linked or unlinked: its flag (a
    person not public withholds it), its entry and its events' pages."""
    touch(proceedings=[instance.proceeding_id])
    if isinstance(instance, ProceedingEvent):
        touch(events=[instance.event_id])


def _information_written(instance, **kwargs):
    touch(events=[instance.event_id], violations=[instance.violation_id])


def _testimony_source_written(instance, **kwargs):
    """A testimony's source linked or unlinked: the records the testimony reaches
    count that source with it, or as an independent one (cases.corroboration)."""
    touch(testimonies=[instance.testimony_id])


def _part_written(instance, **kwargs):
    """A part of a published record written (a crossing's leg, an act's
    perpetrator): the entries that show it are read again, and rewritten only if
    they differ. A part of a record not published changes nothing public."""
    if isinstance(instance, CrossingLeg):
        parents = BorderCrossing._base_manager.filter(pk=instance.crossing_id)
    else:
        parents = Violation._base_manager.filter(pk=instance.violation_id)
    parent = parents.filter(status=WorkflowStatus.PUBLISHED).first()
    if parent is None:
        return
    copying.record_saved(parent)
    if isinstance(parent, Violation):  # its event's page lists its perpetrators
        copying.record_ids(Event, [parent.event_id])


PARTS = (CrossingLeg, Involvement)
# What each kind of write refreshes, whatever changed (deletes, bulk writes).
RECEIVERS = {
    Person: _person_written,
    Testimony: _testimony_written,
    Event: _event_written,
    Violation: _violation_written,
    BorderCrossing: _crossing_written,
    Proceeding: _proceeding_written,
    Information: _information_written,
    TestimonySource: _testimony_source_written,
    ProceedingPerson: _proceeding_part_written,
    ProceedingEvent: _proceeding_part_written,
    ProceedingSource: _proceeding_part_written,
}
# Receivers called for every write, not only those that change publication fields.
LINKS = (Information, TestimonySource, ProceedingPerson, ProceedingEvent, ProceedingSource)


def connect_signals():
    for model in RECEIVERS:
        receiver = RECEIVERS[model] if model in LINKS else _written
        uid = f"publication-{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + "-delete")
    for model in PARTS:
        uid = f"publication-part-{model._meta.label_lower}"
        post_save.connect(_part_written, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_part_written, sender=model, dispatch_uid=uid + "-delete")
