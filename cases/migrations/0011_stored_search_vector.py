"""The search vector stored in a column, indexed on public records (issue 8).

PostgreSQL only: `search_vector`, a generated column computing
`to_tsvector('simple', search_tokens)`, replaces the GIN indexes over that
expression (0002). Rechecking a phrase query read the expression's value again
for every candidate row, recomputing it from the text; a column is read as it is.
The index covers public records only: the search runs on `.public()` querysets.

Two more partial indexes, of public events and violations by id, covering what
the facets count: a search page selects the records it counted by their ids
(cases.search.count_or_estimate), and these answer that without the heap, as the
sample indexes of 0009 do for estimated counts.

The column is not in the models' state (see cases/search.py); the model state
does not change. Adding it rewrites each table, which is then vacuumed: the
rewrite leaves the visibility map empty, and the facets' index-only scans need
it. Not atomic, so that each table is locked only while it is rewritten; each
table's change is one transaction, and running the migration again after a
failure redoes only what is missing.
"""

from django.db import migrations, transaction

SEARCHABLE = ["event", "violation", "testimony", "bordercrossing"]
VECTOR = "to_tsvector('simple'::regconfig, search_tokens)"
VIOLATION_FACETS = "event_id, victim_id, violation_type_id, victim_age, place_id, facility_id"
ID_INDEXES = {
    "event": "(id) INCLUDE (place_id, facility_id, corroboration) WHERE is_public",
    "violation": f"(id) INCLUDE ({VIOLATION_FACETS}, corroboration) WHERE is_public",
}


def store_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SEARCHABLE:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # the GIN build
            # Dropped first, or the rewrite would rebuild it only to see it dropped.
            schema_editor.execute(f"DROP INDEX IF EXISTS cases_{name}_search_gin")
            schema_editor.execute(
                f"ALTER TABLE cases_{name} ADD COLUMN IF NOT EXISTS search_vector tsvector "
                f"GENERATED ALWAYS AS ({VECTOR}) STORED"
            )
            schema_editor.execute(
                f"CREATE INDEX cases_{name}_search_gin ON cases_{name} "
                "USING gin (search_vector) WHERE is_public"
            )
            if name in ID_INDEXES:
                schema_editor.execute(
                    f"CREATE INDEX IF NOT EXISTS cases_{name}_public_ids "
                    f"ON cases_{name} {ID_INDEXES[name]}"
                )
        schema_editor.execute(f"VACUUM (ANALYZE) cases_{name}")


def expression_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ID_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS cases_{name}_public_ids")
    for name in SEARCHABLE:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(f"DROP INDEX IF EXISTS cases_{name}_search_gin")
            schema_editor.execute(f"ALTER TABLE cases_{name} DROP COLUMN IF EXISTS search_vector")
            schema_editor.execute(
                f"CREATE INDEX cases_{name}_search_gin ON cases_{name} USING gin ({VECTOR})"
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0010_event_involves_living"),
    ]

    operations = [migrations.RunPython(store_vectors, expression_indexes)]
