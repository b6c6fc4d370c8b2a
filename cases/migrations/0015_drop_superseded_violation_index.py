from django.db import migrations

# PostgreSQL only. 0006's covering index of public violations, by the old rule
# (status and confidentiality), was superseded by 0009's on the stored flag
# (`cases_violation_public_by_event`): no plan used it at 1,000,000 violations,
# and every write to the table still kept its 97 MB up to date.
OLD_INDEX = (
    "CREATE INDEX IF NOT EXISTS cases_violation_public ON cases_violation (event_id) "
    "INCLUDE (id, victim_id, violation_type_id, victim_age, place_id, facility_id, "
    "earliest_date, latest_date) "
    "WHERE status = 'published' AND confidentiality = 'standard'"
)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS cases_violation_public")


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_map_index_dates"),
    ]

    operations = [
        migrations.RunPython(drop, restore),
    ]
