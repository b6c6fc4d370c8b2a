from django.core.management.base import BaseCommand, CommandError

from cases import copying, publication
from stats import mirror

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Compare every record's stored public flag with the publication rules. Run it "
        "nightly: it fails, naming the records, if a write bypassed the refresh, or if "
        "the published copy differs from the public records. --fix recomputes the flags "
        "and rebuilds the copy."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="recompute the flags that differ")

    def handle(self, *args, fix, **options):
        differing = 0
        for model in publication.PUBLISHABLE:
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
        stale = publication.misplaced()
        if count := stale.count():
            differing += count
            codes = stale.order_by("code").values_list("code", flat=True)[:SHOWN]
            more = f" and {count - SHOWN} more" if count > SHOWN else ""
            self.stdout.write(
                f"events: {count} with a stale map precision: {', '.join(codes)}{more}"
            )
        if not differing:
            self.stdout.write(
                self.style.SUCCESS("Every public flag follows the publication rules.")
            )
        elif fix:
            changed = publication.refresh_everything()
            self.stdout.write(self.style.SUCCESS(f"Recomputed: {changed} flags changed."))
        else:
            raise CommandError(f"{differing} public flags differ from the rules; run with --fix.")
        self.check_copy(fix)

    def check_copy(self, fix):
        """The published copy holds exactly the public records, once the outbox is applied."""
        waiting = copying.age_of_oldest_change()
        if waiting is not None:
            self.stdout.write(f"Changes waiting for the published copy, the oldest {waiting} old.")
            if not fix:
                raise CommandError("The published copy is behind; is the worker running?")
            copying.apply_pending()
        found = copying.differences()
        for kind, (missing, extra) in found.items():
            for codes, what in ((missing, "missing from"), (extra, "in the copy but not public")):
                if codes:
                    more = f" and {len(codes) - SHOWN} more" if len(codes) > SHOWN else ""
                    self.stdout.write(
                        f"{kind}: {len(codes)} {what}: {', '.join(codes[:SHOWN])}{more}"
                    )
        if not found:
            self.stdout.write(
                self.style.SUCCESS("The published copy holds every public record, and only those.")
            )
        elif fix:
            count = copying.rebuild()
            self.stdout.write(self.style.SUCCESS(f"Published copy rebuilt: {count} entries."))
        else:
            raise CommandError(
                "The published copy differs from the public records; run with --fix."
            )
        self.check_statistics(fix)

    def check_statistics(self, fix):
        """The statistics' copy in the public database carries the originals' token."""
        if mirror.is_current():
            self.stdout.write(self.style.SUCCESS("The statistics' copy is current."))
        elif fix:
            mirror.copy_to_public(force=True)
            self.stdout.write(self.style.SUCCESS("The statistics' copy was replaced."))
        else:
            raise CommandError("The statistics' copy is behind; run with --fix.")
