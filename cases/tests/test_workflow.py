"""Review workflow end to end: enter, submit, review (publish or return), with who and when."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import models, roles, services
from cases.models import ConsentScope, StatusChange, WorkflowStatus
from cases.tests import factories
from cases.tests.personas import user_in

pytestmark = pytest.mark.django_db


def ready_testimony(**kwargs):
    """A testimony with everything publication needs, still a draft."""
    defaults = {
        "consent_scope": ConsentScope.ANONYMISED,
        "consent_given_on": datetime.date(2015, 6, 1),
        "consent_method": "signed form",
        "public_summary_en": "Detained at a holding centre in 2003.",
    }
    return factories.TestimonyFactory(**{**defaults, **kwargs})


def workflow(client, record, **data):
    url = reverse(f"admin:cases_{record._meta.model_name}_workflow", args=[record.pk])
    return client.post(url, data, follow=True)


def test_entered_submitted_and_published_through_the_admin(as_role, client):
    testimony = ready_testimony()
    researcher = as_role(roles.RESEARCHER)
    workflow(researcher, testimony, action="submit", comment="ready")
    testimony.refresh_from_db()
    assert testimony.status == WorkflowStatus.IN_REVIEW

    reviewer = as_role(roles.REVIEWER)
    queue = reviewer.get(reverse("admin:cases_review_queue"))
    assert testimony.code in queue.content.decode()
    workflow(reviewer, testimony, action="publish")
    testimony.refresh_from_db()
    assert testimony.status == WorkflowStatus.PUBLISHED
    assert models.Testimony.objects.public().filter(pk=testimony.pk).exists()
    moves = list(StatusChange.objects.order_by("at", "pk").values_list("to_status", "by__username"))
    assert moves == [
        (WorkflowStatus.IN_REVIEW, roles.RESEARCHER),
        (WorkflowStatus.PUBLISHED, roles.REVIEWER),
    ]


def test_publishing_without_consent_is_refused_with_the_reason(as_role):
    testimony = ready_testimony(
        consent_scope=ConsentScope.INTERNAL, status=WorkflowStatus.IN_REVIEW
    )
    response = workflow(as_role(roles.REVIEWER), testimony, action="publish")
    assert "has not consented to publication" in response.content.decode()
    testimony.refresh_from_db()
    assert testimony.status == WorkflowStatus.IN_REVIEW


def test_publishing_refuses_missing_required_fields():
    testimony = ready_testimony(public_summary_en="", status=WorkflowStatus.IN_REVIEW)
    with pytest.raises(ValidationError) as error:
        services.record_publish(record=testimony, by=user_in(roles.REVIEWER))
    assert "Write a public summary." in error.value.messages


def test_an_event_needs_support_and_a_violation_needs_its_event_published():
    reviewer = user_in(roles.REVIEWER)
    event = factories.EventFactory(status=WorkflowStatus.IN_REVIEW, description_en="x")
    with pytest.raises(ValidationError, match="Cite at least one"):
        services.record_publish(record=event, by=reviewer)
    violation = factories.ViolationFactory(event=event, status=WorkflowStatus.IN_REVIEW)
    with pytest.raises(ValidationError, match="Publish its event first"):
        services.record_publish(record=violation, by=reviewer)


def test_returning_needs_a_comment_and_records_it():
    reviewer = user_in(roles.REVIEWER)
    event = factories.EventFactory(status=WorkflowStatus.IN_REVIEW)
    with pytest.raises(ValidationError):
        services.record_return(record=event, by=reviewer, comment=" ")
    services.record_return(record=event, by=reviewer, comment="Add the facility.")
    event.refresh_from_db()
    assert event.status == WorkflowStatus.RETURNED
    change = StatusChange.objects.get(record_code=event.code)
    assert (change.comment, change.by) == ("Add the facility.", reviewer)


def test_researchers_cannot_publish_or_return():
    researcher = user_in(roles.RESEARCHER)
    testimony = ready_testimony(status=WorkflowStatus.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        services.record_publish(record=testimony, by=researcher)
    with pytest.raises(PermissionDenied):
        services.record_return(record=testimony, by=researcher, comment="no")


def test_only_drafts_and_returned_records_can_be_submitted():
    testimony = ready_testimony(status=WorkflowStatus.PUBLISHED)
    with pytest.raises(ValidationError, match="not possible"):
        services.record_submit_for_review(record=testimony, by=user_in(roles.RESEARCHER))


def test_the_review_queue_is_for_reviewers_and_takes_one_query_per_kind(
    as_role, django_assert_num_queries
):
    factories.TestimonyFactory.create_batch(3, status=WorkflowStatus.IN_REVIEW)
    factories.EventFactory.create_batch(2, status=WorkflowStatus.IN_REVIEW)
    factories.EventFactory(status=WorkflowStatus.DRAFT)
    factories.ViolationFactory.create_batch(2, status=WorkflowStatus.IN_REVIEW)
    assert as_role(roles.RESEARCHER).get(reverse("admin:cases_review_queue")).status_code == 403
    client = as_role(roles.REVIEWER)
    client.get(reverse("admin:cases_review_queue"))  # warm the session and permission caches
    # session, user, its verified OTP device, user's own and group permissions, then
    # one per kind of record (5)
    with django_assert_num_queries(10):
        response = client.get(reverse("admin:cases_review_queue"))
    assert len(response.context["queue"]) == 7


def test_publish_action_on_the_changelist(as_role):
    ready = ready_testimony(status=WorkflowStatus.IN_REVIEW)
    unready = ready_testimony(status=WorkflowStatus.IN_REVIEW, consent_method="")
    client = as_role(roles.REVIEWER)
    response = client.post(
        reverse("admin:cases_testimony_changelist"),
        {"action": "publish", "_selected_action": [ready.pk, unready.pk]},
        follow=True,
    )
    ready.refresh_from_db(), unready.refresh_from_db()
    assert (ready.status, unready.status) == (WorkflowStatus.PUBLISHED, WorkflowStatus.IN_REVIEW)
    assert "Record when and how consent was given." in response.content.decode()
