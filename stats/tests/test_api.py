"""The statistics API: exact round trips, sources on every figure, CSV, constant queries."""

import csv
import io

import pytest
from django.urls import reverse

from stats.models import Measure, Sex
from stats.tests.factories import DatasetFactory, ObservationFactory


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_api_root_lists_the_sections(client, db):
    body = client.get("/api/").json()
    assert body["stats"].endswith("/api/stats/")
    assert body["schema"].endswith("/api/schema/")
    stats = client.get(body["stats"]).json()
    assert stats["observation-list"].endswith("/api/stats/observations/")


def test_2009_arrivals_round_trip_exactly_with_their_source(client, arrivals):
    url = reverse("stats-api:observation-list")
    results = client.get(url, {"dataset": "mou-arrivals", "year": 2009}).json()["results"]
    assert {r["sex"]: r["value"] for r in results} == {"male": 662, "female": 2252, "": 2914}
    assert {r["period_label"] for r in results} == {"2009"}
    for row in results:
        assert row["dataset"] == "mou-arrivals"
        assert row["dataset_edition"].startswith("final annual series")
        assert "unikorea.go.kr" in row["dataset_address"]


def test_the_1999_2001_span_is_one_figure_and_no_single_year(client, arrivals):
    url = reverse("stats-api:observation-list")
    span = client.get(url, {"dataset": "mou-arrivals", "period": "1999-2001", "sex": "total"})
    assert [(r["period_start"], r["period_end"], r["value"]) for r in span.json()["results"]] == [
        (1999, 2001, 1043)
    ]
    for year in (1999, 2000, 2001):
        assert client.get(url, {"dataset": "mou-arrivals", "year": year}).json()["count"] == 0
    inside = client.get(url, {"dataset": "mou-arrivals", "year_from": 1999, "year_to": 2002})
    assert {r["period_label"] for r in inside.json()["results"]} == {"1999-2001", "2002"}


def test_arrivals_series_gives_female_share_and_spans(client, arrivals):
    body = client.get(reverse("stats-api:series-arrivals")).json()
    rows = {r["period"]: r for r in body["rows"]}
    assert (rows["2009"]["male"], rows["2009"]["female"], rows["2009"]["total"]) == (
        662,
        2252,
        2914,
    )
    assert rows["2009"]["female_share"] == 77.3
    assert rows["1999-2001"]["total"] == 1043
    assert list(rows)[:2] == ["up to 1998", "1999-2001"]
    assert body["computed_columns"] == ["female_share"]
    assert body["dataset"]["slug"] == "mou-arrivals"
    assert any("1,043" in c for c in body["caveats"])


