"""Unconfirmed TOTP devices were secrets shown to every password-only session of
their user (issue 16, finding 4). Enrolment now keeps its secret in the session,
so any left over are only a risk: delete them."""

from django.db import migrations


def drop_unconfirmed(apps, schema_editor):
    apps.get_model("otp_totp", "TOTPDevice").objects.filter(confirmed=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(drop_unconfirmed, migrations.RunPython.noop)]
