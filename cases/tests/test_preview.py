"""Issue 18: what a reviewer sees before publishing, the record's public page as
publishing it now would show it (cases/preview.py, <record>/preview/ in the admin)."""

import datetime
import json

import pytest
from django.urls import reverse

from cases import preview, roles, services
from cases.models import (
    BorderCrossing,
    Confidentiality,
    Event,
    PublicationChange,
    WorkflowStatus,
)
from cases.tests.factories import (
    BorderCrossingFactory,
    EventFactory,
    InformationFactory,
    PersonFactory,
    PlaceFactory,
    TestimonyFactory,
    ViolationFactory,
    publishable_testimony,
)
from cases.tests.personas import user_in
from public.models import Entry, Generation

pytestmark = pytest.mark.django_db(databases=["default", "public"])
IN_REVIEW = WorkflowStatus.IN_REVIEW


def preview_url(record):
    return reverse(f"admin:cases_{record._meta.model_name}_preview", args=[record.pk])


def event_in_review(**fields):
    fields = {"status": IN_REVIEW, **fields}
    event = EventFactory(
        title_en="Detention at the border post",
        title_ko="국경 초소 구금",
        description_en="Held for questioning.",
        start_date=datetime.date(2003, 5, 17),
        start_precision="month",
        **fields,
    )
    InformationFactory(testimony=publishable_testimony(), event=event)
    return event


@pytest.fixture
def crossing():
    province = PlaceFactory(code="KP-PRV", name_en="Preview Province", name_ko="미리보기도")
    county = PlaceFactory(code="KP-PRV-1", level="county", parent=province, name_en="Hidden County")
    testimony = publishable_testimony()
    return BorderCrossingFactory(
        status=IN_REVIEW,
        person=testimony.interviewee,
        testimony=testimony,
        departure_place=county,
        crossing_date=datetime.date(2008, 3, 14),
        crossing_date_precision="day",
        crossing_point="Ford by the old willow",
        broker="yes",
    )


def test_an_event_in_review_is_shown_with_its_title_and_its_year(as_role):
    event = event_in_review()
    response = as_role(roles.REVIEWER).get(preview_url(event))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Detention at the border post" in body
    assert "2003" in body and "2003-05" not in body
    assert "Held for questioning." in body
    assert "Passes" in body
    data = json.loads(response.context["api_data"])
    assert data["code"] == event.code


def test_the_change_form_links_to_the_preview(as_role):
    event = event_in_review()
    page = as_role(roles.REVIEWER).get(reverse("admin:cases_event_change", args=[event.pk]))
    assert preview_url(event) in page.content.decode()


def test_a_crossing_shows_its_year_and_province_only(as_role, crossing):
    response = as_role(roles.REVIEWER).get(preview_url(crossing))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2008" in body and "Preview Province" in body
    for hidden in ("2008-03", "Hidden County", "Ford by the old willow"):
        assert hidden not in body, hidden
    data = json.loads(response.context["api_data"])
    assert "crossing_point" not in data and "broker" not in data
    assert data["crossing_date_display"] == "2008"


def test_a_violation_is_shown_on_its_event_page():
    violation = ViolationFactory(
        status=IN_REVIEW,
        event=event_in_review(status=WorkflowStatus.PUBLISHED),
        victim=PersonFactory(publishable=True, pseudonym="Witness Preview"),
    )
    shown = preview.public_view(record=violation)
    assert shown.entry.code == violation.code
    assert shown.page_entry.code == violation.event.code
    acts = shown.page_entry.page["en"]["event"]["public_violations"]
    assert [act["code"] for act in acts] == [violation.code]


def test_a_violation_is_previewed_in_the_admin_on_its_event_page(as_role):
    violation = ViolationFactory(
        status=IN_REVIEW,
        event=event_in_review(status=WorkflowStatus.PUBLISHED),
        victim=PersonFactory(publishable=True, pseudonym="Witness Preview"),
    )
    response = as_role(roles.REVIEWER).get(preview_url(violation))
    assert "Witness Preview" in response.context["page"]
    assert violation.code in response.context["page"]