def test_observations_csv_names_the_source_of_every_row(client, arrivals):
    response = client.get(
        reverse("stats-api:observation-list"), {"format": "csv", "dataset": "mou-arrivals"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())  # for Excel
    rows = csv_rows(response)
    assert len(rows) == 78  # not paginated
    row = next(r for r in rows if r["period_label"] == "2009" and r["sex"] == "female")
    assert row["value"] == "2252"
    assert row["dataset_edition"] and row["dataset_address"]


def test_series_csv_carries_dataset_edition_and_address(client, arrivals):
    rows = csv_rows(client.get(reverse("stats-api:series-arrivals"), {"format": "csv"}))
    row = next(r for r in rows if r["period"] == "2009")
    assert (row["male"], row["female"], row["total"], row["female_share"]) == (
        "662", "2252", "2914", "77.3",
    )  # fmt: skip
    assert row["dataset"] == "mou-arrivals" and "unikorea" in row["dataset_address"]


def test_unhcr_series_keep_measures_apart_and_years_missing(client, unhcr):
    rows = {
        r["year"]: r for r in client.get(reverse("stats-api:series-unhcr-by-year")).json()["rows"]
    }
    assert not {1994, 1995, 1997} & set(rows)
    assert (rows[2000]["refugees"], rows[2000]["asylum_seekers"]) == (15, 50)
    assert rows[1996]["refugees_small_cells"] == 2
    body = client.get(reverse("stats-api:series-unhcr-by-country"), {"year": 1996}).json()
    assert body["year"] == 1996
    assert {(r["country"], r["refugees"], r["refugees_status"]) for r in body["rows"]} == {
        ("KHM", 5, "small"), ("UZB", 5, "small"),
    }  # fmt: skip


def test_emigrant_stock_one_edition_at_a_time(client, shipped):
    url = reverse("stats-api:series-emigrant-stock")
    body = client.get(url, {"dataset": "undesa-ims-2019"}).json()
    assert body["year"] == 2019
    assert body["rows"][0]["destination"] == "KAZ" and body["rows"][0]["total"] == 64370
    assert body["rows"][0]["male"] is None  # 2019 has no split by sex
    body = client.get(url, {"dataset": "undesa-ims-2020", "year": 2015}).json()
    aut = next(r for r in body["rows"] if r["destination"] == "AUT")
    assert aut["total"] == 118  # the 2020 edition's figure, not the 2019 edition's 2,687
    assert client.get(url, {"dataset": "nope"}).status_code == 404


def test_profile_series_in_publishers_order(client, shipped):
    url = reverse("stats-api:series-profile")
    body = client.get(url, {"dimension": "occupation"}).json()
    assert body["rows"][2]["category"] == "Workers"
    assert body["rows"][2]["category_ko"] == "노동자"
    assert (body["rows"][2]["male"], body["rows"][2]["total"]) == (4204, 13547)
    ages = client.get(url, {"dimension": "age_band", "dataset": "mou-profile-2022"}).json()
    assert [r["male"] for r in ages["rows"]] == [None] * 7


def make_observations(n):
    dataset = DatasetFactory()
    for i in range(n):
        ObservationFactory(dataset=dataset, measure=Measure.ARRIVALS, sex=Sex.FEMALE, value=i)
    return dataset


@pytest.mark.parametrize("n", [3, 30])
def test_observation_list_takes_three_queries_whatever_the_size(
    client, db, django_assert_num_queries, n
):
    make_observations(n)
    # 1. the revision of the figures (core/caching.py); 2. COUNT for the paginator;
    # 3. the page of observations JOIN their dataset.
    with django_assert_num_queries(3):
        response = client.get(reverse("stats-api:observation-list"))
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [2, 20])
def test_observation_csv_takes_two_queries(client, db, django_assert_num_queries, n):
    make_observations(n)
    # 1. the revision; 2. all matching observations JOIN their dataset (not paginated).
    with django_assert_num_queries(2):
        response = client.get(reverse("stats-api:observation-list"), {"format": "csv"})
    assert len(csv_rows(response)) == n


@pytest.mark.parametrize("n", [1, 10])
def test_dataset_list_takes_three_queries(client, db, django_assert_num_queries, n):
    for _ in range(n):
        make_observations(2)
    # 1. the revision; 2. COUNT for the paginator; 3. the datasets with their counts.
    with django_assert_num_queries(3):
        response = client.get(reverse("stats-api:dataset-list"))
    assert [d["observation_count"] for d in response.json()["results"]] == [2] * n


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("series-arrivals", {}),
        ("series-unhcr-by-year", {}),
        ("series-unhcr-by-country", {"year": 2010}),
        ("series-emigrant-stock", {}),
        ("series-profile", {"dimension": "education"}),
    ],
)
def test_each_series_takes_three_queries(client, shipped, django_assert_num_queries, name, params):
    # 1. the revision; 2. the dataset by its identifier; 3. its observations.
    with django_assert_num_queries(3):
        response = client.get(reverse(f"stats-api:{name}"), params)
    assert response.status_code == 200
    assert response.json()["rows"]


def test_api_is_read_only(client, arrivals):
    response = client.post(reverse("stats-api:observation-list"), {"value": 1})
    assert response.status_code == 405


def test_schema_documents_the_stats_endpoints(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    paths = response.json()["paths"]
    assert "/api/stats/observations/" in paths
    params = {p["name"] for p in paths["/api/stats/observations/"]["get"]["parameters"]}
    assert {"dataset", "measure", "year", "year_from", "year_to", "origin", "sex"} <= params
    assert "/api/stats/series/emigrant-stock/" in paths
