from django.core.management.base import BaseCommand
from django.db import transaction

from cases.reference import load_reference_data
from stats.shipped import load_shipped_statistics


class Command(BaseCommand):
    help = (
        "Load all shipped reference data (countries, provinces, violation taxonomy, "
        "organizations, facilities) and the published statistics. Idempotent: running "
        "it again changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        for name, report in load_reference_data().items():
            self.stdout.write(f"{name}: {report}")
        load_shipped_statistics(stdout=self.stdout)
