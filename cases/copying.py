"""Writing the published copy (public/models.py) from the private record.

The publication (cases.publication) writes one outbox row (PublicationChange) per
record whose copy may have changed, in the transaction that changed it, and asks
for the rows to be applied: by a background task (`apply_publication`, run by the
worker), or at once where settings.PUBLICATION_APPLY is "now" (the tests).
`apply_pending()` reads the records of the rows through `.public()`, the one
definition of what the public may see, writes their entries (or removes them),
moves the copy to a new generation and deletes the rows. Applying a row twice gives
the same copy, so a crash between the two databases' commits loses nothing.

What an entry holds is decided in cases/entries.py. Besides the entries, the copy
holds the facet labels and the public API's reference lists (rewritten when
reference data changes) and the violation counts, small cells withheld.
"""

import contextlib
import contextvars
import functools
import multiprocessing

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from django_tasks import task

from cases import entries
from cases.aggregates import Aggregates
from cases.corroboration import AGE_GROUPS, SOURCE_COUNTS
from cases.entry_text import in_each
from cases.models import (
    BorderCrossing,
    Event,
    Facility,
    Involvement,
    Knowledge,
    LocationPrecision,
    Organization,
    Place,
    Proceeding,
    PublicationChange,
    Sex,
    Source,
    Testimony,
    Violation,
    ViolationType,
)
from public import counts
from public.models import Entry, Generation, Key, Kind, Option, Reference, Summary

MODELS = {
    Kind.EVENT: Event,
    Kind.VIOLATION: Violation,
    Kind.TESTIMONY: Testimony,
    Kind.CROSSING: BorderCrossing,
    Kind.PROCEEDING: Proceeding,
}
KINDS = {model: kind for kind, model in MODELS.items()}
OPTIONS, EVERYTHING = "options", "everything"
BATCH = 500  # records read at once: SQLite refuses larger prefetch conditions


# --- The outbox ----------------------------------------------------------------


def record_changes(model, records):
    """Outbox rows for these records (a QuerySet), with one INSERT ... SELECT."""
    kind = KINDS.get(model)
    if kind is None:
        return
    try:
        ids, params = records.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return
    table = connection.ops.quote_name(PublicationChange._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, at, record_id) SELECT %s, %s, changed.* "  # noqa: S608 (SQL compiled by Django, values as params)
            f"FROM ({ids}) changed",
            (kind, now, *params),
        )
        if not cursor.rowcount:
            return
    _schedule()


def record_ids(model, ids):
    """Outbox rows for records given by id (a deleted record's, say)."""
    if hasattr(ids, "query") or not ids or model not in KINDS:
        return  # a QuerySet's records are in the scope recorded by record_changes
    PublicationChange.objects.bulk_create(
        [PublicationChange(kind=KINDS[model], record_id=pk) for pk in ids]
    )
    _schedule()


def record_saved(record):
    """A public record saved: its entry, or the entries that show it (a person is
    shown as a victim), are read again, and written only if they differ."""
    if type(record) in KINDS:
        record_ids(type(record), [record.pk])
        if isinstance(record, BorderCrossing) and record.testimony_id:
            record_ids(Testimony, [record.testimony_id])  # its page lists the crossing
        return
    acts = Violation._base_manager.filter(victim=record.pk)
    record_changes(Violation, acts)
    record_changes(Event, Event._base_manager.filter(violations__in=acts))


def record_change(kind):
    """One outbox row for OPTIONS or EVERYTHING, unless one is waiting already
    (loading reference data saves hundreds of rows, one after the other)."""
    if not PublicationChange.objects.filter(kind=kind).exists():
        PublicationChange.objects.create(kind=kind)
        _schedule()


_applying_at_the_end = contextvars.ContextVar("copying_applying_at_the_end", default=False)


