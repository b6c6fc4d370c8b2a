"""Writes that span records: the review workflow, consent withdrawal, merging persons.

Keyword-only, atomic, validating with `full_clean()`. Each checks the acting
user's permission itself, so a caller other than the admin cannot skip it.
Refusals are ValidationErrors whose messages can be shown as they are.
"""

import functools

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Q, When
from django.utils.translation import gettext as _

from cases import (
    diversity,
    duplicates,
    publication,
    reference_proposals,
    reidentification,
    roles,
    workflow,
)
from cases.access import admin_records, edits_any_status, sees_restricted
from cases.models import (
    PUBLISHABLE_CONSENT,
    BorderCrossing,
    Confidentiality,
    ConsentScope,
    ConsentWithdrawal,
    DistinctPersons,
    Event,
    Identity,
    Information,
    Person,
    PersonMerge,
    PersonRelation,
    Proceeding,
    StatusChange,
    Testimony,
    Violation,
    WorkflowStatus,
)
from cases.names import name_key

Status = WorkflowStatus
# From the most open to the most closed.
LEVELS = [Confidentiality.STANDARD, Confidentiality.RESTRICTED, Confidentiality.CONFIDENTIAL]
CONSENT_FIELDS = ("consent_scope", "consent_given_on", "consent_method")


def workflow_step(function):
    """Atomic, and the workflow's own writes: the only code that may change
    workflow fields or published records (cases/workflow.py)."""

    @functools.wraps(function)
    def step(*args, **kwargs):
        with transaction.atomic(), workflow.acting():
            return function(*args, **kwargs)

    return step


def _require(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))


def _fresh(record):
    """The record as stored, locked for the rest of the transaction."""
    return type(record)._base_manager.select_for_update().get(pk=record.pk)


def _move(record, to_status, *, by, comment="", validate=True):
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


def _refuse_unless(record, allowed_from):
    if record.status not in allowed_from:
        raise ValidationError(
            _("%(code)s is %(status)s; this step is not possible from there.")
            % {"code": record.code, "status": record.get_status_display()},
            code="wrong_status",
        )


# --- Review workflow ---------------------------------------------------------


@workflow_step
def record_submit_for_review(*, record, by, comment=""):
    """A researcher hands a draft (or a returned record) to the reviewers."""
    _require(by, f"cases.change_{record._meta.model_name}")
    record = _fresh(record)
    _refuse_unless(record, (Status.DRAFT, Status.RETURNED))
    if isinstance(record, Testimony) and record.consent_withdrawn_on:
        raise ValidationError(
            _("The witness withdrew consent to %(code)s: it cannot go to review again.")
            % {"code": record.code},
            code="consent_withdrawn",
        )
    return _move(record, Status.IN_REVIEW, by=by, comment=comment)


@workflow_step
def record_edit_published(*, record, by, comment=""):
    """Save an edit of a published record and send it back to review.

    `record` is the edited copy (a change form's instance). The public sees the
    record again when a reviewer publishes it, so no edit reaches the public
    site unreviewed. Its workflow fields are the stored ones, whatever the copy says.
    """
    if not edits_any_status(by):
        raise PermissionDenied(_("You do not have permission to do this."))
    stored = _fresh(record)
    _refuse_unless(stored, (Status.PUBLISHED,))
    for name in record.workflow_fields:
        setattr(record, name, getattr(stored, name))
    reason = comment or _("Edited after publication: back in review.")
    return _move(record, Status.IN_REVIEW, by=by, comment=reason)


@workflow_step
def record_set_confidentiality(*, record, confidentiality, by, comment=""):
    """Restrict a record, or (custodians only) lift a restriction.

    Restricting a record in review or published takes it off the public site:
    it goes back to "returned" with the reason.
    """
    _require(by, f"cases.change_{record._meta.model_name}")
    record = _fresh(record)
    if confidentiality not in LEVELS:
        raise ValidationError(_("Unknown confidentiality."), code="invalid")
    loosens = LEVELS.index(confidentiality) < LEVELS.index(record.confidentiality)
    hidden = record.confidentiality == Confidentiality.CONFIDENTIAL
    if (loosens or hidden) and not sees_restricted(by):
        raise PermissionDenied(_("Only a custodian lifts a restriction."))
    if confidentiality == record.confidentiality:
        return None
    old = record.get_confidentiality_display()
    record.confidentiality = confidentiality
    reason = _("Confidentiality: %(old)s → %(new)s.") % {
        "old": old,
        "new": record.get_confidentiality_display(),
    }
    reason = f"{reason} {comment}".strip()
    record._change_reason = reason
    record._history_user = by
    record.save()
    closing = confidentiality != Confidentiality.STANDARD
    if closing and record.status in (Status.IN_REVIEW, Status.PUBLISHED):
        return _move(record, Status.RETURNED, by=by, comment=reason, validate=False)
    return None


