from django.core.management.base import BaseCommand

from cases.vault import rotate_identity_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every identity with the newest key in IDENTITY_KEYS. To rotate: put a "
        "new key first in IDENTITY_KEYS (keep the old one after it), run this command, "
        "then remove the old key."
    )

    def handle(self, *args, **options):
        count = rotate_identity_keys()
        self.stdout.write(f"{count} identities re-encrypted with the newest key.")
