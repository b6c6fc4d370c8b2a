"""The review queue on the admin index, grouped by testimony (staff/review.py)."""

import pytest

from cases import roles
from cases.models import Confidentiality, WorkflowStatus
from cases.tests import factories

pytestmark = pytest.mark.django_db

IN_REVIEW = WorkflowStatus.IN_REVIEW


def in_review(factory, **fields):
    return factory(status=IN_REVIEW, **fields)


@pytest.fixture
def waiting():
    person = in_review(factories.PersonFactory, pseudonym="증인 갑")
    testimony = in_review(factories.TestimonyFactory, interviewee=person, title_en="Camp 15")
    event = in_review(factories.EventFactory, title_en="Arrest in Hoeryong")
    factories.InformationFactory(testimony=testimony, event=event, violation=None)
    violation = in_review(factories.ViolationFactory, event=event)
    crossing = in_review(factories.BorderCrossingFactory, person=person)
    alone = in_review(factories.EventFactory, title_en="Nobody told it")
    secret = in_review(
        factories.TestimonyFactory,
        confidentiality=Confidentiality.CONFIDENTIAL,
        title_en="비밀 증언",
    )
    cited = in_review(factories.EventFactory, title_en="Told in secret")
    factories.InformationFactory(testimony=secret, event=cited, violation=None)
    return {
        "testimony": testimony,
        "its records": {testimony, person, event, violation, crossing},
        "unlinked": {alone, cited},
    }


def test_the_index_groups_the_waiting_records_by_testimony(as_role, waiting):
    client = as_role(roles.REVIEWER)
    response = client.get("/admin/")
    html = response.content.decode()
    assert 'id="review-summary"' in html
    assert "비밀 증언" not in html  # a testimony the reviewer may not open names no group
    from staff.review import review_queue

    groups = review_queue(client.user)
    assert [group.testimony for group in groups] == [waiting["testimony"], None]
    assert {item.record for item in groups[0].items} == waiting["its records"]
    assert {item.record for item in groups[1].items} == waiting["unlinked"]
    testimony = waiting["testimony"]
    assert f'<a href="/admin/cases/testimony/{testimony.pk}/change/">{testimony.code}</a>' in html
    assert "5 records" in html and "Not linked to a testimony" in html
    assert 'href="/admin/cases/statuschange/review-queue/"' in html
    # The group's bundle is published from here, all or none (cases.intake.bundle_publish).
    workflow_url = f"/admin/cases/testimony/{testimony.pk}/workflow/"
    assert html.count('value="publish_bundle"') == 1
    assert f'action="{workflow_url}"' in html


def test_a_reviewing_custodian_sees_the_confidential_testimony_as_a_group(waiting):
    from staff.review import review_queue

    both = factories.UserFactory(roles=[roles.REVIEWER, roles.CUSTODIAN])
    groups = review_queue(both)
    assert [g.testimony.title_en if g.testimony else None for g in groups] == [
        "Camp 15",
        "비밀 증언",
        None,
    ]


def test_researchers_see_no_queue(as_role, waiting):
    html = as_role(roles.RESEARCHER).get("/admin/").content.decode()
    assert 'id="review-summary"' not in html


def test_the_queue_is_read_in_a_fixed_number_of_queries(
    as_role, waiting, django_assert_num_queries
):
    from staff.review import review_queue

    reviewer = as_role(roles.REVIEWER).user
    review_queue(reviewer)  # the permissions, cached
    # One query per kind of record; the information; the interviewees' testimonies;
    # the testimonies named.
    with django_assert_num_queries(8):
        review_queue(reviewer)
    in_review(factories.EventFactory)
    in_review(factories.PersonFactory)
    with django_assert_num_queries(8):
        assert len(review_queue(reviewer)) == 2
