"""The case API over the published copy (public/api.py): the stored data in the
visitor's language, the search page's matches, its refusals, the reference lists."""

import pytest
from django.db import connections
from django.utils import timezone, translation

from core.throttling import SearchRateThrottle
from public import api
from public.models import Generation, Reference
from public.tests.factories import entry, option, type_keys

pytestmark = pytest.mark.django_db

EVENTS = "/api/cases/events/"


@pytest.fixture(autouse=True)
def _unthrottled(monkeypatch):
    monkeypatch.setattr(SearchRateThrottle, "THROTTLE_RATES", {"search": "100000/minute"})


def advance(position):
    return Generation.advance(position=position, at=timezone.now())


def event(code, **fields):
    """An event entry whose stored data names its code and language."""
    data = {
        language: {"url": f"/api/cases/events/{code}/", "code": code, "language": language}
        for language in ("en", "ko")
    }
    return entry("event", code=code, data=data, **fields)


def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_a_row_is_the_stored_data_in_the_visitors_language_with_an_absolute_address(client):
    event("EV-1")
    row = client.get(EVENTS).json()["results"][0]
    assert row == {
        "url": "http://testserver/api/cases/events/EV-1/",
        "code": "EV-1",
        "language": "en",
    }
    assert client.get(f"{EVENTS}EV-1/").json()["language"] == "en"
    # The API's addresses carry no language prefix: English, as the interface's
    # default; a request in Korean would be served the Korean data.
    with translation.override("ko-kr"):
        assert api.language() == "ko"
    with translation.override("en"):
        assert api.language() == "en"


def test_a_code_not_in_the_copy_is_not_found(client):
    event("EV-1")
    assert client.get(f"{EVENTS}EV-2/").status_code == 404
    assert client.get("/api/cases/violations/EV-1/").status_code == 404  # another kind


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=camp",
        "?type=2",
        "?type=2.1&sex=female",
        "?province=NH&year_from=2001",
        "?year_to=2000&sort=oldest",
        "?q=camp&sort=code",
    ],
)
def test_the_api_finds_what_the_search_page_finds(client, query):
    advance(1)
    option("sex", "female", "female", "여성", 1)
    event("EV-1", title_en="Camp", year=2000, keys={"type": type_keys("2.1"), "sex": "female"})
    event("EV-2", title_en="Camp again", year=2003, keys={"type": type_keys("2.2")})
    event("EV-3", title_en="Other", year=2001, keys={"type": "1", "province": "NH"})
    event("EV-4", title_en="Undated camp", keys={"type": type_keys("2.1"), "province": "NH"})
    page = client.get("/cases/" + query)
    found = [result["record"].code for result in page.context["results"]]
    assert found
    assert codes(client.get(EVENTS + query)) == found


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("year_from=abc", "year_from"),
        ("year_to=10000", "year_to"),
        ("sort=nope", "sort"),
        ("sex=nope", "sex"),
        ("type=x&age=7", "age"),
    ],
)
def test_an_invalid_value_is_a_400_naming_its_parameter(client, query, name):
    advance(1)
    option("sex", "female", "female", "여성", 1)
    response = client.get(f"{EVENTS}?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_a_facet_of_another_kind_is_refused(client):
    response = client.get("/api/cases/testimonies/?type=2")
    assert response.status_code == 400
    assert "Unknown query parameter" in response.json()["type"][0]


def test_pages_and_the_flag_of_a_capped_count(client):
    for number in range(5):
        event(f"EV-{number}")
    data = client.get(EVENTS, {"page_size": 2, "page": 2}).json()
    assert data["count"] == 5 and data["count_capped"] is False
    assert len(data["results"]) == 2 and data["next"] and data["previous"]


def test_a_publication_renews_the_cached_list_and_nothing_else_does(client):
    advance(1)
    event("EV-1")
    assert codes(client.get(EVENTS)) == ["EV-1"]
    event("EV-2")  # in the copy, but no new generation yet
    assert codes(client.get(EVENTS)) == ["EV-1"]
    advance(2)
    assert sorted(codes(client.get(EVENTS))) == ["EV-1", "EV-2"]


def reference(name, code, **data):
    return Reference.objects.create(list=name, code=code, data={"code": code, **data})


def test_the_reference_lists_keep_their_filters(client, django_assert_num_queries):
    reference("violation-type", "V01", parent=None, crime_against_humanity=True)
    reference("violation-type", "V01.1", parent="V01", crime_against_humanity=False)
    reference("place", "NH", parent=None, level="province")
    reference("place", "NH-01", parent="NH", level="county")
    reference("facility", "F1", kind="kwanliso", status="operating")
    reference("organization", "O1", country="KP", kind="police")

    def found(url, **params):
        return sorted(codes(client.get(url, params)))

    types = "/api/cases/violation-types/"
    assert found(types) == ["V01", "V01.1"]
    assert found(types, parent__code="V01") == ["V01.1"]
    assert found(types, crime_against_humanity="true") == ["V01"]
    assert found(types, crime_against_humanity="False") == ["V01.1"]
    assert client.get(types, {"crime_against_humanity": "maybe"}).status_code == 400
    assert found("/api/cases/places/", level="county") == ["NH-01"]
    assert found("/api/cases/places/", parent__code="NH") == ["NH-01"]
    assert found("/api/cases/facilities/", kind="kwanliso", status="operating") == ["F1"]
    assert found("/api/cases/facilities/", status="closed") == []
    assert found("/api/cases/organizations/", country="KP", kind="police") == ["O1"]
    assert client.get("/api/cases/places/NH-01/").json()["parent"] == "NH"
    assert client.get("/api/cases/places/V01/").status_code == 404  # another list's code
    with django_assert_num_queries(0, connection=connections["default"]):
        client.get("/api/cases/places/?level=province")


def test_csv_is_flat_and_named(client):
    event("EV-1")
    response = client.get(EVENTS, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="events.csv"'
    # A byte-order mark first, so that Excel reads the UTF-8.
    assert response.content.startswith("\ufeff".encode())
    assert response.content.decode("utf-8-sig").splitlines() == [
        "url,code,language",
        "http://testserver/api/cases/events/EV-1/,EV-1,en",
    ]


def test_an_etag_answers_304(client):
    event("EV-1")
    etag = client.get(EVENTS)["ETag"]
    assert client.get(EVENTS, HTTP_IF_NONE_MATCH=etag).status_code == 304
