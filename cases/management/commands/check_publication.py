from django.core.management.base import BaseCommand, CommandError

from cases import publication

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Compare every record's stored public flag with the publication rules. Run it "
        "nightly: it fails, naming the records, if a write bypassed the refresh. "
        "--fix recomputes the flags."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="recompute the flags that differ")

    def handle(self, *args, fix, **options):
        differing = 0
        for model in publication.PUBLISHABLE_MODELS:
            flagged_wrongly, missing = publication.mismatches(model)
            for records, what in (
                (flagged_wrongly, "public against the rules"),
                (missing, "withheld though the rules allow it"),
            ):
                count = records.count()
                if count:
                    differing += count
                    codes = records.order_by("code").values_list("code", flat=True)[:SHOWN]
                    more = f" and {count - SHOWN} more" if count > SHOWN else ""
                    name = model._meta.verbose_name_plural
                    self.stdout.write(f"{name}: {count} {what}: {', '.join(codes)}{more}")
        if not differing:
            self.stdout.write(
                self.style.SUCCESS("Every public flag follows the publication rules.")
            )
        elif fix:
            changed = publication.refresh_everything()
            self.stdout.write(self.style.SUCCESS(f"Recomputed: {changed} flags changed."))
        else:
            raise CommandError(f"{differing} public flags differ from the rules; run with --fix.")
