from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup
from core.progress import add_progress_argument, progress_bar


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the PostgreSQL database: pg_dump's custom format in "
        "an age file encrypted to the public keys in BACKUP_RECIPIENTS (see core/backups.py). "
        "This host cannot read the backup back: restoring needs a private key kept offline. "
        "Refuses to run without BACKUP_RECIPIENTS. PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the backup, e.g. nkdb-2026-01-31.bak")
        parser.add_argument("--database", default="default")
        add_progress_argument(parser)

    def handle(self, *args, file, database, **options):
        try:
            with progress_bar(self, options, desc="dump", unit="B", unit_scale=True) as progress:
                size = backup(file, alias=database, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {file} ({size} bytes)."))
