from django.db import migrations, models

# A copy of stats.models.FAMILY_PREFIXES as it stood: migrations keep their own.
FAMILY_PREFIXES = (
    ("mou-arrivals", "mou-arrivals"),
    ("mou-profile-", "mou-profile"),
    ("mou-residents-", "mou-residents"),
    ("unhcr-", "unhcr-populations"),
    ("undesa-ims-", "undesa-ims"),
    ("wb-bilateral-matrix-", "wb-bilateral-matrix"),
    ("wb-gbmd-2000-total", "wb-gbmd-2000-total"),
    ("wb-gbmd-", "wb-gbmd"),
)


def fill_families(apps, schema_editor):
    Dataset = apps.get_model("stats", "Dataset")
    for dataset in Dataset.objects.using(schema_editor.connection.alias):
        dataset.family = next(
            (family for prefix, family in FAMILY_PREFIXES if dataset.slug.startswith(prefix)),
            dataset.slug,
        )
        dataset.save(update_fields=["family"])


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0003_revision_scope"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataset",
            name="family",
            field=models.SlugField(
                blank=True,
                help_text=(
                    "The table this is an edition of; filled from the identifier when empty. "
                    "Without a dataset, the API answers from the current edition of each family."
                ),
                max_length=100,
                verbose_name="family",
            ),
        ),
        migrations.RunPython(fill_families, migrations.RunPython.noop),
    ]
