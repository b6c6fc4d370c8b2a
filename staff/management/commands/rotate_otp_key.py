from django.core.management.base import BaseCommand
from django.db import transaction

from staff.models import SealedTOTPDevice


class Command(BaseCommand):
    help = (
        "Re-encrypt every TOTP secret with the newest key in OTP_KEYS. To rotate: put a new "
        "key first in OTP_KEYS (keep the old one after it), run this command, then remove "
        "the old key."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        devices = SealedTOTPDevice.objects.select_for_update().order_by("pk")
        count = 0
        for device in devices:
            device.save(update_fields=["key"])  # read with any key, written with the newest
            count += 1
        self.stdout.write(f"{count} TOTP secrets re-encrypted with the newest key.")
