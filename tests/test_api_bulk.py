"""Bulk pulls: cursor pages beside the numbered ones, and a whole filtered list as
one streamed CSV, the same bytes as the list's CSV (core/api.py, core/renderers.py)."""

import pytest
from django.db import connections

from core.renderers import csv_text
from public.tests.factories import entry
from stats.services import statistics_import
from stats.shipped import SHIPPED_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    codes = ["EV-00005", "EV-00001", "EV-00004", "EV-00002", "EV-00003"]
    for n, code in enumerate(codes):
        title = "=HYPERLINK(1)" if n == 0 else f"title {n}"
        data = {
            lang: {"url": f"/api/cases/events/{code}/", "code": code, "title_en": title}
            for lang in ("en", "ko")
        }
        entry("event", code=code, year=2000 + n, data=data)
    return sorted(codes)


@pytest.fixture
def observations():
    statistics_import(format="mou-arrivals", path=SHIPPED_DIR / "mou_defector_arrivals_by_year.csv")


def walk(client, url):
    """Every page from `url` on, following `next`."""
    pages = []
    while url:
        body = client.get(url).json()
        pages.append(body)
        url = body["next"]
    return pages


def test_cursor_pages_give_every_row_once_in_code_order(client, events):
    pages = walk(client, "/api/v1/cases/events/?pagination=cursor&page_size=2&sort=newest")
    assert [[row["code"] for row in page["results"]] for page in pages] == [
        events[0:2],
        events[2:4],
        events[4:],
    ]
    assert all("count" not in page for page in pages)
    assert "cursor=" in pages[0]["next"] and "/api/v1/" in pages[0]["next"]
    # Numbered pages stay as they were.
    numbered = client.get("/api/v1/cases/events/", {"page_size": 2, "page": 3}).json()
    assert numbered["count"] == 5
    assert [row["code"] for row in numbered["results"]] == ["EV-00005"]  # newest first


def test_a_cursor_page_costs_what_a_numbered_one_does(client, events, django_assert_num_queries):
    first = client.get("/api/cases/events/?pagination=cursor&page_size=2").json()
    with (
        django_assert_num_queries(0, connection=connections["default"]),
        django_assert_num_queries(2, connection=connections["public"]),  # generation, page
    ):
        response = client.get(first["next"])
    assert [row["code"] for row in response.json()["results"]] == events[2:4]


def test_a_cursor_that_is_not_one_is_a_404_and_an_unknown_mode_a_400(client, events):
    assert client.get("/api/cases/events/", {"cursor": "nonsense"}).status_code == 404
    response = client.get("/api/cases/events/", {"pagination": "all"})
    assert response.status_code == 400
    assert "page, cursor" in response.json()["pagination"][0]


def test_observations_by_cursor_are_every_observation_by_id(client, observations):
    every = client.get("/api/stats/observations/", {"page_size": 1000}).json()
    pages = walk(client, "/api/stats/observations/?pagination=cursor&page_size=40")
    ids = [row["id"] for page in pages for row in page["results"]]
    assert ids == sorted(row["id"] for row in every["results"])
    assert len(ids) == every["count"] > 40
    assert {page["editions"] for page in pages} == {"current"}


def test_the_export_is_the_lists_csv_streamed(client, events, django_assert_num_queries):
    listed = client.get("/api/v1/cases/events/", {"format": "csv", "page_size": 1000})
    with (
        django_assert_num_queries(0, connection=connections["default"]),
        django_assert_num_queries(1, connection=connections["public"]),  # the rows
    ):
        exported = client.get("/api/v1/cases/events/export/")
        body = b"".join(exported.streaming_content)
    assert exported.streaming
    assert body == listed.content
    assert body.startswith("\ufeff".encode())
    assert b"'=HYPERLINK(1)" in body  # escaped as the list's CSV escapes it
    assert exported["Content-Disposition"] == 'attachment; filename="events.csv"'
    assert "ETag" not in exported


def test_the_export_takes_the_lists_filters_and_refuses_what_it_refuses(client, events):
    exported = client.get("/api/cases/events/export/", {"year_from": 2003})
    lines = b"".join(exported.streaming_content).decode("utf-8-sig").splitlines()
    assert [line.split(",")[1] for line in lines[1:]] == ["EV-00003", "EV-00002"]  # newest first
    refused = client.get("/api/cases/events/export/", {"page": 2})
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/json"


def test_the_observations_export_is_their_csv_streamed(
    client, observations, django_assert_num_queries
):
    whole = client.get("/api/stats/observations/", {"format": "csv"}).content
    with django_assert_num_queries(1):
        exported = client.get("/api/stats/observations/export/")
        body = b"".join(exported.streaming_content)
    assert body == whole
    assert exported["Editions"] == "current"
    filtered = client.get("/api/stats/observations/export/", {"year": 2019})
    assert len(b"".join(filtered.streaming_content).splitlines()) == 1 + 3  # male, female, total


def test_the_csv_is_written_a_piece_at_a_time():
    rows = ({"n": n} for n in range(5))
    assert list(csv_text(["n"], rows, chunk=2)) == ["\ufeffn\n0\n1\n", "2\n3\n", "4\n"]


def test_an_export_in_an_unknown_format_is_a_json_404(client, events):
    response = client.get("/api/cases/events/export/", {"format": "xml"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
