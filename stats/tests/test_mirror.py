"""The statistics' copy in the public database (stats/mirror.py)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django_tasks import default_task_backend

from stats import mirror
from stats.models import Dataset, Observation
from stats.services import statistics_import
from stats.shipped import SHIPPED_DIR
from stats.tests.factories import DatasetFactory, ObservationFactory

pytestmark = pytest.mark.django_db
ARRIVALS = SHIPPED_DIR / "mou_defector_arrivals_by_year.csv"


def rows(model, using):
    fields = [field.attname for field in model._meta.concrete_fields]
    return list(model._base_manager.using(using).order_by("pk").values_list(*fields))


@pytest.fixture
def tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend.results


def test_the_copy_holds_every_row_and_the_token(tasks):
    statistics_import(format="mou-arrivals", path=ARRIVALS)
    assert mirror.copy_to_public() is True
    for model in (Dataset, Observation):
        assert rows(model, "public") == rows(model, "default")
    assert len(rows(Observation, "public")) > 20
    assert mirror.is_current()
    assert mirror.copy_to_public() is False  # nothing changed: nothing written


def test_an_edit_and_a_deletion_reach_the_copy(tasks):
    kept, dropped = ObservationFactory(value=10), ObservationFactory(value=20)
    mirror.copy_to_public()
    with transaction.atomic():
        Observation.objects.filter(pk=kept.pk).update(value=11)
        kept.refresh_from_db()
        kept.save()  # the admin saves, which changes the token
        dropped.dataset.delete()
    assert not mirror.is_current()
    assert mirror.copy_to_public() is True
    assert rows(Observation, "public") == rows(Observation, "default")
    assert list(Observation.objects.using("public").values_list("value", flat=True)) == [11]
    assert not Dataset.objects.using("public").filter(pk=dropped.dataset.pk).exists()


def test_one_task_per_transaction_however_many_writes(tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        dataset = DatasetFactory()
        for year in range(2000, 2010):
            ObservationFactory(dataset=dataset, period_start=year)
    assert len(callbacks) == 1
    assert [result.task.name for result in tasks] == ["mirror_statistics"]


def test_an_import_schedules_the_copy(tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        statistics_import(format="mou-arrivals", path=ARRIVALS)
    assert [result.task.name for result in tasks] == ["mirror_statistics"]


def test_a_rolled_back_write_schedules_nothing(tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            DatasetFactory()
            transaction.set_rollback(True)
        with transaction.atomic():  # a later transaction still schedules its own
            DatasetFactory()
    assert len(callbacks) == 1
    assert len(tasks) == 1


def test_check_publication_names_a_copy_behind_and_fix_replaces_it(tasks):
    ObservationFactory()
    with pytest.raises(CommandError, match="statistics' copy is behind"):
        call_command("check_publication", stdout=io.StringIO())
    call_command("check_publication", fix=True, stdout=io.StringIO())
    assert mirror.is_current()
    assert rows(Observation, "public") == rows(Observation, "default")
