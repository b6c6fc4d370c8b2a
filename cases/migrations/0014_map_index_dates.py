from django.db import migrations

# PostgreSQL only. The map's index (0010) also carries the dates, so that the map
# filtered by years is still answered from the index alone.
OLD = "(place_id, facility_id, involves_living) WHERE is_public"
NEW = "(place_id, facility_id, involves_living) INCLUDE (earliest_date, latest_date) WHERE is_public"


def _replace(columns):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("DROP INDEX IF EXISTS cases_event_public_map")
            schema_editor.execute(f"CREATE INDEX cases_event_public_map ON cases_event {columns}")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_public_order_indexes"),
    ]

    operations = [
        migrations.RunPython(_replace(NEW), _replace(OLD)),
    ]
