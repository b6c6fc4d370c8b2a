"""The review queue lists to each reviewer only the records the admin shows them.

Issue 25: the queue's rule hiding confidential records from non-custodians could
be removed without a test failing.
"""

import pytest
from django.urls import reverse

from cases import roles
from cases.models import Confidentiality, WorkflowStatus
from cases.tests import factories
from cases.tests.personas import login_with_second_factor

pytestmark = pytest.mark.django_db

IN_REVIEW = {"status": WorkflowStatus.IN_REVIEW}


def queued_codes(client):
    response = client.get(reverse("admin:cases_review_queue"))
    assert response.status_code == 200
    return response, {item["record"].code for item in response.context["queue"]}


def test_confidential_records_in_review_are_queued_for_custodians_only(as_role, client):
    standard = factories.EventFactory(**IN_REVIEW)
    restricted = factories.EventFactory(**IN_REVIEW, confidentiality=Confidentiality.RESTRICTED)
    hidden = {
        factories.EventFactory(
            **IN_REVIEW, confidentiality=Confidentiality.CONFIDENTIAL, title_en="MKQUEUEEVENT"
        ),
        factories.PersonFactory(
            **IN_REVIEW, confidentiality=Confidentiality.CONFIDENTIAL, pseudonym="MKQUEUEPERSON"
        ),
        factories.TestimonyFactory(
            **IN_REVIEW, confidentiality=Confidentiality.CONFIDENTIAL, title_en="MKQUEUETITLE"
        ),
    }
    factories.EventFactory()  # a draft is never queued
    visible = {standard.code, restricted.code}

    response, codes = queued_codes(as_role(roles.REVIEWER))
    assert codes == visible
    assert b"MKQUEUE" not in response.content
    for record in hidden:
        assert record.code.encode() not in response.content

    # A reviewer who is a custodian too (custodians alone do not review).
    both = factories.UserFactory(
        username="reviewing-custodian", roles=[roles.REVIEWER, roles.CUSTODIAN]
    )
    _response, codes = queued_codes(login_with_second_factor(client, both))
    assert codes == visible | {record.code for record in hidden}


def test_the_records_of_a_confidential_person_are_queued_for_custodians_only(as_role):
    person = factories.PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL)
    testimony = factories.TestimonyFactory(interviewee=person, title_en="MKOWNED", **IN_REVIEW)
    crossing = factories.BorderCrossingFactory(person=person, **IN_REVIEW)
    act = factories.ViolationFactory(victim=person, **IN_REVIEW)
    theirs = {testimony.code, crossing.code, act.code}

    _response, codes = queued_codes(as_role(roles.REVIEWER))
    assert not codes & theirs
