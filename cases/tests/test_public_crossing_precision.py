"""A border crossing reaches the public at year and province precision, without
its crossing point or broker, whatever was recorded (issue 18,
docs/publication-policy.md "Border crossings")."""

import datetime

import pytest
from django.urls import reverse

from cases import roles
from cases.disclosure import public_province, public_year
from cases.tests.factories import (
    BorderCrossingFactory,
    CrossingLegFactory,
    PlaceFactory,
    one_refresh,
    publishable_testimony,
)
from public.models import Entry

pytestmark = pytest.mark.django_db

D = datetime.date
# Every trace of the recorded day, month, county, locality and free text.
HIDDEN = [
    "2008-03-14", "2008-03", "03-14", "2009-07-22", "2009-07", "07-22", "2008-05-09", "2008-05",
    "05-09", "KP-TST-ON", "Onsong Hidden County", "온성비밀군", "KP-TST-ON-1",
    "Willow Ford Village", "버들나루마을", "KR-TST-GS", "Gangseo Hidden District", "강서비밀구",
    "Ford by the old willow", "Broker used", "중개인",
]  # fmt: skip


@pytest.fixture
def crossing():
    with one_refresh():  # the leg is in the copy with its crossing
        return _crossing(*_places())


@pytest.fixture
def withheld_crossing():
    """The same crossing, published without its dates, its start and its settlement."""
    with one_refresh():
        return _crossing(
            *_places(), withhold_year=True, withhold_departure=True, withhold_settlement=True
        )


def _places():
    province = PlaceFactory(code="KP-TST", name_en="Hamgyong Test Province", name_ko="함경시험도")
    county = PlaceFactory(
        code="KP-TST-ON",
        level="county",
        parent=province,
        name_en="Onsong Hidden County",
        name_ko="온성비밀군",
    )
    village = PlaceFactory(
        code="KP-TST-ON-1",
        level="locality",
        parent=county,
        name_en="Willow Ford Village",
        name_ko="버들나루마을",
    )
    korea = PlaceFactory(code="KR", country=True, name_en="South Korea", name_ko="대한민국")
    seoul = PlaceFactory(
        code="KR-TST", parent=korea, name_en="Seoul Test City", name_ko="서울시험시"
    )
    district = PlaceFactory(
        code="KR-TST-GS",
        level="county",
        parent=seoul,
        name_en="Gangseo Hidden District",
        name_ko="강서비밀구",
    )
    return county, village, district


def _crossing(county, village, district, **withheld):
    testimony = publishable_testimony()
    crossing = BorderCrossingFactory(
        publishable=True,
        person=testimony.interviewee,
        testimony=testimony,
        departure_place=county,
        crossing_place=village,
        crossing_date=D(2008, 3, 14),
        crossing_date_precision="day",
        crossing_point="Ford by the old willow",
        broker="yes",
        arrival_date=D(2009, 7, 22),
        arrival_date_precision="day",
        settlement_place=district,
        **withheld,
    )
    CrossingLegFactory(crossing=crossing, entered_on=D(2008, 5, 9), entered_on_precision="day")
    return crossing


def public_urls(crossing):
    detail = reverse("cases-api:bordercrossing-detail", args=[crossing.code])
    listing = reverse("cases-api:bordercrossing-list")
    return {
        "api list": listing,
        "api detail": detail,
        "api csv": listing + "?format=csv",
        "api detail csv": detail + "?format=csv",
        "page": f"/cases/crossings/{crossing.code}/",
        "page ko": f"/ko/cases/crossings/{crossing.code}/",
        "testimony": f"/cases/testimonies/{crossing.testimony.code}/",
        "testimony ko": f"/ko/cases/testimonies/{crossing.testimony.code}/",
        "search": "/cases/?kind=crossings",
        "search ko": "/ko/cases/?kind=crossings",
    }


def test_the_day_county_crossing_point_and_broker_appear_nowhere(client, crossing):
    for name, url in public_urls(crossing).items():
        response = client.get(url)
        assert response.status_code == 200, name
        body = response.content.decode("utf-8-sig")
        assert crossing.code in body, name
        assert "2008" in body, name
        for hidden in HIDDEN:
            assert hidden not in body, (name, hidden)


