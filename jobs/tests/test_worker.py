"""The real path: a job queued on the database backend and run by `db_worker`."""

import pytest
from django.core.management import call_command

from cases import roles
from cases.models import Person
from cases.tests.personas import user_in
from jobs import services
from jobs.models import Job, Upload

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_a_queued_import_waits_for_the_worker_which_runs_it(settings):
    settings.TASKS = DATABASE
    from django_tasks_db.models import DBTaskResult

    content = b"code,pseudonym,sex,birth_year\n,Witness,female,1980\n,Other,male,1975\n"
    job = services.job_import_queue(
        user=user_in(roles.RESEARCHER),
        model=Person,
        file_name="persons.csv",
        content=content,
        format="csv",
        dry_run=False,
    )
    assert job.status == Job.Status.QUEUED and not Person.objects.exists()
    assert str(DBTaskResult.objects.get().id) == job.task_id

    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.created == 2
    assert Person.objects.count() == 2
    assert not Upload.objects.exists()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
