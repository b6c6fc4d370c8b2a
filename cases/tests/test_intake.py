"""The testimony intake (issue 21): the whole bundle in one page, saved at once as
drafts or not at all, then submitted and published as one, all or none."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import intake, roles, services, workflow
from cases.dates import DatePrecision
from cases.models import (
    BorderCrossing,
    ConsentScope,
    CrossingLeg,
    Event,
    Identity,
    IdentityAccess,
    Information,
    Involvement,
    Person,
    Source,
    Testimony,
    TestimonySource,
    Violation,
    WorkflowStatus,
)
from cases.tests import factories
from cases.tests.personas import login_with_second_factor, user_in

pytestmark = pytest.mark.django_db

URL = "/admin/cases/testimony/intake/"
CREATED = (Person, Testimony, Event, Violation, Involvement, Information, BorderCrossing)
CREATED += (CrossingLeg, Source, TestimonySource)


@pytest.fixture
def refs():
    beating, detention = factories.ViolationTypeFactory(), factories.ViolationTypeFactory()
    return {
        "beating": beating,
        "detention": detention,
        "bowibu": factories.OrganizationFactory(),
        "guard": factories.PersonFactory(pseudonym="Guard Ri"),
        "china": factories.PlaceFactory(country=True, name_en="China"),
        "laos": factories.PlaceFactory(country=True, name_en="Laos"),
        "province": factories.PlaceFactory(),
    }


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def full_post(refs, **changes):
    """The page as a researcher fills it: a person, a testimony with a Korean
    transcript, one event with two violations, a crossing with two legs, a source."""
    data = {
        "person-pseudonym": "Intake witness",
        "person-sex": "female",
        "person-birth_year": "1970",
        "person-origin_place": refs["province"].pk,
        "person-occupation_in_north": "worker",
        "person-education_in_north": "secondary",
        "identity-real_name": "박명순",
        "testimony-interviewer": "Researcher Lee",
        "testimony-interview_date": "2024-05-14",
        "testimony-interview_country": "KR",
        "testimony-language": "ko",
        "testimony-knowledge": "experienced",
        "testimony-title_ko": "회령 구류장 증언",
        "testimony-title_en": "Hoeryong holding centre",
        "testimony-start_date": "2009년 4월",
        "testimony-public_summary_en": "Detained after repatriation.",
        "testimony-transcript": "저는 2009년 4월에 강제송환되었습니다.",
        "testimony-consent_scope": "anonymised",
        "testimony-consent_given_on": "2024-05-14",
        "testimony-consent_method": "signed form",
        **management("events", 1),
        "events-0-title_ko": "강제송환 후 구금",
        "events-0-title_en": "Detention after repatriation",
        "events-0-start_date": "2009-04",
        "events-0-description_en": "Held at the holding centre.",
        **management("violations", 2),
        "violations-0-event_row": "1",
        "violations-0-violation_type": refs["detention"].pk,
        "violations-0-victim_is": "interviewee",
        "violations-0-start_date": "2009년경",
        "violations-0-perpetrator_organizations": [refs["bowibu"].pk],
        "violations-0-degree": "carried_out",
        "violations-1-event_row": "1",
        "violations-1-violation_type": refs["beating"].pk,
        "violations-1-victim_is": "new",
        "violations-1-victim_pseudonym": "Fellow detainee",
        "violations-1-victim_sex": "male",
        "violations-1-start_date": "2009-04-20",
        "violations-1-perpetrator_persons": [refs["guard"].pk],
        "violations-1-degree": "ordered",
        "crossing-crossing_date": "2009-02",
        "crossing-crossing_point": "Tumen River near Hoeryong",
        "crossing-broker": "yes",
        "crossing-outcome": "reached_south_korea",
        "crossing-arrival_date": "2011-06-20",
        **management("legs", 2),
        "legs-0-country": refs["china"].pk,
        "legs-0-entered_on": "2009-02",
        "legs-0-what_happened": "hid",
        "legs-1-country": refs["laos"].pk,
        "legs-1-entered_on": "2011",
        "legs-1-what_happened": "transited",
        **management("sources", 1),
        "sources-0-kind": "interview",
        "sources-0-title": "면담 녹음 2024-05-14",
        "sources-0-of_testimony": "on",
        "sources-0-event_rows": "1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def researcher_client(client, role=roles.RESEARCHER):
    user = user_in(role)
    login_with_second_factor(client, user)
    return client, user


def counts():
    return {model.__name__: model._base_manager.count() for model in CREATED}


def test_the_page_saves_the_whole_testimony_as_drafts_with_its_links(client, refs):
    client, user = researcher_client(client)
    before = counts()
    response = client.post(URL, full_post(refs, _save="Save"))
    assert response.status_code == 302, response.context and response.context["problems"]
    testimony = Testimony.objects.get(title_ko="회령 구류장 증언")
    assert response["Location"] == reverse("admin:cases_testimony_change", args=[testimony.pk])
    person = testimony.interviewee
    assert (person.pseudonym, person.sex, person.birth_year) == ("Intake witness", "female", 1970)
    assert testimony.transcript == "저는 2009년 4월에 강제송환되었습니다."
    assert (testimony.start_date, testimony.start_precision) == (datetime.date(2009, 4, 1), "month")
    event = Event.objects.get()
    assert (event.start_date, event.start_precision) == (datetime.date(2009, 4, 1), "month")
    detention = Violation.objects.get(violation_type=refs["detention"])
    beating = Violation.objects.get(violation_type=refs["beating"])
    assert (detention.event, detention.victim) == (event, person)
    assert detention.start_precision == DatePrecision.APPROXIMATE
    assert detention.start_date == datetime.date(2009, 1, 1)
    assert (beating.start_date, beating.start_precision) == (datetime.date(2009, 4, 20), "day")
    assert beating.victim.pseudonym == "Fellow detainee" and beating.victim.sex == "male"
    assert list(detention.involvements.values_list("perpetrator_organization", "degree")) == [
        (refs["bowibu"].pk, "carried_out")
    ]
    assert list(beating.involvements.values_list("perpetrator_person", "degree")) == [
        (refs["guard"].pk, "ordered")
    ]
    crossing = BorderCrossing.objects.get()
    assert (crossing.person, crossing.testimony) == (person, testimony)
    assert (crossing.crossing_date, crossing.crossing_date_precision) == (
        datetime.date(2009, 2, 1),
        "month",
    )
    assert crossing.arrival_date == datetime.date(2011, 6, 20)
    legs = list(crossing.legs.values_list("order", "country", "entered_on_precision"))
    assert legs == [(1, refs["china"].pk, "month"), (2, refs["laos"].pk, "year")]
    source = Source.objects.get()
    assert TestimonySource.objects.filter(testimony=testimony, source=source).exists()
    assert Information.objects.filter(source=source, event=event).exists()
    assert Information.objects.filter(testimony=testimony, event=event).exists()
    assert Information.objects.filter(testimony=testimony, violation=beating).exists()
    new = {name: counts()[name] - before[name] for name in before}
    assert new == {
        "Person": 2,
        "Testimony": 1,
        "Event": 1,
        "Violation": 2,
        "Involvement": 2,
        "Information": 4,
        "BorderCrossing": 1,
        "CrossingLeg": 2,
        "Source": 1,
        "TestimonySource": 1,
    }
    for model in (Person, Testimony, Event, Violation, BorderCrossing):
        created = model.objects.exclude(pk=refs["guard"].pk) if model is Person else model.objects
        assert set(created.values_list("status", flat=True)) == {WorkflowStatus.DRAFT}
        assert not created.filter(is_public=True).exists()
    # The identity went to the vault, written once and logged, and never into the page.
    assert Identity.objects.get(person=person).real_name == "박명순"
    assert list(IdentityAccess.objects.values_list("action", "user")) == [("create", user.pk)]
    page = client.get(response["Location"])
    assert "박명순" not in page.content.decode()


def test_an_error_in_the_last_section_leaves_nothing_and_names_the_row(client, refs):
    client, _user = researcher_client(client)
    before = counts()
    response = client.post(URL, full_post(refs, **{"sources-0-title": "", "_save": "Save"}))
    assert response.status_code == 200
    problems = response.context["problems"]
    assert problems == ["Source 1, Internal description: This field is required."]
    assert counts() == before
    assert not Identity.objects.exists()
    # The page comes back with what was typed.
    assert "저는 2009년 4월에 강제송환되었습니다." in response.content.decode()


def test_a_bad_date_names_its_violation_and_saves_nothing(client, refs):
    client, _user = researcher_client(client)
    before = counts()
    post = full_post(refs, **{"violations-1-start_date": "April-ish", "_save": "Save"})
    response = client.post(URL, post)
    assert response.status_code == 200
    [problem] = response.context["problems"]
    assert problem.startswith("Violation 2, Start date: Type the date as it is known")
    assert counts() == before


def service_data(refs, **changes):
    data = {
        "person": {"existing": None, "values": {"pseudonym": "Service witness"}},
        "testimony": {"title_en": "Service testimony", "knowledge": "experienced"},
        "events": [{"title_en": "An arrest"}],
        "violations": [
            {
                "event": 0,
                "victim": intake.INTERVIEWEE,
                "values": {"violation_type": refs["detention"]},
                "perpetrators": [{"perpetrator_organization": refs["bowibu"]}],
            }
        ],
        "sources": [],
    }
    data.update(changes)
    return data


def test_each_record_is_checked_as_the_admin_checks_it_and_every_error_named(refs):
    researcher = user_in(roles.RESEARCHER)
    data = service_data(
        refs,
        events=[{"title_en": "An arrest"}, {"title_en": ""}],
        violations=[
            {
                "event": 0,
                "victim": intake.INTERVIEWEE,
                "values": {"violation_type": refs["detention"], "victim_age": 150},
                "perpetrators": [{}],
            }
        ],
        crossing={"values": {}, "legs": [{"country": refs["china"], "entered_on_precision": ""}]},
    )
    before = counts()
    with pytest.raises(ValidationError) as refused:
        intake.testimony_intake(data=data, by=researcher)
    assert refused.value.messages == [
        "Event 2: Give the event a title in English or Korean.",
        "Violation 1: Constraint “violation_victim_age_plausible” is violated.",
        "Violation 1: Choose either a person or an organization.",
        "Leg 1, Precision: This field cannot be blank.",
    ]
    assert counts() == before


def test_the_intake_cannot_create_a_record_outside_draft(refs):
    """Its writes are not the workflow's own: a status in the data meets the guard."""
    researcher = user_in(roles.RESEARCHER)
    data = service_data(refs, events=[{"title_en": "An arrest", "status": "published"}])
    before = counts()
    with pytest.raises(workflow.OutsideWorkflow):
        intake.testimony_intake(data=data, by=researcher)
    assert counts() == before
    assert not Event.objects.filter(status=WorkflowStatus.PUBLISHED).exists()


