from django.core.management.base import BaseCommand, CommandError

from cases.demo import DEMO_PERSONS, generate_demo_data
from cases.models import Person


class Command(BaseCommand):
    help = (
        "Generate synthetic demo persons, testimonies, events, violations and border "
        "crossings, all flagged synthetic. The same --seed gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=DEMO_PERSONS)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if synthetic data is already present.",
        )

    def handle(self, *args, persons, seed, if_empty, **options):
        if if_empty and Person.objects.synthetic().exists():
            self.stdout.write("Synthetic demo data already present; nothing to do.")
            return
        try:
            counts = generate_demo_data(persons=persons, seed=seed)
        except ValueError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Created synthetic demo data: {summary}."))