def test_previewing_writes_nothing(as_role, crossing):
    event = event_in_review()
    counts = (PublicationChange.objects.count(), Entry.objects.count(), Generation.current())
    client = as_role(roles.REVIEWER)
    for record in (event, crossing):
        assert client.get(preview_url(record)).status_code == 200
        assert preview.public_view(record=record).would_be_public
    assert (PublicationChange.objects.count(), Entry.objects.count(), Generation.current()) == (
        counts
    )
    assert Event.objects.get(pk=event.pk).status == IN_REVIEW
    assert not Event.objects.public().filter(pk=event.pk).exists()
    assert BorderCrossing.objects.get(pk=crossing.pk).status == IN_REVIEW
    assert not BorderCrossing.objects.public().filter(pk=crossing.pk).exists()


def test_a_confidential_record_is_not_previewed_by_a_researcher(as_role):
    researcher = as_role(roles.RESEARCHER)
    assert researcher.get(preview_url(event_in_review())).status_code == 200
    event = event_in_review(confidentiality=Confidentiality.CONFIDENTIAL)
    response = researcher.get(preview_url(event))
    assert response.status_code in (403, 404)
    assert "Detention at the border post" not in response.content.decode()


def test_a_testimony_without_consent_is_withheld_with_the_reason(as_role):
    testimony = TestimonyFactory(status=IN_REVIEW, title_en="Account of the crossing")
    body = as_role(roles.REVIEWER).get(preview_url(testimony)).content.decode()
    assert "The witness has not consented to publication." in body
    assert "would not be public" in body
    assert "preview-page" not in body


def test_a_testimony_page_lists_its_public_events(as_role):
    testimony = publishable_testimony(
        status=IN_REVIEW,
        title_en="Account of the crossing",
        consent_method="signed form",
        public_summary_en="Crossed the river in winter.",
    )
    event = EventFactory(publishable=True, title_en="Detention at the border post")
    InformationFactory(testimony=testimony, event=event)
    response = as_role(roles.REVIEWER).get(preview_url(testimony))
    assert "Account of the crossing" in response.context["page"]
    assert "Detention at the border post" in response.context["page"]
    assert "Crossed the river in winter." in response.context["page"]
    assert "Passes" in response.content.decode()


def test_a_confidential_record_is_withheld_with_the_reason(as_role):
    event = event_in_review(confidentiality=Confidentiality.CONFIDENTIAL)
    response = as_role(roles.CUSTODIAN).get(preview_url(event))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Restricted and confidential records are never published." in body
    assert "would not be public" in body
    assert "Detention at the border post" not in body


def test_the_k_anonymity_refusal_is_shown(as_role, crossing, settings):
    settings.REIDENTIFICATION_K = 5
    body = as_role(roles.REVIEWER).get(preview_url(crossing)).content.decode()
    assert "Publishing now would be refused" in body
    assert "Re-identification risk" in body
    assert "Passes" not in body


def test_both_languages_render(as_role):
    event = event_in_review()
    client = as_role(roles.REVIEWER)
    english = client.get(preview_url(event))
    assert "Detention at the border post" in english.context["page"]
    assert "국경 초소 구금" not in english.context["page"]
    assert "?language=ko" in english.content.decode()
    korean = client.get(preview_url(event), {"language": "ko"})
    assert "국경 초소 구금" in korean.context["page"]
    assert "Detention at the border post" not in korean.context["page"]
    assert korean.context["entry_title"] == "국경 초소 구금"
    under_ko = client.get("/ko" + preview_url(event))
    assert "국경 초소 구금" in under_ko.context["page"]
    assert "?language=en" in under_ko.content.decode()


@pytest.mark.parametrize("make", ["event", "crossing"])
def test_the_preview_is_what_the_copy_holds_once_published(make, request):
    record = event_in_review() if make == "event" else request.getfixturevalue("crossing")
    shown = preview.public_view(record=record)
    services.record_publish(record=record, by=user_in(roles.REVIEWER))
    stored = Entry.objects.get(kind=shown.entry.kind, code=record.code)
    assert stored.page == shown.entry.page
    assert stored.data == shown.entry.data
    assert stored.fingerprint == shown.entry.fingerprint
