"""The statistics' tables in the public database too (stats/mirror.py).

A public database made before this copy existed has the statistics' migrations
recorded as applied without their tables (the router kept them out then): create
whichever of the tables is missing. On any other database this does nothing.
"""

from django.db import migrations

MODELS = ("Dataset", "Observation", "Revision")


def create_missing_tables(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    for name in MODELS:
        model = apps.get_model("stats", name)
        if model._meta.db_table not in existing:
            schema_editor.create_model(model)


class Migration(migrations.Migration):
    dependencies = [("stats", "0004_dataset_family")]

    operations = [migrations.RunPython(create_missing_tables, migrations.RunPython.noop)]
