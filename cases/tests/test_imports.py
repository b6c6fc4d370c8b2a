"""Spreadsheet imports: preview, row errors with row and field, all or nothing, re-import."""

import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cases import roles
from cases.models import Person, WorkflowStatus
from cases.resources import PersonResource
from cases.tests import factories
from cases.tests.personas import user_in

pytestmark = pytest.mark.django_db
HEADER = ["code", "pseudonym", "sex", "birth_year", "origin_place"]


def dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADER)


def run(data, dry_run=False, user=None):
    return PersonResource().import_data(
        data,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        user=user,
    )


def test_preview_lists_creations_and_updates_and_saves_nothing():
    existing = factories.PersonFactory(pseudonym="Old name")
    result = run(
        dataset(
            ["", "New witness", "female", 1980, ""], [existing.code, "New name", "male", 1975, ""]
        ),
        dry_run=True,
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert (result.totals["new"], result.totals["update"]) == (1, 1)
    assert Person.objects.count() == 1
    existing.refresh_from_db()
    assert existing.pseudonym == "Old name"


def test_a_bad_row_is_reported_with_its_row_and_field_and_nothing_is_saved():
    result = run(
        dataset(["", "Good row", "female", 1980, ""], ["", "Bad row", "dragon", 1980, ""]),
        user=user_in(roles.RESEARCHER),
    )
    assert result.has_validation_errors()
    (invalid,) = result.invalid_rows
    assert invalid.number == 2
    assert "sex" in invalid.field_specific_errors
    assert not Person.objects.exists()  # the good row was rolled back too


def test_an_unknown_place_code_is_a_row_error():
    result = run(dataset(["", "Witness", "male", 1980, "KP-99"]))
    assert result.has_validation_errors() or result.has_errors()
    assert not Person.objects.exists()


def test_reimporting_an_export_updates_instead_of_duplicating():
    person = factories.PersonFactory(pseudonym="Before")
    exported = PersonResource().export()
    exported.dict = [{**row, "pseudonym": "After"} for row in exported.dict]
    result = PersonResource().import_data(exported, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Person.objects.count() == 1
    person.refresh_from_db()
    assert person.pseudonym == "After"
    again = PersonResource().import_data(exported, use_transactions=True)
    assert again.totals["skip"] == 1 and Person.objects.count() == 1


def test_import_cannot_publish_or_change_a_published_record():
    published = factories.PersonFactory(publishable=True, pseudonym="Public")
    data = tablib.Dataset(headers=["code", "pseudonym", "status"])
    data.append([published.code, "Changed", "published"])
    data.append(["", "Fresh", "published"])
    result = run(data)
    assert result.has_validation_errors()
    assert "code" in result.invalid_rows[0].field_specific_errors
    data = tablib.Dataset(["", "Fresh", "published"], headers=["code", "pseudonym", "status"])
    run(data)
    assert Person.objects.get(pseudonym="Fresh").status == WorkflowStatus.DRAFT


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(roles.RESEARCHER, False), (roles.REVIEWER, False), (roles.CUSTODIAN, True)],
)
def test_only_a_custodian_can_change_a_restricted_record_by_import(role, allowed):
    hidden = factories.PersonFactory(confidentiality="confidential", pseudonym="Hidden")
    data = tablib.Dataset(headers=["code", "pseudonym", "confidentiality"])
    data.append([hidden.code, "Renamed", "confidential"])
    result = run(data, user=user_in(role))
    hidden.refresh_from_db()
    assert result.has_validation_errors() is not allowed
    assert (hidden.pseudonym == "Renamed") is allowed


@pytest.mark.parametrize("role", [roles.RESEARCHER, roles.CUSTODIAN])
def test_no_import_changes_confidentiality_or_consent(role):
    """They change through the review workflow only (cases/workflow.py), for every role."""
    hidden = factories.PersonFactory(confidentiality="confidential", pseudonym="Hidden")
    data = tablib.Dataset(headers=["code", "pseudonym", "confidentiality"])
    data.append([hidden.code, "Hidden", "standard"])
    result = run(data, user=user_in(role))
    assert result.has_validation_errors()
    message = str(result.invalid_rows[0].error_dict["confidentiality"])
    assert "only through the review workflow" in message
    hidden.refresh_from_db()
    assert hidden.confidentiality == "confidential"


def test_imports_are_recorded_in_the_history_with_the_user():
    researcher = user_in(roles.RESEARCHER)
    run(dataset(["", "Imported", "male", 1970, ""]), user=researcher)
    record = Person.objects.get(pseudonym="Imported").history.get()
    assert record.history_user == researcher
    assert record.history_change_reason == "Imported from a spreadsheet"


def test_admin_preview_shows_the_row_error_and_saves_nothing(as_role):
    client = as_role(roles.RESEARCHER)
    url = reverse("admin:cases_person_import")
    bad = "code,pseudonym,sex,birth_year\n,Good,female,1980\n,Bad,dragon,1980\n"
    response = client.post(
        url,
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("persons.csv", bad.encode()),
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["result"].invalid_rows[0].number == 2
    assert "dragon" in content and "sex" in content
    assert not Person.objects.exists()


def test_xlsx_export_has_codes_and_no_transcript_or_identity(as_role):
    testimony = factories.TestimonyFactory(transcript="secret transcript")
    factories.IdentityFactory(person=testimony.interviewee, real_name="Hidden Name")
    client = as_role(roles.RESEARCHER)
    response = client.post(
        reverse("admin:cases_testimony_export"),
        {"format": "1", "resource": "0", "export_items": [testimony.pk]}
        | {f"testimonyresource_{name}": "on" for name in ("code", "title_en", "interviewee")},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row}
    assert testimony.code in cells and testimony.interviewee.code in cells
    assert not any("secret transcript" in c or "Hidden Name" in c for c in cells)
