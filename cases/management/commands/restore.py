from django.core.management.base import BaseCommand, CommandError

from jobs.progress import add_progress_argument, progress_bar
from nkdb.backups import BackupError, restore, verify

BYTES = {"unit": "B", "unit_scale": True}


class Command(BaseCommand):
    help = (
        "Replace the PostgreSQL database's contents with an encrypted backup made by "
        "`backup` (same BACKUP_KEY). The file is verified first; the restore runs in one "
        "transaction. With --verify-only nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup written by `manage.py backup`.")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--verify-only", action="store_true", help="Only check that the file decrypts."
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        add_progress_argument(parser)

    def handle(self, *args, file, database, verify_only, interactive, **options):
        try:
            if verify_only:
                with progress_bar(self, options, desc="verify", **BYTES) as progress:
                    parts = verify(file, progress=progress)
                self.stdout.write(self.style.SUCCESS(f"{file}: {parts} parts, all intact."))
                return
            if interactive:
                answer = input(
                    f"This replaces everything in the {database!r} database with {file}. "
                    "Type 'yes' to continue: "
                )
                if answer != "yes":
                    raise CommandError("Restore cancelled.")
            with progress_bar(self, options, desc="verify, restore", **BYTES) as progress:
                restore(file, alias=database, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {file} into {database!r}."))
