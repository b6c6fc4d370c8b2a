"""The pieces every workflow write is made of: the permission check, the locked
re-read, the status move with its StatusChange, and `workflow_step`, which makes
a function atomic and one of the workflow's own writes (cases/workflow.py).

Used by cases/services.py and the other modules of keyword-only writes
(cases/merging.py, cases/reference_proposals.py …).
"""

import functools

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import workflow
from cases.models import Confidentiality, StatusChange, WorkflowStatus

Status = WorkflowStatus
# From the most open to the most closed.
LEVELS = [Confidentiality.STANDARD, Confidentiality.RESTRICTED, Confidentiality.CONFIDENTIAL]


def workflow_step(function):
    """Atomic, and the workflow's own writes: the only code that may change
    workflow fields or published records (cases/workflow.py)."""

    @functools.wraps(function)
    def step(*args, **kwargs):
        with transaction.atomic(), workflow.acting():
            return function(*args, **kwargs)

    return step


def require(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))


def fresh(record):
    """The record as stored, locked for the rest of the transaction."""
    return type(record)._base_manager.select_for_update().get(pk=record.pk)


def move(record, to_status, *, by, comment="", validate=True):
    """Save the record in its new status and write the StatusChange.

    `validate=False` is for unpublishing, which must never be blocked by an
    unrelated invalid field.
    """
    from_status = record.status
    record.status = to_status
    record._change_reason = comment or f"{from_status} → {to_status}"
    record._history_user = by
    if validate:
        record.full_clean()
    record.save()
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        record_code=record.code,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        by=by,
    )


def refuse_unless(record, allowed_from):
    if record.status not in allowed_from:
        raise ValidationError(
            _("%(code)s is %(status)s; this step is not possible from there.")
            % {"code": record.code, "status": record.get_status_display()},
            code="wrong_status",
        )
