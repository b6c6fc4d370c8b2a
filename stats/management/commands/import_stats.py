from django.core.management.base import BaseCommand, CommandError

from core.progress import add_progress_argument, elapsed_bar
from stats.importers import READERS, StatsImportError
from stats.services import statistics_import


class Command(BaseCommand):
    help = (
        "Import published migration figures from a file in one of the known layouts. "
        "The whole file is imported in one transaction; re-importing updates in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("format", choices=sorted(READERS), help="The file's layout.")
        parser.add_argument("file", help="Path of the file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created, updated, left unchanged and withdrawn; "
            "write nothing.",
        )
        parser.add_argument(
            "--origin",
            help="Only figures with this ISO alpha-3 country of origin (e.g. PRK).",
        )
        parser.add_argument(
            "--apply-withdrawals",
            action="store_true",
            help="Remove the stored figures of the file's datasets that the file no longer "
            "holds (always listed in the report; kept without this option).",
        )
        add_progress_argument(parser)

    def handle(self, *args, **options):
        try:
            # statistics_import does not report how far it is: the bar shows the time taken.
            with elapsed_bar(self, options, desc=f"import_stats {options['format']}"):
                report = statistics_import(
                    format=options["format"],
                    path=options["file"],
                    dry_run=options["dry_run"],
                    origin=(options["origin"] or "").upper() or None,
                    apply_withdrawals=options["apply_withdrawals"],
                )
        except StatsImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(report))
