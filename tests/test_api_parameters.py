"""Cached API responses: a query parameter no view reads is refused, so that junk
makes no cache entry, and the same parameters in another order hit the same one."""

import pytest
from django.db import connections

from cases.tests import factories
from core.caching import PUBLIC, STATS
from core.testing import cache_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    violation = factories.ViolationFactory(
        event=factories.EventFactory(**factories.PUBLISHED), **factories.PUBLISHED
    )
    return violation.event


def entries(scope):
    return cache_entries(scope)


@pytest.mark.parametrize(
    ("scope", "url"),
    [
        (PUBLIC, "/api/cases/events/?q=x"),
        (PUBLIC, "/api/cases/events/{code}/"),
        (PUBLIC, "/api/cases/aggregates/?by=type"),
        (PUBLIC, "/api/cases/places/"),
        (STATS, "/api/stats/datasets/"),
        (STATS, "/api/stats/series/arrivals/"),
    ],
)
def test_an_unknown_parameter_is_refused_and_makes_no_cache_entry(client, event, scope, url):
    url = url.format(code=event.code)
    assert client.get(url).status_code in (200, 404)
    before = entries(scope)
    separator = "&" if "?" in url else "?"
    for junk in ("junk=1", "junk=2", "_=1733300000", "utm_source=mail"):
        response = client.get(f"{url}{separator}{junk}")
        assert response.status_code == 400
        name = junk.split("=")[0]
        assert "Unknown query parameter" in response.json()[name][0]
    assert entries(scope) == before


def test_a_page_or_a_filter_on_one_record_is_refused(client, event):
    assert client.get(f"/api/cases/events/{event.code}/?page=2").status_code == 400
    assert client.get(f"/api/cases/events/{event.code}/?format=json").status_code == 200


def test_the_same_parameters_in_another_order_hit_the_same_entry(
    client, event, django_assert_num_queries
):
    assert client.get("/api/cases/events/?sort=newest&page_size=10&q=x").status_code == 200
    with (
        django_assert_num_queries(0, connection=connections["default"]),
        django_assert_num_queries(1, connection=connections["public"]),  # the generation
    ):
        response = client.get("/api/cases/events/?q=x&page_size=10&sort=newest")
    assert response.status_code == 200


def test_every_parameter_the_public_schema_documents_is_accepted(client, event):
    schema = client.get("/api/schema/?format=json").json()
    refused, checked = [], 0
    for path, operations in schema["paths"].items():
        if "{" in path:
            path = path.replace("{code}", event.code).replace("{slug}", "x")
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] != "query":
                continue
            response = client.get(path, {parameter["name"]: "1"})
            checked += 1
            if response.status_code == 400 and "Unknown query parameter" in str(response.json()):
                refused.append((path, parameter["name"]))
    assert refused == []
    assert checked > 40


def test_the_search_pages_export_links_name_only_what_the_api_reads(client, event):
    """A facet of another kind stays in the search's address but not in its export link."""
    response = client.get("/cases/?kind=testimonies&type=V04&q=x")
    assert response.status_code == 200
    csv_url = response.context["csv_url"]
    assert "type=" not in csv_url
    assert client.get(csv_url).status_code == 200
