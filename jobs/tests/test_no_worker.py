"""The job page says when no worker is running (jobs/workers.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import roles
from jobs import tasks
from jobs.models import Job

pytestmark = pytest.mark.django_db

HINT = 'id="job-no-worker"'


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued(user, seconds_ago):
    job = Job.objects.create(kind=Job.Kind.IMPORT, user=user, file_name="persons.csv")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=seconds_ago))
    job.refresh_from_db()
    return job


def test_a_job_queued_for_long_with_no_worker_says_how_to_start_one(as_role, database_queue):
    client = as_role(roles.RESEARCHER)
    job = queued(client.user, 60)
    tasks.import_spreadsheet.enqueue(job.pk)  # waiting, unclaimed
    content = client.get(job.get_absolute_url()).content.decode()
    assert HINT in content
    assert "<code>python manage.py db_worker --queue-name '*'</code>" in content
    assert "more than 10 seconds" in content
    korean = client.get("/ko" + job.get_absolute_url()).content.decode()
    assert "작업자" in korean and "db_worker" in korean


def test_no_hint_for_a_fresh_job_a_busy_worker_or_a_running_job(as_role, database_queue):
    from django_tasks_db.models import DBTaskResult

    client = as_role(roles.RESEARCHER)
    fresh = queued(client.user, 2)
    assert HINT not in client.get(fresh.get_absolute_url()).content.decode()
    waiting = queued(client.user, 60)
    other = queued(client.user, 60)
    result = tasks.import_spreadsheet.enqueue(other.pk)
    DBTaskResult.objects.get(id=result.id).claim("worker-1")  # a worker, busy with it
    assert HINT not in client.get(waiting.get_absolute_url()).content.decode()
    running = queued(client.user, 60)
    Job.objects.filter(pk=running.pk).update(status=Job.Status.RUNNING)
    DBTaskResult.objects.all().delete()
    assert HINT not in client.get(running.get_absolute_url()).content.decode()
    assert HINT in client.get(waiting.get_absolute_url()).content.decode()


def test_no_hint_where_tasks_run_at_once(as_role):
    client = as_role(roles.RESEARCHER)  # the immediate backend (conftest)
    assert HINT not in client.get(queued(client.user, 60).get_absolute_url()).content.decode()
