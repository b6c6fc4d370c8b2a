"""Every write path keeps history: exactly one history row per changed record.

Two halves:
- a scan of the project's source (not tests, not migrations) for writes that
  bypass `save()` and so django-simple-history: QuerySet `.update(...)`,
  `bulk_update`, `bulk_create`, and raw `UPDATE`/`INSERT`/`DELETE`. Each must be in
  ALLOWED with the reason it is safe, or the test fails;
- behavioural tests counting history rows per write path: the admin, the
  services, spreadsheet imports, the management commands and the API.

Not versioned, by decision: stats.Dataset and stats.Observation (published
figures re-imported from the publishers' files, which are their history; see
docs/reliability.md), Identity and Attachment (a history row would be one more
copy of a real name or a file's name), and the logs themselves (StatusChange,
ConsentWithdrawal, PersonMerge, IdentityAccess, AttachmentAccess, TestimonyPrint),
which are only ever appended to.
"""

import ast
import datetime
from collections import Counter
from pathlib import Path

import pytest
import tablib
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from simple_history.models import registered_models

from cases import intake, roles, search, services
from cases.models import BorderCrossing, Event, Person, Testimony, Violation
from cases.resources import PersonResource
from cases.tests import factories
from cases.tests.conftest import as_role  # noqa: F401 (the fixture)
from cases.tests.personas import user_in

ROOT = Path(settings.BASE_DIR)
SCANNED = ["cases", "stats", "nkdb", "research"]

# (file, a piece of the line) -> why this write needs no history row of its own.
ALLOWED = {
    ("cases/preview.py", ".update(status=WorkflowStatus.PUBLISHED)"): (
        "the reviewer's preview marks the record published inside a savepoint that is "
        "always rolled back (test_previewing_writes_nothing, and every role and state "
        "in test_workflow_guard)"
    ),
    ("stats/mirror.py", 'cursor.execute(f"DELETE FROM {table}")'): (
        "the statistics' copy in the public database is replaced whole from the "
        "originals, whose writes keep their own history; the copy is never edited"
    ),
    ("stats/mirror.py", "bulk_create(rows, batch_size=BATCH)"): (
        "the statistics' copy in the public database, replaced whole from the originals"
    ),
    ("cases/copying.py", "INSERT INTO {table} (kind, at, record_id)"): (
        "the publication's outbox (PublicationChange) is a queue of record ids, applied "
        "and deleted; the writes it reports keep their own history rows"
    ),
    ("cases/models/base.py", '.update(version=models.F("version") + 1)'): (
        "optimistic locking: the check-and-bump UPDATE is followed by the full save() "
        "that writes the one history row"
    ),
    ("cases/search.py", "bulk_update(batch, SEARCH_FIELDS)"): (
        "rebuild_search writes only the search columns, which every versioned model "
        "excludes from its history (test_search_columns_are_not_versioned)"
    ),
    ("cases/publication.py", ".update(is_public=True)"): (
        "is_public is derived from the publication rules and excluded from every history "
        "(test_publication_flag_is_not_versioned); the write that changed the rules' "
        "inputs keeps its own history row"
    ),
    ("cases/publication.py", ".update(involves_living=living)"): (
        "involves_living is derived (cases.markers.living_condition) and excluded from "
        "the event's history"
    ),
    ("cases/publication.py", ".update(involves_living=True)"): (
        "involves_living is derived and excluded from the event's history"
    ),
    ("cases/publication.py", ".update(involves_living=False)"): (
        "involves_living is derived and excluded from the event's history"
    ),
    ("cases/publication.py", ".update(is_public=rules)"): (
        "is_public is derived from the publication rules and excluded from every history"
    ),
    ("cases/publication.py", 'f"UPDATE {table} SET corroboration = counted.n'): (
        "corroboration is derived from the public information and excluded from the "
        "histories of events and violations (test_publication_flag_is_not_versioned)"
    ),
    ("stats/views.py", "context.update("): "a template context (a dict), not a QuerySet",
    ("stats/map_views.py", "context.update("): "a template context (a dict), not a QuerySet",
    ("cases/vault.py", 'f"UPDATE {table} SET {assignments} WHERE id = %s"'): (
        "key rotation re-encrypts Identity, which is deliberately not versioned"
    ),
    ("cases/import_rows.py", 'f"UPDATE {table} AS t SET {assignments} FROM unnest('): (
        "spreadsheet imports update a batch in one statement, then write one history row "
        "per record with write_history (test_imports_bulk)"
    ),
    ("cases/import_rows.py", "model._base_manager.using(using).bulk_update(records, names"): (
        "the same import update on other databases than PostgreSQL, followed by the same "
        "write_history"
    ),
    ("cases/import_rows.py", 'cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN")'): (
        "spreadsheet imports create a batch with COPY, then write one history row per "
        "record with write_history (test_imports_bulk)"
    ),
    ("cases/import_rows.py", "model._base_manager.using(using).bulk_create(records, batch_size"): (
        "the same import creation on other databases than PostgreSQL, followed by the same "
        "write_history"
    ),
    ("cases/import_rows.py", 'f"INSERT INTO {quote(history._meta.db_table)} ({tracked}'): (
        "write_history: the history rows themselves, one per record written"
    ),
    # Synthetic benchmark data, written without history by design (see its docstring).
    ("cases/scale.py", "model._default_manager.bulk_create(batch, batch_size=500)"): (
        "synthetic benchmark fixture (seed_scale), never edited, never mixed with real records"
    ),
    ("cases/scale.py", "COPY {table}"): (
        "synthetic benchmark fixture (seed_scale), never edited, never mixed with real records"
    ),
}