def test_the_year_and_the_province_are_shown(client, crossing):
    data = client.get(reverse("cases-api:bordercrossing-detail", args=[crossing.code])).json()
    assert (data["crossing_date"], data["crossing_date_precision"]) == ("2008-01-01", "year")
    assert (data["arrival_date"], data["arrival_date_precision"]) == ("2009-01-01", "year")
    assert data["crossing_date_display"] == "2008"
    assert [leg["entered_on_display"] for leg in data["legs"]] == ["2008"]
    assert data["departure_place"]["code"] == data["crossing_place"]["code"] == "KP-TST"
    assert data["settlement_place"]["code"] == "KR-TST"
    assert "crossing_point" not in data and "broker" not in data
    page = client.get(f"/cases/crossings/{crossing.code}/").content.decode()
    assert "Hamgyong Test Province" in page and "Seoul Test City" in page
    korean = client.get(f"/ko/cases/crossings/{crossing.code}/").content.decode()
    assert "함경시험도" in korean and "서울시험시" in korean
    search = client.get("/cases/?kind=crossings").content.decode()
    assert "2008, Seoul Test City" in search
    # The title names the province in the page's language (issue 19's Korean-page check).
    korean_search = client.get("/ko/cases/?kind=crossings").content.decode()
    assert "2008, 서울시험시" in korean_search


def test_details_a_reviewer_withheld_appear_nowhere(client, withheld_crossing):
    """No year (of crossing, arrival or leg), no province of departure, crossing or
    settlement: not in the API, the pages, the search, its titles or its facets."""
    provinces = ["2008", "2009", "KP-TST", "Hamgyong Test Province", "함경시험도"]
    provinces += ["KR-TST", "Seoul Test City", "서울시험시"]
    for name, url in public_urls(withheld_crossing).items():
        body = client.get(url).content.decode("utf-8-sig")
        assert withheld_crossing.code in body, name
        for hidden in [*HIDDEN, *provinces]:
            assert hidden not in body, (name, hidden)
    data = client.get(public_urls(withheld_crossing)["api detail"]).json()
    assert data["crossing_date"] is data["arrival_date"] is None
    assert data["departure_place"] is data["crossing_place"] is data["settlement_place"] is None
    assert [leg["entered_on_display"] for leg in data["legs"]] == ["date unknown"]
    keys = Entry.objects.get(code=withheld_crossing.code).keys.values_list("value", flat=True)
    assert keys and not [key for key in keys if "TST" in key], list(keys)
    withheld_crossing.refresh_from_db()  # what was recorded is kept
    assert withheld_crossing.crossing_date == D(2008, 3, 14)
    assert withheld_crossing.settlement_place.code == "KR-TST-GS"


def test_the_year_filter_still_finds_the_crossing(client, crossing):
    listing = reverse("cases-api:bordercrossing-list")
    assert client.get(listing, {"year_from": 2008, "year_to": 2008}).json()["count"] == 1
    assert client.get(listing, {"year_from": 2009}).json()["count"] == 0


def test_the_admin_still_shows_what_was_recorded(as_role, crossing):
    client = as_role(roles.RESEARCHER)
    url = reverse("admin:cases_bordercrossing_change", args=[crossing.pk])
    body = client.get(url).content.decode()
    for recorded in [
        "March 14, 2008", "July 22, 2009", "May 9, 2008", "Ford by the old willow",
        "Onsong Hidden County", "Willow Ford Village", "Gangseo Hidden District",
    ]:  # fmt: skip
        assert recorded in body, recorded


@pytest.mark.parametrize(
    ("told", "published"),
    [
        ((D(2008, 3, 14), "day"), (D(2008, 1, 1), "year")),
        ((D(2008, 3, 1), "month"), (D(2008, 1, 1), "year")),
        ((D(2008, 1, 1), "year"), (D(2008, 1, 1), "year")),
        ((D(2008, 1, 1), "approximate"), (D(2008, 1, 1), "approximate")),
        ((None, "unknown"), (None, "unknown")),
    ],
)
def test_public_year(told, published):
    assert public_year(*told) == published


def test_public_province_walks_up_to_the_province_and_keeps_a_country():
    country = PlaceFactory(country=True)
    province = PlaceFactory(parent=country)
    county = PlaceFactory(level="county", parent=province)
    village = PlaceFactory(level="locality", parent=county)
    orphan = PlaceFactory(level="county")
    assert [public_province(p) for p in (village, county, province, country, orphan, None)] == [
        province, province, province, country, None, None,
    ]  # fmt: skip