def test_a_possible_duplicate_is_shown_before_saving_and_can_be_ruled_out(client, refs):
    factories.PersonFactory(pseudonym="김순옥", birth_year=1970)
    client, _user = researcher_client(client)
    post = full_post(refs, **{"person-pseudonym": "Kim Sun-ok", "_save": "Save"})
    response = client.post(URL, post)
    assert response.status_code == 200
    assert [person.pseudonym for person in response.context["similar"]] == ["김순옥"]
    assert not Testimony.objects.exists()
    response = client.post(URL, {**post, "interviewee-not_a_duplicate": "on"})
    assert response.status_code == 302
    assert Person.objects.filter(pseudonym="Kim Sun-ok").count() == 1


def test_an_existing_interviewee_is_linked_not_copied(client, refs):
    known = factories.PersonFactory(pseudonym="Known witness", **factories.PUBLISHED)
    client, _user = researcher_client(client)
    post = full_post(refs, **{"interviewee-existing": known.pk, "person-pseudonym": ""})
    response = client.post(URL, {**post, "_save": "Save"})
    assert response.status_code == 302
    testimony = Testimony.objects.get()
    assert testimony.interviewee == known
    assert BorderCrossing.objects.get().person == known
    known.refresh_from_db()
    assert (known.pseudonym, known.version, known.status) == ("Known witness", 1, "published")


