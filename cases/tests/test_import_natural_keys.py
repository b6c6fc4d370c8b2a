"""Rows without a code (issue 21, item 3): matched on each resource's natural key,
which the preview names, or refused with the row and the reason; never a silent
duplicate. Before, every import of a code-less file created its records again."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import roles
from cases.models import BorderCrossing, Event, Person, Testimony, Violation, WorkflowStatus
from cases.resources import RESOURCES
from cases.tests import factories
from cases.tests.personas import user_in

pytestmark = pytest.mark.django_db


def person_rows(n=2):
    place = factories.PlaceFactory()
    headers = ["code", "pseudonym", "sex", "birth_year", "origin_place"]
    rows = [["", f"Witness {i}", "female", 1970 + i, place.code] for i in range(n)]
    return headers, rows


def rows_of_testimonies(n=2):
    person = factories.PersonFactory()
    headers = ["code", "interviewee", "interview_date", "interview_country", "title_en"]
    rows = [["", person.code, f"2015-06-{i + 1:02d}", "KR", "Interview"] for i in range(n)]
    return headers, rows


def event_rows(n=2):
    place = factories.PlaceFactory()
    headers = ["code", "title_en", "title_ko", "start_date", "start_precision", "place"]
    rows = [["", f"Arrest {i}", "체포", "2009-04-01", "month", place.code] for i in range(n)]
    return headers, rows


def violation_rows(n=2):
    event, kind = factories.EventFactory(), factories.ViolationTypeFactory()
    headers = ["code", "event", "violation_type", "victim", "start_date", "start_precision"]
    victims = [factories.PersonFactory() for _ in range(n)]
    rows = [["", event.code, kind.code, v.code, "2009-01-01", "year"] for v in victims]
    return headers, rows


def crossing_rows(n=2):
    person = factories.PersonFactory()
    headers = ["code", "person", "crossing_date", "crossing_date_precision", "crossing_point"]
    rows = [["", person.code, "2008-03-01", "month", f"Tumen River {i}"] for i in range(n)]
    return headers, rows


ROWS = {
    Person: person_rows,
    Testimony: rows_of_testimonies,
    Event: event_rows,
    Violation: violation_rows,
    BorderCrossing: crossing_rows,
}
KEYS = {
    Person: "pseudonym, year of birth, place of origin",
    Testimony: "interviewee, interview date, Korean title, English title",
    Event: "Korean title, English title, start date, place",
    Violation: "event, type, victim, start date, English description, Korean description",
    BorderCrossing: "person, crossing date, crossing point",
}


def run(model, headers, rows, *, dry_run=False, user=None):
    data = tablib.Dataset(*rows, headers=headers)
    return RESOURCES[model]().import_data(data, dry_run=dry_run, user=user)


def errors(result):
    return [(row.number, row.error_dict) for row in result.invalid_rows]


@pytest.mark.parametrize("model", RESOURCES, ids=lambda model: model.__name__)
def test_a_code_less_file_imported_twice_creates_nothing_the_second_time(model):
    headers, rows = ROWS[model]()
    first = run(model, headers, rows)
    assert errors(first) == [] and not first.has_errors()
    assert [row.import_type for row in first.rows] == ["new", "new"]
    created = list(model.objects.order_by("pk").values_list("code", "version"))
    history = model.history.count()
    preview = run(model, headers, rows, dry_run=True)
    assert [row.matched for row in preview.rows] == [
        f"{code}, matched on its {KEYS[model]}" for code, _version in created[-2:]
    ]
    second = run(model, headers, rows)
    assert errors(second) == []
    assert [row.import_type for row in second.rows] == ["skip", "skip"]
    assert list(model.objects.order_by("pk").values_list("code", "version")) == created
    assert model.history.count() == history


def test_a_code_less_row_with_a_change_updates_the_record_it_matches():
    headers, rows = person_rows(1)
    run(Person, headers, rows)
    person = Person.objects.get()
    headers.append("occupation_in_north")
    rows[0].append("worker")
    result = run(Person, headers, rows)
    assert [row.import_type for row in result.rows] == ["update"]
    person.refresh_from_db()
    assert (person.occupation_in_north, person.version, Person.objects.count()) == (
        "worker",
        2,
        1,
    )


def test_a_code_less_row_changing_a_published_record_is_refused_as_one_with_a_code():
    person = factories.PersonFactory(
        publishable=True, pseudonym="Public", birth_year=1970, origin_place=None
    )
    headers = ["code", "pseudonym", "birth_year", "sex"]
    result = run(Person, headers, [["", "Public", 1970, "male"]])
    assert errors(result) == [
        (
            1,
            {
                "code": [
                    f"{person.code} is in review or published; change it in the admin so "
                    "that the change is reviewed."
                ]
            },
        )
    ]


def test_two_code_less_rows_with_one_key_are_refused_naming_both_lines():
    headers, rows = event_rows(3)
    rows[2][1] = rows[0][1]  # the third row's English title is the first's
    result = run(Event, headers, rows)
    message = (
        "Lines 1, 3 have no code and the same Korean title, English title, start date, "
        "place: they would be one record. Give each row its code, or keep only one of them."
    )
    assert errors(result) == [(1, {"code": [message]}), (3, {"code": [message]})]
    assert not Event.objects.exists()


def test_a_key_several_records_share_is_refused_with_their_codes():
    twins = factories.PersonFactory.create_batch(2, pseudonym="Kim", birth_year=1970)
    result = run(Person, ["code", "pseudonym", "birth_year"], [["", "Kim", 1970]])
    message = (
        "This row has no code, and 2 records have its pseudonym, year of birth, place of "
        f"origin ({twins[0].code}, {twins[1].code}): write the code of the one it means in "
        "the “code” column."
    )
    assert errors(result) == [(1, {"code": [message]})]
    assert Person.objects.count() == 2


def test_a_code_less_row_meaning_a_record_another_line_names_is_refused():
    person = factories.PersonFactory(pseudonym="Lee", birth_year=1980)
    headers = ["code", "pseudonym", "birth_year"]
    result = run(Person, headers, [[person.code, "Lee", 1980], ["", "Lee", 1980]])
    assert errors(result) == [
        (
            2,
            {
                "code": [
                    "This row has no code and its pseudonym, year of birth, place of origin "
                    f"are those of {person.code}, which line 1 names by its code: keep only "
                    "one of the two rows."
                ]
            },
        )
    ]


@pytest.mark.parametrize(("role", "matched"), [(roles.RESEARCHER, False), (roles.CUSTODIAN, True)])
def test_a_restricted_match_is_refused_without_its_code_unless_the_importer_sees_it(role, matched):
    hidden = factories.PersonFactory(confidentiality="restricted", pseudonym="Park")
    headers = ["code", "pseudonym", "birth_year"]
    result = run(Person, headers, [["", "Park", 1975]], dry_run=True, user=user_in(role))
    if matched:
        assert errors(result) == []
        assert result.rows[0].matched.startswith(hidden.code)
    else:
        message = (
            "This row has no code and its pseudonym, year of birth, place of origin are "
            "those of a restricted record; only a custodian may import it."
        )
        assert errors(result) == [(1, {"code": [message]})]
        assert hidden.code not in message
    assert Person.objects.count() == 1


def test_matching_reads_the_records_in_as_many_queries_for_2_rows_as_for_40():
    counts = []
    for n in (2, 40):
        headers, rows = person_rows(n)
        run(Person, headers, rows)
        with CaptureQueriesContext(connection) as queries:
            result = run(Person, headers, rows, dry_run=True)
        assert result.totals["skip"] == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_admin_preview_names_the_matched_record_and_its_key(as_role):
    factories.PersonFactory(pseudonym="Choi", birth_year=1965, status=WorkflowStatus.DRAFT)
    client = as_role(roles.RESEARCHER)
    content = b"code,pseudonym,birth_year\n,Choi,1965\n,Newcomer,1990\n"
    response = client.post(
        reverse("admin:cases_person_import"),
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("persons.csv", content),
        },
    )
    page = response.content.decode()
    code = Person.objects.get(pseudonym="Choi").code
    assert f"{code}, matched on its pseudonym, year of birth, place of origin" in page
    assert [row.import_type for row in response.context["result"].rows] == ["skip", "new"]
