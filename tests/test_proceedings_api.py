"""The public API's proceedings (issue 22): a list and a record each, from the
published copy, with exactly the fields the proceeding's page shows, filtered by
forum, kind and outcome, in pages, JSON and CSV, in the schema. Expectations are
written out from the records made here, not computed with the code under test."""

import csv
import datetime
import io

import pytest
from django.core.cache import caches
from django.db import connections

from cases.models import Proceeding
from cases.tests import factories
from core.testing import rolled_back
from public.models import Entry, Kind

pytestmark = pytest.mark.django_db

Forum, Outcome, Action = Proceeding.Forum, Proceeding.Outcome, Proceeding.Kind
PRIVATE = ["Opinion No. 34/2023", "called the brother", "the victim's mother", "Draft event Qv"]
# What the page shows (templates/cases/_proceeding_page.html), and the record's address.
FIELDS = [
    "url", "code", "forum", "forum_name", "kind", "kind_name", "year", "outcome",
    "outcome_name", "outcome_year", "un_document", "summary_en", "summary_ko", "persons",
    "events", "sources", "is_synthetic",
]  # fmt: skip


@pytest.fixture(scope="module")
def _made(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), rolled_back():
        witness = factories.publishable_testimony().interviewee
        event = factories.EventFactory(publishable=True, title_en="Detention at Onsong")
        hidden_event = factories.EventFactory(title_en=PRIVATE[3])
        made = {"witness": witness, "event": event, "proceedings": []}
        with factories.one_refresh():
            for forum, kind, outcome, year in [
                (Forum.WGAD, Action.SUBMISSION, Outcome.VIOLATION_FOUND, 2019),
                (Forum.WGAD, Action.URGENT_APPEAL, Outcome.PENDING, 2021),
                (Forum.WGEID, Action.SUBMISSION, Outcome.TRANSMITTED, 2020),
            ]:
                proceeding = factories.ProceedingFactory(
                    publishable=True,
                    forum=forum,
                    kind=kind,
                    outcome=outcome,
                    submitted_on=datetime.date(year, 4, 12),
                    un_reference=PRIVATE[0],
                    notes=PRIVATE[1],
                    submitted_by=PRIVATE[2],
                    summary_en=f"Submitted in {year}.",
                    summary_ko=f"{year}년 제출.",
                )
                factories.ProceedingPersonFactory(proceeding=proceeding, person=witness)
                factories.ProceedingEventFactory(proceeding=proceeding, event=event)
                factories.ProceedingEventFactory(proceeding=proceeding, event=hidden_event)
                made["proceedings"].append(proceeding)
            # Not public: a draft, and one concerning a person without consent.
            made["draft"] = factories.ProceedingFactory(forum=Forum.CAT)
            refused = factories.ProceedingFactory(publishable=True, forum=Forum.CRC)
            no_consent = factories.TestimonyFactory(**factories.PUBLISHED).interviewee
            factories.ProceedingPersonFactory(proceeding=refused, person=no_consent)
            made["refused"] = refused
        yield made


@pytest.fixture
def made(_made, db):
    for cache in caches.all():
        cache.clear()
    return _made


def get(client, url, status=200, **headers):
    for cache in caches.all():
        cache.clear()
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.content[:300])
    return response


def codes(client, query=""):
    return [row["code"] for row in get(client, f"/api/cases/proceedings/{query}").json()["results"]]


def test_the_list_shows_exactly_the_pages_fields_newest_first(client, made):
    first, second, third = made["proceedings"]  # submitted in 2019, 2021, 2020
    data = get(client, "/api/cases/proceedings/").json()
    assert data["count"] == 3
    assert [row["code"] for row in data["results"]] == [second.code, third.code, first.code]
    row = data["results"][2]
    assert list(row) == FIELDS
    witness, event = made["witness"], made["event"]
    assert row == {
        "url": f"http://testserver/api/cases/proceedings/{first.code}/",
        "code": first.code,
        "forum": "wgad",
        "forum_name": "UN Working Group on Arbitrary Detention",
        "kind": "submission",
        "kind_name": "submission or communication",
        "year": 2019,
        "outcome": "violation_found",
        "outcome_name": "opinion adopted: violation found",
        "outcome_year": None,
        "un_document": None,  # not marked public
        "summary_en": "Submitted in 2019.",
        "summary_ko": "2019년 제출.",
        "persons": [{"code": witness.code, "pseudonym": witness.pseudonym}],
        "events": [{"code": event.code, "title": "Detention at Onsong"}],
        "sources": [],
        "is_synthetic": False,
    }
    text = get(client, "/api/cases/proceedings/?format=csv").content.decode()
    for private in PRIVATE:
        assert private not in text, private


def test_the_list_filters_by_forum_kind_and_outcome(client, made):
    first, second, third = made["proceedings"]
    assert codes(client, "?forum=wgad") == [second.code, first.code]
    assert codes(client, "?forum=wgad&outcome=pending") == [second.code]
    assert codes(client, "?kind=urgent_appeal") == [second.code]
    assert codes(client, "?kind=submission&outcome=transmitted") == [third.code]
    assert codes(client, "?forum=cat") == []  # the draft's forum
    refused = get(client, "/api/cases/proceedings/?forum=nonsense", status=400).json()
    assert "wgad" in refused["forum"][0] and "national_court" in refused["forum"][0]
    get(client, "/api/cases/proceedings/?person=x", status=400)