def entered(refs, client, **changes):
    response = client.post(URL, full_post(refs, _save="Save", **changes))
    assert response.status_code == 302, response.context and response.context["problems"]
    return Testimony.objects.get()


def statuses(testimony):
    return {record.code: record.status for record in intake.bundle_records(testimony)}


def test_save_and_submit_submits_the_whole_bundle(client, refs):
    client, _user = researcher_client(client)
    response = client.post(URL, full_post(refs, _submit_for_review="Submit"))
    assert response.status_code == 302
    testimony = Testimony.objects.get()
    records = intake.bundle_records(testimony)
    # The interviewee, the new victim, the testimony, the event, two acts, the crossing.
    assert [type(record).__name__ for record in records] == [
        "Person",
        "Person",
        "Testimony",
        "Event",
        "Violation",
        "Violation",
        "BorderCrossing",
    ]
    assert set(statuses(testimony).values()) == {WorkflowStatus.IN_REVIEW}
    assert refs["guard"].status == WorkflowStatus.DRAFT  # a perpetrator is no part of it


def test_the_bundle_submit_is_all_or_nothing_and_lists_every_refusal(client, refs):
    client, researcher = researcher_client(client)
    testimony = entered(refs, client)
    broken = factories.PersonFactory(pseudonym="")  # saved without the admin's checks
    violation = Violation.objects.get(violation_type=refs["beating"])
    factories.workflow_save(violation, victim=broken)
    services.testimony_withdraw_consent(
        testimony=testimony, withdrawn_on=datetime.date(2024, 6, 1), by=user_in(roles.CUSTODIAN)
    )
    before = statuses(testimony)
    with pytest.raises(ValidationError) as refused:
        intake.bundle_submit(testimony=testimony, by=researcher)
    assert refused.value.messages == [
        f"{broken.code}: This field cannot be blank.",
        f"{testimony.code}: The witness withdrew consent to {testimony.code}: "
        "it cannot go to review again.",
    ]
    assert statuses(testimony) == before
    assert set(before.values()) == {WorkflowStatus.DRAFT}


