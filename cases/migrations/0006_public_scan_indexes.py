"""Indexes for the `.public()` querysets and the facet counts at scale (issue 8).

PostgreSQL only (partial and covering indexes, read by index-only scans once the
table is vacuumed): the anti-joins of `.public()` read small partial indexes
instead of the wide testimony and person tables, and the facets read the public
rows of events and violations from narrow covering indexes instead of the heap
with its text columns. The model state does not change.
"""

from django.db import migrations

PUBLIC = "status = 'published' AND confidentiality = 'standard'"
INDEXES = {
    # Testimony.without_publication_consent(), in every .public() anti-join.
    "cases_testimony_withheld": "cases_testimony (interviewee_id, id) "
    "WHERE NOT (consent_scope IN ('anonymised', 'full') AND consent_withdrawn_on IS NULL)",
    # Person.exclude(confidentiality=STANDARD), in Violation.public().
    "cases_person_not_standard": "cases_person (id) WHERE confidentiality <> 'standard'",
    "cases_violation_public": "cases_violation (event_id) INCLUDE (id, victim_id, "
    "violation_type_id, victim_age, place_id, facility_id, earliest_date, latest_date) "
    f"WHERE {PUBLIC}",
    "cases_event_public": "cases_event (id) INCLUDE (place_id, facility_id, earliest_date, "
    f"latest_date) WHERE {PUBLIC}",
    # public_information() and withheld_support_for(): by testimony, with the targets.
    "cases_information_testimony_cover": "cases_information (testimony_id) "
    "INCLUDE (event_id, violation_id, knowledge, source_id)",
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
        ("cases", "0005_record_version_and_person_merge"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
