"""The case map's markers: public records only, precision rules, bbox, clusters, queries."""

from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse

from cases import markers
from cases.models import Facility, LocationPrecision, Place
from cases.tests.factories import (
    EventFactory,
    FacilityFactory,
    InformationFactory,
    PersonFactory,
    PlaceFactory,
    TestimonyFactory,
    ViolationFactory,
    ViolationTypeFactory,
)
from public import markers as public_markers

P = LocationPrecision
URL = "/api/cases/markers/"


def get(client, **params):
    response = client.get(URL, params, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def events_of(data):
    return {
        f["properties"]["code"]: f for f in data["features"] if f["properties"]["kind"] == "event"
    }


@pytest.fixture
def geography(db):
    country = PlaceFactory(code="KP", level=Place.Level.COUNTRY, name_en="North Korea")
    north = PlaceFactory(
        code="KP-09",
        parent=country,
        name_en="North Hamgyong",
        latitude=Decimal("41.78330"),
        longitude=Decimal("129.76670"),
        location_precision=P.PROVINCE,
    )
    county = PlaceFactory(
        code="KP-09-CJ",
        parent=north,
        level=Place.Level.COUNTY,
        name_en="Chongjin",
        latitude=Decimal("41.79550"),
        longitude=Decimal("129.77580"),
        location_precision=P.COUNTY,
    )
    south = PlaceFactory(
        code="KP-05",
        parent=country,
        name_en="South Hwanghae",
        latitude=Decimal("38.03330"),
        longitude=Decimal("125.70000"),
        location_precision=P.PROVINCE,
    )
    camp = FacilityFactory(
        code="KWL-25",
        place=county,
        latitude=Decimal("41.83438"),
        longitude=Decimal("129.72528"),
        location_precision=P.EXACT,
    )
    return {"north": north, "county": county, "south": south, "camp": camp}


def public_event(*, living=False, **kwargs):
    """A published event with one public violation whose victim is (not) living."""
    event = EventFactory(publishable=True, **kwargs)
    victim = PersonFactory(publishable=True, is_alive=living)
    ViolationFactory(publishable=True, event=event, victim=victim)
    return event


# --- The precision rules, without the database -------------------------------------


def place(lat, lon, precision, parent=None, pk=None):
    return Place(
        pk=pk or id(object()),
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        location_precision=precision,
        parent=parent,
    )


def test_a_point_is_rounded_to_its_precision():
    province = place("41.78330", "129.76670", P.PROVINCE, pk=1)
    exact = Facility(latitude=Decimal("41.83438"), longitude=Decimal("129.72528"))
    exact.location_precision = P.EXACT
    located = markers.locate(exact, province, living=False)
    assert (located.latitude, located.longitude, located.precision) == (41.8344, 129.7253, "exact")
    approximate = place("41.83438", "129.72528", P.APPROXIMATE, parent=province, pk=2)
    assert markers.locate(None, approximate, living=False).latitude == 41.83
    assert markers.locate(None, province, living=False).latitude == 41.8


def test_a_living_witness_keeps_the_point_at_province_level():
    """As the event's place is published (cases.disclosure.public_place)."""
    province = place("41.78330", "129.76670", P.PROVINCE, pk=1)
    county = place("41.79550", "129.77580", P.COUNTY, parent=province, pk=2)
    exact = Facility(latitude=Decimal("41.83438"), longitude=Decimal("129.72528"))
    exact.location_precision = P.EXACT
    located = markers.locate(exact, county, living=True)
    assert (located.latitude, located.longitude) == (41.8, 129.8)  # the province's point
    assert located.precision == P.PROVINCE and located.coarsened
    assert markers.locate(None, county, living=True).precision == P.PROVINCE
    assert markers.locate(None, county, living=False).precision == P.COUNTY
    # No coarser place with a point: rounded to 0.1° instead.
    alone = markers.locate(exact, None, living=True)
    assert (alone.latitude, alone.longitude, alone.precision) == (41.8, 129.7, P.PROVINCE)
    assert alone.coarsened
    # A province-level point is already coarse enough.
    assert markers.locate(None, province, living=True).coarsened is False


def test_points_of_unknown_or_country_precision_are_not_trusted():
    province = place("41.78330", "129.76670", P.PROVINCE, pk=1)
    unknown = Facility(latitude=Decimal("41.83438"), longitude=Decimal("129.72528"))
    unknown.location_precision = P.UNKNOWN
    assert markers.locate(unknown, province, living=False).precision == P.PROVINCE
    country = place("40.0", "127.0", P.COUNTRY, pk=3)
    assert markers.locate(None, country, living=False) is None
    assert markers.locate(None, None, living=False) is None


# --- The endpoint --------------------------------------------------------------------


@pytest.mark.django_db
def test_only_public_events_reach_the_map(client, geography):
    shown = public_event(place=geography["north"])
    EventFactory(place=geography["north"])  # draft
    EventFactory(publishable=True, confidentiality="restricted", place=geography["north"])
    withheld = EventFactory(publishable=True, place=geography["north"])
    InformationFactory(event=withheld, testimony=TestimonyFactory())  # no consent
    data = get(client)
    assert set(events_of(data)) == {shown.code}
    assert data["total"] == 1


@pytest.mark.django_db
def test_event_point_respects_living_witness(client, geography):
    dead = public_event(living=False, facility=geography["camp"], place=geography["county"])
    alive = public_event(living=True, facility=geography["camp"], place=geography["county"])
    unknown = public_event(living=None, facility=geography["camp"], place=geography["county"])
    found = events_of(get(client))
    assert found[dead.code]["geometry"]["coordinates"] == [129.7253, 41.8344]
    assert found[dead.code]["properties"]["precision"] == "exact"
    for event in (alive, unknown):
        props = found[event.code]["properties"]
        assert found[event.code]["geometry"]["coordinates"] == [129.8, 41.8]
        assert props["precision"] == "province" and props["coarsened"] is True


@pytest.mark.django_db
def test_a_living_interviewee_also_coarsens_the_point(client, geography):
    event = public_event(living=False, facility=geography["camp"], place=geography["county"])
    witness = PersonFactory(publishable=True, is_alive=True)
    InformationFactory(
        event=event, testimony=TestimonyFactory(publishable=True, interviewee=witness)
    )
    props = events_of(get(client))[event.code]["properties"]
    assert props["coarsened"] is True and props["precision"] == "province"


@pytest.mark.django_db
def test_bbox_filters_markers(client, geography):
    north = public_event(place=geography["north"])
    south = public_event(place=geography["south"])
    data = get(client, bbox="128,40,131,43", facilities="0")
    assert set(events_of(data)) == {north.code}
    data = get(client, bbox="124,37,127,39", facilities="0")
    assert set(events_of(data)) == {south.code}
    assert get(client, bbox="not,a,box")["total"] == 2


@pytest.mark.django_db
def test_facilities_are_listed_at_their_precision(client, geography):
    data = get(client, bbox="128,40,131,43")
    facilities = [f for f in data["features"] if f["properties"]["kind"] == "facility"]
    assert [f["properties"]["code"] for f in facilities] == ["KWL-25"]
    assert facilities[0]["geometry"]["coordinates"] == [129.7253, 41.8344]
    assert "facility=KWL-25" in facilities[0]["properties"]["url"]


@pytest.mark.django_db
def test_many_events_are_clustered_server_side(client, geography, monkeypatch):
    monkeypatch.setattr(public_markers, "POINT_LIMIT", 3)
    for _ in range(4):
        public_event(place=geography["north"])
    for _ in range(2):
        public_event(place=geography["south"])
    data = get(client, zoom=5, facilities="0")
    assert data["mode"] == "clusters" and data["total"] == 6
    clusters = [f["properties"] for f in data["features"]]
    assert all(c["kind"] == "cluster" for c in clusters)
    assert sorted(c["count"] for c in clusters) == [2, 4]
    # Zoomed into one province, few enough remain to send one by one.
    data = get(client, zoom=9, bbox="124,37,127,39", facilities="0")
    assert data["mode"] == "points" and len(events_of(data)) == 2


@pytest.mark.django_db
def test_marker_queries_do_not_grow_with_the_number_of_events(
    client, geography, monkeypatch, django_assert_num_queries
):
    """All from the copy: the events grouped by point, the precisions' labels, the
    events sent one by one, the facility kinds' labels, the facilities: five queries
    however many events; four when clustering (no event rows). None of the record."""
    monkeypatch.setattr(public_markers, "POINT_LIMIT", 10)
    public_event(place=geography["north"], facility=geography["camp"])
    with (
        django_assert_num_queries(5, connection=connections["public"]),
        django_assert_num_queries(0, connection=connections["default"]),
    ):
        assert get(client)["mode"] == "points"
    for _ in range(4):
        public_event(place=geography["north"])
        public_event(place=geography["south"], facility=geography["camp"])
    with django_assert_num_queries(5, connection=connections["public"]):
        assert get(client)["mode"] == "points"
    for _ in range(10):
        public_event(place=geography["county"])
    with django_assert_num_queries(4, connection=connections["public"]):
        data = get(client, zoom=3)
    assert data["mode"] == "clusters" and data["total"] == 19


@pytest.mark.django_db
def test_markers_filter_like_the_case_search(client, geography):
    torture = ViolationTypeFactory(code="V05")
    event = EventFactory(publishable=True, place=geography["north"])
    ViolationFactory(
        publishable=True,
        event=event,
        violation_type=torture,
        victim=PersonFactory(publishable=True, is_alive=False),
    )
    other = public_event(place=geography["south"])
    assert set(events_of(get(client, type="V05"))) == {event.code}
    assert set(events_of(get(client, province="KP-05"))) == {other.code}
    assert set(events_of(get(client, year_from=2004))) == set()


@pytest.mark.django_db
def test_case_map_page(client, geography):
    response = client.get(reverse("cases-map"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-src="/api/cases/markers/"' in html
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert "<script>" not in html
    assert 'value="KP-09"' in html


# --- The published copy holds each event's point as the map may show it -----------


def test_the_copy_holds_the_point_the_map_may_show(geography):
    from public.models import Entry

    free = public_event(living=False, facility=geography["camp"])
    living = public_event(living=True, facility=geography["camp"])
    nowhere = public_event(living=False)
    points = {
        entry.code: (entry.latitude, entry.longitude, entry.precision, entry.coarsened)
        for entry in Entry.objects.filter(kind="event")
    }
    assert points[free.code] == (41.8344, 129.7253, P.EXACT, False)
    assert points[living.code] == (41.8, 129.8, P.PROVINCE, True)  # the province's point
    assert points[nowhere.code] == (None, None, "", False)
