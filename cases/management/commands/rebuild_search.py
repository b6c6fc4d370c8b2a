from django.core.management.base import BaseCommand

from cases import search
from cases.models import BorderCrossing, Event, Testimony, Violation


class Command(BaseCommand):
    help = "Recompute the search columns of every event, violation, testimony and crossing."

    def handle(self, *args, **options):
        for model in (Event, Violation, Testimony, BorderCrossing):
            count = search.rebuild(model)
            self.stdout.write(f"{model._meta.verbose_name_plural}: {count}")
