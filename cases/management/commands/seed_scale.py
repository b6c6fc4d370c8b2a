from django.core.management.base import BaseCommand, CommandError

from cases.scale import Sizes, seed_scale, vacuum


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic, flagged data at benchmark scale: --violations N "
        "brings N/2 persons, N/10 testimonies, 3N/10 events and N/20 border crossings. "
        "COPY on PostgreSQL, indexes rebuilt after the load."
    )

    def add_arguments(self, parser):
        parser.add_argument("--violations", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, violations, seed, **options):
        sizes = Sizes(violations)
        self.stdout.write(
            f"Loading {sizes.persons:,} persons, {sizes.testimonies:,} testimonies, "
            f"{sizes.events:,} events, {violations:,} violations, "
            f"{sizes.crossings:,} border crossings (all synthetic)."
        )
        try:
            counts = seed_scale(violations=violations, seed=seed, report=self.progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        vacuum(report=self.progress)
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Done: {summary}."))

    def progress(self, what, rows, seconds, done=False):
        name = what if isinstance(what, str) else what._meta.verbose_name_plural
        rate = rows / seconds if seconds else 0
        ending = "\n" if done else "\r"
        self.stdout.write(f"  {name}: {rows:,} in {seconds:.1f} s ({rate:,.0f}/s)", ending=ending)
        self.stdout.flush()
