"""Issue 20, finding 1: a question the figures cannot answer gets a 400 or a 404
naming what there is, never a 200 with other figures."""

import pytest
from django.urls import reverse

from stats.tests.test_api import make_observations


def messages(response):
    body = response.json()
    return " ".join(str(v) for v in (body.values() if isinstance(body, dict) else body))


def test_a_year_the_unhcr_series_lacks_is_a_404_naming_its_years(client, unhcr):
    url = reverse("stats-api:series-unhcr-by-country")
    response = client.get(url, {"year": 1997})
    assert response.status_code == 404
    assert "1996" in messages(response) and "2025" in messages(response)
    assert client.get(url, {"year": 1996}).json()["year"] == 1996
    assert client.get(url, {"year": "last"}).status_code == 400


def test_a_year_the_emigrant_stock_lacks_is_a_404(client, shipped):
    url = reverse("stats-api:series-emigrant-stock")
    response = client.get(url, {"dataset": "undesa-ims-2020", "year": 1991})
    assert response.status_code == 404
    assert "2020" in messages(response)


def test_an_unknown_dimension_is_a_400_listing_the_accepted_ones(client, shipped):
    response = client.get(reverse("stats-api:series-profile"), {"dimension": "bogus"})
    assert response.status_code == 400
    assert "age_band" in messages(response) and "province" in messages(response)


def test_a_dimension_the_dataset_lacks_borrows_no_figures(client, shipped):
    """A 404 (no such figures), not a 400: the value is one the schema allows."""
    response = client.get(
        reverse("stats-api:series-profile"), {"dataset": "mou-arrivals", "dimension": "province"}
    )
    assert response.status_code == 404
    assert "mou-arrivals" in messages(response)
    assert "223" not in response.content.decode()


def test_every_profile_row_is_a_category_of_the_dimension(client, shipped):
    body = client.get(reverse("stats-api:series-profile"), {"dimension": "province"}).json()
    assert body["rows"] and all(row["category"] for row in body["rows"])


def test_an_unknown_dataset_is_refused_naming_the_datasets(client, arrivals):
    response = client.get(reverse("stats-api:observation-list"), {"dataset": "bogus"})
    assert response.status_code == 404
    assert "mou-arrivals" in messages(response)
    response = client.get(reverse("stats-api:series-arrivals"), {"dataset": "bogus"})
    assert response.status_code == 404
    assert "mou-arrivals" in messages(response)


@pytest.mark.parametrize("name", ["observation-list", "dataset-list"])
def test_page_size_is_honoured_up_to_1000(client, db, django_assert_num_queries, name):
    make_observations(60)
    url = reverse(f"stats-api:{name}")
    # 1. the revision; 2. COUNT for the paginator; 3. the page.
    with django_assert_num_queries(3):
        response = client.get(url, {"page_size": 1000})
    assert response.status_code == 200
    if name == "observation-list":
        assert len(response.json()["results"]) == 60
        assert len(client.get(url, {"page_size": 7}).json()["results"]) == 7
    for bad in (1001, 0, "all", -1):
        response = client.get(url, {"page_size": bad})
        assert response.status_code == 400, bad
        assert "1000" in messages(response)


def test_observations_for_one_dataset_keep_their_query_count(client, db, django_assert_num_queries):
    dataset = make_observations(5)
    # 1. the revision; 2. the dataset by its identifier; 3. COUNT; 4. the page.
    with django_assert_num_queries(4):
        response = client.get(reverse("stats-api:observation-list"), {"dataset": dataset.slug})
    assert response.json()["count"] == 5


def test_the_schema_documents_the_refusals(client, db):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    profile = paths["/api/stats/series/profile/"]["get"]
    assert {"200", "400", "404"} <= set(profile["responses"])
    dimension = next(p for p in profile["parameters"] if p["name"] == "dimension")
    assert "province" in dimension["schema"]["enum"]
    observations = paths["/api/stats/observations/"]["get"]
    assert "400" in observations["responses"]
    page_size = next(p for p in observations["parameters"] if p["name"] == "page_size")
    assert "1000" in page_size["description"]
    assert "404" in paths["/api/stats/series/unhcr-by-country/"]["get"]["responses"]
    for path in ("/api/stats/maps/provinces/", "/api/stats/maps/flows/"):
        assert {"200", "400", "404"} <= set(paths[path]["get"]["responses"])
    schema = client.get("/api/schema/", {"format": "json"}).json()
    page = schema["components"]["schemas"]["PaginatedObservationList"]
    assert "editions" in page["required"] and "all" in page["properties"]["editions"]["description"]


@pytest.mark.parametrize(
    ("name", "dataset"),
    [
        ("series-unhcr-by-country", "mou-arrivals"),
        ("series-unhcr-by-year", "undesa-ims-2020"),
        ("series-arrivals", "unhcr-rpkg-2025-12-1"),
        ("series-emigrant-stock", "mou-profile-2024"),
        ("series-profile", "undesa-ims-2020"),
    ],
)
def test_a_dataset_of_another_kind_is_a_404_not_an_empty_series(client, shipped, name, dataset):
    response = client.get(reverse(f"stats-api:{name}"), {"dataset": dataset})
    assert response.status_code == 404
    assert dataset in messages(response)


@pytest.mark.parametrize(
    "url",
    [
        "/api/stats/",
        "/api/stats/datasets/",
        "/api/stats/datasets/mou-arrivals/",
        "/api/stats/observations/",
        "/api/stats/observations/1/",
        "/api/stats/series/arrivals/",
        "/api/stats/series/unhcr-by-year/",
        "/api/stats/series/unhcr-by-country/",
        "/api/stats/series/emigrant-stock/",
        "/api/stats/series/profile/",
        "/api/stats/maps/provinces/",
        "/api/stats/maps/flows/",
        "/api/stats/maps/boundaries/korea/",
    ],
)
def test_every_stats_address_refuses_an_unknown_parameter(client, db, url):
    response = client.get(url, {"country": "CAN"})
    assert response.status_code == 400, response.content[:300]
    assert "Unknown query parameter" in messages(response)


@pytest.mark.parametrize(
    ("url", "params", "accepted"),
    [
        ("stats-api:observation-list", {"measure": "bogus"}, "arrivals, residents, refugees"),
        ("stats-api:observation-list", {"sex": "both"}, "male, female, total"),
        ("stats-api:observation-list", {"status": "missing"}, "reported, not_reported"),
        ("stats-api:observation-list", {"editions": "newest"}, "current, all"),
        ("stats-api:dataset-list", {"classification": "refugees"}, "unhcr_populations"),
    ],
)
def test_an_unknown_value_is_a_400_listing_the_accepted_ones(client, db, url, params, accepted):
    response = client.get(reverse(url), params)
    assert response.status_code == 400
    (name,) = params
    assert accepted in response.json()[name][0]


@pytest.mark.parametrize(
    ("url", "dataset"),
    [
        ("stats-api:series-unhcr-by-year", "unhcr-rpkg-2025-12-1"),
        ("stats-api:series-unhcr-by-country", "unhcr-rpkg-2025-12-1"),
        ("stats-api:series-emigrant-stock", "undesa-ims-2020"),
    ],
)
def test_an_origin_the_dataset_lacks_is_a_404_not_an_empty_series(client, shipped, url, dataset):
    response = client.get(reverse(url), {"dataset": dataset, "origin": "zzz"})
    assert response.status_code == 404
    assert "ZZZ" in messages(response) and "PRK" in messages(response)
    assert client.get(reverse(url), {"dataset": dataset, "origin": "prk"}).json()["rows"]
