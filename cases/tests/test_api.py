"""The public case API: only public records, the same filters as the pages,
JSON and CSV, constant queries per page."""

import json

import pytest
from django.core.cache import caches
from django.urls import reverse

from cases.models import Sex
from cases.tests import factories
from cases.tests.factories import (
    PRIVATE_MARKER,
    FacilityFactory,
    InformationFactory,
    OrganizationFactory,
    PersonFactory,
    SourceFactory,
    ViolationFactory,
    ViolationTypeFactory,
    one_refresh,
    plant_private_records,
    published_case,
)
from nkdb.caching import CASES
from nkdb.testing import rolled_back

pytestmark = pytest.mark.django_db

LISTS = ["event-list", "violation-list", "testimony-list", "bordercrossing-list"]
REFERENCE = ["violationtype-list", "place-list", "facility-list", "organization-list"]


def url(name, **params):
    from django.utils.http import urlencode

    return reverse(f"cases-api:{name}") + ("?" + urlencode(params) if params else "")


@pytest.fixture(scope="module")
def _planted_for_the_module(django_db_setup, django_db_blocker):
    # Read by every test that asks for it: made once per module, in a transaction
    # rolled back after it; each test runs in a savepoint inside it, and these
    # tests run last in the module (cases/tests/conftest.py).
    with django_db_blocker.unblock(), rolled_back():
        plant_private_records()
        yield published_case()


@pytest.fixture
def planted(_planted_for_the_module, db):
    return _planted_for_the_module


@pytest.mark.parametrize("name", LISTS + REFERENCE + ["aggregates", "root"])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_no_private_marker_in_any_list_or_export(client, planted, name, fmt):
    response = client.get(url(name, format="json" if name == "root" else fmt))
    assert response.status_code == 200
    assert PRIVATE_MARKER.encode() not in response.content
    assert b"Kim Chol-su" not in response.content


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    "query", [PRIVATE_MARKER, f"{PRIVATE_MARKER}drafttranscript", f"{PRIVATE_MARKER}realname"]
)
def test_searching_for_a_private_marker_finds_nothing(client, planted, name, query):
    data = client.get(url(name, q=query)).json()
    assert data["count"] == 0


@pytest.mark.parametrize("name", ["event-detail", "violation-detail", "testimony-detail"])
def test_a_private_record_is_not_found_by_code(client, planted, name):
    from cases.models import Event, Testimony, Violation

    model = {"event": Event, "violation": Violation, "testimony": Testimony}[name.split("-")[0]]
    for record in model.objects.exclude(pk__in=model.objects.public()):
        response = client.get(reverse(f"cases-api:{name}", args=[record.code]))
        assert response.status_code == 404


def test_an_event_lists_only_its_public_violations_and_victims(client):
    event = published_case()
    hidden = ViolationFactory(event=event, description_en=PRIVATE_MARKER)  # a draft
    victim = PersonFactory(pseudonym=f"{PRIVATE_MARKER}victim")  # a draft person
    ViolationFactory(publishable=True, event=event, victim=victim)
    data = client.get(url("event-detail".replace("-detail", "-list"))).json()["results"][0]
    codes = [v["code"] for v in data["violations"]]
    assert hidden.code not in codes and len(codes) == 2
    assert None in [v["victim"] for v in data["violations"]]
    assert PRIVATE_MARKER not in json.dumps(data)


def test_a_victim_appears_by_code_pseudonym_and_sex_only(client):
    published_case()
    victim = client.get(url("violation-list")).json()["results"][0]["victim"]
    assert set(victim) == {"code", "pseudonym", "sex"}


def test_a_document_held_in_confidence_is_named_by_kind_only(client):
    event = published_case()
    secret = SourceFactory(title=f"{PRIVATE_MARKER} file", is_public_document=False)
    InformationFactory(testimony=None, source=secret, event=event)
    response = client.get(url("event-list"))
    assert PRIVATE_MARKER.encode() not in response.content
    assert response.json()["results"][0]["corroboration"] == 2


