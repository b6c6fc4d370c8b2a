"""Withdrawal of consent unpublishes, at once, the testimony and all that rests on it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import models, roles, services
from cases.models import ConsentWithdrawal, StatusChange, WorkflowStatus
from cases.tests import factories
from cases.tests.personas import user_in

pytestmark = pytest.mark.django_db
WITHDRAWN_ON = datetime.date(2020, 3, 1)


@pytest.fixture
def published_case():
    """A published testimony supporting a published event and violation, and a crossing."""
    testimony = factories.publishable_testimony()
    person = testimony.interviewee
    event = factories.EventFactory(publishable=True)
    factories.InformationFactory(testimony=testimony, event=event)
    violation = factories.ViolationFactory(publishable=True, event=event)
    own_violation = factories.ViolationFactory(publishable=True, victim=person)
    crossing = factories.BorderCrossingFactory(publishable=True, person=person)
    unrelated = factories.EventFactory(publishable=True)
    factories.InformationFactory(event=unrelated, testimony=factories.publishable_testimony())
    return {
        "testimony": testimony,
        "person": person,
        "event": event,
        "violation": violation,
        "own_violation": own_violation,
        "crossing": crossing,
        "unrelated": unrelated,
    }


def public(record):
    return type(record).objects.public().filter(pk=record.pk).exists()


def test_withdrawal_unpublishes_everything_resting_on_the_testimony(published_case):
    dependants = {k: v for k, v in published_case.items() if k != "unrelated"}
    assert all(public(record) for record in dependants.values())
    custodian = user_in(roles.CUSTODIAN)

    withdrawal = services.testimony_withdraw_consent(
        testimony=published_case["testimony"], withdrawn_on=WITHDRAWN_ON, by=custodian
    )

    for name, record in dependants.items():
        record.refresh_from_db()
        assert record.status == WorkflowStatus.RETURNED, name
        assert not public(record), name
        assert record.code in withdrawal.unpublished
    assert public(published_case["unrelated"])
    testimony = published_case["testimony"]
    assert testimony.consent_withdrawn_on == WITHDRAWN_ON
    assert ConsentWithdrawal.objects.get().by == custodian
    changes = StatusChange.objects.filter(record_code=testimony.code).get()
    assert "withdrawn" in changes.comment
    assert testimony.history.first().history_user == custodian


def test_withdrawal_is_all_or_nothing(published_case, monkeypatch):
    """A failure half-way leaves every record as it was."""
    original = services.move
    calls = []

    def failing_move(record, *args, **kwargs):
        calls.append(record.code)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return original(record, *args, **kwargs)

    monkeypatch.setattr(services, "move", failing_move)
    with pytest.raises(RuntimeError):
        services.testimony_withdraw_consent(
            testimony=published_case["testimony"],
            withdrawn_on=WITHDRAWN_ON,
            by=user_in(roles.CUSTODIAN),
        )
    for record in published_case.values():
        record.refresh_from_db()
        assert record.status == WorkflowStatus.PUBLISHED
    assert published_case["testimony"].consent_withdrawn_on is None
    assert not ConsentWithdrawal.objects.exists()


def test_researchers_cannot_withdraw_and_a_withdrawal_is_not_repeated(published_case):
    testimony = published_case["testimony"]
    with pytest.raises(PermissionDenied):
        services.testimony_withdraw_consent(
            testimony=testimony, withdrawn_on=WITHDRAWN_ON, by=user_in(roles.RESEARCHER)
        )
    reviewer = user_in(roles.REVIEWER)
    services.testimony_withdraw_consent(testimony=testimony, withdrawn_on=WITHDRAWN_ON, by=reviewer)
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.testimony_withdraw_consent(
            testimony=testimony, withdrawn_on=WITHDRAWN_ON, by=reviewer
        )


def test_withdrawal_before_consent_was_given_is_refused(published_case):
    with pytest.raises(ValidationError):
        services.testimony_withdraw_consent(
            testimony=published_case["testimony"],
            withdrawn_on=datetime.date(2000, 1, 1),
            by=user_in(roles.CUSTODIAN),
        )


def test_end_to_end_entered_reviewed_published_and_withdrawn_in_the_admin(as_role):
    """Entered by a researcher, published by a reviewer, withdrawn by a custodian."""
    person = factories.PersonFactory()
    researcher = as_role(roles.RESEARCHER)
    response = researcher.post(
        reverse("admin:cases_testimony_add"),
        {
            "interviewee": person.pk,
            "interview_date": "2019-05-02",
            "interview_country": "KR",
            "language": "ko",
            "knowledge": "experienced",
            "start_precision": "unknown",
            "end_precision": "unknown",
            "title_en": "Detention in Onsong",
            "public_summary_en": "Held for two months.",
            "consent_scope": "anonymised",
            "consent_given_on": "2019-05-02",
            "consent_method": "recorded oral consent",
            "confidentiality": "standard",
            "information-TOTAL_FORMS": "0",
            "information-INITIAL_FORMS": "0",
            "source_links-TOTAL_FORMS": "0",
            "source_links-INITIAL_FORMS": "0",
            "border_crossings-TOTAL_FORMS": "1",
            "border_crossings-INITIAL_FORMS": "0",
            "border_crossings-0-crossing_point": "Tumen River near Onsong",
            "border_crossings-0-crossing_date_precision": "unknown",
            "border_crossings-0-broker": "unknown",
            "border_crossings-0-outcome": "reached_south_korea",
            "border_crossings-0-arrival_date_precision": "unknown",
        },
    )
    assert response.status_code == 302, response.context["errors"]
    testimony = models.Testimony.objects.get(title_en="Detention in Onsong")
    crossing = testimony.border_crossings.get()
    assert crossing.person == person  # filled in from the interviewee

    url = reverse("admin:cases_testimony_workflow", args=[testimony.pk])
    researcher.post(url, {"action": "submit"})
    as_role(roles.REVIEWER).post(url, {"action": "publish"})
    testimony.refresh_from_db()
    assert testimony.status == WorkflowStatus.PUBLISHED

    as_role(roles.CUSTODIAN).post(url, {"action": "withdraw", "withdrawn_on": "2021-01-04"})
    testimony.refresh_from_db()
    assert testimony.status == WorkflowStatus.RETURNED
    assert testimony.consent_withdrawn_on == datetime.date(2021, 1, 4)
    assert not models.Testimony.objects.public().filter(pk=testimony.pk).exists()
