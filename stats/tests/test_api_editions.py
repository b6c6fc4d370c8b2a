"""Issue 20, finding 2: editions are never mixed unless asked for, and say which they are."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from stats.models import Dataset, Measure, Observation, family_of
from stats.services import statistics_import
from stats.tests.conftest import SAMPLES
from stats.tests.factories import DatasetFactory, ObservationFactory

URL = "/api/stats/observations/"
CURATED = "unhcr-rpkg-2025-12-1"


@pytest.fixture
def unhcr_with_export(unhcr):
    statistics_import(format="unhcr-export", path=SAMPLES / "unhcr_rdf_2024.csv")
    (export,) = Dataset.objects.filter(slug__startswith="unhcr-rdf-")
    return export


def total(response):
    return sum(row["value"] or 0 for row in response.json()["results"])


def test_the_observations_api_answers_from_the_current_edition_only(client, unhcr_with_export):
    query = {"origin": "PRK", "measure": Measure.REFUGEES, "year": 2023, "page_size": 1000}
    curated = client.get(URL, {**query, "dataset": CURATED})
    export = client.get(URL, {**query, "dataset": unhcr_with_export.slug})
    assert curated.json()["count"] and export.json()["count"]  # both editions have 2023

    response = client.get(URL, query)
    assert response["Editions"] == "current"
    assert client.get(URL, query)["Editions"] == "current"  # the cached answer too
    assert total(response) == total(curated)
    assert {row["dataset"] for row in response.json()["results"]} == {CURATED}
    assert all(row["dataset_edition"] for row in response.json()["results"])

    assert response.json()["editions"] == "current"
    mixed = client.get(URL, {**query, "editions": "all"})
    assert mixed.status_code == 200, mixed.content
    assert mixed["Editions"] == mixed.json()["editions"] == "all"
    assert mixed.json()["count"] == curated.json()["count"] + export.json()["count"]
    assert export["Editions"] == export.json()["editions"] == unhcr_with_export.slug
    assert client.get(URL, {**query, "editions": "some"}).status_code == 400


def test_the_csv_answer_also_holds_one_edition(client, unhcr_with_export):
    response = client.get(URL, {"format": "csv", "origin": "PRK", "year": 2023})
    assert response["Editions"] == "current"
    assert CURATED in response.content.decode()
    assert unhcr_with_export.slug not in response.content.decode()


def test_the_current_edition_reaches_the_latest_year_then_was_retrieved_last(db):
    old = ObservationFactory(dataset=DatasetFactory(slug="unhcr-old"), period_start=2024).dataset
    new = ObservationFactory(dataset=DatasetFactory(slug="unhcr-new"), period_start=2025).dataset
    other = DatasetFactory(slug="mou-arrivals")
    assert old.family == new.family == "unhcr-populations"
    assert set(Dataset.objects.current()) == {new, other}
    ObservationFactory(dataset=old, period_start=2025)
    old.retrieved = "2026-01-01"
    old.save()
    assert set(Dataset.objects.current()) == {old, other}
    assert set(Observation.objects.current_editions().values_list("dataset", flat=True)) == {old.pk}


def test_families_follow_the_identifiers():
    assert family_of("undesa-ims-2020") == family_of("undesa-ims-2020-file") == "undesa-ims"
    assert family_of("mou-profile-2022") == "mou-profile" != family_of("mou-arrivals")
    assert family_of("wb-gbmd-2000-total") != family_of("wb-gbmd-1960-2000")
    assert family_of("something-new") == "something-new"


@pytest.mark.parametrize("n", [3, 30])
def test_current_editions_take_no_extra_query(client, db, django_assert_num_queries, n):
    for i in range(n):
        ObservationFactory(dataset=DatasetFactory(slug=f"unhcr-{i}"), period_start=2000 + i)
    # 1. the revision; 2. COUNT; 3. the page (the current editions are a subquery).
    with django_assert_num_queries(3):
        response = client.get(URL)
    assert [row["dataset"] for row in response.json()["results"]] == [f"unhcr-{n - 1}"]


def test_edition_labels_are_unique(client, shipped):
    for fmt, sample in [
        ("undesa-2020", "undesa_ims_2020.csv"),
        ("undesa-2019", "undesa_ims_2019.csv"),
    ]:
        statistics_import(format=fmt, path=SAMPLES / sample)
    datasets = list(Dataset.objects.all())
    labels = [str(d) for d in datasets]
    assert len(set(labels)) == len(labels)
    by_edition = [f"{d.publisher}: {d.edition_label}" for d in datasets]
    assert len(set(by_edition)) == len(by_edition)
    page = client.get(reverse("stats:emigrant-stock")).content.decode()
    assert "International Migrant Stock 2020 [undesa-ims-2020-file]" in page


def test_the_data_migration_fills_the_families_of_existing_datasets(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("stats.migrations.0004_dataset_family")
    for slug in ("undesa-ims-2019", "unhcr-rdf-13-june-2024", "dataset-x"):
        DatasetFactory(slug=slug)
    Dataset.objects.update(family="")
    migration.fill_families(apps, SimpleNamespace(connection=connection))
    assert dict(Dataset.objects.values_list("slug", "family")) == {
        "undesa-ims-2019": "undesa-ims",
        "unhcr-rdf-13-june-2024": "unhcr-populations",
        "dataset-x": "dataset-x",
    }


@pytest.mark.parametrize("n", [1, 10])
def test_the_dataset_list_says_which_edition_is_current(client, db, django_assert_num_queries, n):
    for i in range(n):
        ObservationFactory(dataset=DatasetFactory(slug=f"unhcr-{i}"), period_start=2000 + i)
    ObservationFactory(dataset=DatasetFactory(slug="mou-arrivals"))
    # 1. the revision; 2. COUNT; 3. the datasets with their counts and current flags.
    with django_assert_num_queries(3):
        rows = client.get(reverse("stats-api:dataset-list"), {"family": "unhcr-populations"})
    current = {d["slug"]: d["is_current"] for d in rows.json()["results"]}
    assert current == {f"unhcr-{i}": i == n - 1 for i in range(n)}
