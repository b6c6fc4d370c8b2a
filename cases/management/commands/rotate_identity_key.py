from django.core.management.base import BaseCommand

from cases.attachments import rotate_attachment_keys
from cases.vault import rotate_identity_keys
from core.progress import add_progress_argument, progress_bar


class Command(BaseCommand):
    help = (
        "Re-encrypt every identity and every attachment (its file, name and description) "
        "with the newest key in IDENTITY_KEYS. To rotate: put a new key first in "
        "IDENTITY_KEYS (keep the old one after it), run this command, then remove the old key."
    )

    def add_arguments(self, parser):
        add_progress_argument(parser)

    def handle(self, *args, **options):
        with progress_bar(self, options, desc="identities") as progress:
            count = rotate_identity_keys(progress=progress)
        self.stdout.write(f"{count} identities re-encrypted with the newest key.")
        with progress_bar(self, options, desc="attachments") as progress:
            count = rotate_attachment_keys(progress=progress)
        self.stdout.write(f"{count} attachments re-encrypted with the newest key.")