@workflow_step
def testimony_set_consent(*, testimony, by, consent_scope, consent_given_on, consent_method):
    """Record the consent the witness gave, on a draft or returned testimony.

    Only its own fields are validated, so an unrelated invalid field never blocks it.
    """
    _require(by, "cases.change_testimony")
    testimony = _fresh(testimony)
    if testimony.consent_withdrawn_on:
        raise ValidationError(
            _("Consent was withdrawn; it cannot be recorded again on this testimony."),
            code="consent_withdrawn",
        )
    _refuse_unless(testimony, (Status.DRAFT, Status.RETURNED))
    testimony.consent_scope = consent_scope
    testimony.consent_given_on = consent_given_on
    testimony.consent_method = consent_method or ""
    _validate_only(testimony, CONSENT_FIELDS)
    testimony._history_user = by
    testimony._change_reason = _("Consent recorded")
    testimony.save()
    return testimony


def _validate_only(record, names):
    """full_clean() over these fields and the constraints that read only them."""
    others = {field.name for field in record._meta.concrete_fields} - set(names)
    record.clean_fields(exclude=others)
    record.validate_constraints(exclude=others)


@workflow_step
def record_return(*, record, by, comment):
    """A reviewer sends a record back with what to fix, or takes it off the public site."""
    _require(by, roles.REVIEW)
    if not comment.strip():
        raise ValidationError(_("Say what needs to change."), code="comment_required")
    record = _fresh(record)
    _refuse_unless(record, (Status.IN_REVIEW, Status.PUBLISHED))
    return _move(record, Status.RETURNED, by=by, comment=comment)


@workflow_step
def record_publish(*, record, by, comment=""):
    """A reviewer publishes a record in review, if it may be published."""
    _require(by, roles.REVIEW)
    record = _fresh(record)
    _refuse_unless(record, (Status.IN_REVIEW,))
    problems = publication_problems(record)
    if problems:
        raise ValidationError(
            [ValidationError(problem, code="not_publishable") for problem in problems]
        )
    change = _move(record, Status.PUBLISHED, by=by, comment=comment)
    # Backstop: the public boundary must now show it; if a rule above missed a
    # reason (a linked record's consent, say), refuse rather than half-publish.
    if not type(record).objects.public().filter(pk=record.pk).exists():
        raise ValidationError(
            _("%(code)s would still not be public: check its linked records.")
            % {"code": record.code},
            code="not_publishable",
        )
    return change


def publication_problems(record):
    """Why this record may not be published, in the reviewer's words; empty if it may."""
    problems = []
    if record.confidentiality != Confidentiality.STANDARD:
        problems.append(_("Restricted and confidential records are never published."))
    check = {
        Testimony: _testimony_problems,
        Event: _event_problems,
        Violation: _violation_problems,
        Person: _person_problems,
        BorderCrossing: _crossing_problems,
        Proceeding: _proceeding_problems,
    }[type(record)]
    # Who could be singled out once it is public (cases/reidentification.py).
    return (
        problems
        + check(record)
        + reference_proposals.publication_problems(record)
        + reidentification.publication_problems(record)
        + diversity.publication_problems(record)
    )


def _testimony_problems(testimony):
    problems = []
    if testimony.consent_scope not in PUBLISHABLE_CONSENT:
        problems.append(_("The witness has not consented to publication."))
    if testimony.consent_withdrawn_on:
        problems.append(_("The witness withdrew consent."))
    if not testimony.consent_given_on or not testimony.consent_method.strip():
        problems.append(_("Record when and how consent was given."))
    if not (testimony.title_en or testimony.title_ko):
        problems.append(_("Give the testimony a title."))
    if not (testimony.public_summary_en.strip() or testimony.public_summary_ko.strip()):
        problems.append(_("Write a public summary."))
    if testimony.interviewee.confidentiality != Confidentiality.STANDARD:
        problems.append(_("The interviewee is restricted or confidential."))
    return problems


