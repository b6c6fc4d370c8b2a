from django.core.management.base import BaseCommand

from core.progress import add_progress_argument, progress_bar
from research import index


class Command(BaseCommand):
    help = "Recompute the staff search's documents of every case record and source."

    def add_arguments(self, parser):
        add_progress_argument(parser)

    def handle(self, *args, **options):
        for kind, model in index.MODELS.items():
            name = model._meta.verbose_name_plural
            with progress_bar(self, options, desc=str(name)) as progress:
                total = model._default_manager.count()
                count = index.rebuild(
                    kind, progress=lambda done, total=total: progress(done, total)
                )
            self.stdout.write(f"{name}: {count}")
