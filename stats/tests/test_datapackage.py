"""Issue 20, "what to build": each dataset as a Frictionless data package, which
open-data tools load directly. Each package must be valid, and its rows must be
the API's rows."""

import json

import frictionless
import pytest
from django.urls import reverse

from stats.datapackage import COLUMNS
from stats.models import Dataset
from stats.tests.factories import DatasetFactory, ObservationFactory


def api_rows(client, slug):
    """Every observation row of one dataset, as the observations API gives them."""
    url, params, rows = (
        reverse("stats-api:observation-list"),
        {"dataset": slug, "page_size": 1000},
        [],
    )
    while url:
        page = client.get(url, params).json()
        rows += page["results"]
        url, params = page["next"], None
    return rows


def package_on_disk(client, slug, tmp_path):
    """The served datapackage.json and CSV, written side by side as a user downloads them."""
    response = client.get(reverse("stats-api:dataset-datapackage", kwargs={"slug": slug}))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    descriptor = response.json()
    (resource,) = descriptor["resources"]
    assert resource["path"] == (f"http://testserver/api/stats/datasets/{slug}/observations.csv")
    csv_response = client.get(resource["path"].removeprefix("http://testserver"))
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    folder = tmp_path / slug
    folder.mkdir()
    (folder / "observations.csv").write_bytes(csv_response.content)
    resource["path"] = "observations.csv"
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder / "datapackage.json", descriptor


def typed(row):
    """An API row's values in the package's columns, as frictionless reads them back."""
    return {name: (None if row[name] == "" else row[name]) for name in COLUMNS}


def test_a_package_states_types_missing_values_sources_licence_and_caveats(client, db):
    dataset = DatasetFactory(
        slug="unhcr-test",
        publisher="UNHCR",
        title="Refugees",
        edition="2025",
        address="https://www.unhcr.org/refugee-statistics/download",
        licence="CC BY 4.0",
        caveat_ids=["unhcr-small-counts"],
    )
    ObservationFactory(dataset=dataset, value=None, status="not_reported")
    response = client.get(reverse("stats-api:dataset-datapackage", kwargs={"slug": "unhcr-test"}))
    package = response.json()
    assert package["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0",
        }
    ]
    assert package["sources"] == [
        {
            "title": "UNHCR, Refugees, 2025",
            "path": "https://www.unhcr.org/refugee-statistics/download",
        }
    ]
    assert [c["id"] for c in package["caveats"]] == ["unhcr-small-counts"]
    assert package["caveats"][0]["ko"].startswith("1996~2001년")
    schema = package["resources"][0]["schema"]
    assert schema["missingValues"] == [""]
    types = {f["name"]: f["type"] for f in schema["fields"]}
    assert types["value"] == types["period_start"] == types["period_end"] == "integer"
    assert [f["name"] for f in schema["fields"]] == COLUMNS
    csv_text = client.get(package["resources"][0]["path"]).content.decode()
    # The unreported figure is an empty cell, never 0.
    assert csv_text.splitlines()[1].split(",")[16] == ""


def test_a_browser_opening_the_package_gets_the_json_file(client, db):
    DatasetFactory(slug="in-a-browser")
    url = reverse("stats-api:dataset-datapackage", kwargs={"slug": "in-a-browser"})
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(url, HTTP_ACCEPT=accept)
    assert response["Content-Type"] == "application/json"
    assert response.json()["name"] == "in-a-browser"


def test_an_unknown_dataset_has_no_package(client, db):
    response = client.get(reverse("stats-api:dataset-datapackage", kwargs={"slug": "bogus"}))
    assert response.status_code == 404
    response = client.get(reverse("stats-api:dataset-observations-csv", kwargs={"slug": "bogus"}))
    assert response.status_code == 404


def test_the_csv_is_read_in_one_query(client, db, django_assert_num_queries):
    dataset = DatasetFactory(slug="one-query")
    ObservationFactory.create_batch(3, dataset=dataset)
    url = reverse("stats-api:dataset-observations-csv", kwargs={"slug": "one-query"})
    # 1. the dataset; 2. its observations.
    with django_assert_num_queries(2):
        assert len(client.get(url).content.decode().splitlines()) == 4


def test_every_dataset_page_links_its_package(client, shipped):
    html = client.get(reverse("stats:arrivals")).content.decode()
    assert 'href="/api/stats/datasets/mou-arrivals/datapackage.json"' in html
    about = client.get(reverse("stats:about")).content.decode()
    for slug in Dataset.objects.values_list("slug", flat=True):
        assert f'href="/api/stats/datasets/{slug}/datapackage.json"' in about


@pytest.mark.parametrize(
    "slug",
    [
        "mou-arrivals", "mou-profile-2024", "mou-profile-2020-09", "mou-profile-2022",
        "mou-residents-2024", "mou-residents-2008", "unhcr-rpkg-2025-12-1", "undesa-ims-2020",
        "undesa-ims-2019", "wb-bilateral-matrix-2013", "wb-gbmd-1960-2000", "wb-gbmd-2000-total",
    ],
)  # fmt: skip
def test_every_shipped_dataset_is_a_valid_package_with_the_apis_rows(
    client, shipped, tmp_path, slug
):
    path, descriptor = package_on_disk(client, slug, tmp_path)
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = frictionless.Package(str(path))
    read_back = package.get_resource("observations").read_rows()
    expected = [typed(row) for row in api_rows(client, slug)]
    assert len(read_back) == len(expected) > 0
    assert [dict(row) for row in read_back] == expected
    assert descriptor["homepage"].startswith("http") and descriptor["caveats"]


def test_the_package_is_read_in_one_query(client, db, django_assert_num_queries):
    DatasetFactory(slug="one-query", caveat_ids=["mou-spans"])
    url = reverse("stats-api:dataset-datapackage", kwargs={"slug": "one-query"})
    with django_assert_num_queries(1):
        assert client.get(url).json()["caveats"][0]["id"] == "mou-spans"
