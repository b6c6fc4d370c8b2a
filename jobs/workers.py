"""Whether a background worker seems to be running, for the job page's hint.

django-tasks' database backend keeps no heartbeat of its workers; what it does
keep is each task's state. A worker polls every second, so a job still queued
after WAIT, while no task is running at all, has no worker to run it (a busy
worker would show its running task: the job then waits its turn, no hint).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

WAIT = timedelta(seconds=10)
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def no_worker_for(job):
    """True when `job` has waited in the queue longer than WAIT and no task runs."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from jobs.models import Job

    if job.status != Job.Status.QUEUED or timezone.now() - job.created_at < WAIT:
        return False
    if settings.TASKS.get("default", {}).get("BACKEND") != DATABASE_BACKEND:
        return False  # tasks run where they are enqueued, or nowhere (a public node)
    return not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
