"""The review workflow's services, each refusal and each move checked exactly.

Issue 25: these protections were removed one at a time and no test failed. Each
test here names the records it expects by their codes, computed from how the
test made them, never through the services' own helpers (tests/mutants/).
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import roles, services
from cases.models import (
    BorderCrossing,
    Confidentiality,
    ConsentScope,
    ConsentWithdrawal,
    Event,
    Person,
    StatusChange,
    Testimony,
    Violation,
    WorkflowStatus,
)
from cases.tests import factories
from cases.tests.personas import user_in

pytestmark = pytest.mark.django_db

Status = WorkflowStatus
WITHDRAWN_ON = datetime.date(2022, 2, 2)


def stored_status(record):
    return type(record)._base_manager.values_list("status", flat=True).get(pk=record.pk)


def moves_to(status):
    return set(StatusChange.objects.filter(to_status=status).values_list("record_code", flat=True))


# --- Consent withdrawal ---------------------------------------------------------------


def test_withdrawal_returns_the_records_in_review_as_well_as_the_published_ones():
    testimony = factories.publishable_testimony()
    person = testimony.interviewee
    in_review = {"status": Status.IN_REVIEW}
    event = factories.EventFactory(**in_review)
    factories.InformationFactory(testimony=testimony, event=event)
    published_event = factories.EventFactory(publishable=True)
    factories.InformationFactory(testimony=testimony, event=published_event)
    draft_event = factories.EventFactory()
    factories.InformationFactory(testimony=testimony, event=draft_event)
    act = factories.ViolationFactory(event=draft_event, victim=person, **in_review)
    crossing = factories.BorderCrossingFactory(person=person, **in_review)
    unrelated = factories.EventFactory(**in_review)  # rests on nothing of this witness

    withdrawal = services.testimony_withdraw_consent(
        testimony=testimony, withdrawn_on=WITHDRAWN_ON, by=user_in(roles.CUSTODIAN)
    )

    expected = {
        testimony.code, person.code, published_event.code,  # were published
        event.code, act.code, crossing.code,  # were in review
    }  # fmt: skip
    assert set(withdrawal.unpublished.split("\n")) == expected
    assert moves_to(Status.RETURNED) == expected
    for record in (testimony, person, event, published_event, act, crossing):
        assert stored_status(record) == Status.RETURNED, record.code
    assert stored_status(draft_event) == Status.DRAFT
    assert stored_status(unrelated) == Status.IN_REVIEW
    assert ConsentWithdrawal.objects.get().testimony_id == testimony.pk


# --- Publishing -------------------------------------------------------------------------


def test_publishing_refuses_a_record_the_public_boundary_would_still_hide():
    """The rules above the backstop look at the event's status only; a published event
    that is restricted (a state only the backstop notices) keeps its acts off the site."""
    event = factories.EventFactory(publishable=True)
    factories.workflow_save(event, confidentiality=Confidentiality.RESTRICTED)
    victim = factories.PersonFactory(publishable=True)
    act = factories.ViolationFactory(event=event, victim=victim, status=Status.IN_REVIEW)
    assert services.publication_problems(act) == []  # only the backstop is left

    with pytest.raises(ValidationError) as refused:
        services.record_publish(record=act, by=user_in(roles.REVIEWER))

    assert refused.value.error_list[0].code == "not_publishable"
    assert stored_status(act) == Status.IN_REVIEW
    assert not Violation.objects.filter(pk=act.pk, is_public=True).exists()
    assert not StatusChange.objects.filter(record_code=act.code).exists()


def test_publishing_a_ready_act_makes_it_public():
    """The backstop's counterpart: the same act under a standard event is published."""
    event = factories.EventFactory(publishable=True)
    victim = factories.PersonFactory(publishable=True)
    act = factories.ViolationFactory(event=event, victim=victim, status=Status.IN_REVIEW)
    services.record_publish(record=act, by=user_in(roles.REVIEWER))
    assert Violation.objects.filter(pk=act.pk, is_public=True).exists()


# --- Submitting -------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Event, Person, Testimony, Violation, BorderCrossing])
def test_submitting_needs_the_change_permission_of_the_record(model):
    factory = {
        Event: factories.EventFactory,
        Person: factories.PersonFactory,
        Testimony: factories.TestimonyFactory,
        Violation: factories.ViolationFactory,
        BorderCrossing: factories.BorderCrossingFactory,
    }[model]
    record = factory()
    staff_without_role = factories.UserFactory(username="no-role")
    with pytest.raises(PermissionDenied):
        services.record_submit_for_review(record=record, by=staff_without_role)
    assert stored_status(record) == Status.DRAFT
    assert not StatusChange.objects.exists()

    services.record_submit_for_review(record=record, by=user_in(roles.RESEARCHER))
    assert stored_status(record) == Status.IN_REVIEW


# --- Editing a published record ---------------------------------------------------------


