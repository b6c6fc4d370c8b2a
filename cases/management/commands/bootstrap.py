from django.core.management.base import BaseCommand

from cases.reference import load_reference_data


class Command(BaseCommand):
    help = (
        "Load all shipped reference data (countries, provinces, violation taxonomy, "
        "organizations, facilities) and the published statistics. Idempotent."
    )

    def handle(self, *args, **options):
        for name, report in load_reference_data().items():
            self.stdout.write(f"{name}: {report}")
