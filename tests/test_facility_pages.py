"""Facility and perpetrator-organization pages (issue 22): what they list, what they
never show, their links, and their cost, read from the published copy alone.

The records are made in the private database and reach the copy through the
publication, as a reviewer's publish does. Every expectation is written out from
the records made here, not computed with the code under test.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connections

from cases.models import Confidentiality, Facility, Organization, Person, Place
from cases.tests.factories import (
    EventFactory,
    FacilityFactory,
    InformationFactory,
    InvolvementFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    SourceFactory,
    ViolationFactory,
    ViolationTypeFactory,
)
from public import listings

pytestmark = pytest.mark.django_db

PUBLISHED = {"status": "published", "confidentiality": Confidentiality.STANDARD}
# What must never reach these pages: a county where a living person is involved, a
# source's internal description, an individual perpetrator, unpublished records.
COUNTY = ["KP-FT-HR", "Hidden County Fx", "숨은군"]
SOURCE_TITLE = "Interview of Kim Sun-ok, Seoul, 14 May 2024"
PERPETRATOR = ["Perpetrator Pseudonym Qv", "Perp Notes Qv"]
# A form's CSRF token is masked anew for every response.
MASKED_TOKEN = re.compile(rb'(csrfToken": "|name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+')


def _date(year):
    return {"start_date": datetime.date(year, 5, 17), "start_precision": "day"}


@pytest.fixture
def records():
    country = PlaceFactory(code="KP", level=Place.Level.COUNTRY, name_en="North Korea")
    province = PlaceFactory(
        code="KP-FT", parent=country, name_en="Facility Test Province", name_ko="시설시험도"
    )
    other_province = PlaceFactory(
        code="KP-OT", parent=country, name_en="Other Test Province", name_ko="다른시험도"
    )
    county = PlaceFactory(
        code=COUNTY[0],
        level=Place.Level.COUNTY,
        parent=province,
        name_en=COUNTY[1],
        name_ko=COUNTY[2],
    )
    camp = FacilityFactory(
        code="FT-CAMP",
        kind=Facility.Kind.KWANLISO,
        name_en="Test Camp No. 99",
        name_ko="시험 제99호 관리소",
        aliases="Camp 99\n시험 관리소",
        place=province,
        latitude=Decimal("41.83438"),
        longitude=Decimal("129.72528"),
        location_precision="approximate",
        notes="Internal facility notes Fn",
    )
    prison = FacilityFactory(
        code="FT-PRISON", kind=Facility.Kind.KYOHWASO, name_en="Test Prison", place=other_province
    )
    ministry = OrganizationFactory(code="FT-MSS", name_en="Test Ministry", name_ko="시험성")
    office = OrganizationFactory(
        code="FT-MSS-LOCAL", parent=ministry, name_en="Test Local Office", name_ko="시험 지방부"
    )
    detention = ViolationTypeFactory(code="V94", name_en="Test detention", name_ko="시험 구금")
    torture = ViolationTypeFactory(code="V95", name_en="Test torture", name_ko="시험 고문")
    source = SourceFactory(
        title=SOURCE_TITLE, public_citation="Camp report", publisher="Test NGO", published_year=2014
    )

    # 2003: at the county, a living victim; 2015: a victim recorded dead.
    living = PersonFactory(**PUBLISHED, is_alive=True)
    early = EventFactory(
        **PUBLISHED, **_date(2003), facility=camp, place=county, title_en="Early event"
    )
    first = ViolationFactory(
        **PUBLISHED,
        **_date(2003),
        event=early,
        victim=living,
        violation_type=detention,
        facility=camp,
        place=county,
    )
    InvolvementFactory(violation=first, perpetrator_organization=office, degree="ordered")
    perpetrator = PersonFactory(**PUBLISHED, pseudonym=PERPETRATOR[0], notes=PERPETRATOR[1])
    InvolvementFactory(
        violation=first, perpetrator_person=perpetrator, perpetrator_organization=None
    )
    InformationFactory(event=None, violation=first, testimony=None, source=source)
    late = EventFactory(**PUBLISHED, **_date(2015), facility=camp, place=province)
    second = ViolationFactory(
        **PUBLISHED,
        **_date(2015),
        event=late,
        victim=PersonFactory(**PUBLISHED, is_alive=False),
        violation_type=torture,
        facility=camp,
    )
    InvolvementFactory(violation=second, perpetrator_organization=ministry)
    return {
        "camp": camp,
        "prison": prison,
        "ministry": ministry,
        "office": office,
        "events": [early, late],
        "violations": [first, second],
        "torture": torture,
    }


def get(client, url):
    for cache in caches.all():
        cache.clear()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def codes_on(response):
    return set(re.findall(r"\b[EA]-[0-9A-Z]{8}\b", response.content.decode()))


GROUPS = {"events": "event_periods", "violations": "types"}


def record_codes(response, name):
    """The codes a page lists, over its groups (events by period, violations by type)."""
    return {r["code"] for group in response.context[GROUPS[name]] for r in group["records"]}


def counted(response, name):
    return response.context[f"{name[:-1]}_count"]


# --- What the pages list ------------------------------------------------------------


def test_a_facility_page_lists_its_published_records_by_type_and_period(client, records):
    early, late = records["events"]
    first, second = records["violations"]
    page = get(client, "/cases/facilities/FT-CAMP/")
    assert record_codes(page, "events") == {early.code, late.code}
    assert record_codes(page, "violations") == {first.code, second.code}
    assert [(t["code"], t["count"]) for t in page.context["types"]] == [("V94", 1), ("V95", 1)]
    # 2003 and 2015 are more than ten years apart: spans of five years.
    assert page.context["periods"] == [("2000\u20132004", 1, 1), ("2015\u20132019", 1, 1)]
    text = page.content.decode()
    for expected in ["Test Camp No. 99", "시험 제99호 관리소", "Camp 99", "Facility Test Province"]:
        assert expected in text, expected
    assert f'href="/cases/events/{early.code}/#{first.code}"' in text
    assert f'href="/cases/events/{late.code}/"' in text
    assert "Test NGO, Camp report (2014)" in text
    assert "/cases/?kind=violations&amp;facility=FT-CAMP" in text
    # The map's point, rounded to the facility's precision (approximate: 0.01°).
    assert 'data-latitude="41.83"' in text and 'data-longitude="129.73"' in text
    assert "/static/js/map-facility.js" in text


def test_the_pages_counts_are_the_search_facets_counts(client, records):
    facility = get(client, "/cases/facilities/FT-CAMP/")
    organization = get(client, "/cases/perpetrators/FT-MSS/")
    for kind, name, page in [
        ("events", "events", facility),
        ("violations", "violations", facility),
    ]:
        search = get(client, f"/cases/?kind={kind}&facility=FT-CAMP")
        assert search.context["count"] == counted(page, name) == len(record_codes(page, name)) == 2
    search = get(client, "/cases/?kind=violations&organization=FT-MSS")
    assert search.context["count"] == counted(organization, "violations") == 2


def test_the_facility_index_filters_by_kind_and_province(client, records):
    index = get(client, "/cases/facilities/")
    rows = {f["code"]: f for f in index.context["facilities"]}
    assert (rows["FT-CAMP"]["events"], rows["FT-CAMP"]["violations"]) == (2, 2)
    assert (rows["FT-PRISON"]["events"], rows["FT-PRISON"]["violations"]) == (0, 0)
    assert rows["FT-CAMP"]["province_name"] == "Facility Test Province"
    by_kind = get(client, "/cases/facilities/?kind=kyohwaso")
    assert [f["code"] for f in by_kind.context["facilities"]] == ["FT-PRISON"]
    by_province = get(client, "/cases/facilities/?province=KP-FT")
    assert [f["code"] for f in by_province.context["facilities"]] == ["FT-CAMP"]
    # An unknown value filters nothing; the form shows "All".
    unknown = get(client, "/cases/facilities/?kind=nope&province=%2F..")
    assert {f["code"] for f in unknown.context["facilities"]} == {"FT-CAMP", "FT-PRISON"}


def test_an_organization_page_lists_its_violations_and_its_units(client, records):
    first, second = records["violations"]
    ministry = get(client, "/cases/perpetrators/FT-MSS/")
    assert record_codes(ministry, "violations") == {first.code, second.code}
    assert [u["name"] for u in ministry.context["units"]] == ["Test Local Office"]
    assert ministry.context["periods"] == [("2000\u20132004", 1), ("2015\u20132019", 1)]
    text = ministry.content.decode()
    assert "ordered it" in text  # the unit's part in the act
    assert '<th scope="row">2000\u20132004</th><td class="num">1</td>' in text
    office = get(client, "/cases/perpetrators/FT-MSS-LOCAL/")
    assert record_codes(office, "violations") == {first.code}
    assert office.context["parent"]["url"] == "/cases/perpetrators/FT-MSS/"
    index = get(client, "/cases/perpetrators/")
    text = index.content.decode()
    assert 'href="/cases/perpetrators/FT-MSS/"' in text
    tree = {o["code"]: o for c in index.context["countries"] for o in c["organizations"]}
    assert tree["FT-MSS"]["count"] == 2
    assert [(u["code"], u["count"]) for u in tree["FT-MSS"]["units"]] == [("FT-MSS-LOCAL", 1)]


def test_the_organization_index_counts_violations_by_kind_of_organization(client, records):
    police = OrganizationFactory(
        code="FT-POLICE", kind=Organization.Kind.POLICE, name_en="Test Police"
    )
    InvolvementFactory(violation=records["violations"][1], perpetrator_organization=police)
    index = get(client, "/cases/perpetrators/")
    # The second act is the ministry's and the police's: once under each kind.
    assert index.context["by_kind"] == [("state security", 2), ("police", 1)]
    korean = get(client, "/ko/cases/perpetrators/")
    assert korean.context["by_kind"] == [("국가보위성(보위부)", 2), ("경찰", 1)]
    assert "A violation attributed to organizations of two kinds" in index.content.decode()


def test_unknown_codes_are_not_found(client, records):
    for url in ["/cases/facilities/NOPE/", "/cases/perpetrators/NOPE/"]:
        assert client.get(url).status_code == 404


# --- What they never show -------------------------------------------------------------


PAGES = [
    "/cases/facilities/",
    "/cases/facilities/FT-CAMP/",
    "/cases/perpetrators/",
    "/cases/perpetrators/FT-MSS/",
    "/cases/perpetrators/FT-MSS-LOCAL/",
]


def all_pages():
    return [*PAGES, *(f"/ko{url}" for url in PAGES)]


def test_no_county_source_title_perpetrator_or_private_note_is_shown(client, records):
    for url in all_pages():
        text = get(client, url).content.decode()
        for secret in [*COUNTY, SOURCE_TITLE, *PERPETRATOR, "Internal facility notes Fn"]:
            assert secret not in text, (url, secret)
    # The perpetrator is public as a person, and still never named or counted here.
    assert Person.objects.public().filter(pseudonym=PERPETRATOR[0]).exists()


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": "draft"},
        {"status": "in_review"},
        {**PUBLISHED, "confidentiality": Confidentiality.RESTRICTED},
        {**PUBLISHED, "confidentiality": Confidentiality.CONFIDENTIAL},
    ],
    ids=["draft", "in review", "restricted", "confidential"],
)
def test_an_unpublished_violation_at_the_facility_changes_nothing(client, records, hidden):
    before = {url: MASKED_TOKEN.sub(rb"\1-", get(client, url).content) for url in all_pages()}
    early, _late = records["events"]
    event = EventFactory(**hidden, **_date(1990), facility=records["camp"])
    for on in (event, early):  # on an unpublished event, and on a published one
        act = ViolationFactory(
            **hidden,
            **_date(1990),
            event=on,
            victim=PersonFactory(**PUBLISHED),
            violation_type=records["torture"],
            facility=records["camp"],
        )
        InvolvementFactory(violation=act, perpetrator_organization=records["ministry"])
        assert not type(act).objects.public().filter(pk=act.pk).exists()
    after = {url: MASKED_TOKEN.sub(rb"\1-", get(client, url).content) for url in all_pages()}
    assert [url for url in before if after[url] != before[url]] == []


def test_anonymous_visitors_read_the_published_copy_only(
    client, records, django_assert_num_queries
):
    for url in all_pages():
        for cache in caches.all():
            cache.clear()
        with django_assert_num_queries(0, connection=connections["default"]):
            assert client.get(url).status_code == 200


# --- Cost -------------------------------------------------------------------------------


def queries_per_page(client, django_assert_max_num_queries):
    """{url: queries on the copy}, each page built afresh, none on the private record."""
    found = {}
    for url in PAGES:
        for cache in caches.all():
            cache.clear()
        with (
            django_assert_max_num_queries(9, connection=connections["public"]) as counted,
            django_assert_max_num_queries(0, connection=connections["default"]),
        ):
            assert client.get(url).status_code == 200
        found[url] = len(counted.captured_queries)
    return found


def test_a_fixed_number_of_queries_whatever_the_number_of_records(
    client, records, django_assert_max_num_queries
):
    few = queries_per_page(client, django_assert_max_num_queries)
    for year in range(1990, 2010):
        event = EventFactory(**PUBLISHED, **_date(year), facility=records["camp"])
        act = ViolationFactory(
            **PUBLISHED,
            **_date(year),
            event=event,
            victim=PersonFactory(**PUBLISHED),
            violation_type=records["torture"],
            facility=records["camp"],
        )
        InvolvementFactory(violation=act, perpetrator_organization=records["office"])
    many = queries_per_page(client, django_assert_max_num_queries)
    assert many == few
    page = get(client, "/cases/facilities/FT-CAMP/")
    assert counted(page, "violations") == 22
    # A group lists its first LISTED records, oldest first, and links to the rest.
    torture = next(group for group in page.context["types"] if group["code"] == "V95")
    assert torture["count"] == 21
    assert [r["year"] for r in torture["records"]] == list(range(1990, 1990 + listings.LISTED))
    assert "/cases/?kind=violations&amp;facility=FT-CAMP&amp;type=V95" in page.content.decode()
    assert "All 21 in the case search" in page.content.decode()
    ministry = get(client, "/cases/perpetrators/FT-MSS/")
    assert counted(ministry, "violations") == 22
    assert sum(len(group["records"]) for group in ministry.context["types"]) == 1 + listings.LISTED
    assert ministry.context["periods"][0] == ("1990\u20131994", 5)


def test_a_period_lists_its_first_records_and_links_to_the_rest(client, records, monkeypatch):
    monkeypatch.setattr(listings, "LISTED", 2)
    in_2003 = [records["events"][0].code]
    for day in range(1, 5):
        in_2003.append(
            EventFactory(
                **PUBLISHED,
                start_date=datetime.date(2003, 6, day),
                start_precision="day",
                facility=records["camp"],
            ).code
        )
    page = get(client, "/cases/facilities/FT-CAMP/")
    early = page.context["event_periods"][0]
    assert (early["label"], early["count"], len(early["records"])) == ("2000\u20132004", 5, 2)
    # The public dates of these are the year alone: the same day, then by code.
    assert [r["code"] for r in early["records"]] == sorted(in_2003)[:2]
    text = page.content.decode()
    assert "kind=events&amp;facility=FT-CAMP&amp;year_from=2000&amp;year_to=2004" in text
    assert counted(page, "events") == 6


def test_a_page_is_served_from_the_cache_with_one_query(client, records, django_assert_num_queries):
    for url in PAGES:
        client.get(url)
        with django_assert_num_queries(1, connection=connections["public"]):  # the generation
            assert client.get(url).status_code == 200


# --- Links --------------------------------------------------------------------------------


def test_the_event_page_the_search_and_the_map_link_to_the_pages(client, records):
    early, _late = records["events"]
    event = get(client, f"/cases/events/{early.code}/").content.decode()
    assert 'href="/cases/facilities/FT-CAMP/"' in event
    assert 'href="/cases/perpetrators/FT-MSS-LOCAL/"' in event
    search = get(client, "/cases/?kind=violations&facility=FT-CAMP").content.decode()
    assert 'href="/cases/facilities/FT-CAMP/"' in search
    assert 'href="/cases/facilities/"' in search
    search = get(client, "/cases/?kind=violations&organization=FT-MSS").content.decode()
    assert 'href="/cases/perpetrators/FT-MSS/"' in search
    markers = client.get("/api/cases/markers/?zoom=10").json()["features"]
    camp = next(f for f in markers if f["properties"].get("code") == "FT-CAMP")
    assert camp["properties"]["page_url"] == "/cases/facilities/FT-CAMP/"


def test_korean_pages_are_in_korean(client, records):
    page = get(client, "/ko/cases/facilities/FT-CAMP/").content.decode()
    assert "<h1>시험 제99호 관리소</h1>" in page
    assert '<span lang="en">Camp 99</span>' in page
    organization = get(client, "/ko/cases/perpetrators/FT-MSS/").content.decode()
    assert "<h1>시험성</h1>" in organization


def test_a_facet_value_typed_in_the_address_gets_no_page_link(client, records):
    """Only a value the facet lists links to its page: any other text may be typed
    in the address, and a page's address cannot hold every text (a slash)."""
    for facet, value in [("facility", "no/such"), ("organization", "FT-NOPE")]:
        search = get(client, f"/cases/?kind=violations&{facet}={value}")
        chosen = next(f for f in search.context["facets"] if f["name"] == facet)
        assert chosen["page"] is None
        assert chosen["index"] in search.content.decode()


def test_the_index_filters_make_no_new_cache_entry(client, records):
    """The index is cached whole and filtered for each request: what is typed in
    the address cannot fill the shared cache."""
    from core.testing import cache_entries

    get(client, "/cases/facilities/")
    stored = cache_entries("public")
    for query in ["?kind=kyohwaso", "?province=KP-FT", "?kind=x1", "?kind=x2&province=y"]:
        assert client.get(f"/cases/facilities/{query}").status_code == 200
    assert cache_entries("public") == stored
