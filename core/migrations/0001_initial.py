"""Revision moved here from stats: its table (stats_revision, made by stats'
migrations 0002 and 0003) stays as it is; only the models' state changes.
stats 0005 removes it from stats' state after this one adds it here."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("stats", "0005_tables_in_the_public_database"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Revision",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("scope", models.CharField(max_length=20, unique=True)),
                        ("token", models.CharField(max_length=32)),
                    ],
                    options={
                        "verbose_name": "revision of the figures",
                        "verbose_name_plural": "revisions of the figures",
                        "db_table": "stats_revision",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
