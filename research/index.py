"""The staff search index: one `StaffDocument` per case record, kept up to date.

Why an index of its own rather than the records' search columns: those hold
public text only and feed the published copy (cases/search.py); the staff search
reads private text too (internal notes, transcripts). Why not query the records
directly: six tables, each text field a substring scan, would be a scan of every
transcript at every search; one table with a GIN index over its bigram tokens
(PostgreSQL, migration 0002) answers a two-syllable Korean word from the index.

What the index does NOT decide: who may see a document. Every search scopes the
documents by the records themselves, at query time (research/matching.py, through
cases/access.py), so a record made confidential, or a person whose confidentiality
changes, is hidden from the next search whatever the index holds. The index holds
text and facets only; a stale facet is a wrong count of visible records, never a
leak.

Kept up to date by post_save/post_delete receivers (every save of a record:
the admin, the services, the API); spreadsheet imports write in bulk, without
signals, so when an import job's task finishes the records it wrote (those of its
model changed since it started) are indexed in batches (`catch_up`). Rebuilt
whole by `manage.py rebuild_staff_search` after other bulk loads (cases/scale.py's
COPY). A newly entered or newly published record enqueues the
saved searches' alerts (research/tasks.py) once its transaction commits.
"""

from functools import partial

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from cases.models import (
    BorderCrossing,
    Event,
    Person,
    Source,
    Testimony,
    Violation,
    WorkflowStatus,
)
from core.words import normal, tokens
from research.models import Kind, Notice, StaffDocument, StaffTranscript

MODELS = {
    Kind.PERSON: Person,
    Kind.TESTIMONY: Testimony,
    Kind.EVENT: Event,
    Kind.VIOLATION: Violation,
    Kind.BORDERCROSSING: BorderCrossing,
    Kind.SOURCE: Source,
}
KIND_OF = {model: kind for kind, model in MODELS.items()}

# The text searched, per kind, in order (the first non-empty title-like field is
# the result's title). The transcript is kept apart (StaffTranscript).
FIELDS = {
    Kind.PERSON: ["pseudonym", "notes"],
    Kind.TESTIMONY: ["title_ko", "title_en", "public_summary_ko", "public_summary_en"],
    Kind.EVENT: ["title_ko", "title_en", "description_ko", "description_en"],
    Kind.VIOLATION: [
        "violation_type__name_ko",
        "violation_type__name_en",
        "description_ko",
        "description_en",
    ],
    Kind.BORDERCROSSING: ["crossing_point", "description_ko", "description_en"],
    Kind.SOURCE: ["title", "public_citation", "publisher"],
}
RELATED = {Kind.VIOLATION: ["violation_type"]}
PLACE = {
    Kind.PERSON: "origin_place_id",
    Kind.EVENT: "place_id",
    Kind.VIOLATION: "place_id",
    Kind.BORDERCROSSING: "crossing_place_id",
}
FACILITY = {Kind.EVENT: "facility_id", Kind.VIOLATION: "facility_id"}
TITLE_LENGTH = 300


def _value(record, path):
    value = record
    for name in path.split("__"):
        value = getattr(value, name, None)
        if value is None:
            return ""
    return str(value)


def _year(record, kind):
    if kind == Kind.SOURCE:
        return record.published_year
    if kind == Kind.BORDERCROSSING:
        return record.crossing_date.year if record.crossing_date else None
    # The period a record covers; a testimony without one, its interview.
    earliest = getattr(record, "earliest_date", None) or getattr(record, "interview_date", None)
    return earliest.year if earliest else None


def fill(row, text):
    row.body = text
    row.search_text = normal(text)
    row.search_tokens = " ".join(tokens(text))


def values(record, kind):
    """The document's fields for a record (without its id, entry or transcript)."""
    texts = [_value(record, field) for field in FIELDS[kind]]
    year = _year(record, kind)
    return {
        "code": record.code,
        "title": next((t for t in texts[:2] if t), "")[:TITLE_LENGTH],
        "text": "\n".join([record.code, *(t for t in texts if t)]),
        "status": getattr(record, "status", ""),
        "decade": year // 10 * 10 if year else None,
        "place_id": getattr(record, PLACE.get(kind, "-"), None),
        "facility_id": getattr(record, FACILITY.get(kind, "-"), None),
        "updated_at": getattr(record, "updated_at", None) or record.created_at,
    }


def _document(record, kind, existing=None, entered_by_id=None):
    fields = values(record, kind)
    document = existing or StaffDocument(
        kind=kind, record_id=record.pk, entered_by_id=entered_by_id
    )
    fill(document, fields.pop("text"))
    for name, value in fields.items():
        setattr(document, name, value)
    return document


def first_author(model):
    """A subquery: the user of the record's first history row (who entered it)."""
    history = model.history.model._default_manager.filter(id=OuterRef("pk"))
    return Subquery(history.order_by("history_id").values("history_user_id")[:1])


