"""The statistics that ship with the site, loaded through the same importers."""

from django.conf import settings
from django.db import transaction

from stats.services import statistics_import

SHIPPED_DIR = settings.BASE_DIR / "fixtures" / "stats"

# (format, file) in load order.
SHIPPED_FILES = [
    ("mou-arrivals", "mou_defector_arrivals_by_year.csv"),
    ("mou-breakdowns", "mou_defector_breakdowns.csv"),
    ("unhcr-curated", "unhcr_prk_origin_by_asylum_country.csv"),
    ("bilateral-curated", "bilateral_emigrant_stock_from_prk.csv"),
]
# Shipped for reference and checked by the tests, but not loaded as figures.
NOT_LOADED = {
    "mou_defector_arrivals_crosscheck.csv": "preliminary and alternative figures from news "
    "reports, kept to check the final series against",
    "unhcr_prk_origin_totals_by_year.csv": "sums over countries of asylum computed by the "
    "compiler; the site computes them from the country rows",
    "unhcr_export_layouts.csv": "a description of the UNHCR export layouts, not figures",
}


def load_shipped_statistics(*, stdout=None, dry_run=False):
    """Import every shipped figure file; running it again changes nothing.

    All files load in one transaction: a bad file leaves the database as it was.
    Returns the ImportReport of each file.
    """
    reports = []
    with transaction.atomic():
        for fmt, name in SHIPPED_FILES:
            report = statistics_import(format=fmt, path=SHIPPED_DIR / name, dry_run=dry_run)
            reports.append(report)
            if stdout is not None:
                stdout.write(f"{report}\n")
    return reports
