"""The admin's back doors of issue 16, one test per finding, each as the attacker tried it.

The matrix over every write path, role and state is test_workflow_guard.py; these
are the findings' own reproductions, and the guard's rules one by one.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from cases import roles, services, workflow
from cases.models import (
    BorderCrossing,
    Event,
    Information,
    StatusChange,
    Testimony,
    WorkflowStatus,
)
from cases.tests import factories
from cases.tests.forms import form_data
from cases.tests.personas import user_in

pytestmark = pytest.mark.django_db

WITHDRAWN_ON = datetime.date(2021, 3, 1)


def withdrawn_testimony():
    """A published testimony whose consent was then withdrawn through the service."""
    testimony = factories.publishable_testimony(transcript="first account")
    services.testimony_withdraw_consent(
        testimony=testimony, withdrawn_on=WITHDRAWN_ON, by=user_in(roles.CUSTODIAN)
    )
    return Testimony.objects.get(pk=testimony.pk)


def revert_url(record, version):
    name = f"admin:cases_{record._meta.model_name}_simple_history"
    return reverse(name, args=[record.pk, version.history_id])


def revert_form(client, record, version):
    """The revert page's form as a browser posts it, plus what an attacker adds: the
    fields the form shows read-only, set to publish."""
    data = form_data(client.get(revert_url(record, version)), type(record))
    return data | {"status": "published", "consent_withdrawn_on": "", "consent_scope": "full"}


# --- Finding 1: a history revert published a withdrawn testimony ----------------------


@pytest.mark.parametrize("role", [roles.RESEARCHER, roles.REVIEWER, roles.CUSTODIAN])
def test_a_revert_never_restores_a_withdrawn_testimonys_publication(as_role, role):
    testimony = withdrawn_testimony()
    published_version = testimony.history.filter(status="published").earliest("history_id")
    client = as_role(role)
    data = revert_form(client, testimony, published_version)
    assert data["title_en"]  # the page offered the old version's form
    client.post(revert_url(testimony, published_version), data)
    testimony.refresh_from_db()
    assert testimony.consent_withdrawn_on == WITHDRAWN_ON
    assert testimony.status == WorkflowStatus.RETURNED
    assert not Testimony.objects.public().filter(pk=testimony.pk).exists()
    public_url = reverse("cases:testimony", args=[testimony.code])
    assert client.get(public_url).status_code == 404


def test_a_revert_of_a_confidential_testimony_is_refused_to_a_researcher(as_role):
    """The old permission check read get_object(), None for a hidden record, and passed."""
    testimony = factories.publishable_testimony(title_en="before")
    factories.workflow_save(testimony, status="returned", confidentiality="confidential")
    version = testimony.history.earliest("history_id")
    data = revert_form(as_role(roles.CUSTODIAN), testimony, version)  # the form, as seen
    client = as_role(roles.RESEARCHER)  # the same browser, now a researcher's
    response = client.post(revert_url(testimony, version), data)
    assert response.status_code == 404
    testimony.refresh_from_db()
    assert (testimony.confidentiality, testimony.status) == ("confidential", "returned")


def test_a_revert_of_a_returned_event_restores_its_text_not_its_publication(as_role):
    event = factories.EventFactory(publishable=True, title_en="published title")
    services.record_return(record=event, by=user_in(roles.REVIEWER), comment="check dates")
    factories.workflow_save(Event.objects.get(pk=event.pk), title_en="returned title")
    event.refresh_from_db()
    version = event.history.filter(status="published").earliest("history_id")
    client = as_role(roles.RESEARCHER)
    data = revert_form(client, event, version)
    assert data["title_en"] == ["published title"]
    assert client.post(revert_url(event, version), data).status_code == 302
    event.refresh_from_db()
    assert (event.title_en, event.status) == ("published title", WorkflowStatus.RETURNED)
    assert not Event.objects.public().filter(pk=event.pk).exists()


# --- Finding 2: history pages showed what the record page hides ------------------------


def test_the_history_of_a_confidential_testimony_is_not_found_by_a_researcher(as_role):
    testimony = factories.TestimonyFactory(transcript="MKOLDTRANSCRIPT")
    factories.workflow_save(testimony, confidentiality="confidential", transcript="now")
    client = as_role(roles.RESEARCHER)
    history = reverse("admin:cases_testimony_history", args=[testimony.pk])
    assert client.get(history).status_code == 404
    version = testimony.history.earliest("history_id")
    response = client.get(revert_url(testimony, version))
    assert response.status_code == 404
    assert b"MKOLDTRANSCRIPT" not in response.content


def test_the_history_of_a_confidential_person_does_not_show_its_notes(as_role):
    person = factories.PersonFactory(notes="MKNOTES first")
    factories.workflow_save(person, confidentiality="confidential", notes="MKNOTES second")
    client = as_role(roles.RESEARCHER)
    response = client.get(reverse("admin:cases_person_history", args=[person.pk]))
    assert response.status_code == 404
    assert b"MKNOTES" not in response.content
    custodian = as_role(roles.CUSTODIAN)
    response = custodian.get(reverse("admin:cases_person_history", args=[person.pk]))
    assert b"MKNOTES second" in response.content


# --- Finding 3: an inline published a crossing's change at once ------------------------


def test_an_inline_cannot_change_a_published_crossing(as_role):
    testimony = factories.publishable_testimony()
    crossing = factories.BorderCrossingFactory(
        person=testimony.interviewee,
        testimony=testimony,
        crossing_point="Hyesan",
        **factories.PUBLISHED,
    )
    services.record_return(record=testimony, by=user_in(roles.REVIEWER), comment="fix")
    testimony.refresh_from_db()
    client = as_role(roles.RESEARCHER)
    url = reverse("admin:cases_testimony_change", args=[testimony.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page, Testimony)
    data["border_crossings-0-crossing_point"] = ["MKCHANGED"]
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the reason
    assert "is published: open it to change it" in response.content.decode()
    crossing.refresh_from_db()
    assert crossing.crossing_point == "Hyesan"
    assert BorderCrossing.objects.public().filter(pk=crossing.pk).exists()


# --- Finding 6: an unrelated validation error blocked a withdrawal of consent ----------


def test_consent_withdrawal_succeeds_on_a_testimony_with_an_invalid_period():
    testimony = factories.publishable_testimony(
        start_date=datetime.date(2010, 5, 1),
        start_precision="day",
        end_date=datetime.date(2009, 1, 1),
        end_precision="day",
    )
    with pytest.raises(ValidationError):
        testimony.full_clean()  # the period ends before it starts
    services.testimony_withdraw_consent(
        testimony=testimony, withdrawn_on=WITHDRAWN_ON, by=user_in(roles.CUSTODIAN)
    )
    assert not Testimony.objects.public().filter(pk=testimony.pk).exists()


def test_consent_withdrawal_before_consent_was_given_is_refused_with_a_reason():
    testimony = factories.publishable_testimony()
    with pytest.raises(ValidationError):
        services.testimony_withdraw_consent(
            testimony=testimony,
            withdrawn_on=testimony.consent_given_on - datetime.timedelta(days=1),
            by=user_in(roles.CUSTODIAN),
        )


# --- Finding 9: a withdrawn testimony back in review; a confidential person shown ------


def test_a_withdrawn_testimony_cannot_be_submitted_for_review_again():
    testimony = withdrawn_testimony()
    with pytest.raises(ValidationError, match="withdrew consent"):
        services.record_submit_for_review(record=testimony, by=user_in(roles.RESEARCHER))
    testimony.refresh_from_db()
    assert testimony.status == WorkflowStatus.RETURNED


def test_a_confidential_persons_testimony_is_not_listed_to_a_researcher(as_role):
    person = factories.PersonFactory(pseudonym="MKHIDDENNAME", confidentiality="confidential")
    testimony = factories.TestimonyFactory(interviewee=person)
    client = as_role(roles.RESEARCHER)
    listing = client.get(reverse("admin:cases_testimony_changelist"))
    assert b"MKHIDDENNAME" not in listing.content
    page = client.get(reverse("admin:cases_testimony_change", args=[testimony.pk]))
    assert page.status_code == 302  # Django's "does not exist" redirect
    custodian = as_role(roles.CUSTODIAN).get(reverse("admin:cases_testimony_changelist"))
    assert b"MKHIDDENNAME" in custodian.content


# --- The rules of cases/workflow.py, one by one ----------------------------------------


def test_outside_the_workflow_a_record_is_created_as_a_draft():
    with pytest.raises(workflow.OutsideWorkflow):
        Event.objects.create(title_en="x", status="published")
    assert not Event.objects.exists()


def test_outside_the_workflow_status_confidentiality_and_consent_keep_their_values():
    testimony = factories.TestimonyFactory(consented=True)
    for name, value in {
        "status": "published",
        "confidentiality": "restricted",
        "consent_scope": "internal",
        "consent_withdrawn_on": WITHDRAWN_ON,
    }.items():
        copy = Testimony.objects.get(pk=testimony.pk)
        setattr(copy, name, value)
        with pytest.raises(workflow.OutsideWorkflow):
            copy.save()
    copy = Testimony.objects.get(pk=testimony.pk)
    copy.title_en = "a plain edit"
    copy.save()  # content still saves


def test_outside_the_workflow_a_published_record_and_its_parts_are_not_changed():
    event = factories.published_case()
    involvement = event.violations.get().involvements.get()
    writes = [
        lambda: Event.objects.get(pk=event.pk).save(),
        lambda: Event.objects.get(pk=event.pk).delete(),
        involvement.delete,
        lambda: Information(event=event, source=factories.SourceFactory()).save(),
    ]
    for write in writes:
        with pytest.raises(workflow.OutsideWorkflow), transaction.atomic():
            write()
    assert Event.objects.public().filter(pk=event.pk).exists()
    assert event.violations.get().involvements.exists()


def test_an_edit_of_a_published_record_goes_to_review(as_role):
    event = factories.EventFactory(publishable=True, title_en="old")
    client = as_role(roles.REVIEWER)
    url = reverse("admin:cases_event_change", args=[event.pk])
    data = form_data(client.get(url), Event)
    data["title_en"] = ["new"]
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert (event.title_en, event.status) == ("new", WorkflowStatus.IN_REVIEW)
    assert not Event.objects.public().filter(pk=event.pk).exists()
    change = StatusChange.objects.get(object_id=event.pk)
    assert (change.from_status, change.to_status) == ("published", "in_review")
