"""Issue 20, finding 3: every row of the observations API, JSON and CSV, carries its citation."""

import datetime

import pytest
from django.urls import reverse

from stats.tests.factories import DatasetFactory, ObservationFactory
from stats.tests.test_api import csv_rows

URL = "/api/stats/observations/"
CITATION = (
    "dataset_publisher", "dataset_title", "dataset_edition", "dataset_address",
    "dataset_licence", "dataset_retrieved", "citation",
)  # fmt: skip


def make_rows(n):
    dataset = DatasetFactory(
        publisher="UNHCR",
        title="Refugee Data Finder",
        edition="last updated 13 June 2024",
        address="https://www.unhcr.org/refugee-statistics/download",
        licence="CC BY 4.0",
        retrieved=datetime.date(2024, 7, 21),
    )
    for _ in range(n):
        ObservationFactory(dataset=dataset)
    return dataset


@pytest.mark.parametrize("n", [2, 20])
def test_every_json_row_names_its_source(client, db, django_assert_num_queries, n):
    make_rows(n)
    # 1. the revision; 2. COUNT; 3. the page JOIN the datasets: no query per row.
    with django_assert_num_queries(3):
        rows = client.get(URL).json()["results"]
    assert len(rows) == n
    for row in rows:
        assert (row["dataset_publisher"], row["dataset_licence"], row["dataset_retrieved"]) == (
            "UNHCR", "CC BY 4.0", "2024-07-21",
        )  # fmt: skip
        assert row["citation"] == (
            "UNHCR, Refugee Data Finder, last updated 13 June 2024. "
            "https://www.unhcr.org/refugee-statistics/download. Licence: CC BY 4.0. "
            "Retrieved 2024-07-21."
        )


@pytest.mark.parametrize("n", [2, 20])
def test_every_csv_row_names_its_source(client, db, django_assert_num_queries, n):
    make_rows(n)
    # 1. the revision; 2. all rows JOIN their datasets.
    with django_assert_num_queries(2):
        rows = csv_rows(client.get(URL, {"format": "csv"}))
    assert len(rows) == n
    for row in rows:
        assert all(row[column] for column in CITATION)
        assert row["dataset_retrieved"] == "2024-07-21"


def test_a_licence_or_date_not_recorded_is_left_empty_and_says_so(client, db):
    ObservationFactory(dataset=DatasetFactory(publisher="MOU", licence="", retrieved=None))
    (row,) = client.get(URL).json()["results"]
    assert row["dataset_licence"] == "" and row["dataset_retrieved"] is None
    assert "Licence not stated by the source." in row["citation"]
    assert "Retrieval date not recorded." in row["citation"]
    assert "Licence:" not in row["citation"] and "Retrieved " not in row["citation"]
    assert row["citation"].startswith("MOU, ")


def test_series_csv_rows_carry_the_citation_too(client, arrivals):
    rows = csv_rows(client.get(reverse("stats-api:series-arrivals"), {"format": "csv"}))
    assert all(row["citation"] and row["dataset_publisher"] for row in rows)
    body = client.get(reverse("stats-api:series-arrivals")).json()
    assert body["dataset"]["citation"].startswith(body["dataset"]["publisher"])


def test_an_export_s_extraction_date_is_its_retrieval_date(client, db):
    from stats.services import statistics_import
    from stats.tests.conftest import SAMPLES

    statistics_import(format="unhcr-export", path=SAMPLES / "unhcr_rdf_2024.csv")
    statistics_import(format="unhcr-export", path=SAMPLES / "unhcr_rdf_2023.csv")  # states none
    rows = client.get(URL, {"editions": "all", "page_size": 1000}).json()["results"]
    dates = {row["dataset"]: row["dataset_retrieved"] for row in rows}
    assert set(dates.values()) == {None, "2024-07-21"}
    assert any("Retrieved 2024-07-21." in row["citation"] for row in rows)
