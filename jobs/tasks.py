"""The background tasks (Django's Tasks API, the `django-tasks` backport).

Each takes the id of a `Job` row, which holds everything else (the user, the
upload), so the queue itself carries no record data. Run them with
`manage.py db_worker`.
"""

from django_tasks import task

from cases import copying, search
from cases.models import BorderCrossing, Event, Testimony, Violation
from core.progress import Throttle
from jobs.imports import run_import
from jobs.models import Job, uploads_purge_expired
from stats.importers import StatsImportError
from stats.shipped import SHIPPED_FILES, load_shipped_statistics

SEARCH_MODELS = (Event, Violation, Testimony, BorderCrossing)


def run(job_id, work):
    uploads_purge_expired()
    job = Job.objects.select_related("user").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return  # already run: a task is never run twice
    try:
        work(job)
    except Exception as error:
        job.finish(Job.Status.FAILED, error=f"{type(error).__name__}: {error}")
        raise


@task
def import_spreadsheet(job_id):
    run(job_id, run_import)


@task
def rebuild_search(job_id):
    run(job_id, rebuild_search_columns)


@task
def reimport_statistics(job_id):
    run(job_id, reimport_shipped_statistics)


def rebuild_search_columns(job):
    job.start(rows_total=sum(model._default_manager.count() for model in SEARCH_MODELS))
    done = 0
    report = Throttle(lambda done, total: job.record_progress(done))
    for model in SEARCH_MODELS:
        done += search.rebuild(model, progress=lambda count, before=done: report(before + count))
    copying.record_change(copying.EVERYTHING)  # the copy holds the search columns too
    job.finish(Job.Status.DONE, updated=done)


class _FileCounter:
    """Takes the report line `load_shipped_statistics` writes after each file."""

    def __init__(self, job):
        self.job, self.files = job, 0

    def write(self, line):
        self.files += 1
        self.job.record_progress(self.files)


def reimport_shipped_statistics(job):
    job.start(rows_total=len(SHIPPED_FILES))
    try:
        reports = load_shipped_statistics(stdout=_FileCounter(job), dry_run=job.dry_run)
    except StatsImportError as error:
        refusal = {"row": error.line, "field": error.column or "", "reason": str(error)}
        job.finish(Job.Status.REJECTED, rejected=1, rejected_rows=[refusal])
        return
    job.finish(
        Job.Status.DONE,
        created=sum(report.created for report in reports),
        updated=sum(report.updated for report in reports),
        unchanged=sum(report.unchanged for report in reports),
    )
