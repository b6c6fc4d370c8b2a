"""The shipped figures: every file accounted for, loaded idempotently, cross-checked."""

import csv

from stats.models import Dataset, Observation
from stats.series import unhcr_by_year
from stats.shipped import NOT_LOADED, SHIPPED_DIR, SHIPPED_FILES, load_shipped_statistics


def test_every_shipped_csv_is_loaded_or_explained():
    on_disk = {p.name for p in SHIPPED_DIR.glob("*.csv")}
    assert on_disk == {name for _, name in SHIPPED_FILES} | set(NOT_LOADED)
    assert (SHIPPED_DIR / "SOURCES.md").exists()


def test_loading_twice_changes_nothing(shipped):
    assert sum(r.created for r in shipped) == Observation.objects.count() > 3000
    snapshot = list(Observation.objects.order_by("pk").values())
    again = load_shipped_statistics()
    assert [r.created + r.updated for r in again] == [0, 0, 0, 0]
    assert [r.withdrawn for r in again] == [[], [], [], []]  # no file feeds another's dataset
    assert list(Observation.objects.order_by("pk").values()) == snapshot
    assert Dataset.objects.count() == 12


def test_computed_unhcr_totals_equal_the_compilers_totals(shipped):
    with (SHIPPED_DIR / "unhcr_prk_origin_totals_by_year.csv").open(encoding="utf-8") as f:
        expected = {
            int(r["year"]): (
                int(r["refugees"]),
                int(r["asylum_seekers"]),
                int(r["n_asylum_countries"]),
            )
            for r in csv.DictReader(f)
        }
    series = unhcr_by_year(Dataset.objects.get(slug="unhcr-rpkg-2025-12-1"))
    assert {
        r["year"]: (r["refugees"], r["asylum_seekers"], r["countries"]) for r in series.rows
    } == expected


def test_arrivals_cumulate_to_the_announced_mou_totals(arrivals):
    totals = Observation.objects.filter(dataset__slug="mou-arrivals", sex="")
    assert sum(o.value for o in totals if o.period_end <= 2022) == 33882
    assert sum(o.value for o in totals) == 34537
