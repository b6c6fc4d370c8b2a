"""Only the workflow changes what the public sees.

The review workflow (`cases/services.py`: submit, publish, return, restrict,
record or withdraw consent, edit a published record, merge) runs inside
`acting()`. Outside it, every save and delete of a case record obeys three rules,
checked here and in `Publishable.save()`, whatever the write path (a change
form, an inline, a history revert, an admin action, a script):

1. a publishable record is created as a draft;
2. a stored record's workflow fields (`Publishable.workflow_fields`: status,
   confidentiality, and a testimony's consent) keep their stored values;
3. a published record, and the parts of one (a published violation's
   perpetrators, a published crossing's legs, the citations of a published event
   or violation, the sources of a published testimony), are neither changed nor
   deleted.

Spreadsheet imports write without `save()` and apply the same rules themselves
(`cases/resources.py`). The loaders of synthetic data (`seed_demo`,
`seed_scale`) and the test factories create records in any state inside
`acting()`: it marks trusted code, never a request.
"""

import contextlib
import contextvars

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext as _

from cases.states import WorkflowStatus

_acting = contextvars.ContextVar("workflow_acting", default=False)


class OutsideWorkflow(PermissionDenied):
    """A write outside the workflow tried to change what only the workflow changes.

    A PermissionDenied, so that a request that slips past the forms' own checks
    ends in a 403 and a rolled-back transaction, not a changed public record."""


@contextlib.contextmanager
def acting():
    """Mark the writes in this block as the workflow's own."""
    token = _acting.set(True)
    try:
        yield
    finally:
        _acting.reset(token)


def is_acting():
    return _acting.get()


def refuse(code, reason):
    raise OutsideWorkflow(
        _("%(code)s: %(reason)s Use the review workflow.") % {"code": code, "reason": reason}
    )


def check_new(record):
    """Rule 1, for a publishable record about to be inserted."""
    if not is_acting() and record.status != WorkflowStatus.DRAFT:
        refuse(record.code, _("a new record starts as a draft."))


# The parts of publishable records: model -> its links to the records it belongs to.
# A citation belongs to the event or violation it supports, not to the testimony
# cited: a published testimony may support a new draft event.
PARTS = {
    "cases.Involvement": ("violation",),
    "cases.CrossingLeg": ("crossing",),
    "cases.Information": ("event", "violation"),
    # A testimony's sources decide how many independent sources its events count.
    "cases.TestimonySource": ("testimony",),
    # A chain of events belongs to the event it is recorded on (cases/models/relations.py).
    "cases.EventRelation": ("event",),
    # The persons, events and sources of a proceeding (cases/models/proceedings.py).
    "cases.ProceedingPerson": ("proceeding",),
    "cases.ProceedingEvent": ("proceeding",),
    "cases.ProceedingSource": ("proceeding",),
}


def published_parents(record):
    """The publishable records this part belongs to (rule 3), as stored and as
    this copy would link them, so that a part can neither leave nor join a
    published record outside the workflow."""
    links = PARTS[record._meta.label]
    stored = None
    if record.pk is not None:
        stored = type(record)._base_manager.filter(pk=record.pk).values(*links).first()
    parents = []
    for link in links:
        field = record._meta.get_field(link)
        ids = {getattr(record, field.attname), (stored or {}).get(link)} - {None}
        if ids:
            parents += list(
                field.related_model._base_manager.filter(
                    pk__in=ids, status=WorkflowStatus.PUBLISHED
                )
            )
    return parents


def check_part(record):
    """Rule 3, for a part about to be saved or deleted."""
    if is_acting():
        return
    for parent in published_parents(record):
        refuse(parent.code, _("it is published; return it before changing its parts."))


def check_delete(record):
    """Rule 3, for a publishable record about to be deleted."""
    if is_acting():
        return
    status = type(record)._base_manager.filter(pk=record.pk).values_list("status", flat=True)
    if status.first() == WorkflowStatus.PUBLISHED:
        refuse(record.code, _("it is published; return it before deleting it."))


def _part_written(sender, instance, raw=False, **kwargs):
    if not raw:
        check_part(instance)


def _publishable_deleted(sender, instance, **kwargs):
    check_delete(instance)


def connect():
    """Check rule 3 on every save and delete of a part, and rules 2 and 3 on every
    delete of a publishable record (saves check themselves: Publishable.save)."""
    for label in PARTS:
        model = apps.get_model(label)
        pre_save.connect(_part_written, sender=model, dispatch_uid=f"workflow-save-{label}")
        pre_delete.connect(_part_written, sender=model, dispatch_uid=f"workflow-delete-{label}")
    for model in apps.get_app_config("cases").get_models():
        if hasattr(model, "workflow_fields"):  # Publishable
            pre_delete.connect(
                _publishable_deleted, sender=model, dispatch_uid=f"workflow-delete-{model}"
            )
