import uuid

from django.db import migrations, models


def cases_revision(apps, schema_editor):
    revisions = apps.get_model("stats", "Revision").objects.using(schema_editor.connection.alias)
    revisions.create(scope="cases", token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0002_revision"),
    ]

    operations = [
        # The existing row is the figures'.
        migrations.AddField(
            model_name="revision",
            name="scope",
            field=models.CharField(default="stats", max_length=20, unique=True),
            preserve_default=False,
        ),
        migrations.RunPython(cases_revision, migrations.RunPython.noop),
    ]