def _withheld(testimonies):
    return testimonies.without_publication_consent().exists()


def _event_problems(event):
    problems = []
    if not (event.description_en.strip() or event.description_ko.strip()):
        problems.append(_("Describe the event."))
    support = Information.objects.filter(event=event)
    if not support.exists():
        problems.append(_("Cite at least one testimony or source."))
    if _withheld(Testimony.objects.filter(information__in=support)):
        problems.append(_("A supporting testimony lacks consent to publication."))
    return problems


def _violation_problems(violation):
    problems = []
    if violation.event.status != Status.PUBLISHED:
        problems.append(_("Publish its event first."))
    if _withheld(Testimony.objects.filter(information__violation=violation)):
        problems.append(_("A supporting testimony lacks consent to publication."))
    if violation.victim:
        problems += [
            _("Victim: %(problem)s") % {"problem": p} for p in _person_problems(violation.victim)
        ]
        if violation.victim.confidentiality != Confidentiality.STANDARD:
            problems.append(_("The victim is restricted or confidential."))
    return problems


def _person_problems(person):
    if _withheld(person.testimonies.all()):
        return [_("The person gave a testimony without consent to publication.")]
    return []


def _crossing_problems(crossing):
    problems = []
    if crossing.person.confidentiality != Confidentiality.STANDARD:
        problems.append(_("The person is restricted or confidential."))
    problems += _person_problems(crossing.person)
    if crossing.testimony and _withheld(Testimony.objects.filter(pk=crossing.testimony_id)):
        problems.append(_("Its testimony lacks consent to publication."))
    return problems


def _proceeding_problems(proceeding):
    problems = []
    if not (proceeding.summary_en.strip() or proceeding.summary_ko.strip()):
        problems.append(_("Write a public summary."))
    # The persons' own rule (Person.by_publication_rules), as the publication reads it.
    concerned = Person.objects.filter(proceeding_links__proceeding=proceeding)
    if concerned.exclude(pk__in=Person.objects.by_publication_rules()).exists():
        problems.append(
            _("A person it concerns is not published, or has not consented to publication.")
        )
    return problems


# --- Consent ----------------------------------------------------------------


def records_resting_on(testimony):
    """Every record whose publication depends on this testimony's consent
    (the one definition: cases.publication.resting_on)."""
    scopes = publication.resting_on(testimonies=[testimony.pk])
    return [
        record
        for model in (Person, Event, Violation, BorderCrossing, Proceeding)
        for record in model.objects.filter(scopes[model]).distinct().order_by("pk")
    ]


@workflow_step
def testimony_withdraw_consent(*, testimony, withdrawn_on, by, comment=""):
    """Record the withdrawal and unpublish, at once, everything resting on the testimony.

    Published records and records in review go back to "returned" with the
    withdrawal as the comment; the public boundary (`.public()`) hides them
    from this moment whatever their status.
    """
    _require(by, roles.WITHDRAW_CONSENT)
    testimony = _fresh(testimony)
    if testimony.consent_scope == ConsentScope.NONE:
        raise ValidationError(_("No consent was recorded, so none can be withdrawn."))
    if testimony.consent_withdrawn_on:
        raise ValidationError(_("Consent was already withdrawn."))
    testimony.consent_withdrawn_on = withdrawn_on
    testimony._history_user = by
    testimony._change_reason = _("Consent withdrawn")
    # Only its own field: an unrelated invalid field must never keep a testimony public.
    _validate_only(testimony, ["consent_withdrawn_on", "consent_given_on"])
    testimony.save()
    reason = _("Consent to testimony %(code)s withdrawn on %(date)s.") % {
        "code": testimony.code,
        "date": withdrawn_on.isoformat(),
    }
    if comment:
        reason = f"{reason} {comment}"
    unpublished = []
    for record in [testimony, *records_resting_on(testimony)]:
        record = _fresh(record)
        if record.status in (Status.PUBLISHED, Status.IN_REVIEW):
            _move(record, Status.RETURNED, by=by, comment=reason, validate=False)
            unpublished.append(record.code)
    return ConsentWithdrawal.objects.create(
        testimony=testimony, withdrawn_on=withdrawn_on, by=by, unpublished="\n".join(unpublished)
    )