def test_korean_query_and_type_facet_with_sub_types(client):
    category = ViolationTypeFactory(code="V77")
    sub_type = ViolationTypeFactory.sub_type(category, 1)
    event = published_case(title_ko="국가보위부 구금")
    ViolationFactory(publishable=True, event=event, violation_type=sub_type)
    other = published_case(title_ko="다른 사건")
    results = client.get(url("event-list", q="보위부", type="V77")).json()["results"]
    assert [r["code"] for r in results] == [event.code]
    assert client.get(url("violation-list", type="V77")).json()["count"] == 1
    assert other.code not in str(client.get(url("event-list", type="V77")).content)


def test_filters_by_sex_organization_and_period(client):
    event = published_case(start_date=None, start_precision="unknown")
    violation = event.violations.get()
    factories.workflow_save(violation.victim, sex=Sex.FEMALE)
    organization = violation.involvements.get().perpetrator_organization
    assert client.get(url("violation-list", sex="female")).json()["count"] == 1
    assert client.get(url("violation-list", sex="male")).json()["count"] == 0
    assert client.get(url("event-list", organization=organization.code)).json()["count"] == 1
    assert (
        client.get(url("event-list", organization=OrganizationFactory().code)).json()["count"] == 0
    )
    assert client.get(url("violation-list", year_from=2003, year_to=2003)).json()["count"] == 1
    assert client.get(url("violation-list", year_from=2004)).json()["count"] == 0


def test_csv_export_is_flat(client):
    published_case()
    response = client.get(url("event-list", format="csv"))
    assert response["Content-Type"].startswith("text/csv")
    header = response.content.decode().splitlines()[0]
    assert header.startswith("url,code,title_en,title_ko")


def test_the_cases_section_is_in_the_api_root_and_the_schema(client):
    assert "cases" in client.get("/api/").json()
    schema = client.get("/api/schema/").content.decode()
    for path in ["/api/cases/events/", "/api/cases/violations/", "/api/cases/aggregates/"]:
        assert path in schema


@pytest.mark.parametrize("rows", [2, 20])
def test_event_list_queries_are_constant(client, django_assert_num_queries, rows):
    with one_refresh():
        for _ in range(rows):
            published_case()
    # the cache token, count, events, their public violations, victims,
    # perpetrator organizations, supporting information
    with django_assert_num_queries(7):
        assert client.get(url("event-list")).json()["count"] == rows


@pytest.mark.parametrize("rows", [2, 20])
def test_violation_list_queries_are_constant(client, django_assert_num_queries, rows):
    with one_refresh():
        for _ in range(rows):
            published_case()
    # the cache token, count, violations (with event, type, place, facility),
    # victims, organizations, supporting information
    with django_assert_num_queries(6):
        assert client.get(url("violation-list")).json()["count"] == rows


@pytest.mark.parametrize("rows", [2, 20])
def test_testimony_and_crossing_lists_queries_are_constant(client, django_assert_num_queries, rows):
    from cases.tests.factories import BorderCrossingFactory, CrossingLegFactory

    with one_refresh():
        for _ in range(rows):
            testimony = published_case().information.get().testimony
            crossing = BorderCrossingFactory(
                publishable=True, person=testimony.interviewee, testimony=testimony
            )
            CrossingLegFactory(crossing=crossing)
    # the cache token, count, testimonies, the public events they support
    with django_assert_num_queries(4):
        assert client.get(url("testimony-list")).json()["count"] == rows
    # the cache token, count, crossings (with places), legs (with countries),
    # public testimonies
    with django_assert_num_queries(5):
        assert client.get(url("bordercrossing-list")).json()["count"] == rows


@pytest.mark.parametrize("name", REFERENCE)
def test_reference_lists_take_three_queries(client, django_assert_num_queries, name):
    published_case()
    FacilityFactory()
    # the cache token, count, rows (with parent or place)
    with django_assert_num_queries(3):
        client.get(url(name))


def test_list_counts_stop_at_the_cap_and_say_so(client, monkeypatch):
    from cases import search

    for _ in range(3):
        published_case()
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    data = client.get(url("event-list")).json()
    assert data["count"] == 2 and data["count_capped"] is True
    assert len(data["results"]) == 2  # paging stops at the cap too
    monkeypatch.setattr(search, "COUNT_CAP", 10)
    caches[CASES].clear()  # a new cap comes with a restart, which empties the cache
    data = client.get(url("event-list")).json()
    assert data["count"] == 3 and data["count_capped"] is False
