"""The staff search's stored vectors and their GIN indexes (PostgreSQL only).

As cases/migrations/0011 does for the public columns: `search_vector`, a
generated column computing `to_tsvector('simple', search_tokens)`, outside the
models' state (core.words.StoredVector names it), with a GIN index over it, on
the documents and on the transcripts. SQLite matches substrings and has neither.
"""

from django.db import migrations

TABLES = ["research_staffdocument", "research_stafftranscript"]
VECTOR = "to_tsvector('simple'::regconfig, search_tokens)"


def store_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
            f"GENERATED ALWAYS AS ({VECTOR}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} USING gin (search_vector)"
        )


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_gin")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("research", "0001_staff_search")]

    operations = [migrations.RunPython(store_vectors, drop_vectors)]
