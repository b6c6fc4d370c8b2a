"""Review workflow end to end: enter, submit, review (publish or return), with who and when."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import models, roles, services
from cases.models import ConsentScope, Event, StatusChange, WorkflowStatus
from cases.tests import factories
from cases.tests.forms import form_data
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


# --- "Save and submit for review": the change form's own button (issue 21) ----------


def change_url(record):
    return reverse(f"admin:cases_{record._meta.model_name}_change", args=[record.pk])


def save_and_submit(client, record, **changes):
    """Post the record's change form as a browser would, edited, with the button."""
    page = client.get(change_url(record))
    data = form_data(page, type(record)) | changes | {"_submit_for_review": "Save and submit"}
    return client.post(change_url(record), data, follow=True)


def shown(response, level):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == level]


def test_save_and_submit_saves_the_edit_then_submits(as_role):
    testimony = ready_testimony(title_en="Before")
    researcher = as_role(roles.RESEARCHER)
    page = researcher.get(change_url(testimony)).content.decode()
    form = page.split('id="testimony_form"')[1].split("</form>")[0]
    # The button and the note are the change form's own: no separate form to lose edits.
    assert 'name="_submit_for_review"' in form and 'name="_submit_comment"' in form
    assert 'value="submit"' not in page

    response = save_and_submit(
        researcher, testimony, title_en="After, typed", _submit_comment="ready"
    )
    testimony.refresh_from_db()
    assert (testimony.title_en, testimony.status) == ("After, typed", WorkflowStatus.IN_REVIEW)
    change = StatusChange.objects.get(record_code=testimony.code)
    assert (change.to_status, change.by, change.comment) == (
        WorkflowStatus.IN_REVIEW,
        researcher.user,
        "ready",
    )
    assert response.redirect_chain[-1][0] == change_url(testimony)
    assert shown(response, "success") == [f"{testimony.code} was saved and submitted for review."]
    assert not shown(response, "error")
    # In review, the page is read-only for the researcher: no button any more.
    assert 'name="_submit_for_review"' not in response.content.decode()


def test_a_submit_the_workflow_refuses_keeps_the_saved_edit(as_role):
    testimony = ready_testimony(
        status=WorkflowStatus.RETURNED, consent_withdrawn_on=datetime.date(2020, 1, 1)
    )
    response = save_and_submit(as_role(roles.RESEARCHER), testimony, title_en="Typed")
    testimony.refresh_from_db()
    assert (testimony.title_en, testimony.status) == ("Typed", WorkflowStatus.RETURNED)
    assert not StatusChange.objects.exists()
    assert shown(response, "success") == [f"The changes to {testimony.code} were saved."]
    (error,) = shown(response, "error")
    assert error.startswith(f"{testimony.code} was not submitted for review: The witness withdrew")


def test_a_submit_refused_for_want_of_permission_keeps_the_saved_edit(as_role, monkeypatch):
    """Today whoever may save a record may submit it (both need cases.change_<model>).
    Were the two to part, the refusal must be shown, not raised: a PermissionDenied
    out of the change form is a 403 that rolls the saved edit back."""

    def refused(user, permission):
        raise PermissionDenied("You do not have permission to do this.")

    event = factories.EventFactory(title_en="Before")
    client = as_role(roles.RESEARCHER)
    monkeypatch.setattr(services, "require", refused)
    response = save_and_submit(client, event, title_en="Typed")
    event.refresh_from_db()
    assert response.status_code == 200
    assert (event.title_en, event.status) == ("Typed", WorkflowStatus.DRAFT)
    assert shown(response, "error") == [
        f"{event.code} was not submitted for review: You do not have permission to do this."
    ]


def test_an_edit_the_form_refuses_is_neither_lost_nor_submitted(as_role):
    event = factories.EventFactory(title_en="Before")
    client = as_role(roles.RESEARCHER)
    page = client.get(change_url(event))
    factories.workflow_save(event, description_en="Someone else's edit")  # the version moves
    data = form_data(page, Event) | {"title_en": "Typed", "_submit_for_review": "Save and submit"}
    response = client.post(change_url(event), data)
    event.refresh_from_db()
    assert response.status_code == 200  # the form again, with the reason
    assert (event.title_en, event.status) == ("Before", WorkflowStatus.DRAFT)
    assert 'value="Typed"' in response.content.decode()  # what was typed is still there


def test_the_button_is_not_offered_where_the_record_cannot_be_submitted(as_role):
    in_review = factories.EventFactory(status=WorkflowStatus.IN_REVIEW, title_en="Before")
    client = as_role(roles.REVIEWER)
    page = client.get(change_url(in_review))
    assert 'name="_submit_for_review"' not in page.content.decode()
    # Posted all the same: the reviewer's edit is saved, the step refused, the status kept.
    response = save_and_submit(client, in_review, title_en="Typed")
    in_review.refresh_from_db()
    assert (in_review.title_en, in_review.status) == ("Typed", WorkflowStatus.IN_REVIEW)
    assert "this step is not possible from there" in shown(response, "error")[0]
    # A researcher may not change a record in review at all: nothing is saved.
    data = form_data(client.get(change_url(in_review)), Event)
    data |= {"title_en": "Other", "_submit_for_review": "Save and submit"}
    assert as_role(roles.RESEARCHER).post(change_url(in_review), data).status_code == 403
    in_review.refresh_from_db()
    assert (in_review.title_en, in_review.status) == ("Typed", WorkflowStatus.IN_REVIEW)
