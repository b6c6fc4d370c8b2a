"""Indexes over the stored publication flag (issue 8). PostgreSQL only.

- the newest public events and violations first: the first page of a search and
  of the API lists reads them in order, and stops after a page;
- the public rows of violations by event, covering what the facets count, so the
  facets of an event search are index-only scans;
- the sample of public records (cases.search.sample, `MOD(id, 100) = 0`) that
  estimated counts read when more than 10,000 records match.

The model state does not change.
"""

from django.db import migrations

SAMPLE = "is_public AND MOD(id, 100) = 0"
VIOLATION_FACETS = "id, victim_id, violation_type_id, victim_age, place_id, facility_id"
INDEXES = {
    "cases_event_public_newest": "cases_event (earliest_date DESC, code) WHERE is_public",
    "cases_violation_public_newest": "cases_violation (earliest_date DESC, code) WHERE is_public",
    "cases_violation_public_by_event": (
        f"cases_violation (event_id) INCLUDE ({VIOLATION_FACETS}) WHERE is_public"
    ),
    "cases_event_sample": (
        f"cases_event (id) INCLUDE (place_id, facility_id, corroboration) WHERE {SAMPLE}"
    ),
    "cases_violation_sample": (
        f"cases_violation (id) INCLUDE (event_id, {VIOLATION_FACETS[4:]}, corroboration) "
        f"WHERE {SAMPLE}"
    ),
    "cases_person_public": "cases_person (id) INCLUDE (sex) WHERE is_public",
    "cases_testimony_public": "cases_testimony (id) INCLUDE (interviewee_id) WHERE is_public",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_stored_corroboration"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
