"""Revision now belongs to core (core/migrations/0001): removed from stats' state
only; its table, stats_revision, and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0005_tables_in_the_public_database"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Revision")],
            database_operations=[],
        ),
    ]