def test_the_bundle_is_published_as_one_or_not_at_all(client, refs):
    client, researcher = researcher_client(client)
    reviewer = user_in(roles.REVIEWER)
    testimony = entered(refs, client, **{"testimony-consent_scope": "internal"})
    intake.bundle_submit(testimony=testimony, by=researcher)
    with pytest.raises(ValidationError) as refused:
        intake.bundle_publish(testimony=testimony, by=reviewer)
    messages = refused.value.messages
    assert f"{testimony.code}: The witness has not consented to publication." in messages
    event = Event.objects.get()
    assert f"{event.code}: A supporting testimony lacks consent to publication." in messages
    assert set(statuses(testimony).values()) == {WorkflowStatus.IN_REVIEW}
    assert not Testimony.objects.public().exists() and not Event.objects.public().exists()
    # With consent, the same bundle is published whole, each record by record_publish.
    testimony.refresh_from_db()
    factories.workflow_save(testimony, consent_scope=ConsentScope.ANONYMISED)
    intake.bundle_publish(testimony=testimony, by=reviewer)
    assert set(statuses(testimony).values()) == {WorkflowStatus.PUBLISHED}
    assert Violation.objects.public().count() == 2 and Testimony.objects.public().exists()


def test_researchers_cannot_publish_the_bundle(client, refs):
    client, researcher = researcher_client(client)
    testimony = entered(refs, client)
    intake.bundle_submit(testimony=testimony, by=researcher)
    with pytest.raises(ValidationError) as refused:
        intake.bundle_publish(testimony=testimony, by=researcher)
    assert len(refused.value.messages) == len(intake.bundle_records(testimony))
    assert set(statuses(testimony).values()) == {WorkflowStatus.IN_REVIEW}


def test_the_bundle_steps_on_the_testimony_page(client, refs):
    client, _researcher = researcher_client(client, roles.REVIEWER)
    testimony = entered(refs, client)
    page = client.get(reverse("admin:cases_testimony_change", args=[testimony.pk]))
    assert b'value="publish_bundle"' in page.content
    workflow_url = reverse("admin:cases_testimony_workflow", args=[testimony.pk])
    client.post(workflow_url, {"action": "submit_bundle"})
    assert set(statuses(testimony).values()) == {WorkflowStatus.IN_REVIEW}
    client.post(workflow_url, {"action": "publish_bundle"})
    assert set(statuses(testimony).values()) == {WorkflowStatus.PUBLISHED}


