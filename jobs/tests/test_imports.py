"""Spreadsheet imports run as background jobs: outcome, all or nothing, dry run,
re-runs, permissions, progress and the uploaded file's removal."""

import pytest

from cases import roles
from cases.models import Person
from cases.tests import factories
from cases.tests.personas import login_with_second_factor, user_in
from core import progress
from jobs import imports, services
from jobs.models import Job, Upload

pytestmark = pytest.mark.django_db


def csv(*rows, header="code,pseudonym,sex,birth_year"):
    return ("\n".join([header, *rows]) + "\n").encode()


def queue(content, user, dry_run=False, name="persons.csv"):
    job = services.job_import_queue(
        user=user, model=Person, file_name=name, content=content, format="csv", dry_run=dry_run
    )
    job.refresh_from_db()
    return job


def test_an_import_keeps_its_outcome_and_history_and_removes_the_file():
    researcher = user_in(roles.RESEARCHER)
    job = queue(csv(",Witness A,female,1980", ",Witness B,male,1975"), researcher)
    assert job.status == Job.Status.DONE
    assert (job.rows_total, job.rows_processed, job.created, job.rejected) == (2, 2, 2, 0)
    assert job.started_at and job.finished_at and job.task_id
    assert Person.objects.count() == 2
    assert Person.objects.get(pseudonym="Witness A").history.get().history_user == researcher
    assert not Upload.objects.exists()


def test_rejected_rows_are_kept_with_row_field_and_reason_and_nothing_is_written():
    job = queue(
        csv(",Good,female,1980", ",Bad,dragon,1980", ",Worse,male,notayear"),
        user_in(roles.RESEARCHER),
    )
    assert job.status == Job.Status.REJECTED and job.wrote_nothing
    assert job.rejected == 2
    by_row = {r["row"]: r for r in job.rejected_rows}
    assert by_row[2]["field"] == "sex" and "dragon" in by_row[2]["reason"]
    assert set(by_row) == {2, 3} and all(r["reason"] for r in job.rejected_rows)
    assert not Person.objects.exists()  # the good row was rolled back too
    assert not Upload.objects.exists()


def test_a_dry_run_writes_nothing_and_keeps_the_file_for_the_import():
    researcher = user_in(roles.RESEARCHER)
    check = queue(csv(",Witness,female,1980"), researcher, dry_run=True)
    assert check.status == Job.Status.DONE and check.created == 1
    assert not Person.objects.exists()
    assert Upload.objects.filter(job=check).exists()

    job = services.job_import_confirm(job=check, user=researcher)
    assert job.status == Job.Status.DONE and not job.dry_run
    assert Person.objects.count() == 1
    assert not Upload.objects.exists()


def test_only_the_uploader_confirms_a_check():
    check = queue(csv(",Witness,female,1980"), user_in(roles.RESEARCHER), dry_run=True)
    with pytest.raises(services.PermissionDenied):
        services.job_import_confirm(job=check, user=user_in(roles.REVIEWER))


def test_running_the_same_file_again_creates_no_duplicates():
    person = factories.PersonFactory(pseudonym="Before")
    content = csv(f"{person.code},After,female,1980", ",New witness,male,1975")
    researcher = user_in(roles.RESEARCHER)
    first = queue(content, researcher)
    assert (first.created, first.updated) == (1, 1)
    new_code = Person.objects.get(pseudonym="New witness").code
    again = csv(f"{person.code},After,female,1980", f"{new_code},New witness,male,1975")
    second = queue(again, researcher)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert Person.objects.count() == 2


@pytest.mark.parametrize(("role", "allowed"), [(roles.RESEARCHER, False), (roles.CUSTODIAN, True)])
def test_only_a_custodian_changes_a_restricted_record(role, allowed):
    hidden = factories.PersonFactory(confidentiality="confidential", pseudonym="Hidden")
    job = queue(
        csv(f"{hidden.code},Renamed,,", header="code,pseudonym,sex,birth_year"), user_in(role)
    )
    hidden.refresh_from_db()
    assert (job.status == Job.Status.DONE) is allowed
    assert (hidden.pseudonym == "Renamed") is allowed
    if not allowed:
        assert job.rejected_rows[0]["field"] == "code"
        assert "restricted" in job.rejected_rows[0]["reason"]


def test_a_user_without_the_import_permission_is_refused_by_the_worker():
    job = queue(csv(",Witness,female,1980"), factories.UserFactory(username="nobody"))
    assert job.status == Job.Status.FAILED
    assert not Person.objects.exists()
    assert not Upload.objects.exists()


def test_progress_is_saved_while_the_import_runs(monkeypatch):
    monkeypatch.setattr(progress, "PROGRESS_EVERY", 10)
    monkeypatch.setattr(progress, "PROGRESS_SECONDS", 3600)
    saved = []
    record = Job.record_progress

    def spy(job, done, total=None):
        saved.append((done, job.rows_total))
        record(job, done, total)

    monkeypatch.setattr(Job, "record_progress", spy)
    rows = [f",Witness {n},female,1980" for n in range(25)]
    job = queue(csv(*rows), user_in(roles.RESEARCHER))
    assert saved == [(10, 25), (20, 25)]
    assert (job.rows_processed, job.rows_total) == (25, 25)


def test_an_unconfirmed_check_loses_its_file_after_a_day():
    researcher = user_in(roles.RESEARCHER)
    check = queue(csv(",Witness,female,1980"), researcher, dry_run=True)
    Job.objects.filter(pk=check.pk).update(finished_at=check.finished_at - imports_day())
    queue(csv(",Other,male,1970"), researcher, dry_run=True)
    assert not Upload.objects.filter(job=check).exists()


def imports_day():
    from jobs.models import UNCONFIRMED_UPLOAD_LIFETIME

    return UNCONFIRMED_UPLOAD_LIFETIME + UNCONFIRMED_UPLOAD_LIFETIME


def test_rejected_rows_list_base_errors_too():
    class Result:
        base_errors = [type("E", (), {"error": ValueError("bad header")})()]
        invalid_rows = []

        def row_errors(self):
            return []

    assert imports.rejected_rows(Result()) == [{"row": None, "field": "", "reason": "bad header"}]


def test_a_background_import_warns_on_its_page_of_names_kept_in_the_vault(client):
    """As the admin's own import does (cases/admin/logs.py), by line and column only."""
    name = "김순옥"
    factories.IdentityFactory(real_name=name)
    researcher = user_in(roles.RESEARCHER)
    job = queue(csv(",Witness 7,female,1980", f",{name}의 언니,female,1975"), researcher)
    assert job.status == Job.Status.DONE
    assert job.held_names == [[2, "pseudonym"]]
    page = login_with_second_factor(client, researcher).get(job.get_absolute_url())
    page = page.content.decode()
    assert "Check line 2, column “pseudonym”: a name kept in the identity vault" in page
    assert name not in page
