import os

from django.core.management.base import BaseCommand, CommandError

from core.backups import generate_key_pair


class Command(BaseCommand):
    help = (
        "Make a key pair for backups: prints the private key (an age identity file, "
        "AGE-SECRET-KEY-1...) for offline keeping, and its public key (age1...) for "
        "BACKUP_RECIPIENTS. Run it on the offline machine; nothing is written to disk "
        "unless --output is given. `age-keygen` makes the same keys."
    )
    # Meant for the offline machine: the site's checks are no concern there.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the private key to this new file (mode 0600) instead of printing it. "
            "Only on the offline machine or removable media: never on the server.",
        )

    def handle(self, *args, output, **options):
        public, private = generate_key_pair()
        if output:
            try:
                descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except OSError as error:
                raise CommandError(f"Cannot create {output}: {error}") from error
            with os.fdopen(descriptor, "w") as file:
                file.write(private)
            self.stdout.write(public)
            where = f"The private key is in {output}"
        else:
            self.stdout.write(private, ending="")
            where = "The private key is above"
        self.stderr.write(
            f"Public key: {public}\n"
            "Add it to BACKUP_RECIPIENTS on the server (comma-separated, one per custodian). "
            f"{where}: keep it offline (paper or encrypted removable media, in two places); "
            "restoring needs it (restore --identity FILE, or - for standard input) and "
            "without it every backup made for this public key is lost."
        )
