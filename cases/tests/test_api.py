"""The public case API: only public records, the same filters as the pages,
JSON and CSV, constant queries per page."""

import json
from contextlib import contextmanager

import pytest
from django.db import connections
from django.urls import reverse

from cases import publication
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
from core.testing import rolled_back

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
    # A published victim's sex is no field of the publication: the edit reaches the
    # published copy, which the API reads, with the victim's next publication.
    publication.refresh(persons=[violation.victim_id])
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
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("url,code,title_en,title_ko")


def test_the_cases_section_is_in_the_api_root_and_the_schema(client):
    assert "cases" in client.get("/api/").json()
    schema = client.get("/api/schema/").content.decode()
    for path in ["/api/cases/events/", "/api/cases/violations/", "/api/cases/aggregates/"]:
        assert path in schema


@pytest.fixture
def copy_queries(django_assert_num_queries, django_assert_max_num_queries):
    """Asserts `n` queries (at most `n`, if not `exact`) on the published copy and
    none on the private database."""

    @contextmanager
    def asserting(n, exact=True):
        on_the_copy = django_assert_num_queries if exact else django_assert_max_num_queries
        with (
            django_assert_num_queries(0, connection=connections["default"]),
            on_the_copy(n, connection=connections["public"]),
        ):
            yield

    return asserting


@pytest.mark.parametrize("rows", [2, 7])
@pytest.mark.parametrize("name", LISTS)
def test_a_list_reads_three_queries_of_the_copy_and_nothing_private(
    copy_queries, client, name, rows
):
    from cases.tests.factories import BorderCrossingFactory, CrossingLegFactory

    with one_refresh():
        for _ in range(rows):
            testimony = published_case().information.get().testimony
            crossing = BorderCrossingFactory(
                publishable=True, person=testimony.interviewee, testimony=testimony
            )
            CrossingLegFactory(crossing=crossing)
    # the generation, the count, the page of rows
    with copy_queries(3):
        assert client.get(url(name)).json()["count"] == rows
    # words also read the place names they may stand for (public/search.py); no page
    # of rows to read when nothing matches
    with copy_queries(4, exact=False):
        assert client.get(url(name, q="x", sort="code", page_size=5)).status_code == 200
    # a facet with a fixed list of choices reads the choices: the generation, the
    # choices, and no more for a value that is none of them
    facet = {"testimony-list": "knowledge", "bordercrossing-list": "outcome"}.get(name, "sex")
    with copy_queries(2):
        assert client.get(url(name, **{facet: "nope"})).status_code == 400
    with copy_queries(1):  # from the cache: the generation only
        client.get(url(name))


@pytest.mark.parametrize("name", ["event-detail", "testimony-detail"])
def test_a_record_reads_two_queries_of_the_copy(copy_queries, client, name):
    event = published_case()
    code = event.code if name == "event-detail" else event.information.get().testimony.code
    with copy_queries(2):  # the generation, the row
        assert client.get(reverse(f"cases-api:{name}", args=[code])).status_code == 200


@pytest.mark.parametrize("name", REFERENCE)
def test_reference_lists_take_three_queries_of_the_copy(copy_queries, client, name):
    published_case()
    FacilityFactory()
    # the generation, the count, the rows
    with copy_queries(3):
        assert client.get(url(name)).status_code == 200


def test_list_counts_are_exact_past_the_old_cap(client, monkeypatch):
    """The copy holds public records only: counting them needs no cap any more."""
    from cases import search

    for _ in range(3):
        published_case()
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    data = client.get(url("event-list")).json()
    assert data["count"] == 3 and data["count_capped"] is False
    assert len(data["results"]) == 3
