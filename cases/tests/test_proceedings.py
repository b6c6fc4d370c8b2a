"""Proceedings and interventions (issue 22): public only when published and every
person concerned is public with consent; the copy holds the allow-listed fields
only; a withdrawal of consent takes the proceeding off the public site."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from cases import copying, roles, services, workflow
from cases.dates import DatePrecision
from cases.models import Proceeding, ProceedingPerson, StatusChange, WorkflowStatus
from cases.tests import factories
from cases.tests.personas import user_in
from public.models import Entry, Kind

pytestmark = pytest.mark.django_db


def public(record):
    return type(record).objects.public().filter(pk=record.pk).exists()


def entry_of(proceeding):
    return Entry.objects.filter(kind=Kind.PROCEEDING, code=proceeding.code).first()


@factories.made_together
def proceeding_of(person, *, events=(), **fields):
    proceeding = factories.ProceedingFactory(publishable=True, **fields)
    factories.ProceedingPersonFactory(proceeding=proceeding, person=person)
    for event in events:
        factories.ProceedingEventFactory(proceeding=proceeding, event=event)
    return proceeding


def test_public_when_published_and_every_person_concerned_is_public():
    witness = factories.publishable_testimony().interviewee
    proceeding = proceeding_of(witness)
    assert public(proceeding) and entry_of(proceeding) is not None

    draft_person = factories.PersonFactory()
    factories.ProceedingPersonFactory(proceeding=proceeding, person=draft_person)
    assert not public(proceeding)
    assert entry_of(proceeding) is None


@pytest.mark.parametrize(
    "testimony",
    [
        {"consent_scope": "none"},
        {"consent_scope": "internal", "consent_given_on": datetime.date(2015, 1, 1)},
        {"withdrawn": True},
    ],
    ids=["no consent", "internal use", "withdrawn"],
)
def test_a_person_without_consent_to_publication_withholds_it(testimony):
    person = factories.PersonFactory(publishable=True)
    factories.TestimonyFactory(interviewee=person, **factories.PUBLISHED, **testimony)
    proceeding = proceeding_of(person)
    assert not public(proceeding)
    assert entry_of(proceeding) is None


def test_withdrawal_of_consent_takes_the_proceeding_off_the_public_site():
    testimony = factories.publishable_testimony()
    event = factories.EventFactory(publishable=True)
    proceeding = proceeding_of(testimony.interviewee, events=[event])
    assert entry_of(proceeding) is not None

    withdrawal = services.testimony_withdraw_consent(
        testimony=testimony, withdrawn_on=datetime.date(2021, 1, 1), by=user_in(roles.CUSTODIAN)
    )

    proceeding.refresh_from_db()
    assert proceeding.status == WorkflowStatus.RETURNED
    assert not public(proceeding) and entry_of(proceeding) is None
    assert proceeding.code in withdrawal.unpublished
    assert StatusChange.objects.filter(record_code=proceeding.code, to_status="returned").exists()
    # The event stays public, and its page no longer lists the proceeding.
    page = Entry.objects.get(kind=Kind.EVENT, code=event.code).page
    assert page["en"]["proceedings"] == []


def test_the_copy_holds_the_public_fields_only():
    witness = factories.publishable_testimony().interviewee
    proceeding = proceeding_of(
        witness,
        un_reference="Opinion No. 34/2023",
        notes="internal: called the family",
        submitted_by="the victim's mother",
        summary_ko="자의적 구금에 관한 청원",
        outcome=Proceeding.Outcome.VIOLATION_FOUND,
        outcome_on=datetime.date(2023, 8, 30),
        outcome_on_precision=DatePrecision.DAY,
    )
    data = entry_of(proceeding).data
    assert set(data["en"]) == {
        "code", "forum", "forum_name", "kind", "kind_name", "year", "outcome", "outcome_name",
        "outcome_year", "un_document", "summary_en", "summary_ko", "persons", "events",
        "sources", "is_synthetic",
    }  # fmt: skip
    assert data["en"]["year"] == 2019 and data["en"]["outcome_year"] == 2023
    assert data["en"]["persons"] == [{"code": witness.code, "pseudonym": witness.pseudonym}]
    assert data["en"]["forum_name"] == "UN Working Group on Arbitrary Detention"
    assert data["ko"]["forum_name"] == "유엔 자의적 구금 실무그룹"
    text = str(Entry.objects.filter(code=proceeding.code).values().get())
    for private in ("Opinion No. 34", "called the family", "mother", "2019-04-12"):
        assert private not in text, private


def test_the_un_reference_is_published_only_when_marked_so():
    witness = factories.publishable_testimony().interviewee
    proceeding = proceeding_of(witness, un_reference="Opinion No. 34/2023")
    assert entry_of(proceeding).data["en"]["un_document"] is None

    with workflow.acting():
        proceeding.un_reference_public = True
        proceeding.save()
    assert entry_of(proceeding).data["en"]["un_document"] == "Opinion No. 34/2023"


def test_only_published_events_are_linked_and_event_pages_list_public_proceedings():
    witness = factories.publishable_testimony().interviewee
    shown, hidden = factories.EventFactory(publishable=True), factories.EventFactory()
    proceeding = proceeding_of(witness, events=[shown, hidden])
    assert [e["code"] for e in entry_of(proceeding).data["en"]["events"]] == [shown.code]
    listed = Entry.objects.get(kind=Kind.EVENT, code=shown.code).page["ko"]["proceedings"]
    assert [p["code"] for p in listed] == [proceeding.code]
    assert listed[0]["title"] == "유엔 자의적 구금 실무그룹: 진정 또는 통보"


def test_publishing_refuses_a_proceeding_whose_person_is_not_public():
    reviewer = user_in(roles.REVIEWER)
    proceeding = factories.ProceedingFactory(status=WorkflowStatus.IN_REVIEW)
    factories.ProceedingPersonFactory(proceeding=proceeding, person=factories.PersonFactory())
    with pytest.raises(ValidationError, match="not published, or has not consented"):
        services.record_publish(record=proceeding, by=reviewer)

    ready = factories.ProceedingFactory(status=WorkflowStatus.IN_REVIEW)
    factories.ProceedingPersonFactory(
        proceeding=ready, person=factories.publishable_testimony().interviewee
    )
    services.record_publish(record=ready, by=reviewer)
    assert public(ready) and entry_of(ready) is not None
    assert not copying.differences()


def test_the_persons_of_a_published_proceeding_change_only_through_the_workflow():
    witness = factories.publishable_testimony().interviewee
    proceeding = proceeding_of(witness)
    stranger = factories.PersonFactory()
    with pytest.raises(workflow.OutsideWorkflow), transaction.atomic():
        ProceedingPerson(proceeding=proceeding, person=stranger).save()
    with pytest.raises(workflow.OutsideWorkflow), transaction.atomic():
        proceeding.person_links.get().delete()
    assert public(proceeding)


def test_a_date_is_kept_at_its_precision():
    proceeding = factories.ProceedingFactory(
        submitted_on=datetime.date(2019, 4, 12), submitted_on_precision=DatePrecision.MONTH
    )
    proceeding.refresh_from_db()
    assert proceeding.submitted_on == datetime.date(2019, 4, 1)


def test_the_admin_lists_filters_and_searches_them_in_korean(as_role):
    client = as_role(roles.RESEARCHER)
    wgad = factories.ProceedingFactory(un_reference="Opinion No. 34/2023")
    cat = factories.ProceedingFactory(forum=Proceeding.Forum.CAT)
    listed = client.get("/ko/admin/cases/proceeding/?forum__exact=wgad")
    codes = [record.code for record in listed.context["cl"].result_list]
    assert codes == [wgad.code]
    found = client.get("/admin/cases/proceeding/?q=34/2023").context["cl"].result_list
    assert [record.code for record in found] == [wgad.code]
    text = listed.content.decode()
    assert "기관" in text and "결과" in text and cat.code not in text
    form = client.get(f"/ko/admin/cases/proceeding/{wgad.pk}/change/").content.decode()
    for label in ("유엔 문서 번호", "유엔 문서 번호 공개", "관련 인물", "관련 사건"):
        assert label in form, label


def test_a_reviewer_previews_the_public_page(as_role):
    client = as_role(roles.REVIEWER)
    proceeding = factories.ProceedingFactory(
        status=WorkflowStatus.IN_REVIEW, notes="internal Qv", summary_en="A public summary."
    )
    page = client.get(f"/admin/cases/proceeding/{proceeding.pk}/preview/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "A public summary." in text and "internal Qv" not in text
    assert not Proceeding.objects.public().filter(pk=proceeding.pk).exists()
