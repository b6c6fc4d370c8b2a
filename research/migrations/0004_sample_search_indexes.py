"""GIN indexes over the sample of the staff search's documents (PostgreSQL only).

Above 10,000 matches the staff search counts the matches in the sample (the
documents whose id is a multiple of 100, research/services.py `in_sample`), and
takes them in SQL first: these partial indexes hold the sample's vectors only, so
that a common word's sample is read from an index a hundredth of the size rather
than by checking every match of the whole index. The transcripts are sampled by
their document. The model state does not change.
"""

from django.db import migrations

INDEXES = {
    "research_staffdocument_sample_gin": (
        "research_staffdocument USING gin (search_vector) WHERE MOD(id, 100) = 0"
    ),
    "research_stafftranscript_sample_gin": (
        "research_stafftranscript USING gin (search_vector) WHERE MOD(document_id, 100) = 0"
    ),
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
    dependencies = [("research", "0003_sqlite_bigram_index")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
