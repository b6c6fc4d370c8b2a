from django.core.management.base import BaseCommand, CommandError

from cases import reidentification


class Command(BaseCommand):
    help = (
        "List the public persons whose combination of quasi-identifiers (sex, birth "
        "cohort, province of origin, year of leaving, region of settlement) fewer than k "
        "public persons share. Run it nightly: it fails when any is found "
        "(docs/publication-policy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--k", type=int, help="the k to check (default: REIDENTIFICATION_K)")

    def handle(self, *args, k, **options):
        k = k or reidentification.k_required()
        found = reidentification.below_k(k)
        names = ", ".join(qi.name for qi in reidentification.configured())
        for code, combination, count in found:
            values = reidentification.describe(combination)
            self.stdout.write(f"{code}: shared by {count} public persons: {values}")
        if found:
            raise CommandError(
                f"{len(found)} published person(s) below k = {k} on {names}: generalize "
                "their details or take them off the public site."
            )
        measured = reidentification.measured_k()
        shown = "no public persons" if measured is None else f"k = {measured}"
        self.stdout.write(
            self.style.SUCCESS(
                f"Every public person is shared by at least {k} ({shown}) on {names}."
            )
        )
