"""What the public would see of a record if a reviewer published it now.

The record is marked published inside a savepoint that is always rolled back,
its public flags are computed by the publication rules (cases/publication.py),
and its entry is built as the copy would hold it (cases/entries.py): the same
text at the same public precision. Nothing is kept: the flags are set with
QuerySet.update() (no signals, so no outbox row) and the published copy is
never written.
"""

from dataclasses import dataclass, field

from django.db import transaction

from cases import entries, publication, services
from cases.models import BorderCrossing, Event, Proceeding, Testimony, Violation, WorkflowStatus
from public.models import Kind

KINDS = {
    Event: Kind.EVENT,
    Testimony: Kind.TESTIMONY,
    BorderCrossing: Kind.CROSSING,
    Violation: Kind.VIOLATION,
    Proceeding: Kind.PROCEEDING,
}
# The public template each kind's page is shown with (a violation: its event's).
TEMPLATES = {
    Kind.EVENT: "cases/_event_page.html",
    Kind.TESTIMONY: "cases/_testimony_page.html",
    Kind.CROSSING: "cases/_crossing_page.html",
    Kind.PROCEEDING: "cases/_proceeding_page.html",
}


@dataclass
class Preview:
    """The record's entry and the entry of the page it is shown on (a violation's
    event), None when it would not be public; and why a publish would be refused."""

    entry: object = None
    page_entry: object = None
    page_kind: str = ""
    problems: list = field(default_factory=list)

    @property
    def would_be_public(self):
        return self.entry is not None


def public_view(*, record):
    """The Preview of `record`, as if published now. Writes nothing."""
    model, kind = type(record), KINDS[type(record)]
    problems = [str(problem) for problem in services.publication_problems(record)]
    page_kind, page_id = (
        (Kind.EVENT, record.event_id) if kind == Kind.VIOLATION else (kind, record.pk)
    )
    with transaction.atomic():
        try:
            _mark_published(model, record)
            built = {(e.kind, e.record_id): e for e, _keys in entries.build(kind, [record.pk])}
            if page_kind != kind:
                built.update(
                    ((e.kind, e.record_id), e) for e, _keys in entries.build(page_kind, [page_id])
                )
        finally:
            transaction.set_rollback(True)
    return Preview(
        entry=built.get((kind, record.pk)),
        page_entry=built.get((page_kind, page_id)),
        page_kind=page_kind,
        problems=problems,
    )


def _mark_published(model, record):
    """Set the columns `.public()` reads, as the publication would after a publish:
    the record's status, its flag and the flags and counts that rest on it."""
    model._base_manager.filter(pk=record.pk).update(status=WorkflowStatus.PUBLISHED)
    publication.recompute(model._base_manager.filter(pk=record.pk))
    events = Event._base_manager.none()
    if model is Event:
        events = Event._base_manager.filter(pk=record.pk)
        # Acts published while their event was not are public again with it.
        acts = Violation._base_manager.filter(event=record.pk)
    elif model is Violation:
        events = Event._base_manager.filter(pk=record.event_id)
        acts = Violation._base_manager.filter(pk=record.pk)
    else:
        return
    publication.recompute(acts)
    publication.recount(acts)
    publication.recount(events)
    # An event's point depends on whether its public acts involve a living person.
    publication.relocate(events)