def test_a_researcher_cannot_save_an_edit_of_a_published_record():
    testimony = factories.publishable_testimony(title_en="as published")
    copy = Testimony.objects.get(pk=testimony.pk)
    copy.title_en = "changed by a researcher"
    with pytest.raises(PermissionDenied):
        services.record_edit_published(record=copy, by=user_in(roles.RESEARCHER))
    stored = Testimony.objects.get(pk=testimony.pk)
    assert (stored.title_en, stored.status) == ("as published", Status.PUBLISHED)
    assert Testimony.objects.public().filter(pk=testimony.pk).exists()


def test_an_edit_of_a_published_record_keeps_the_stored_workflow_fields():
    testimony = factories.publishable_testimony(consent_method="in person, signed")
    copy = Testimony.objects.get(pk=testimony.pk)
    copy.title_en = "edited"
    # What an edited copy may carry: each of these is the workflow's alone to change.
    copy.consent_scope = ConsentScope.INTERNAL
    copy.consent_given_on = datetime.date(1999, 1, 1)
    copy.consent_method = "forged"
    copy.confidentiality = Confidentiality.RESTRICTED

    services.record_edit_published(record=copy, by=user_in(roles.REVIEWER))

    stored = Testimony.objects.get(pk=testimony.pk)
    assert stored.title_en == "edited"
    assert stored.status == Status.IN_REVIEW
    assert (
        stored.consent_scope,
        stored.consent_given_on,
        stored.consent_method,
        stored.confidentiality,
    ) == (
        ConsentScope.FULL,
        datetime.date(2015, 6, 1),
        "in person, signed",
        Confidentiality.STANDARD,
    )


# --- Restricting ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.PUBLISHED])
@pytest.mark.parametrize("level", [Confidentiality.RESTRICTED, Confidentiality.CONFIDENTIAL])
def test_restricting_a_record_in_review_or_published_returns_it(status, level):
    event = factories.EventFactory(status=status)
    factories.InformationFactory(event=event, testimony=factories.publishable_testimony())
    services.record_set_confidentiality(
        record=event, confidentiality=level, by=user_in(roles.CUSTODIAN)
    )
    stored = Event._base_manager.get(pk=event.pk)
    assert (stored.status, stored.confidentiality) == (Status.RETURNED, level)
    assert moves_to(Status.RETURNED) == {event.code}


def test_restricting_a_draft_leaves_it_a_draft():
    event = factories.EventFactory()
    services.record_set_confidentiality(
        record=event, confidentiality=Confidentiality.RESTRICTED, by=user_in(roles.RESEARCHER)
    )
    assert stored_status(event) == Status.DRAFT
    assert not StatusChange.objects.exists()


# --- Recording consent ------------------------------------------------------------------


def consent(testimony, by, scope=ConsentScope.FULL):
    return services.testimony_set_consent(
        testimony=testimony,
        by=by,
        consent_scope=scope,
        consent_given_on=datetime.date(2020, 1, 1),
        consent_method="recorded again",
    )


def stored_consent(testimony):
    return Testimony._base_manager.values_list(
        "consent_scope", "consent_given_on", "consent_method", "consent_withdrawn_on"
    ).get(pk=testimony.pk)


def test_consent_is_never_recorded_again_once_withdrawn():
    testimony = factories.publishable_testimony(consent_method="in person")
    services.testimony_withdraw_consent(
        testimony=testimony, withdrawn_on=WITHDRAWN_ON, by=user_in(roles.CUSTODIAN)
    )
    assert stored_status(testimony) == Status.RETURNED  # where consent could be recorded
    before = stored_consent(testimony)

    with pytest.raises(ValidationError) as refused:
        consent(testimony, user_in(roles.REVIEWER))

    assert refused.value.code == "consent_withdrawn"
    assert (
        stored_consent(testimony)
        == before
        == (
            ConsentScope.FULL,
            datetime.date(2015, 6, 1),
            "in person",
            WITHDRAWN_ON,
        )
    )


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.PUBLISHED])
def test_consent_is_recorded_on_drafts_and_returned_testimonies_only(status):
    testimony = factories.publishable_testimony(status=status, consent_method="in person")
    before = stored_consent(testimony)
    with pytest.raises(ValidationError) as refused:
        consent(testimony, user_in(roles.REVIEWER), scope=ConsentScope.INTERNAL)
    assert refused.value.code == "wrong_status"
    assert stored_consent(testimony) == before


def test_recording_consent_needs_the_change_permission():
    testimony = factories.TestimonyFactory()
    with pytest.raises(PermissionDenied):
        consent(testimony, factories.UserFactory(username="no-role"))
    assert stored_consent(testimony) == (ConsentScope.NONE, None, "", None)
    consent(testimony, user_in(roles.RESEARCHER))
    assert stored_consent(testimony)[:3] == (
        ConsentScope.FULL,
        datetime.date(2020, 1, 1),
        "recorded again",
    )
