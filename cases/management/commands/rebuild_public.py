from django.core.management.base import BaseCommand

from cases import copying
from core.progress import add_progress_argument, progress_bar
from public.models import Generation
from stats import mirror


class Command(BaseCommand):
    help = (
        "Rebuild the published copy (the public database) from scratch, from what the "
        "publication rules let the public see, and copy the statistics there. "
        "--if-empty does nothing if the copy has been built before."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Processes building the entries while one writes them (PostgreSQL).",
        )
        add_progress_argument(parser)

    def handle(self, *args, if_empty, jobs, **options):
        if if_empty and Generation.objects.exists():
            mirror.copy_to_public()  # only when behind
            self.stdout.write("The published copy exists; nothing to do.")
            return
        with progress_bar(self, options, desc="entries") as progress:
            count = copying.rebuild(
                progress=lambda kind, done, total: progress(done, total), jobs=jobs
            )
        copying.apply_pending()  # changes written during the rebuild
        mirror.copy_to_public(force=True)
        self.stdout.write(self.style.SUCCESS(f"Published copy rebuilt: {count} entries."))