def test_a_record_and_the_unpublished_ones(client, made):
    second = made["proceedings"][1]
    record = get(client, f"/api/cases/proceedings/{second.code}/").json()
    listed = get(client, "/api/cases/proceedings/?forum=wgad&outcome=pending").json()
    assert record == listed["results"][0]
    v1 = get(client, f"/api/v1/cases/proceedings/{second.code}/").json()
    assert v1["url"] == f"http://testserver/api/v1/cases/proceedings/{second.code}/"
    for hidden in (made["draft"], made["refused"]):
        get(client, f"/api/cases/proceedings/{hidden.code}/", status=404)


def test_in_korean(client, made):
    data = get(client, "/api/cases/proceedings/?forum=wgeid", HTTP_ACCEPT_LANGUAGE="ko").json()
    assert data["results"][0]["forum_name"] == "유엔 강제적·비자발적 실종 실무그룹"


def test_csv_in_pages_like_the_json(client, made):
    first, second, third = made["proceedings"]
    response = get(client, "/api/cases/proceedings/?format=csv&page_size=2")
    assert response["Content-Disposition"] == 'attachment; filename="proceedings.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["code"] for row in rows] == [second.code, third.code]
    assert rows[0]["forum"] == "wgad" and rows[0]["summary_ko"] == "2021년 제출."
    assert (
        get(client, "/api/cases/proceedings/?page=2&page_size=2").json()["results"][0]["code"]
        == first.code
    )


def test_the_answer_holds_the_allow_listed_fields_even_if_the_copy_held_more(client, made):
    """Were the copy's data ever to hold a private field, at the top or in a person,
    the API would still show only the page's fields."""
    entry = Entry.objects.get(kind=Kind.PROCEEDING, code=made["proceedings"][0].code)
    for language in ("en", "ko"):
        entry.data[language]["submitted_by"] = "the victim's mother"
        entry.data[language]["notes"] = "called the brother"
        entry.data[language]["persons"][0]["real_name"] = "Kim Chol"
    Entry.objects.filter(pk=entry.pk).update(data=entry.data)
    for url in [f"/api/cases/proceedings/{entry.code}/", "/api/cases/proceedings/"]:
        for accept in ("application/json", "text/csv"):
            text = get(client, url, HTTP_ACCEPT=accept).content.decode()
            for private in ("the victim's mother", "called the brother", "Kim Chol", "real_name"):
                assert private not in text, (url, accept, private)
    record = get(client, f"/api/cases/proceedings/{entry.code}/").json()
    assert list(record) == FIELDS
    assert list(record["persons"][0]) == ["code", "pseudonym"]


def test_every_field_the_copy_holds_is_shown(made):
    """The allow-list misses none of the public fields the copy stores: a field added
    to the public serializer (cases/serializers.py) fails here until it is named."""
    for entry in Entry.objects.filter(kind=Kind.PROCEEDING):
        for data in entry.data.values():
            assert ["url", *data] == FIELDS


def test_a_fixed_number_of_queries_on_the_copy_and_none_on_the_private_record(
    client, made, django_assert_max_num_queries
):
    urls = [
        "/api/cases/proceedings/?page_size=1",
        "/api/cases/proceedings/?page_size=100",
        "/api/cases/proceedings/?forum=wgad&kind=submission",
        "/api/cases/proceedings/?pagination=cursor&page_size=2",
        f"/api/cases/proceedings/{made['proceedings'][0].code}/",
    ]
    counts = []
    for round_ in range(2):
        for url in urls:
            for cache in caches.all():
                cache.clear()
            with (
                # the generation, the count, the page's rows (a record: no count)
                django_assert_max_num_queries(3, connection=connections["public"]) as counted,
                django_assert_max_num_queries(0, connection=connections["default"]),
            ):
                assert client.get(url).status_code == 200, url
            counts.append(len(counted.captured_queries))
        if round_ == 0:
            with factories.one_refresh():
                for _ in range(5):
                    factories.ProceedingFactory(publishable=True, forum=Forum.WGAD)
    assert counts[:5] == counts[5:]
    assert counts[:2] == [3, 3]


def test_throttled_as_the_other_endpoints():
    from public.api import EventViewSet
    from public.api_proceedings import ProceedingViewSet

    throttles = [type(t) for t in ProceedingViewSet().get_throttles()]
    assert throttles and throttles == [type(t) for t in EventViewSet().get_throttles()]


def test_in_the_openapi_schema_and_the_api_root(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    listed = schema["paths"]["/api/cases/proceedings/"]["get"]
    enums = {p["name"]: p["schema"].get("enum") for p in listed["parameters"] if p["in"] == "query"}
    assert enums["forum"][:2] == ["accountability", "cat"] and len(enums["forum"]) == 10
    assert sorted(enums["kind"]) == sorted(c.value for c in Action)
    assert sorted(enums["outcome"]) == sorted(c.value for c in Outcome)
    assert {"page", "page_size", "pagination", "cursor", "format"} <= set(enums)
    assert "/api/cases/proceedings/{code}/" in schema["paths"]
    root = client.get("/api/cases/", HTTP_ACCEPT="application/json").json()
    assert root["proceeding-list"] == "http://testserver/api/cases/proceedings/"
