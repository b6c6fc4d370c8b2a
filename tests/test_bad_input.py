"""Oversized and malformed input gets a 4xx or a clear message, never a 500."""

import pytest
from django.core.cache import cache
from django.utils.http import urlencode

from cases.tests.factories import published_case

pytestmark = pytest.mark.django_db

HUGE = "9" * 40
# "²" passes str.isdigit() but not int(): it crashed the search page's pagination.
BAD_VALUES = [HUGE, "-1", "abc", "x" * 10_000, "a\x00b", "²", "2003-02-30"]
PAGES = [
    "/cases/", "/cases/counts/", "/cases/map/", "/stats/", "/stats/arrivals/", "/stats/profile/",
    "/stats/refugees/", "/stats/emigrant-stock/", "/stats/maps/", "/stats/maps/flows/",
    "/api/cases/events/", "/api/cases/violations/", "/api/cases/testimonies/",
    "/api/cases/crossings/", "/api/cases/aggregates/", "/api/cases/markers/",
    "/api/cases/places/", "/api/cases/facilities/", "/api/stats/observations/",
    "/api/stats/series/arrivals/", "/api/stats/series/profile/", "/api/stats/maps/provinces/",
    "/api/stats/maps/flows/",
]  # fmt: skip
PARAMETERS = [
    "page", "page_size", "year", "year_from", "year_to", "q", "type", "province", "sex", "age",
    "sort", "kind", "format", "bbox", "zoom", "rows", "cols", "by", "dataset", "outcome", "level",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _records():
    published_case()


@pytest.mark.parametrize("url", PAGES)
def test_malformed_parameters_never_cause_a_server_error(client, url):
    failures = {}
    for name in PARAMETERS:
        for value in BAD_VALUES:
            cache.clear()
            response = client.get(url + "?" + urlencode({name: value}))
            if response.status_code >= 500:
                failures[f"{name}={value[:20]!r}"] = response.status_code
    assert not failures, failures


def test_an_unknown_filter_choice_is_a_400_in_the_api(client):
    response = client.get("/api/cases/violations/?sex=unicorn")
    assert response.status_code == 400
    assert "sex" in response.json()


def test_a_page_past_the_end_is_a_404_in_the_api(client):
    assert client.get(f"/api/cases/events/?page={HUGE}").status_code == 404


def test_a_malformed_import_file_gets_a_clear_message(client):
    from cases.models import Person
    from cases.tests.factories import UserFactory
    from cases.tests.personas import login_with_second_factor

    login_with_second_factor(client, UserFactory(username="admin1", roles=["administrator"]))
    before = Person.objects.count()
    for name, content in [
        ("persons.csv", b"\xff\xfe\x00garbage\x00\x00"),
        ("persons.xlsx", b"not a zip file"),
        ("persons.csv", b"code,pseudonym\n" + b"x" * 100_000 + b"\n"),
    ]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile(name, content)
        response = client.post(
            "/admin/cases/person/import/",
            {"import_file": upload, "format": "0" if name.endswith("csv") else "1"},
        )
        assert response.status_code < 500, name
        assert response.status_code in (200, 400), name
    assert Person.objects.count() == before


def test_a_nul_byte_in_the_query_string_is_refused_with_400(client, db):
    for url in (
        "/cases/?q=a%00b",
        "/api/cases/events/?q=%00",
        "/api/stats/observations/?dataset=%00",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert b"NUL" in response.content