def versioned_models():
    return {model for model in registered_models.values() if model._meta.app_label == "cases"}


def unversioned_model_names():
    versioned = {model.__name__ for model in versioned_models()}
    return {model.__name__ for model in apps.get_models()} - versioned


def receiver_root(node):
    """The name a call chain starts from: `Observation` in Observation.objects.bulk_create."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def suspicious_writes(tree):
    """Line numbers of calls that write rows without save(), and of raw SQL writes.

    A call on a model that is not versioned (`Observation.objects.bulk_create`)
    needs no history and is not reported.
    """
    unversioned = unversioned_model_names()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            # QuerySet.update() takes keyword arguments only; dict.update() and
            # Counter.update() usually take a positional one.
            queryset_update = name == "update" and bool(node.keywords) and not node.args
            if (queryset_update or name in ("bulk_update", "bulk_create")) and (
                receiver_root(node.func.value) not in unversioned
            ):
                yield node.func.end_lineno
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.lstrip().upper()
            if text.startswith(("UPDATE ", "INSERT ", "DELETE ", "COPY ")):
                yield node.lineno


def project_sources():
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative or "/migrations/" in relative:
                continue
            yield relative, path.read_text(encoding="utf-8")


def test_no_write_bypasses_history_unless_allowed_with_a_reason():
    found, unexplained = Counter(), []
    for relative, text in project_sources():
        lines = text.splitlines()
        for lineno in sorted(set(suspicious_writes(ast.parse(text)))):
            line = lines[lineno - 1]
            keys = [key for key in ALLOWED if key[0] == relative and key[1] in line]
            if keys:
                found[keys[0]] += 1
            else:
                unexplained.append(f"{relative}:{lineno}: {line.strip()}")
    assert not unexplained, (
        "Writes that bypass save() (and so history). Use save(), or add them to ALLOWED "
        "with the reason no history row is needed:\n" + "\n".join(unexplained)
    )
    # An entry for a file that is not there (yet) is not stale.
    stale = {key for key in set(ALLOWED) - set(found) if (ROOT / key[0]).exists()}
    assert not stale, f"ALLOWED entries that match nothing any more: {stale}"


def test_the_scan_reads_the_staff_search_too():
    # research/ writes only its own unversioned tables (the index, the log, saved
    # searches and notices): nothing there needs an ALLOWED entry, but a versioned
    # write added to it would be found.
    scanned = {relative for relative, _text in project_sources()}
    assert {"research/index.py", "research/services.py", "research/admin.py"} <= scanned


def test_the_scan_finds_what_it_must():
    source = (
        "qs.filter(a=1).update(status='x')\nEvent.objects.bulk_create([])\n"
        "d.update({'a': 1})\nObservation.objects.bulk_update([], ['value'])\n"
        "cursor.execute('UPDATE cases_event SET x = 1')\n"
    )
    assert sorted(suspicious_writes(ast.parse(source))) == [1, 2, 5]


def test_search_columns_are_not_versioned():
    for model in (Event, Violation, Testimony, BorderCrossing):
        history_fields = {f.name for f in model.history.model._meta.fields}
        assert not set(search.SEARCH_FIELDS) & history_fields, model


def test_publication_flag_is_not_versioned():
    for model in (Person, Event, Violation, Testimony, BorderCrossing):
        derived = {"is_public", "corroboration", "involves_living"}
        derived &= {f.name for f in model._meta.fields}
        assert "is_public" in derived, model
        assert not derived & {f.name for f in model.history.model._meta.fields}, model


def test_stats_are_not_versioned_by_decision():
    assert not [m for m in registered_models.values() if m._meta.app_label == "stats"]


def test_every_publishable_record_is_versioned():
    assert {Person, Testimony, Event, Violation, BorderCrossing} <= versioned_models()


# --- Behaviour: one history row per changed record --------------------------------


def history_counts():
    return {model: model.history.count() for model in versioned_models()}


def new_history(before):
    after = history_counts()
    return {m._meta.model_name: after[m] - before[m] for m in after if after[m] != before[m]}


@pytest.mark.django_db
def test_a_model_save_writes_one_row_despite_the_version_bump():
    event = factories.EventFactory()
    before = history_counts()
    event.title_en = "Changed"
    event.save()
    assert new_history(before) == {"event": 1}
    assert event.history.first().version == 2


@pytest.mark.django_db
def test_admin_change_writes_one_row_with_the_user(as_role):  # noqa: F811
    event = factories.EventFactory(title_en="Original")
    client = as_role(roles.RESEARCHER)
    before = history_counts()
    response = client.post(
        reverse("admin:cases_event_change", args=[event.pk]),
        {
            "title_en": "Edited in the admin",
            "title_ko": "",
            "description_en": "",
            "description_ko": "",
            "start_date": "2003-05-17",
            "start_precision": "day",
            "end_precision": "unknown",
            "confidentiality": "standard",
            "version": 1,
            "violations-TOTAL_FORMS": "0",
            "violations-INITIAL_FORMS": "0",
            "information-TOTAL_FORMS": "0",
            "information-INITIAL_FORMS": "0",
            "relations-TOTAL_FORMS": "0",
            "relations-INITIAL_FORMS": "0",
            "related_from-TOTAL_FORMS": "0",
            "related_from-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert new_history(before) == {"event": 1}
    assert event.history.first().history_user == client.user


@pytest.mark.django_db
def test_services_write_one_row_per_changed_record():
    researcher, reviewer = user_in(roles.RESEARCHER), user_in(roles.REVIEWER)
    event = factories.EventFactory()
    before = history_counts()
    services.record_submit_for_review(record=event, by=researcher)
    assert new_history(before) == {"event": 1}
    before = history_counts()
    services.record_return(record=event, by=reviewer, comment="Add a source")
    assert new_history(before) == {"event": 1}


@pytest.mark.django_db
def test_consent_withdrawal_writes_one_row_per_record_it_changes():
    custodian = user_in(roles.CUSTODIAN)
    testimony = factories.publishable_testimony()
    event = factories.EventFactory(publishable=True)
    factories.InformationFactory(testimony=testimony, event=event)
    before = history_counts()
    withdrawal = services.testimony_withdraw_consent(
        testimony=testimony, withdrawn_on=datetime.date(2024, 1, 1), by=custodian
    )
    changed = withdrawal.unpublished.split()
    counts = new_history(before)
    # The testimony: once for the withdrawal, once for leaving publication.
    assert counts.pop("testimony") == 2
    assert sum(counts.values()) == len(changed) - 1


@pytest.mark.django_db
def test_spreadsheet_import_writes_one_row_per_created_or_changed_record():
    researcher = user_in(roles.RESEARCHER)
    kept = factories.PersonFactory(pseudonym="Unchanged", sex="female", birth_year=1970)
    changed = factories.PersonFactory(pseudonym="Before")
    data = tablib.Dataset(
        ["", "New witness"],
        [kept.code, "Unchanged"],
        [changed.code, "After"],
        headers=["code", "pseudonym"],
    )
    before = history_counts()
    result = PersonResource().import_data(
        data, use_transactions=True, rollback_on_validation_errors=True, user=researcher
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert new_history(before) == {"person": 2}  # one created, one changed, one skipped


@pytest.mark.django_db
def test_bootstrap_writes_one_row_per_record_then_none():
    call_command("bootstrap", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for model in versioned_models():
        assert model.history.count() == model._base_manager.count(), model
    before = history_counts()
    call_command("bootstrap", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert new_history(before) == {}


@pytest.mark.django_db
def test_seed_demo_writes_one_row_per_record_and_rebuild_search_none():
    call_command("bootstrap", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", persons=8, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for model in versioned_models():
        assert model.history.count() == model._base_manager.count(), model
    versions = {
        model: list(model._base_manager.order_by("pk").values_list("pk", "version"))
        for model in (Event, Violation, Testimony, BorderCrossing)
    }
    before = history_counts()
    call_command("rebuild_search", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert new_history(before) == {}
    for model, rows in versions.items():
        assert list(model._base_manager.order_by("pk").values_list("pk", "version")) == rows


@pytest.mark.django_db
def test_the_api_writes_nothing(client):
    event = factories.EventFactory(publishable=True)
    before = history_counts()
    for url in ("/api/cases/events/", f"/api/cases/events/{event.code}/"):
        for method in (client.post, client.put, client.patch, client.delete):
            assert method(url, {}, content_type="application/json").status_code in (
                401,
                403,
                404,
                405,
            )
    assert new_history(before) == {}


@pytest.mark.django_db
def test_the_testimony_intake_writes_one_row_per_record_it_creates_with_its_user():
    researcher = user_in(roles.RESEARCHER)
    data = {
        "person": {"existing": None, "values": {"pseudonym": "Entered at once"}},
        "testimony": {"title_en": "Intake", "knowledge": "experienced"},
        "events": [{"title_en": "An arrest"}],
        "violations": [
            {
                "event": 0,
                "victim": intake.INTERVIEWEE,
                "values": {"violation_type": factories.ViolationTypeFactory()},
                "perpetrators": [{"perpetrator_organization": factories.OrganizationFactory()}],
            }
        ],
    }
    before = history_counts()
    testimony = intake.testimony_intake(data=data, by=researcher)
    counts = new_history(before)
    assert counts == {
        "person": 1,
        "testimony": 1,
        "event": 1,
        "violation": 1,
        "involvement": 1,
        "information": 2,
    }
    assert testimony.history.get().history_user == researcher
