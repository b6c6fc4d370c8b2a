import getpass
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, identities, restore, verify
from core.progress import add_progress_argument, progress_bar

BYTES = {"unit": "B", "unit_scale": True}


class Command(BaseCommand):
    help = (
        "Replace the PostgreSQL database's contents with an encrypted backup made by "
        "`backup`, opened with a custodian's private key (--identity). The file is verified "
        "first; the restore runs in one transaction. With --verify-only nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup written by `manage.py backup`.")
        parser.add_argument(
            "--identity",
            "-i",
            metavar="KEY_FILE",
            help="The private key (AGE-SECRET-KEY-1...): a file as printed by backup_keygen, "
            "or - to read it from standard input (typed without echo on a terminal). "
            "Not needed for backups made before issue 16, which use BACKUP_KEY.",
        )
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

    def read_keys(self, identity, interactive, verify_only):
        if identity is None:
            return None
        if identity == "-":
            if sys.stdin.isatty():
                text = getpass.getpass("Private key (AGE-SECRET-KEY-1...): ")
            else:
                if interactive and not verify_only:
                    raise CommandError(
                        "With the private key on standard input the confirmation cannot be "
                        "asked: add --no-input."
                    )
                text = sys.stdin.read()
        else:
            try:
                text = Path(identity).read_text()
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read the private key file: {error}") from error
        return identities(text)

    def handle(self, *args, file, identity, database, verify_only, interactive, **options):
        try:
            keys = self.read_keys(identity, interactive, verify_only)
            if verify_only:
                with progress_bar(self, options, desc="verify", **BYTES) as progress:
                    size = verify(file, keys=keys, progress=progress)
                self.stdout.write(
                    self.style.SUCCESS(f"{file}: intact, {size} bytes of dump inside.")
                )
                return
            if interactive:
                answer = input(
                    f"This replaces everything in the {database!r} database with {file}. "
                    "Type 'yes' to continue: "
                )
                if answer != "yes":
                    raise CommandError("Restore cancelled.")
            with progress_bar(self, options, desc="verify, restore", **BYTES) as progress:
                restore(file, alias=database, keys=keys, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {file} into {database!r}."))
