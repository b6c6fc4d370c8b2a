"""Writes that span records: the review workflow and consent withdrawal.

Keyword-only, atomic, validating with `full_clean()`. Each checks the acting
user's permission itself, so a caller other than the admin cannot skip it.
Refusals are ValidationErrors whose messages can be shown as they are.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from cases import (
    diversity,
    publication,
    reference_proposals,
    reidentification,
    roles,
)
from cases.access import edits_any_status, sees_restricted
from cases.models import (
    PUBLISHABLE_CONSENT,
    BorderCrossing,
    Confidentiality,
    ConsentScope,
    ConsentWithdrawal,
    Event,
    Information,
    Person,
    Proceeding,
    Testimony,
    Violation,
)
from cases.steps import LEVELS, Status, fresh, move, refuse_unless, require, workflow_step

CONSENT_FIELDS = ("consent_scope", "consent_given_on", "consent_method")

# --- Review workflow ---------------------------------------------------------


@workflow_step
def record_submit_for_review(*, record, by, comment=""):
    """A researcher hands a draft (or a returned record) to the reviewers."""
    require(by, f"cases.change_{record._meta.model_name}")
    record = fresh(record)
    refuse_unless(record, (Status.DRAFT, Status.RETURNED))
    if isinstance(record, Testimony) and record.consent_withdrawn_on:
        raise ValidationError(
            _("The witness withdrew consent to %(code)s: it cannot go to review again.")
            % {"code": record.code},
            code="consent_withdrawn",
        )
    return move(record, Status.IN_REVIEW, by=by, comment=comment)


@workflow_step
def record_edit_published(*, record, by, comment=""):
    """Save an edit of a published record and send it back to review.

    `record` is the edited copy (a change form's instance). The public sees the
    record again when a reviewer publishes it, so no edit reaches the public
    site unreviewed. Its workflow fields are the stored ones, whatever the copy says.
    """
    if not edits_any_status(by):
        raise PermissionDenied(_("You do not have permission to do this."))
    stored = fresh(record)
    refuse_unless(stored, (Status.PUBLISHED,))
    for name in record.workflow_fields:
        setattr(record, name, getattr(stored, name))
    reason = comment or _("Edited after publication: back in review.")
    return move(record, Status.IN_REVIEW, by=by, comment=reason)


@workflow_step
def record_set_confidentiality(*, record, confidentiality, by, comment=""):
    """Restrict a record, or (custodians only) lift a restriction.

    Restricting a record in review or published takes it off the public site:
    it goes back to "returned" with the reason.
    """
    require(by, f"cases.change_{record._meta.model_name}")
    record = fresh(record)
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
        return move(record, Status.RETURNED, by=by, comment=reason, validate=False)
    return None


@workflow_step
def testimony_set_consent(*, testimony, by, consent_scope, consent_given_on, consent_method):
    """Record the consent the witness gave, on a draft or returned testimony.

    Only its own fields are validated, so an unrelated invalid field never blocks it.
    """
    require(by, "cases.change_testimony")
    testimony = fresh(testimony)
    if testimony.consent_withdrawn_on:
        raise ValidationError(
            _("Consent was withdrawn; it cannot be recorded again on this testimony."),
            code="consent_withdrawn",
        )
    refuse_unless(testimony, (Status.DRAFT, Status.RETURNED))
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
    require(by, roles.REVIEW)
    if not comment.strip():
        raise ValidationError(_("Say what needs to change."), code="comment_required")
    record = fresh(record)
    refuse_unless(record, (Status.IN_REVIEW, Status.PUBLISHED))
    return move(record, Status.RETURNED, by=by, comment=comment)


@workflow_step
def record_publish(*, record, by, comment=""):
    """A reviewer publishes a record in review, if it may be published."""
    require(by, roles.REVIEW)
    record = fresh(record)
    refuse_unless(record, (Status.IN_REVIEW,))
    problems = publication_problems(record)
    if problems:
        raise ValidationError(
            [ValidationError(problem, code="not_publishable") for problem in problems]
        )
    change = move(record, Status.PUBLISHED, by=by, comment=comment)
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
    require(by, roles.WITHDRAW_CONSENT)
    testimony = fresh(testimony)
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
        record = fresh(record)
        if record.status in (Status.PUBLISHED, Status.IN_REVIEW):
            move(record, Status.RETURNED, by=by, comment=reason, validate=False)
            unpublished.append(record.code)
    return ConsentWithdrawal.objects.create(
        testimony=testimony, withdrawn_on=withdrawn_on, by=by, unpublished="\n".join(unpublished)
    )