def index_record(record):
    """Write the document of one saved record; enqueue the alerts it may raise."""
    from research import tasks

    kind = KIND_OF[type(record)]
    existing = StaffDocument.objects.filter(kind=kind, record_id=record.pk).first()
    reason = None
    if existing is None:
        reason = Notice.Reason.ENTERED
        author = (
            type(record)
            ._default_manager.filter(pk=record.pk)
            .values_list(first_author(type(record)), flat=True)
        )
        document = _document(record, kind, entered_by_id=author.first())
    else:
        was_published = existing.status == WorkflowStatus.PUBLISHED
        document = _document(record, kind, existing)
        if document.status == WorkflowStatus.PUBLISHED and not was_published:
            reason = Notice.Reason.PUBLISHED
    document.updated_at = document.updated_at or timezone.now()
    document.save()
    if kind == Kind.TESTIMONY:
        transcript = StaffTranscript(document=document)
        fill(transcript, record.transcript or "")
        StaffTranscript.objects.update_or_create(
            document=document,
            defaults={
                name: getattr(transcript, name) for name in ("body", "search_text", "search_tokens")
            },
        )
    if reason is not None:
        transaction.on_commit(partial(tasks.enqueue_alerts, [(document.pk, reason)]))
    return document


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_record(instance)


def _deleted(sender, instance, **kwargs):
    StaffDocument.objects.filter(kind=KIND_OF[sender], record_id=instance.pk).delete()


def connect_signals():
    from django_tasks.signals import task_finished

    task_finished.connect(_task_finished, dispatch_uid="research-index-imports")
    for model in MODELS.values():
        post_save.connect(_saved, sender=model, dispatch_uid=f"research-index-{model.__name__}")
        post_delete.connect(
            _deleted, sender=model, dispatch_uid=f"research-unindex-{model.__name__}"
        )


# --- Rebuilding ----------------------------------------------------------------------

UPDATED = [
    "code",
    "title",
    "status",
    "decade",
    "place",
    "facility",
    "updated_at",
    "body",
    "search_text",
    "search_tokens",
]


def rebuild(kind, batch_size=1000, progress=None):
    """Recompute every document of a kind (upserted: notices keep their documents),
    and drop the documents of records that are gone. Returns the count."""
    model = MODELS[kind]
    records = _records(kind)
    count, batch = 0, []
    for record in records.iterator(chunk_size=batch_size):
        batch.append(record)
        if len(batch) >= batch_size:
            count += _write(kind, batch)
            batch = []
            if progress is not None:
                progress(count)
    if batch:
        count += _write(kind, batch)
    StaffDocument.objects.filter(kind=kind).exclude(
        record_id__in=model._default_manager.values("pk")
    ).delete()
    if progress is not None:
        progress(count)
    return count


@transaction.atomic
def _write(kind, records, alerts=False):
    """Upsert the documents (and transcripts) of a batch of records, which carry
    `entered_by_id_`. With `alerts`, enqueue those of the records newly entered or
    newly published."""
    from research import tasks

    pks = [record.pk for record in records]
    before = {}
    if alerts:
        before = dict(
            StaffDocument.objects.filter(kind=kind, record_id__in=pks).values_list(
                "record_id", "status"
            )
        )
    documents = [_document(record, kind, entered_by_id=record.entered_by_id_) for record in records]
    StaffDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["kind", "record_id"],
        update_fields=[*UPDATED, "entered_by"],
    )
    if kind != Kind.TESTIMONY and not alerts:
        return len(records)
    ids = dict(
        StaffDocument.objects.filter(kind=kind, record_id__in=pks).values_list("record_id", "pk")
    )
    if kind == Kind.TESTIMONY:
        transcripts = []
        for record in records:
            transcript = StaffTranscript(document_id=ids[record.pk])
            fill(transcript, record.transcript or "")
            transcripts.append(transcript)
        StaffTranscript.objects.bulk_create(
            transcripts,
            update_conflicts=True,
            unique_fields=["document"],
            update_fields=["body", "search_text", "search_tokens"],
        )
    items = []
    for document in documents if alerts else []:
        old = before.get(document.record_id)
        if document.record_id not in before:
            items.append((ids[document.record_id], Notice.Reason.ENTERED))
        elif document.status == WorkflowStatus.PUBLISHED and old != WorkflowStatus.PUBLISHED:
            items.append((ids[document.record_id], Notice.Reason.PUBLISHED))
    if items:
        transaction.on_commit(partial(tasks.enqueue_alerts, items))
    return len(records)


def _records(kind):
    model = MODELS[kind]
    return (
        model._default_manager.select_related(*RELATED.get(kind, []))
        .annotate(entered_by_id_=first_author(model))
        .order_by("pk")
    )


def catch_up(model, since, batch_size=1000):
    """Index the records of `model` changed since `since` (an import's), with alerts."""
    kind = KIND_OF[model]
    changed = "created_at" if kind == Kind.SOURCE else "updated_at"
    records = _records(kind).filter(**{f"{changed}__gte": since})
    count, batch = 0, []
    for record in records.iterator(chunk_size=batch_size):
        batch.append(record)
        if len(batch) >= batch_size:
            count, batch = count + _write(kind, batch, alerts=True), []
    if batch:
        count += _write(kind, batch, alerts=True)
    return count


def _task_finished(sender, task_result, **kwargs):
    """After an import job's task: index what it wrote."""
    from django.apps import apps

    from jobs.models import Job

    if task_result.task.module_path != "jobs.tasks.import_spreadsheet":
        return
    job = Job.objects.filter(pk=task_result.args[0]).first()
    if job is None or job.dry_run or job.status != Job.Status.DONE or not job.started_at:
        return
    model = apps.get_model(job.target)
    if model in KIND_OF:
        catch_up(model, job.started_at)
