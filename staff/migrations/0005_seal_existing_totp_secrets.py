"""Move every django-otp TOTP device into SealedTOTPDevice, its secret encrypted
with OTP_KEYS, and delete the plain copy. Sessions verified with a moved device
must log in again (its persistent id changes)."""

from django.db import migrations

FIELDS = [
    "user_id",
    "name",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
    "key",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
]


def seal(apps, schema_editor):
    Plain = apps.get_model("otp_totp", "TOTPDevice")
    Sealed = apps.get_model("staff", "SealedTOTPDevice")
    for plain in Plain.objects.filter(confirmed=True).order_by("pk"):
        sealed = Sealed.objects.create(**{field: getattr(plain, field) for field in FIELDS})
        # created_at is set on creation; keep the original (new-device notices read it).
        Sealed.objects.filter(pk=sealed.pk).update(created_at=plain.created_at)
    Plain.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0004_sealed_totp_device"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