@contextlib.contextmanager
def applied_at_the_end():
    """Where the outbox is applied at once (settings.PUBLICATION_APPLY "now"), apply
    it once at the end of the block instead of after each write: loading reference
    data rewrites every facet label after each of its hundreds of rows otherwise.
    Elsewhere the worker applies the outbox after the commit anyway. Nested blocks
    join the outer one; if the block raises, nothing is applied."""
    if _applying_at_the_end.get():
        yield
        return
    token = _applying_at_the_end.set(True)
    try:
        yield
    finally:
        _applying_at_the_end.reset(token)
    if settings.PUBLICATION_APPLY == "now":
        apply_pending()


def _schedule():
    if settings.PUBLICATION_APPLY == "now":
        if not _applying_at_the_end.get():
            apply_pending()
        return
    # Enqueued in the same transaction as the rows: the worker sees both or neither.
    # One task per write of the publication (a workflow step, not a draft's edit);
    # a task that finds the outbox empty costs one query.
    apply_publication.enqueue()


@task
def apply_publication():
    """Bring the published copy up to date with the outbox (run by the worker)."""
    apply_pending()


def apply_pending(*, limit=10_000):
    """Apply the outbox in order; returns the number of rows applied."""
    applied = 0
    while rows := list(PublicationChange.objects.order_by("pk")[:limit]):
        kinds = {row.kind for row in rows}
        if EVERYTHING in kinds:
            rebuild()
        else:
            with transaction.atomic(using="public"):
                _lock_generation()
                changed = 0
                if OPTIONS in kinds:
                    write_options()
                    changed += 1
                for kind in MODELS:
                    ids = sorted({row.record_id for row in rows if row.kind == kind})
                    for start in range(0, len(ids), BATCH):
                        changed += write_entries(kind, ids[start : start + BATCH])
                # A new generation empties the public cache: only when the public
                # would see a difference (not for a draft, or an entry as it was).
                if changed:
                    Generation.advance(position=rows[-1].pk, at=timezone.now())
            # The counts are summed over every published act (a second or more at a
            # million): after the entries are visible, not before. Should this step
            # fail, the outbox rows are still there and the next run does both again.
            if kinds & {Kind.EVENT, Kind.VIOLATION}:
                with transaction.atomic(using="public"):
                    _lock_generation()
                    if write_counts():
                        Generation.advance(position=rows[-1].pk, at=timezone.now())
        PublicationChange.objects.filter(pk__in=[row.pk for row in rows]).delete()
        applied += len(rows)
    return applied


def _lock_generation():
    """Appliers one at a time: each reads the private record after the last wrote."""
    if not Generation.objects.update(applied_at=timezone.now()):
        Generation.objects.create(token="", applied_at=timezone.now())


