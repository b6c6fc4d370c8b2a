"""Naming an individual perpetrator on the public site, and withdrawing the name.

A separate decision from publishing the acts: a reviewer (or custodian) with the
permission `cases.name_perpetrator` approves the name as it may be published and
records its legal basis; the naming's history logs each decision. Until then, and
after a withdrawal, the person's published acts say "an individual perpetrator,
not named".

Keyword-only and atomic, inside `workflow.acting()`: PerpetratorNaming refuses
every other write. Each decision writes outbox rows for the person's acts and
their events, so the name reaches the public, or leaves every page, API answer,
search column, facet key and PDF, only through the copy (cases/copying.py).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import copying, roles, workflow
from cases.access import admin_records
from cases.models import Event, Involvement, PerpetratorNaming, Person, Violation


def may_name(user):
    return user.has_perm(roles.NAME_PERPETRATOR)


def _refused():
    return PermissionDenied(_("You do not have permission to do this."))


def _visible(person, by):
    """A confidential person's naming is decided by a custodian only."""
    if not admin_records(Person.objects.filter(pk=person.pk), by).exists():
        raise _refused()


def _recopy(person):
    acts = Violation._base_manager.filter(involvements__perpetrator_person=person)
    copying.record_changes(Violation, acts)
    copying.record_changes(Event, Event._base_manager.filter(violations__in=acts))


@transaction.atomic
def perpetrator_naming_approve(*, person, public_name, legal_note, by):
    """Approve naming `person` as `public_name` (or change the name of a naming in
    force, or approve again after a withdrawal): a new decision each time."""
    if not may_name(by):
        raise _refused()
    _visible(person, by)
    if not Involvement.objects.filter(perpetrator_person=person).exists():
        raise ValidationError(
            _("%(code)s is not recorded as the perpetrator of any act.") % {"code": person.code},
            code="not_a_perpetrator",
        )
    with workflow.acting():
        naming = PerpetratorNaming.objects.select_for_update().filter(person=person).first()
        naming = naming or PerpetratorNaming(person=person)
        naming.public_name = (public_name or "").strip()
        naming.legal_note = (legal_note or "").strip()
        naming.decided_by, naming.decided_at = by, timezone.now()
        naming.withdrawn_at, naming.withdrawn_by, naming.withdrawal_reason = None, None, ""
        naming.full_clean(exclude=["code"])
        naming._history_user = by
        naming._change_reason = _("Naming approved")
        naming.save()
        _recopy(person)
    return naming


@transaction.atomic
def perpetrator_naming_withdraw(*, naming, reason, by):
    """Withdraw a naming in force: the person's acts are "not named" again."""
    if not may_name(by):
        raise _refused()
    _visible(naming.person, by)
    if not (reason or "").strip():
        raise ValidationError(
            {"withdrawal_reason": _("Say why the naming is withdrawn.")}, code="required"
        )
    with workflow.acting():
        naming = PerpetratorNaming.objects.select_for_update().get(pk=naming.pk)
        if not naming.in_force:
            return naming
        naming.withdrawn_at, naming.withdrawn_by = timezone.now(), by
        naming.withdrawal_reason = reason.strip()
        naming._history_user = by
        naming._change_reason = _("Naming withdrawn")
        naming.save()
        _recopy(naming.person)
    return naming