# --- Duplicates --------------------------------------------------------------


# The fields a reviewer chooses between when merging, in the form's order; a
# choice of the first of a group takes the others with it.
MERGE_FIELDS = (
    "pseudonym",
    "sex",
    "birth_year",
    "origin_place",
    "occupation_in_north",
    "education_in_north",
    "is_alive",
    "notes",
    "is_synthetic",
)
TAKEN_TOGETHER = {"birth_year": ("birth_year", "birth_year_is_approximate")}
UNKNOWN_VALUES = (None, "", "unknown")


def _merge_value(person, name):
    return tuple(
        getattr(person, Person._meta.get_field(each).attname)
        for each in TAKEN_TOGETHER.get(name, (name,))
    )


def merge_differences(keep, duplicate):
    """The fields of MERGE_FIELDS whose values differ between the two records."""
    return [
        name for name in MERGE_FIELDS if _merge_value(keep, name) != _merge_value(duplicate, name)
    ]


def merge_defaults(keep, duplicate):
    """The fields a merge takes from the duplicate unless told otherwise: those
    the kept record lacks and the duplicate has (a year of birth, a place of origin)."""
    return tuple(
        name
        for name in merge_differences(keep, duplicate)
        if _merge_value(keep, name)[0] in UNKNOWN_VALUES
        and _merge_value(duplicate, name)[0] not in UNKNOWN_VALUES
    )


@workflow_step
def person_merge(*, keep, duplicate, by, values_from_duplicate=None):
    """Move every link from the duplicate to the kept person, record it, delete the duplicate.

    `values_from_duplicate` names the fields (of MERGE_FIELDS) whose value the kept
    record takes from the duplicate; None takes those the kept record lacks
    (`merge_defaults`), so a value only the duplicate had is never dropped
    unasked. The stricter confidentiality of the two is kept. A published kept
    record whose fields change goes back to review, like any edit of one; one made
    confidential leaves the public site ("returned"). The PersonMerge says which
    values came from the duplicate.
    """
    _require(by, roles.MERGE_PERSON)
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different persons."))
    keep, duplicate = _fresh(keep), _fresh(duplicate)
    hidden = Confidentiality.CONFIDENTIAL in (keep.confidentiality, duplicate.confidentiality)
    if hidden and not sees_restricted(by):
        raise PermissionDenied(_("You do not have permission to do this."))
    identities = Identity.objects.filter(person__in=[keep, duplicate])
    if identities.count() == 2:
        raise ValidationError(
            _("Both persons have an identity in the vault; a custodian must reconcile them first.")
        )
    between = PersonRelation.objects.filter(
        Q(person=keep, other=duplicate) | Q(person=duplicate, other=keep)
    )
    if between.exists():
        raise ValidationError(
            _("The two persons are recorded as related to each other; remove that relation first.")
        )
    if values_from_duplicate is None:
        values_from_duplicate = merge_defaults(keep, duplicate)
    unknown = set(values_from_duplicate) - set(MERGE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be taken in a merge: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="invalid",
        )
    reason = _("Merged %(old)s into %(new)s") % {"old": duplicate.code, "new": keep.code}
    taken = [name for name in merge_differences(keep, duplicate) if name in values_from_duplicate]
    closes = _stricter(duplicate, keep)
    _take_values(keep, duplicate, taken, closes=closes, by=by, reason=reason)
    # A link the kept person already has would be there twice.
    for mine in PersonRelation.objects.filter(person=keep).values("kind", "other"):
        PersonRelation.objects.filter(person=duplicate, **mine).delete()
    for mine in PersonRelation.objects.filter(other=keep).values("kind", "person"):
        PersonRelation.objects.filter(other=duplicate, **mine).delete()
    moved = {}
    for relation in Person._meta.related_objects:
        field = relation.field
        linked = relation.related_model._base_manager.filter(**{field.name: duplicate})
        count = 0
        for record in linked:
            setattr(record, field.name, keep)
            record._history_user = by
            record._change_reason = reason
            record.save()
            count += 1
        if count:
            moved[relation.related_model._meta.model_name] = count
    merge = PersonMerge.objects.create(
        kept=keep,
        merged_code=duplicate.code,
        merged_pseudonym=duplicate.pseudonym,
        moved=moved,
        taken=taken + (["confidentiality"] if closes else []),
        by=by,
    )
    duplicate._history_user = by
    duplicate.delete()
    return merge


