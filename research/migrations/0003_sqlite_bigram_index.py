"""A bigram index for the staff search on SQLite (PostgreSQL has its GIN, 0002).

Without it SQLite reads every document and every transcript for each word (a
substring scan: about 0.4 s each at 200,000 documents, growing with the data).
Here an FTS5 table over `search_tokens` (the text as Hangul bigrams and words,
core/words.py) per searched table, kept in step by triggers: a Korean word of two
syllables or more is a phrase of its bigrams, found from the index; the substring
match then runs over those candidates only (research/services.py). Outside the
models' state, as 0002.
"""

from django.db import migrations

TABLES = ["research_staffdocument", "research_stafftranscript"]


def statements(table):
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_tokens, content='{table}', "
        "content_rowid='id')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_tokens) "
        "VALUES ('delete', old.id, old.search_tokens); END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_tokens ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_tokens) "
        "VALUES ('delete', old.id, old.search_tokens); "
        f"INSERT INTO {fts}(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        for statement in statements(table):
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        for action in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{action}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")


class Migration(migrations.Migration):
    dependencies = [("research", "0002_stored_search_vectors")]

    operations = [migrations.RunPython(create, drop)]
