"""The batched import path (cases/resources.py): history, all or nothing, dry run,
re-runs, the custodian rule and the optimistic lock across batches, what save()
would have stored, and a number of queries that does not grow with the rows."""

import datetime

import pytest
import tablib
from django.db import connection
from django.db.models import CheckConstraint
from django.test.utils import CaptureQueriesContext

from cases import import_rows, publication, roles, services
from cases.markers import living_condition
from cases.models import BorderCrossing, Event, Person, Testimony, Violation
from cases.resources import (
    BorderCrossingResource,
    EventResource,
    PersonResource,
    TestimonyResource,
    ViolationResource,
    holds,
)
from cases.tests import factories
from cases.tests.personas import user_in

pytestmark = pytest.mark.django_db
PERSON_HEADER = ["code", "pseudonym", "sex", "birth_year"]


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of three rows, so that a dozen rows cross several of them."""
    monkeypatch.setattr(PersonResource._meta, "batch_size", 3)
    monkeypatch.setattr(ViolationResource._meta, "batch_size", 3)
    monkeypatch.setattr(import_rows, "BATCH", 3)


def persons(rows, prefix="P-BULK"):
    return tablib.Dataset(
        *[[f"{prefix}{n:04d}", f"Witness {n}", "female", 1950 + n % 50] for n in range(rows)],
        headers=PERSON_HEADER,
    )


def run(resource, data, user=None, dry_run=False):
    return resource.import_data(
        data, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, user=user
    )


def ok(result):
    assert not result.has_errors(), [e.error for e in result.base_errors]
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    return result


def test_one_history_row_per_created_or_changed_record_with_the_user(small_batches):
    researcher = user_in(roles.RESEARCHER)
    ok(run(PersonResource(), persons(10), researcher))
    created = Person.history.filter(history_type="+")
    assert created.count() == 10 == Person.objects.count()
    assert set(created.values_list("history_user", flat=True)) == {researcher.pk}
    assert set(created.values_list("history_change_reason", flat=True)) == {
        "Imported from a spreadsheet"
    }
    data = persons(10)
    for n in (1, 4, 8):  # three changed rows in different batches, seven unchanged
        data[n] = [data[n][0], f"Renamed {n}", "male", 1960]
    result = ok(run(PersonResource(), data, researcher))
    assert (result.totals["update"], result.totals["skip"]) == (3, 7)
    changed = Person.history.filter(history_type="~")
    assert sorted(changed.values_list("pseudonym", flat=True)) == [
        "Renamed 1",
        "Renamed 4",
        "Renamed 8",
    ]
    assert set(changed.values_list("history_user", flat=True)) == {researcher.pk}
    assert set(changed.values_list("version", flat=True)) == {2}
    assert Person.objects.get(pseudonym="Renamed 4").version == 2


def test_a_bad_row_after_a_written_batch_leaves_nothing_written(small_batches):
    data = persons(10)
    data[7] = [data[7][0], "Bad row", "dragon", 1970]  # two batches of three written before
    result = run(PersonResource(), data, user_in(roles.RESEARCHER))
    assert result.has_validation_errors()
    (invalid,) = result.invalid_rows
    assert invalid.number == 8 and "sex" in invalid.field_specific_errors
    assert not Person.objects.exists() and not Person.history.exists()


def test_a_failing_update_after_written_batches_leaves_nothing_written(small_batches):
    ok(run(PersonResource(), persons(10)))
    before = list(Person.objects.order_by("pk").values_list("pseudonym", "version"))
    data = persons(10)
    for n in range(10):
        data[n] = [data[n][0], f"Changed {n}", "female", 1950 + n]
    data[8] = [data[8][0], "Changed 8", "female", 1700]  # the birth-year check constraint
    result = run(PersonResource(), data)
    assert result.has_validation_errors()
    (invalid,) = result.invalid_rows
    assert invalid.number == 9 and invalid.non_field_specific_errors
    assert list(Person.objects.order_by("pk").values_list("pseudonym", "version")) == before
    assert not Person.history.filter(history_type="~").exists()


def test_a_dry_run_writes_nothing_not_even_history(small_batches):
    ok(run(PersonResource(), persons(4, "P-OLD")))
    history = Person.history.count()
    data = persons(10)
    data.append(["P-OLD0001", "Renamed", "male", 1960])
    result = ok(run(PersonResource(), data, user_in(roles.RESEARCHER), dry_run=True))
    assert (result.totals["new"], result.totals["update"]) == (10, 1)
    assert Person.objects.count() == 4 and Person.history.count() == history
    assert Person.objects.get(code="P-OLD0001").pseudonym == "Witness 1"


def test_running_the_same_file_again_creates_no_duplicates(small_batches):
    data = persons(10)
    ok(run(PersonResource(), data))
    history = Person.history.count()
    again = ok(run(PersonResource(), data))
    assert again.totals["skip"] == 10 and again.totals["new"] == 0
    assert Person.objects.count() == 10 and Person.history.count() == history


def test_a_code_twice_in_one_file_is_refused_with_its_rows():
    data = persons(3)
    data.append(["P-BULK0001", "Again", "male", 1970])
    result = run(PersonResource(), data)
    numbers = sorted(row.number for row in result.invalid_rows)
    assert numbers == [2, 4]
    assert all("code" in row.field_specific_errors for row in result.invalid_rows)
    assert not Person.objects.exists()


def test_an_unknown_linked_code_is_refused_with_its_field():
    event = factories.EventFactory()
    violation_type = factories.ViolationTypeFactory()
    data = tablib.Dataset(
        ["", event.code, violation_type.code, "P-NOSUCH1"],
        headers=["code", "event", "violation_type", "victim"],
    )
    result = run(ViolationResource(), data)
    (invalid,) = result.invalid_rows
    assert "P-NOSUCH1" in str(invalid.field_specific_errors["victim"])
    assert not Violation.objects.exists()


def test_a_missing_required_link_is_refused_with_its_field():
    data = tablib.Dataset(["", "", "", ""], headers=["code", "event", "violation_type", "victim"])
    result = run(ViolationResource(), data)
    (invalid,) = result.invalid_rows
    assert {"event", "violation_type"} <= set(invalid.field_specific_errors)


@pytest.mark.parametrize(("role", "allowed"), [(roles.RESEARCHER, False), (roles.CUSTODIAN, True)])
def test_only_a_custodian_changes_a_restricted_record_among_many(small_batches, role, allowed):
    ok(run(PersonResource(), persons(8)))
    hidden = Person.objects.get(code="P-BULK0005")
    factories.workflow_save(hidden, confidentiality="restricted")
    data = persons(8)
    for n in range(8):
        data[n] = [data[n][0], f"Renamed {n}", "male", 1960]
    result = run(PersonResource(), data, user_in(role))
    assert result.has_validation_errors() is not allowed
    if not allowed:
        (invalid,) = result.invalid_rows
        assert invalid.number == 6 and "restricted" in str(invalid.field_specific_errors["code"])
    renamed = Person.objects.filter(pseudonym__startswith="Renamed").count()
    assert renamed == (8 if allowed else 0)


def test_a_record_saved_meanwhile_is_not_overwritten(small_batches):
    ok(run(PersonResource(), persons(6)))

    class SavedMeanwhile(PersonResource):
        def before_save_instance(self, instance, row, **kwargs):
            if instance.code == "P-BULK0004":
                other = Person.objects.get(code="P-BULK0004")
                other.pseudonym = "Someone else's edit"
                other.save()

    data = persons(6)
    for n in range(6):
        data[n] = [data[n][0], f"Renamed {n}", "male", 1960]
    result = run(SavedMeanwhile(), data)
    assert result.has_errors()
    assert "P-BULK0004" in str(result.base_errors[0].error)
    assert not Person.objects.filter(pseudonym__startswith="Renamed").exists()


def queries(resource, data):
    with CaptureQueriesContext(connection) as captured:
        ok(run(resource, data, user_in(roles.RESEARCHER)))
    return len(captured)


def test_queries_do_not_grow_with_the_rows(small_batches):
    """10 and 50 rows, in batches of three: the difference is a few per batch, not per row."""
    batches = 50 // 3 + 1
    small = queries(PersonResource(), persons(10, "P-SMALL"))
    large = queries(PersonResource(), persons(50, "P-LARGE"))
    assert large <= small + 3 * batches, (small, large)
    # Updates: per batch a version check, the update and the history.
    data = persons(50, "P-LARGE")
    for n in range(50):
        data[n] = [data[n][0], f"Renamed {n}", "male", 1960]
    assert queries(PersonResource(), data) <= small + batches * 5, small
    assert Person.objects.count() == 60 and Person.history.count() == 110


def test_violations_look_up_their_links_once_per_import(small_batches):
    events = [factories.EventFactory() for _ in range(3)]
    victims = [factories.PersonFactory() for _ in range(3)]
    violation_type = factories.ViolationTypeFactory()

    def violations(rows, prefix):
        return tablib.Dataset(
            *[
                [
                    f"{prefix}{n:04d}",
                    events[n % 3].code,
                    violation_type.code,
                    victims[n % 3].code,
                    "2003-05-17",
                    "day",
                    f"Beaten {n}",
                ]
                for n in range(rows)
            ],
            headers=[
                "code",
                "event",
                "violation_type",
                "victim",
                "start_date",
                "start_precision",
                "description_en",
            ],
        )

    small = queries(ViolationResource(), violations(10, "A-SMALL"))
    large = queries(ViolationResource(), violations(50, "A-LARGE"))
    assert large <= small + 3 * (50 // 3 + 1), (small, large)
    assert Violation.objects.count() == 60
    assert Violation.history.count() == 60


# --- The bulk path stores what save() would -----------------------------------------

COMPARED_AWAY = {"id", "created_at", "updated_at", "version", "is_public"}


def stored(record):
    record.refresh_from_db()
    return {
        f.attname: getattr(record, f.attname)
        for f in record._meta.concrete_fields
        if f.attname not in COMPARED_AWAY
    }


def imported_and_saved(resource, headers, row, model):
    """The record as the import stored it, and as save() stores it again."""
    ok(run(resource, tablib.Dataset(row, headers=headers)))
    record = model.objects.latest("pk")
    by_import = stored(record)
    record.search_text = record.search_tokens = ""
    record.save()
    return by_import, stored(record)


def test_bulk_writes_store_what_save_would_for_every_resource():
    place = factories.PlaceFactory(code="KP-09")
    person = factories.PersonFactory(code="P-VICTIM01")
    event = factories.EventFactory(code="E-EVENT001", title_en="요덕 수용소 구금")
    violation_type = factories.ViolationTypeFactory(code="V77", name_en="Torture")
    cases = [
        (
            EventResource(),
            ["code", "title_en", "title_ko", "start_date", "start_precision", "place"],
            ["", "Arrest", "요덕수용소 체포", "2003-05-01", "month", place.code],
            Event,
        ),
        (
            ViolationResource(),
            [
                "code",
                "event",
                "violation_type",
                "victim",
                "start_date",
                "start_precision",
                "end_date",
                "end_precision",
                "description_ko",
            ],
            [
                "",
                event.code,
                violation_type.code,
                person.code,
                "2003-01-01",
                "year",
                "2004-02-01",
                "month",
                "보위부에서 구타",
            ],
            Violation,
        ),
        (
            TestimonyResource(),
            [
                "code",
                "interviewee",
                "title_en",
                "start_date",
                "start_precision",
                "consent_scope",
                "consent_given_on",
            ],
            ["", person.code, "Account of 2003", "2003-01-01", "approximate", "full", "2015-06-01"],
            Testimony,
        ),
        (
            BorderCrossingResource(),
            [
                "code",
                "person",
                "crossing_date",
                "crossing_date_precision",
                "crossing_point",
                "arrival_date",
                "arrival_date_precision",
            ],
            [
                "",
                person.code,
                "2008-03-01",
                "month",
                "Tumen River near Musan",
                "2009-01-01",
                "year",
            ],
            BorderCrossing,
        ),
    ]
    for resource, headers, row, model in cases:
        by_import, by_save = imported_and_saved(resource, headers, row, model)
        assert by_import == by_save, model
        assert by_import.get("search_tokens", "x"), model
    crossing = BorderCrossing.objects.get()
    assert crossing.crossing_date == datetime.date(2008, 3, 1)
    assert crossing.arrival_date == datetime.date(2009, 1, 1)


def test_an_import_never_moves_a_date_to_fit_its_precision():
    """Issue 21: 2008-03-19 "as a month" was stored as 2008-03-01 without a word."""
    person = factories.PersonFactory()
    headers = ["code", "person", "crossing_date", "crossing_date_precision", "crossing_point"]
    data = tablib.Dataset(["", person.code, "2008-03-19", "month", "Musan"], headers=headers)
    result = run(BorderCrossingResource(), data)
    assert result.has_validation_errors()
    assert "more precise than" in str(result.invalid_rows[0].error_dict["crossing_date"])
    assert not BorderCrossing.objects.exists()


def test_an_update_bumps_the_version_and_the_update_time():
    person = factories.PersonFactory(code="P-UPDATE01", pseudonym="Before")
    before = person.updated_at
    data = tablib.Dataset([person.code, "After"], headers=["code", "pseudonym"])
    ok(run(PersonResource(), data))
    person.refresh_from_db()
    assert (person.pseudonym, person.version) == ("After", 2)
    assert person.updated_at > before
    assert person.history.first().version == 2


# --- Check constraints in Python agree with the database ----------------------------


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Person, {"birth_year": None}),
        (Person, {"birth_year": 1879}),
        (Person, {"birth_year": 1880}),
        (Person, {"birth_year": 2100}),
        (Person, {"birth_year": 2101}),
        (Event, {"title_en": "", "title_ko": ""}),
        (Event, {"title_en": "", "title_ko": "제목"}),
        (Violation, {"victim_age": 121}),
        (Violation, {"victim_age": 120}),
        (Testimony, {"consent_scope": "full", "consent_given_on": None}),
        (Testimony, {"consent_scope": "none", "consent_given_on": None}),
        (
            Testimony,
            {
                "consent_given_on": datetime.date(2015, 1, 2),
                "consent_withdrawn_on": datetime.date(2015, 1, 1),
            },
        ),
        (
            Testimony,
            {
                "consent_given_on": datetime.date(2015, 1, 2),
                "consent_withdrawn_on": datetime.date(2015, 1, 2),
            },
        ),
        (Testimony, {"consent_given_on": None, "consent_withdrawn_on": datetime.date(2015, 1, 2)}),
    ],
)
def test_check_constraints_evaluated_in_python_agree_with_the_database(model, values):
    record = model(**values)
    for constraint in model._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        try:
            constraint.validate(model, record)
            by_database = True
        except Exception:
            by_database = False
        assert (holds(constraint.condition, record) is not False) == by_database, constraint.name


# --- Publication flags ------------------------------------------------------------


def test_an_imported_testimony_without_consent_withdraws_its_interviewees_violation():
    violation = factories.ViolationFactory(publishable=True)
    publication.refresh_everything()
    violation.refresh_from_db()
    assert violation.is_public
    data = tablib.Dataset(
        ["", violation.victim.code, "A new account", "none"],
        headers=["code", "interviewee", "title_en", "consent_scope"],
    )
    ok(run(TestimonyResource(), data, user_in(roles.RESEARCHER)))
    violation.refresh_from_db()
    assert not violation.is_public


def assert_stored_flags_follow_their_definitions():
    from cases.tests.test_facets import old_corroboration
    from cases.tests.test_publication import assert_flags_follow_the_rules

    assert_flags_follow_the_rules()
    for model in (Event, Violation):
        stored = dict(model.objects.values_list("pk", "corroboration"))
        assert stored == old_corroboration(model.objects.all()), model
    living = Event.objects.annotate(defined=living_condition()).values_list(
        "code", "involves_living", "defined"
    )
    # A new draft event keeps the safe default (True) until something rests on it.
    assert [code for code, stored, defined in living if defined and not stored] == []


ACT_HEADER = ["code", "event", "violation_type", "victim", "description_en"]


def test_new_draft_acts_count_their_events_sources_and_leave_its_point_alone():
    event = factories.published_case()
    Person.objects.filter(violations_suffered__event=event).update(is_alive=False)
    publication.refresh_everything()
    event.refresh_from_db()
    assert not event.involves_living and event.corroboration == 1
    living = factories.PersonFactory(is_alive=True)
    violation_type = factories.ViolationTypeFactory()
    data = tablib.Dataset(
        *[["", event.code, violation_type.code, living.code, f"Beaten {n}"] for n in range(4)],
        headers=ACT_HEADER,
    )
    ok(run(ViolationResource(), data, user_in(roles.RESEARCHER)))
    event.refresh_from_db()
    assert not event.involves_living  # unpublished victims do not move the point (issue 18)
    new = Violation.objects.filter(description_en__startswith="Beaten")
    assert [act.corroboration for act in new] == [1] * 4  # the event's witness
    assert not any(act.is_public for act in new)  # drafts
    assert_stored_flags_follow_their_definitions()


def test_imported_changes_to_the_fields_the_rules_read_refresh_what_rests_on_them():
    first, second = factories.EventFactory(publishable=True), factories.published_case()
    victim = factories.PersonFactory(is_alive=True)
    moved = factories.ViolationFactory(event=first, victim=victim)  # a draft act
    witness = factories.publishable_testimony()
    factories.InformationFactory(testimony=witness, violation=moved, event=None)
    published = factories.ViolationFactory(publishable=True, event=second, victim=victim)
    publication.refresh_everything()
    first.refresh_from_db()
    assert first.involves_living and first.corroboration == 1
    assert Violation.objects.public().filter(pk=published.pk).exists()
    # The victim restricted (through the workflow: an import cannot): their act is withheld.
    services.record_set_confidentiality(
        record=victim, confidentiality="restricted", by=user_in(roles.CUSTODIAN)
    )
    assert not Violation.objects.public().filter(pk=published.pk).exists()
    # The draft act moved to the other event: the one it left is recomputed too.
    data = tablib.Dataset(
        [moved.code, second.code, moved.violation_type.code, victim.code, "Moved"],
        headers=ACT_HEADER,
    )
    ok(run(ViolationResource(), data, user_in(roles.CUSTODIAN)))
    first.refresh_from_db()
    assert first.corroboration == 0
    assert first.involves_living  # no public act shows that nobody living is involved
    assert_stored_flags_follow_their_definitions()


def test_an_imported_change_to_no_field_the_rules_read_refreshes_nothing(monkeypatch):
    event = factories.published_case()
    draft = factories.ViolationFactory(event=event)
    person = factories.PersonFactory()
    refreshed = []
    monkeypatch.setattr(publication, "refresh", lambda **ids: refreshed.append(ids))
    data = tablib.Dataset([draft.code, "Rewritten"], headers=["code", "description_en"])
    ok(run(ViolationResource(), data))
    data = tablib.Dataset([person.code, "Renamed"], headers=["code", "pseudonym"])
    ok(run(PersonResource(), data))
    assert refreshed == []
    data = tablib.Dataset([person.code, "1"], headers=["code", "is_alive"])
    ok(run(PersonResource(), data))
    assert len(refreshed) == 1


def test_a_nul_character_is_refused_with_its_row_and_field():
    data = tablib.Dataset(
        ["P-NUL0001", "Witness", "female", 1950],
        ["P-NUL\x000002", "Witness", "female", 1950],
        ["P-NUL0003", "Wit\x00ness", "female", 1950],
        headers=PERSON_HEADER,
    )
    result = run(PersonResource(), data)
    invalid = {row.number: set(row.field_specific_errors) for row in result.invalid_rows}
    assert invalid == {2: {"code"}, 3: {"pseudonym"}}
    assert not Person.objects.filter(code__startswith="P-NUL").exists()


def test_a_cell_that_is_no_number_is_refused_with_its_row_and_field():
    data = tablib.Dataset(
        ["P-NUM0001", "Witness", "female", "1950"],
        ["P-NUM0002", "Witness", "female", "nineteen fifty"],
        headers=PERSON_HEADER,
    )
    result = run(PersonResource(), data)
    assert not result.has_errors()
    (invalid,) = result.invalid_rows
    assert invalid.number == 2 and "nineteen fifty" in str(invalid.field_specific_errors)
    assert set(invalid.field_specific_errors) == {"birth_year"}
    assert not Person.objects.filter(code__startswith="P-NUM").exists()


def test_each_row_result_names_its_record():
    result = ok(run(PersonResource(), persons(3)))
    names = [row.object_repr for row in result.rows]
    assert names == [str(Person.objects.get(code=f"P-BULK{n:04d}")) for n in range(3)]
