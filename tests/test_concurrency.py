"""Concurrent writers on real PostgreSQL connections (one per thread): two imports
of the same file, or two researchers saving the same record, never produce a
duplicate or a silent overwrite."""

import os
import threading
from io import StringIO

import pytest
import tablib
from django.core.management import call_command
from django.db import connection, connections

from cases import copying, entries
from cases.models import ConcurrentEditError, Event, Person
from cases.resources import PersonResource
from cases.tests import factories
from public.models import Entry, Key
from stats.models import Observation
from stats.services import statistics_import
from stats.shipped import SHIPPED_DIR

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections: PostgreSQL only (CI runs it there)")


def run_together(*functions):
    """Run each function in its own thread (and database connection), started
    at the same moment; returns what each returned or raised."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait(timeout=10)
            results[index] = function()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:  # two bootstraps at once take minutes on a loaded machine
        thread.join(timeout=600)
        assert not thread.is_alive(), "still running after 10 minutes"
    return results


def test_two_researchers_saving_the_same_record_one_wins_one_is_told():
    event = factories.EventFactory(title_en="Original")
    history_before = event.history.count()

    # Both read version 1 before either saves: the race is forced, not left to the
    # scheduler (on a busy machine one thread could otherwise finish first).
    both_read = threading.Barrier(2)

    def save_as(title):
        def save():
            copy = Event.objects.get(pk=event.pk)
            both_read.wait(timeout=10)
            copy.title_en = title
            copy.save()
            return title

        return save

    results = run_together(save_as("First"), save_as("Second"))
    winners = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, ConcurrentEditError)]
    assert len(winners) == 1 and len(refused) == 1, results
    event.refresh_from_db()
    assert event.title_en == winners[0] and event.version == 2
    assert event.history.count() == history_before + 1


def test_two_imports_of_the_same_spreadsheet_create_each_record_once():
    codes = [f"P-CONC{n:04d}" for n in range(20)]
    data = tablib.Dataset(
        *[[code, f"Witness {n}", "female", 1970 + n] for n, code in enumerate(codes)],
        headers=["code", "pseudonym", "sex", "birth_year"],
    )

    def run():
        return PersonResource().import_data(
            data, use_transactions=True, rollback_on_validation_errors=True
        )

    results = run_together(run, run)
    assert Person.objects.filter(code__in=codes).count() == len(codes)
    assert Person.objects.count() == len(codes)
    for code in codes:  # one "created" history row each: no import half-applied
        assert Person.history.filter(code=code, history_type="+").count() == 1
    clean = [r for r in results if not isinstance(r, Exception) and not r.has_errors()]
    assert clean, results  # at least one import went through whole


def test_two_statistics_imports_of_the_same_file_do_not_duplicate():
    path = SHIPPED_DIR / "unhcr_prk_origin_by_asylum_country.csv"

    def run():
        return statistics_import(format="unhcr-curated", path=path)

    results = run_together(run, run)
    # The imports take turns: the first creates, the second finds every figure unchanged.
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(r.created > 0 for r in results) == [False, True]
    count = Observation.objects.count()
    again = statistics_import(format="unhcr-curated", path=path)
    assert Observation.objects.count() == count
    assert again.created == 0 and again.updated == 0


def test_bootstrap_twice_at_once_leaves_one_copy_of_each_reference_record():
    def run():
        call_command("bootstrap", stdout=StringIO())
        return "done"

    results = run_together(run, run)
    assert "done" in results, results
    call_command("bootstrap", stdout=StringIO())  # and a later run is still clean
    from cases.models import Place

    assert Place.objects.filter(code="KP").count() == 1


def _build_noting_the_process(kind, ids):
    """entries.build, noting the id of the process that ran it."""
    with open(os.environ["NKDB_TEST_PIDS_FILE"], "a") as pids:
        pids.write(f"{os.getpid()}\n")
    return _real_build(kind, ids)


_real_build = entries.build


def test_a_rebuild_in_forked_processes_writes_the_copy_one_process_writes(monkeypatch, tmp_path):
    for number in range(3):
        factories.published_case(title_en=f"Case {number}")
    monkeypatch.setattr(copying, "BATCH", 1)  # one record per batch: many batches

    def copy():
        entries_ = sorted(Entry.objects.values_list("kind", "code", "fingerprint"))
        keys = sorted(Key.objects.values_list("entry__code", "facet", "value"))
        return entries_, keys

    copying.rebuild(jobs=1)
    alone = copy()
    pids = tmp_path / "pids"
    monkeypatch.setenv("NKDB_TEST_PIDS_FILE", str(pids))
    monkeypatch.setattr(entries, "build", _build_noting_the_process)
    copying.rebuild(jobs=2)
    assert copy() == alone
    assert len(alone[0]) >= 9  # three events, violations and testimonies
    builders = set(pids.read_text().split())
    assert str(os.getpid()) not in builders
    assert builders  # the forked processes built them all
    assert copying.differences() == {}
