"""Starting background jobs: keyword-only, atomic, each returns the queued Job."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jobs import tasks
from jobs.imports import format_name, read_dataset
from jobs.models import Job, Upload, runs_maintenance, uploads_purge_expired


def _enqueue(job, task):
    # With the database backend the task row commits with the job (this runs in the
    # caller's transaction), so a worker never picks up a task before its job exists.
    result = task.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=result.id)
    job.refresh_from_db()
    return job


@transaction.atomic
def job_import_queue(*, user, model, file_name, content, format, dry_run=True):
    """Queue a check (dry run) or an import of a spreadsheet into `model`'s records.
    The worker checks the user's permissions again, as the admin's import does."""
    uploads_purge_expired()
    job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        user=user,
        target=model._meta.label_lower,
        file_name=file_name,
        dry_run=dry_run,
    )
    Upload.objects.create(job=job, format=format, content=content)
    return _enqueue(job, tasks.import_spreadsheet)


@transaction.atomic
def job_import_confirm(*, job, user):
    """Queue the real import of a file that a dry run found clean; the file moves
    from the check to the new job."""
    if job.user_id != user.pk:
        raise PermissionDenied
    upload = Upload.objects.filter(job=job).first()
    if not (job.dry_run and job.status == Job.Status.DONE and upload):
        raise ValidationError(_("Only a clean check whose file is still kept can be imported."))
    new = Job.objects.create(
        kind=Job.Kind.IMPORT,
        user=user,
        target=job.target,
        file_name=job.file_name,
        dry_run=False,
    )
    upload.job = new
    upload.save(update_fields=["job"])
    return _enqueue(new, tasks.import_spreadsheet)


@transaction.atomic
def job_rebuild_search_queue(*, user):
    if not runs_maintenance(user):
        raise PermissionDenied
    job = Job.objects.create(kind=Job.Kind.REBUILD_SEARCH, user=user)
    return _enqueue(job, tasks.rebuild_search)


@transaction.atomic
def job_statistics_queue(*, user, dry_run=False):
    if not runs_maintenance(user):
        raise PermissionDenied
    job = Job.objects.create(kind=Job.Kind.STATISTICS, user=user, dry_run=dry_run)
    return _enqueue(job, tasks.reimport_statistics)


def job_import_queue_if_large(*, model_admin, request, form):
    """From the admin's import form: a file of more than BACKGROUND_IMPORT_ROWS rows is
    queued as a background check (dry run); returns the Job, or None for a smaller
    file, or one that cannot be read (the admin's own import reports that)."""
    input_format = model_admin.get_import_formats()[int(form.cleaned_data["format"])]()
    import_file = form.cleaned_data["import_file"]
    content = b"".join(import_file.chunks())
    format = format_name(input_format)
    try:
        rows = len(read_dataset(content, format))
    except Exception:
        return None
    if rows <= settings.BACKGROUND_IMPORT_ROWS:
        return None
    return job_import_queue(
        user=request.user,
        model=model_admin.model,
        file_name=import_file.name,
        content=content,
        format=format,
    )
