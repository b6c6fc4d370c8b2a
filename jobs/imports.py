"""A spreadsheet import run by a worker, through the same resources and checks as
the admin's import (cases/resources.py, `RecordAdmin` in cases/admin/base.py)."""

from types import SimpleNamespace

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from import_export.results import RowResult

from cases.resources import RESOURCES
from core.progress import Throttle
from core.spreadsheets import CSV, XLSX, SpreadsheetRefused
from jobs.models import Job

# The formats the admin accepts (RecordAdmin.formats), by the name stored with an upload.
FORMATS = {"csv": CSV, "xlsx": XLSX}
# As the admin reads text files (import_export's ImportMixin.from_encoding).
ENCODING = "utf-8-sig"


def format_name(input_format):
    return next(name for name, cls in FORMATS.items() if isinstance(input_format, cls))


def read_dataset(content, format):
    input_format = FORMATS[format]()
    data = bytes(content)
    return input_format.create_dataset(data if input_format.is_binary() else data.decode(ENCODING))


def with_progress(resource_class):
    """The resource, reporting each row it has imported to `self.progress`."""

    class Resource(resource_class):
        progress = None

        def import_row(self, row, instance_loader, **kwargs):
            row_result = super().import_row(row, instance_loader, **kwargs)
            if self.progress is not None:
                self.progress(kwargs["row_number"])
            return row_result

    Resource.__name__ = resource_class.__name__
    return Resource


def may_import(user, model):
    """The admin's own rule (`RecordAdmin.has_import_permission`), checked again when
    the worker starts: permissions may have changed since the job was queued."""
    if user is None or not user.is_active:
        return False
    # The admin's permission checks read nothing from the request but its user.
    return admin.site.get_model_admin(model).has_import_permission(SimpleNamespace(user=user))


def rejected_rows(result):
    """[{"row", "field", "reason"}] for every refusal in an import result."""
    rows = [{"row": None, "field": "", "reason": str(error.error)} for error in result.base_errors]
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            field = "" if field == NON_FIELD_ERRORS else field
            rows.extend({"row": invalid.number, "field": field, "reason": m} for m in messages)
    for number, errors in result.row_errors():
        rows.extend({"row": number, "field": "", "reason": str(e.error)} for e in errors)
    return rows


def run_import(job):
    """Check (dry run) or import the job's upload, all or nothing, as its user."""
    model = apps.get_model(job.target)
    upload = job.upload
    keep_upload = False
    try:
        if not may_import(job.user, model):
            job.finish(Job.Status.FAILED, error=_("The user may not import these records."))
            return
        try:
            dataset = read_dataset(upload.content, upload.format)
        except SpreadsheetRefused as error:
            refusal = {"row": None, "field": "", "reason": str(error)}
            job.finish(Job.Status.REJECTED, rejected_rows=[refusal], error=str(error))
            return
        job.start(rows_total=len(dataset))
        resource = with_progress(RESOURCES[model])()
        resource.progress = Throttle(lambda done, total: job.record_progress(done))
        result = resource.import_data(
            dataset,
            dry_run=job.dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            retain_instance_in_row_result=True,
            file_name=job.file_name,
            user=job.user,
        )
        refusals = rejected_rows(result)
        failed = result.has_errors() or result.has_validation_errors()
        if not (failed or job.dry_run):
            admin.site.get_model_admin(model).generate_log_entries(
                result, SimpleNamespace(user=job.user)
            )
        totals = result.totals
        job.finish(
            Job.Status.REJECTED if failed else Job.Status.DONE,
            rejected_rows=refusals,
            created=totals[RowResult.IMPORT_TYPE_NEW],
            updated=totals[RowResult.IMPORT_TYPE_UPDATE],
            unchanged=totals[RowResult.IMPORT_TYPE_SKIP],
            rejected=totals[RowResult.IMPORT_TYPE_INVALID] + totals[RowResult.IMPORT_TYPE_ERROR],
            held_names=[list(cell) for cell in getattr(result, "held_names", [])],
        )
        # A clean check keeps the file until the researcher confirms the import.
        keep_upload = job.dry_run and not failed
    finally:
        if not keep_upload:
            upload.delete()