def test_who_may_not_add_a_testimony_gets_a_403(client):
    viewer = factories.UserFactory(username="viewer")
    from django.contrib.auth.models import Permission

    viewer.user_permissions.set(Permission.objects.filter(codename="view_testimony"))
    login_with_second_factor(client, viewer)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"_save": "Save"}).status_code == 403


def test_the_page_is_read_in_a_bounded_number_of_queries(
    client, refs, django_assert_max_num_queries
):
    client, _user = researcher_client(client)
    factories.PersonFactory.create_batch(30)
    # Session and user, the second factor, the user's permissions, the duplicate-free
    # empty forms (no choices are listed: the links are autocompleted).
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    assert b'id="testimony_form"' in response.content


def test_a_name_kept_in_the_vault_is_warned_of_by_field_never_named(client, refs):
    factories.IdentityFactory(real_name="김순옥")
    client, _user = researcher_client(client)
    post = full_post(refs, **{"events-0-description_en": "김순옥 was held there.", "_save": "S"})
    response = client.post(URL, post, follow=True)
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "“Event 1, English description”" in warnings[0] and "김순옥" not in warnings[0]
    assert IdentityAccess.objects.filter(action="matched").count() == 1


def test_rows_added_and_left_empty_are_skipped_and_events_keep_their_numbers(client, refs):
    client, _user = researcher_client(client)
    post = full_post(
        refs,
        **management("events", 3),
        **{"events-2-title_en": "A third event", "violations-1-event_row": "3"},
        **management("violations", 3),
        **{"violations-2-event_row": "1", "violations-2-victim_is": "interviewee"},
        **{"violations-2-degree": "carried_out", "violations-2-victim_sex": "unknown"},
        **{"sources-0-event_rows": "1, 3"},
    )
    response = client.post(URL, {**post, "_check": "Check"})
    assert response.status_code == 200 and response.context["problems"] == []
    assert response.context["checked"] and not Testimony.objects.exists()
    response = client.post(URL, {**post, "_save": "Save"})
    assert response.status_code == 302
    third = Event.objects.get(title_en="A third event")
    assert Event.objects.count() == 2 and Violation.objects.count() == 2
    assert Violation.objects.get(violation_type=refs["beating"]).event == third
    assert set(Source.objects.get().information.values_list("event__title_en", flat=True)) == {
        "Detention after repatriation",
        "A third event",
    }


def test_a_reviewer_publishes_the_bundle_from_the_review_queue_on_the_index(client, refs):
    client, researcher = researcher_client(client)
    testimony = entered(refs, client)
    intake.bundle_submit(testimony=testimony, by=researcher)
    reviewer, _user = researcher_client(client, roles.REVIEWER)
    index = reviewer.get("/admin/").content.decode()
    url = reverse("admin:cases_testimony_workflow", args=[testimony.pk])
    assert f'action="{url}"' in index
    response = reviewer.post(url, {"action": "publish_bundle"}, follow=True)
    assert set(statuses(testimony).values()) == {WorkflowStatus.PUBLISHED}
    assert "Moved with the bundle" in response.content.decode()


def test_the_page_reads_in_korean(client):
    from tests.browser.public_pages import english_words, visible_text

    client, _user = researcher_client(client)
    html = client.get("/ko" + URL).content.decode()
    assert "새 증언 (일괄 입력)" in html and "저장 후 검토 요청" in html
    # Only its user's name stays Latin (in the header, and as the interviewer).
    assert english_words(visible_text(html)) == ["researcher"]


def test_every_autocomplete_of_the_page_answers_its_user(client, refs):
    import re

    client, _user = researcher_client(client)
    html = client.get(URL).content.decode()
    fields = set(
        re.findall(r'data-app-label="(\w+)" data-model-name="(\w+)" data-field-name="(\w+)"', html)
    )
    assert len(fields) >= 12
    for app_label, model_name, field_name in sorted(fields):
        query = f"app_label={app_label}&model_name={model_name}&field_name={field_name}&term=a"
        response = client.get(f"/admin/autocomplete/?{query}")
        assert response.status_code == 200, (model_name, field_name, response.status_code)
