"""The public API under /api/v1/ (nkdb/urls.py): the same views, answers, CORS and
throttles as under /api/, links that stay in their version, and no staff API."""

import re

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

from public.models import Reference
from public.tests.factories import entry
from stats.tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db

ORIGIN = "https://newsroom.example"


@pytest.fixture
def records():
    data = {lang: {"url": "/cases/events/EV-1/", "code": "EV-1"} for lang in ("en", "ko")}
    entry("event", code="EV-1", data=data)
    Reference.objects.create(list="place", code="KP-01", data={"code": "KP-01"})
    return DatasetFactory(slug="mou-arrivals")


def body(response):
    return b"".join(response.streaming_content if response.streaming else [response.content])


def concrete(path):
    code = "KP-01" if "/places/" in path else "EV-1"
    return path.replace("{code}", code).replace("{slug}", "mou-arrivals").replace("{id}", "1")


def test_every_public_address_answers_the_same_under_v1(client, records):
    schema = client.get("/api/schema/?format=json").json()
    versioned = client.get("/api/v1/schema/?format=json").json()
    paths = list(schema["paths"])
    assert sorted(versioned["paths"]) == sorted(
        p.replace("/api/", "/api/v1/", 1) for p in schema["paths"]
    )
    compared = 0
    for path in paths:
        today = client.get(concrete(path))
        v1 = client.get(concrete(path.replace("/api/", "/api/v1/", 1)))
        assert v1.status_code == today.status_code, path
        assert v1["Content-Type"] == today["Content-Type"], path
        # The same body, but for the links, which stay in their version.
        assert body(v1).decode().replace("/api/v1/", "/api/") == body(today).decode(), path
        compared += today.status_code == 200
    assert compared >= 15  # the others are 404s (no series data) the same on both


def test_the_v1_schema_promises_what_the_fuzzed_schema_promises(client, records):
    """tests/test_fuzz_api.py fuzzes /api/schema/; /api/v1/ is covered by being the
    same operations, parameters, answers and components under its own paths."""
    schema = client.get("/api/schema/?format=json").json()
    versioned = client.get("/api/v1/schema/?format=json").json()

    def operations(document, prefix):
        found = {}
        for path, methods in document["paths"].items():
            for method, operation in methods.items():
                found[(path.removeprefix(prefix), method)] = {
                    key: value for key, value in operation.items() if key != "operationId"
                }
        return found

    assert operations(versioned, "/api/v1/") == operations(schema, "/api/")
    assert versioned["components"] == schema["components"]


def test_links_under_v1_stay_under_v1(client, records):
    root = client.get("/api/v1/").json()
    assert root["stats"] == "http://testserver/api/v1/stats/"
    assert root["schema"] == "http://testserver/api/v1/schema/"
    assert root["docs"] == "http://testserver/api/docs/"  # one page, for every version
    dataset = client.get("/api/v1/stats/datasets/", {"page_size": 1}).json()["results"][0]
    assert dataset["url"] == "http://testserver/api/v1/stats/datasets/mou-arrivals/"
    assert client.get("/api/stats/datasets/").json()["results"][0]["url"] == (
        "http://testserver/api/stats/datasets/mou-arrivals/"
    )


@pytest.mark.parametrize(
    "path", ["/api/v1/", "/api/v1/cases/events/", "/api/v1/stats/datasets/", "/api/v1/schema/"]
)
def test_v1_may_be_read_from_any_origin_without_credentials(records, path):
    response = Client(HTTP_ORIGIN=ORIGIN).get(path)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize(
    ("path", "cors"),
    [
        ("/api/v1/cases/events/", True),
        ("/api/cases/events/", True),
        ("/api/v1/staff/persons/", False),
        ("/api/v1/staff", False),
        ("/api/staff/persons/", False),
        ("/api/v1/docs/", False),
        ("/api/docs/", False),
        ("/api/v1/staffing/", True),  # not the staff API: only its exact segment is excluded
    ],
)
def test_cors_covers_v1_as_the_unversioned_api_and_never_a_staff_path(path, cors):
    assert bool(re.match(settings.CORS_URLS_REGEX, path)) is cors


def test_there_is_no_staff_api_under_v1(client):
    response = Client(HTTP_ORIGIN=ORIGIN).get("/api/v1/staff/persons/")
    assert response.status_code == 404
    assert "Access-Control-Allow-Origin" not in response


def test_one_allowance_for_both_paths(client, records, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    answers = [client.get(p) for p in ("/api/stats/datasets/", "/api/v1/stats/datasets/")]
    assert [a["RateLimit-Remaining"] for a in answers] == ["2", "1"]
    assert client.get("/api/v1/cases/events/").status_code == 200
    refused = client.get("/api/v1/cases/events/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
