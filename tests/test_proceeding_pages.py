"""The public proceedings (issue 22): their list with counts by forum and outcome,
one page each, the event pages' list, and the API's counts in JSON and CSV, read
from the published copy alone. Expectations are written out from the records made
here, not computed with the code under test."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connections

from cases.models import Proceeding
from cases.tests import factories

pytestmark = pytest.mark.django_db

Forum, Outcome = Proceeding.Forum, Proceeding.Outcome
PRIVATE = ["Opinion No. 34/2023", "called the brother", "the victim's mother", "2019-04-12"]


@pytest.fixture
def records():
    witness = factories.publishable_testimony().interviewee
    event = factories.EventFactory(publishable=True, title_en="Detention at Onsong")
    hidden_event = factories.EventFactory(title_en="Draft event Qv")
    made = {"witness": witness, "event": event}
    with factories.one_refresh():
        for forum, outcome, year in [
            (Forum.WGAD, Outcome.VIOLATION_FOUND, 2019),
            (Forum.WGAD, Outcome.PENDING, 2021),
            (Forum.WGEID, Outcome.TRANSMITTED, 2020),
        ]:
            proceeding = factories.ProceedingFactory(
                publishable=True,
                forum=forum,
                outcome=outcome,
                submitted_on=datetime.date(year, 4, 12),
                un_reference=PRIVATE[0],
                notes=PRIVATE[1],
                submitted_by=PRIVATE[2],
            )
            factories.ProceedingPersonFactory(proceeding=proceeding, person=witness)
            factories.ProceedingEventFactory(proceeding=proceeding, event=event)
            factories.ProceedingEventFactory(proceeding=proceeding, event=hidden_event)
            made.setdefault("proceedings", []).append(proceeding)
        # Not public: a draft, and one concerning a person without consent.
        factories.ProceedingFactory(forum=Forum.CAT, summary_en="Draft proceeding Qv")
        refused = factories.ProceedingFactory(publishable=True, forum=Forum.CRC)
        no_consent = factories.TestimonyFactory(**factories.PUBLISHED).interviewee
        factories.ProceedingPersonFactory(proceeding=refused, person=no_consent)
    return made


def get(client, url):
    for cache in caches.all():
        cache.clear()
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_the_list_counts_published_proceedings_by_forum_and_outcome(client, records):
    page = get(client, "/cases/proceedings/")
    forums = [(row["value"], row["count"]) for row in page.context["by_forum"]]
    assert forums == [("wgad", 2), ("wgeid", 1)]
    outcomes = [(row["value"], row["count"]) for row in page.context["by_outcome"]]
    assert outcomes == [("pending", 1), ("transmitted", 1), ("violation_found", 1)]
    text = page.content.decode()
    assert "UN Working Group on Arbitrary Detention" in text
    assert "so it is exact; no person is counted" in text
    first, second, third = records["proceedings"]  # submitted in 2019, 2021, 2020
    assert [p["code"] for p in page.context["proceedings"]] == [
        second.code,
        third.code,
        first.code,
    ]
    for private in [*PRIVATE, "Qv", "CAT", "Rights of the Child"]:
        assert private not in text, private


def test_the_list_filters_by_forum_and_outcome(client, records):
    page = get(client, "/cases/proceedings/?forum=wgad&outcome=pending")
    assert [p["code"] for p in page.context["proceedings"]] == [records["proceedings"][1].code]
    everything = get(client, "/cases/proceedings/?forum=nonsense")
    assert len(everything.context["proceedings"]) == 3


def test_the_korean_pages(client, records):
    text = get(client, "/ko/cases/proceedings/").content.decode()
    assert "청원 및 개입" in text and "유엔 자의적 구금 실무그룹" in text
    assert "의견 채택: 위반 인정" in text
    code = records["proceedings"][0].code
    page = get(client, f"/ko/cases/proceedings/{code}/").content.decode()
    assert "관련 사건" in page and "Detention at Onsong" in page


def test_a_proceeding_page_shows_its_public_links_only(client, records):
    proceeding = records["proceedings"][0]
    text = get(client, f"/cases/proceedings/{proceeding.code}/").content.decode()
    assert f'href="/cases/events/{records["event"].code}/"' in text
    assert records["witness"].pseudonym in text
    assert "2019" in text
    for private in [*PRIVATE, "Qv"]:
        assert private not in text, private
    draft = Proceeding.objects.get(forum=Forum.CAT)
    assert client.get(f"/cases/proceedings/{draft.code}/").status_code == 404


def test_the_event_page_lists_its_published_proceedings(client, records):
    text = get(client, f"/cases/events/{records['event'].code}/").content.decode()
    for proceeding in records["proceedings"]:
        assert f'href="/cases/proceedings/{proceeding.code}/"' in text


def test_the_api_counts_in_json_and_csv(client, records):
    data = get(client, "/api/cases/proceedings/counts/?by=outcome").json()
    assert data["by"] == "outcome"
    assert [(r["value"], r["proceedings"]) for r in data["results"]] == [
        ("pending", 1),
        ("transmitted", 1),
        ("violation_found", 1),
    ]
    csv = get(client, "/api/cases/proceedings/counts/?format=csv").content.decode()
    assert csv.splitlines()[1:] == [
        "wgad,UN Working Group on Arbitrary Detention,2",
        "wgeid,UN Working Group on Enforced or Involuntary Disappearances,1",
    ]
    assert client.get("/api/cases/proceedings/counts/?by=person").status_code == 400
    korean = client.get("/api/cases/proceedings/counts/", HTTP_ACCEPT_LANGUAGE="ko").json()
    assert korean["results"][0]["label"] == "유엔 자의적 구금 실무그룹"


def test_a_fixed_number_of_queries_on_the_copy_and_none_on_the_private_record(
    client, records, django_assert_max_num_queries
):
    urls = [
        "/cases/proceedings/",
        f"/cases/proceedings/{records['proceedings'][0].code}/",
        "/api/cases/proceedings/counts/",
    ]
    counts = []
    for round_ in range(2):
        for url in urls:
            for cache in caches.all():
                cache.clear()
            with (
                django_assert_max_num_queries(6, connection=connections["public"]) as counted,
                django_assert_max_num_queries(0, connection=connections["default"]),
            ):
                assert client.get(url).status_code == 200
            counts.append(len(counted.captured_queries))
        if round_ == 0:
            with factories.one_refresh():
                for _ in range(5):
                    factories.ProceedingFactory(publishable=True, forum=Forum.WGEID)
    assert counts[:3] == counts[3:]


def test_the_counts_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/cases/proceedings/counts/"]["get"]
    assert [p["name"] for p in operation["parameters"] if p["in"] == "query"][:1] == ["by"]
    by = next(p for p in operation["parameters"] if p["name"] == "by")
    assert by["schema"]["enum"] == ["forum", "outcome"]


def test_an_undated_proceeding_is_listed_last(client, records):
    undated = factories.ProceedingFactory(
        publishable=True, submitted_on=None, submitted_on_precision="unknown"
    )
    page = get(client, "/cases/proceedings/")
    last = page.context["proceedings"][-1]
    assert last["code"] == undated.code and last["year"] is None
    assert last["when"] == "date unknown"