def rebuild(*, progress=None, jobs=1):
    """The whole copy again, from `.public()`; returns the number of entries.
    With `jobs` > 1, that many forked processes build the entries while this one
    writes them (PostgreSQL; outside a transaction of the private database)."""
    total = 0
    # The outbox rows the rebuild covers: those visible before it reads a record.
    # (Not "every row up to the highest id": a transaction still open may commit
    # a lower id later, with a change the rebuild did not see.)
    covered = list(PublicationChange.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic(using="public"):
        _lock_generation()
        delete_entries(Entry.objects.all())
        write_options()
        for kind, model in MODELS.items():
            ids = list(model.objects.public().order_by("pk").values_list("pk", flat=True))
            batches = [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
            done = 0
            for batch, built in zip(batches, _built(kind, batches, jobs), strict=True):
                total += write_entries(kind, batch, built=built, fresh=True)
                done += len(batch)
                if progress is not None:
                    progress(kind, done, len(ids))
        write_counts()
        position = Generation.objects.values_list("outbox_position", flat=True).first()
        Generation.advance(position=covered[-1] if covered else position or 0, at=timezone.now())
    # Once the copy is committed: applying them again would rebuild it again.
    for start in range(0, len(covered), 10_000):
        PublicationChange.objects.filter(pk__in=covered[start : start + 10_000]).delete()
    return total


def _built(kind, batches, jobs):
    """entries.build of each batch, in order."""
    if jobs <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        # A forked process could not see this transaction's writes (nor SQLite's
        # in-memory database of the tests).
        yield from (entries.build(kind, batch) for batch in batches)
        return
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_own_connections) as pool:
        yield from pool.imap(functools.partial(entries.build, kind), batches)


def _own_connections():
    # A forked process must neither use nor close its parent's database sockets:
    # it forgets them and opens its own (psycopg leaves a socket of another
    # process alone when it is collected).
    for each in connections.all(initialized_only=True):
        each.connection = None


# --- Entries ---


def write_entries(kind, ids, *, built=None, fresh=False):
    """Make the entries of these records what `.public()` shows of them now: write
    those that differ, delete those no longer public. Returns how many changed.
    `built`: entries.build(kind, ids) when the caller has it already."""
    if built is None:
        built = entries.build(kind, ids)
    withdrawn = 0
    if not fresh:
        stored = dict(
            Entry.objects.filter(kind=kind, record_id__in=ids).values_list(
                "record_id", "fingerprint"
            )
        )
        public = {entry.record_id for entry, _keys in built}
        built = [(e, k) for e, k in built if stored.get(e.record_id) != e.fingerprint]
        rewritten = {entry.record_id for entry, _keys in built}
        withdrawn = len(set(stored) - public)
        # By code too: a record deleted and its code given to a new one.
        codes = [entry.code for entry, _keys in built]
        delete_entries(
            Entry.objects.filter(kind=kind).filter(
                Q(record_id__in=(set(stored) - public) | rewritten) | Q(code__in=codes)
            )
        )
    if built:
        created = Entry.objects.bulk_create([entry for entry, _keys in built], batch_size=BATCH)
        Key.objects.bulk_create(
            [
                Key(entry=entry, facet=facet, value=value)
                for entry, (_built, keys) in zip(created, built, strict=True)
                for facet, value in sorted(keys)
            ],
            batch_size=5000,
        )
    return withdrawn + len(built)


def delete_entries(doomed):
    """These entries and their keys, in two DELETE statements."""
    Key.objects.filter(entry__in=doomed).delete()
    doomed.delete()


def write_counts():
    """The counts of violations and of victims as they may be shown: small cells
    already withheld (cases/aggregates.py), so the copy never holds a count it
    must not show. Returns the number of summaries changed."""
    aggregates, changed = Aggregates(), 0
    for measure, (name, _label) in counts.MEASURES.items():
        cells = counts.encode(aggregates.published_cells(measure))
        stored = Summary.objects.filter(name=name).values_list("data", flat=True).first()
        if stored != cells:
            Summary.objects.update_or_create(name=name, defaults={"data": cells})
            changed += 1
    return changed


# --- Options -------------------------------------------------------------------


def write_options():
    """Every facet value's label in both languages, from the reference data and the
    interface's choices."""
    options = []
    for facet, model in (
        ("type", ViolationType.objects.all()),
        ("facility", Facility.objects.filter(approved=True)),
        ("organization", Organization.objects.all()),
        ("province", Place.objects.filter(approved=True, level=Place.Level.PROVINCE)),
        ("county", Place.objects.filter(approved=True, level=Place.Level.COUNTY)),
        ("transit", Place.objects.filter(approved=True, level=Place.Level.COUNTRY)),
    ):
        for code, *names in model.values_list("code", "name_en", "name_ko", "name_ja"):
            labels = dict(zip(("label_en", "label_ko", "label_ja"), names, strict=True))
            options.append(Option(facet=facet, value=code, **labels))
    choices = {
        "sex": Sex.choices,
        "knowledge": Knowledge.choices,
        "outcome": BorderCrossing.Outcome.choices,
        "age": [(value, label) for value, (_low, _high, label) in AGE_GROUPS.items()],
        "sources": list(SOURCE_COUNTS.items()),
        # Labels the case map shows (public/markers.py).
        "precision": LocationPrecision.choices,
        "facility_kind": Facility.Kind.choices,
        # The part an organization took in an act (public/perpetrators.py).
        "degree": Involvement.Degree.choices,
        # The perpetrator index's counts by kind of organization.
        "org_kind": Organization.Kind.choices,
        # The proceedings' counts by forum and outcome (public/proceedings.py).
        "forum": Proceeding.Forum.choices,
        "proceeding_kind": Proceeding.Kind.choices,
        "proc_outcome": Proceeding.Outcome.choices,
    }
    for facet, pairs in choices.items():
        for position, (value, label) in enumerate(pairs):
            labels = in_each(lambda label=label: label)
            options.append(
                Option(
                    facet=facet,
                    value=value,
                    position=position,
                    **{f"label_{language}": text for language, text in labels.items()},
                )
            )
    Option.objects.all().delete()
    Option.objects.bulk_create(options, batch_size=BATCH)
    write_references()


def write_references():
    """The reference lists of the public API, by the public serializers."""
    rows = [
        Reference(list=name, code=data["code"], data=data)
        for name, (queryset, serializer) in entries.REFERENCE_LISTS.items()
        for data in serializer(queryset(), many=True).data
    ]
    Reference.objects.all().delete()
    Reference.objects.bulk_create(rows, batch_size=BATCH)


# --- Checking ------------------------------------------------------------------


def differences():
    """{kind: (codes public but missing from the copy, codes in the copy not public)}
    for the kinds that differ."""
    found = {}
    for kind, model in MODELS.items():
        public = set(model.objects.public().values_list("code", flat=True))
        copied = set(Entry.objects.filter(kind=kind).values_list("code", flat=True))
        if public != copied:
            found[kind] = (sorted(public - copied), sorted(copied - public))
    return found


def is_current():
    """Whether the outbox is empty: every change has reached the copy."""
    return not PublicationChange.objects.exists()


def age_of_oldest_change():
    oldest = PublicationChange.objects.order_by("pk").values_list("at", flat=True).first()
    return None if oldest is None else timezone.now() - oldest


# --- Reference data ---------------------------------------------------------------
# The copy shows reference names (the facets' labels, and in the entries' pages and
# API data: a type, a place, a facility, a perpetrator organization, a source) and
# files records under places. A new reference row changes only the labels; an edit
# writes again the entries that show it; a place edited (a name, a parent, a level)
# can change what many records show or where they are filed, so the copy is rebuilt.

STRUCTURE = {
    Place: ("code", "level", "parent_id", "name_en", "name_ko", "name_ja"),
    Facility: ("code", "place_id"),
    Organization: ("code", "parent_id"),
    ViolationType: ("code",),
    Source: (),
}


def _remember_structure(sender, instance, **kwargs):
    fields = STRUCTURE[sender]
    found = sender._base_manager.filter(pk=instance.pk).values_list(*fields).first()
    instance._copy_structure = found if instance.pk and fields else ()


def _showing(sender, instance):
    """[(model, records)] whose entries show this reference row."""
    if sender is Facility:
        return [
            (Event, Event._base_manager.filter(facility=instance)),
            (Violation, Violation._base_manager.filter(facility=instance)),
        ]
    if sender is Source:
        cited = Q(information__source=instance)
        return [
            (
                Violation,
                Violation._base_manager.filter(cited | Q(event__information__source=instance)),
            ),
            (
                Event,
                Event._base_manager.filter(cited | Q(violations__information__source=instance)),
            ),
        ]
    acts = Violation._base_manager.filter(
        Q(violation_type=instance)
        if sender is ViolationType
        else Q(involvements__perpetrator_organization=instance)
    )
    return [(Violation, acts), (Event, Event._base_manager.filter(violations__in=acts))]


def _reference_written(sender, instance, created=False, signal=None, **kwargs):
    if created or signal is post_delete:  # nothing shows it (references are protected)
        record_change(OPTIONS)
        return
    now = tuple(getattr(instance, name) for name in STRUCTURE[sender])
    if sender is Place or getattr(instance, "_copy_structure", now) != now:
        record_change(EVERYTHING)  # a place's name or point, or a record filed elsewhere
        return
    record_change(OPTIONS)
    for model, records in _showing(sender, instance):
        record_changes(model, records)


def connect_signals():
    for model in STRUCTURE:
        uid = f"copy-{model._meta.label_lower}"
        pre_save.connect(_remember_structure, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_reference_written, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_reference_written, sender=model, dispatch_uid=uid + "-delete")
