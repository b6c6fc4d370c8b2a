from django.core.management.base import BaseCommand
from django.db import transaction

from cases.reference import load_reference_data
from cases.roles import ensure_roles
from stats.shipped import load_shipped_statistics


class Command(BaseCommand):
    help = (
        "Load all shipped reference data (countries, provinces, violation taxonomy, "
        "organizations, facilities), the staff roles and the published statistics. "
        "Idempotent: running it again changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        for name, report in load_reference_data().items():
            self.stdout.write(f"{name}: {report}")
        roles = ensure_roles()
        self.stdout.write("roles: " + ", ".join(f"{name} {done}" for name, done in roles.items()))
        load_shipped_statistics(stdout=self.stdout)
