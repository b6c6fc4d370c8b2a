"""Cached statistics API responses: never stale after an import, constant queries, ETag."""

import csv
import importlib.util
from pathlib import Path

import pytest
from django.core.cache import caches
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from core.caching import STATS, current_token
from stats.services import statistics_import
from stats.shipped import SHIPPED_DIR
from stats.tests.factories import DatasetFactory, ObservationFactory

ARRIVALS = SHIPPED_DIR / "mou_defector_arrivals_by_year.csv"
SERIES = reverse("stats-api:series-arrivals")
OBSERVATIONS = reverse("stats-api:observation-list")


def total_2009(client, url=SERIES, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    if url == SERIES:
        return {row["period"]: row["total"] for row in response.json()["rows"]}["2009"]
    return {row["sex"]: row["value"] for row in response.json()["results"]}[""]


def reimport_with_2009_total(tmp_path, total, dry_run=False):
    """The shipped arrivals file with a corrected 2009 figure (male and total)."""
    with ARRIVALS.open(encoding="utf-8", newline="") as shipped:
        rows = list(csv.DictReader(shipped))
    for row in rows:
        row.update(cum_male="", cum_female="", cum_total="")  # no running sums to redo
        if row["period_label"] == "2009":
            row.update(male=str(total - int(row["female"])), total=str(total))
    changed = tmp_path / ARRIVALS.name
    with changed.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return statistics_import(format="mou-arrivals", path=changed, dry_run=dry_run)


def test_a_reimport_is_served_at_once(client, db, tmp_path, django_assert_num_queries):
    statistics_import(format="mou-arrivals", path=ARRIVALS)
    year = {"dataset": "mou-arrivals", "year": 2009}
    assert total_2009(client) == 2914
    assert total_2009(client, OBSERVATIONS, **year) == 2914
    with django_assert_num_queries(1):  # the revision only: served from the cache
        assert total_2009(client) == 2914

    report = reimport_with_2009_total(tmp_path, 2999)
    assert report.updated == 2

    assert total_2009(client) == 2999
    assert total_2009(client, OBSERVATIONS, **year) == 2999


def test_a_dry_run_changes_nothing_cached(client, db, tmp_path):
    statistics_import(format="mou-arrivals", path=ARRIVALS)
    token = current_token(STATS)
    assert total_2009(client) == 2914
    assert reimport_with_2009_total(tmp_path, 2999, dry_run=True).updated == 2
    assert current_token(STATS) == token
    assert total_2009(client) == 2914


def test_an_edit_or_a_deletion_in_the_admin_is_served_at_once(client, db):
    observation = ObservationFactory(period_start=2009, value=10)
    params = {"dataset": observation.dataset.slug, "year": 2009}
    assert total_2009(client, OBSERVATIONS, **params) == 10
    observation.value = 11
    observation.save()
    assert total_2009(client, OBSERVATIONS, **params) == 11
    observation.delete()
    assert client.get(OBSERVATIONS, params).json()["count"] == 0


@pytest.mark.parametrize("n", [3, 30])
def test_cached_lists_take_one_query_whatever_the_size(client, db, django_assert_num_queries, n):
    dataset = DatasetFactory()
    ObservationFactory.create_batch(n, dataset=dataset)
    for url in (OBSERVATIONS, reverse("stats-api:dataset-list")):
        with django_assert_num_queries(3):  # the revision, COUNT, the page
            first = client.get(url)
        with django_assert_num_queries(1):  # the revision
            again = client.get(url)
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"] == "application/json"


def test_each_address_host_and_format_is_kept_apart(client, db):
    ObservationFactory.create_batch(3)
    page = client.get(OBSERVATIONS, {"measure": "arrivals"})
    csv = client.get(OBSERVATIONS, {"format": "csv"})
    assert csv.content.startswith("\ufeffid,dataset,".encode()) and page.json()["count"] == 3
    again = client.get(OBSERVATIONS, {"format": "csv"})
    assert again.content == csv.content
    assert again["Content-Disposition"] == 'attachment; filename="observations.csv"'
    assert client.get(OBSERVATIONS, {"measure": "residents"}).json()["count"] == 0

    datasets = reverse("stats-api:dataset-list")
    here = client.get(datasets).json()["results"][0]["url"]
    there = client.get(datasets, HTTP_HOST="localhost").json()["results"][0]["url"]
    assert here.startswith("http://testserver/") and there.startswith("http://localhost/")


def test_a_series_csv_keeps_its_file_name_when_cached(client, db):
    statistics_import(format="mou-arrivals", path=ARRIVALS)
    names = {client.get(SERIES, {"format": "csv"})["Content-Disposition"] for _ in range(2)}
    assert names == {'attachment; filename="arrivals-by-sex-mou-arrivals.csv"'}


def test_etag_answers_not_modified_until_the_figures_change(client, db, tmp_path):
    statistics_import(format="mou-arrivals", path=ARRIVALS)
    etag = client.get(SERIES)["ETag"]
    assert client.get(SERIES)["ETag"] == etag  # from the cache, same tag
    not_modified = client.get(SERIES, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""

    reimport_with_2009_total(tmp_path, 2999)
    changed = client.get(SERIES, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_browsable_api_is_never_cached(client, db, monkeypatch):
    ObservationFactory()
    stored = []
    monkeypatch.setattr(caches[STATS], "set", lambda key, *args, **kwargs: stored.append(key))
    client.get(OBSERVATIONS, HTTP_ACCEPT="text/html")
    client.get(OBSERVATIONS, HTTP_ACCEPT="text/html")
    assert stored == []
    client.get(OBSERVATIONS, HTTP_ACCEPT="application/json")  # while JSON is
    assert len(stored) == 1


def test_cached_responses_are_still_throttled(client, db, monkeypatch):
    statistics_import(format="mou-arrivals", path=ARRIVALS)
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    statuses = [client.get(SERIES).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_gunicorn_configuration_loads():
    path = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(config)
    assert isinstance(config.workers, int) and config.workers > 0
    assert config.preload_app is True
    assert config.accesslog is None
