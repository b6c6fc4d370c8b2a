from django.core.management.base import BaseCommand, CommandError

from cases import diversity, reidentification


class Command(BaseCommand):
    help = (
        "List the public persons whose combination of quasi-identifiers (sex, birth "
        "cohort, province of origin, year of leaving, region of settlement) fewer than k "
        "public persons share, the groups of public persons with fewer than l different "
        "sets of violations, and the public crossings of persons not published that look "
        "like fewer than k public crossings. Run it nightly: it fails when any is found "
        "(docs/publication-policy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--k", type=int, help="the k to check (default: REIDENTIFICATION_K)")
        parser.add_argument("--l", type=int, help="the l to check (default: REIDENTIFICATION_L)")

    def handle(self, *args, k, l, **options):  # noqa: E741 (the l of l-diversity)
        k = k or reidentification.k_required()
        l_value = l or diversity.l_required()
        names = ", ".join(qi.name for qi in reidentification.configured())
        found = reidentification.below_k(k)
        for code, combination, count in found:
            values = reidentification.describe(combination)
            self.stdout.write(f"{code}: shared by {count} public persons: {values}")
        alike = diversity.groups_below_l(l_value) if l_value > 1 else []
        for combination, codes, sets in alike:
            self.stdout.write(
                f"{', '.join(codes)}: {len(codes)} public persons sharing "
                f"{reidentification.describe(combination)} have only {len(sets)} different "
                f"set(s) of violations: {diversity.describe_sets(sets)}"
            )
        crossings = reidentification.crossings_below_k(k)
        for code, details, count in crossings:
            values = reidentification.describe_crossing(details)
            self.stdout.write(f"{code}: shown like {count} public crossings: {values}")
        if found or alike or crossings:
            raise CommandError(
                f"{len(found)} published person(s) below k = {k}, {len(alike)} group(s) below "
                f"l = {l_value} and {len(crossings)} published crossing(s) of persons not "
                f"published below k = {k} on {names}: generalize or withhold their details, "
                "or take them off the public site."
            )
        measured = reidentification.measured_k()
        shown = "no public persons" if measured is None else f"k = {measured}"
        self.stdout.write(
            self.style.SUCCESS(
                f"Every public person is shared by at least {k} ({shown}) on {names}, every "
                f"group has at least {l_value} different sets of violations, and every public "
                f"crossing of a person not published looks like at least {k}."
            )
        )