def persons_mark_distinct(*, first, second, by, distinct=True, note=""):
    """Record that two persons are two people (or, `distinct=False`, take that back),
    so that the duplicate finder pairs them no more (or again)."""
    _require(by, roles.MERGE_PERSON)
    visible = admin_records(Person.objects.filter(pk__in=[first.pk, second.pk]), by)
    if first.pk == second.pk or visible.count() != 2:
        raise PermissionDenied(_("You do not have permission to do this."))
    low, high = sorted((first.pk, second.pk))
    if distinct:
        DistinctPersons.objects.get_or_create(
            first_id=low, second_id=high, defaults={"by": by, "note": note}
        )
    else:
        DistinctPersons.objects.filter(first_id=low, second_id=high).delete()


def _stricter(one, other):
    return LEVELS.index(one.confidentiality) > LEVELS.index(other.confidentiality)


def _take_values(keep, duplicate, taken, *, closes, by, reason):
    """Give the kept record the values chosen from the duplicate and (`closes`) the
    stricter confidentiality, saved before its links move (each move may touch its flags)."""
    if not taken and not closes:
        return
    for name in taken:
        for each in TAKEN_TOGETHER.get(name, (name,)):
            attname = Person._meta.get_field(each).attname
            setattr(keep, attname, getattr(duplicate, attname))
    if closes:
        keep.confidentiality = duplicate.confidentiality
    if taken:
        labels = ", ".join(str(Person._meta.get_field(name).verbose_name) for name in taken)
        reason = _("%(reason)s; taken from %(old)s: %(fields)s.") % {
            "reason": reason,
            "old": duplicate.code,
            "fields": labels,
        }
    keep._history_user = by
    keep._change_reason = reason
    if closes and keep.status in (Status.IN_REVIEW, Status.PUBLISHED):
        _move(keep, Status.RETURNED, by=by, comment=reason, validate=False)
    elif keep.status == Status.PUBLISHED:
        # No edit reaches the public site unreviewed (record_edit_published).
        _move(keep, Status.IN_REVIEW, by=by, comment=reason)
    else:
        keep.full_clean()
        keep.save()


def similar_persons(
    *, pseudonym, visible_to, birth_year=None, origin_place=None, exclude_pk=None, limit=5
):
    """Persons who may be the one being entered: a like pseudonym in any script
    (김순옥 for Kim Sun-ok), or the same origin and age.

    One query over an indexed shortlist (the name key, cases/names.py), then
    `duplicates.name_likeness` to rank it.
    """
    pseudonym = (pseudonym or "").strip()
    if not pseudonym:
        return []
    key = name_key(pseudonym)
    shortlist = Q(pseudonym__iexact=pseudonym) | Q(pseudonym__icontains=pseudonym[:3])
    if key:
        shortlist |= Q(name_key__startswith=key[: duplicates.STEM])
    if birth_year:
        near = Q(birth_year__range=(birth_year - 1, birth_year + 1))
        shortlist |= near & Q(origin_place=origin_place) if origin_place else Q()
    # Only persons the user may see: the warning must not name a confidential one.
    candidates = admin_records(Person.objects.filter(shortlist), visible_to)
    # The same key first, so that a common family name cannot crowd it out.
    candidates = candidates.select_related("origin_place").order_by(
        Case(When(name_key=key, then=0), default=1), "code"
    )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    scored = []
    for person in candidates[:200]:
        score = duplicates.name_likeness(pseudonym, person.pseudonym)
        if birth_year and person.birth_year and abs(person.birth_year - birth_year) <= 1:
            score += 0.3
        if origin_place and person.origin_place_id == getattr(origin_place, "pk", origin_place):
            score += 0.3
        if score >= 0.8:
            scored.append((score, person))
    scored.sort(key=lambda pair: (-pair[0], pair[1].code))
    return [person for _, person in scored[:limit]]
