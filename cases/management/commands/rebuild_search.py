from django.core.management.base import BaseCommand

from cases import copying, search
from cases.models import BorderCrossing, Event, Testimony, Violation
from core.progress import add_progress_argument, progress_bar


class Command(BaseCommand):
    help = "Recompute the search columns of every event, violation, testimony and crossing."

    def add_arguments(self, parser):
        add_progress_argument(parser)

    def handle(self, *args, **options):
        for model in (Event, Violation, Testimony, BorderCrossing):
            name = model._meta.verbose_name_plural
            with progress_bar(self, options, desc=str(name)) as progress:
                total = model._default_manager.count()
                count = search.rebuild(
                    model, progress=lambda done, total=total: progress(done, total)
                )
            self.stdout.write(f"{name}: {count}")
        copying.record_change(copying.EVERYTHING)  # the copy holds the search columns too
