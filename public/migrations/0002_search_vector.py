"""The search vector of the published copy, PostgreSQL only (as cases' 0011).

A generated column `search_vector`, `to_tsvector('simple', search_tokens)`, and a
GIN index over it: the public search matches a query's Hangul bigrams joined by
`<->` with it (cases/search.py). SQLite matches substrings of `search_text`.
"""

from django.db import migrations

VECTOR = "to_tsvector('simple'::regconfig, search_tokens)"


def add_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE public_entry ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX public_entry_search_gin ON public_entry USING gin (search_vector)"
    )


def drop_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE public_entry DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]

    operations = [migrations.RunPython(add_vector, drop_vector)]
