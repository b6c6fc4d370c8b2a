"""Places and facilities researchers propose and reviewers approve.

A proposed row is usable in the curation site at once, but a record pointing
to it cannot be published (`publication_problems`) and the published copy's
reference lists leave it out (cases/entries.py) until a reviewer approves it.
Once approved, only a reviewer changes it (`may_change`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases import roles
from cases.models import BorderCrossing, Facility, Place

PROPOSABLE = (Place, Facility)


def may_approve(user, model):
    return user.has_perm(roles.APPROVE[model._meta.model_name])


def may_change(user, row):
    """A reviewer changes any row; a researcher only their own proposal, while it
    awaits approval. Read from the database, not from the form's (or a history
    version's) values."""
    if may_approve(user, type(row)):
        return True
    stored = type(row).objects.filter(pk=row.pk).values("approved", "proposed_by").first()
    return stored is not None and not stored["approved"] and stored["proposed_by"] == user.pk


def mark_proposed(row, *, by):
    """Before a save by `by`: a row saved by someone who may not approve it is a
    proposal; a new row of someone who may is approved by them."""
    approver = may_approve(by, type(row))
    if row._state.adding:
        row.proposed_by = by
        if approver:
            row.approved, row.approved_by, row.approved_at = True, by, timezone.now()
    if not approver:
        row.approved, row.approved_by, row.approved_at = False, None, None


def _parent(row):
    return row.parent if isinstance(row, Place) else row.place


@transaction.atomic
def reference_approve(*, record, by):
    """A reviewer approves a proposed place or facility; its history says who and when."""
    if not may_approve(by, type(record)):
        raise PermissionDenied(_("You do not have permission to do this."))
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if record.approved:
        return record
    parent = _parent(record)
    if parent is not None and not parent.approved:
        raise ValidationError(
            _("Approve %(parent)s first: %(name)s lies in it.")
            % {"parent": parent, "name": record},
            code="parent_not_approved",
        )
    record.approved, record.approved_by, record.approved_at = True, by, timezone.now()
    record._change_reason = _("Approved")
    record.save()
    return record


def _pointers(model):
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model in PROPOSABLE
    ]


def publication_problems(record):
    """The proposed places and facilities a record points to, by field."""
    rows = [(field, getattr(record, field.name)) for field in _pointers(type(record))]
    if isinstance(record, BorderCrossing):
        rows += [
            (leg._meta.get_field("country"), leg.country)
            for leg in record.legs.select_related("country")
        ]
    return [
        _("%(field)s: %(name)s is proposed and not yet approved.")
        % {"field": capfirst(field.verbose_name), "name": f"{row.name} ({row.code})"}
        for field, row in rows
        if row is not None and not row.approved
    ]
