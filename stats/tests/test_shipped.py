"""The shipped figures: every file accounted for, loaded idempotently, cross-checked."""

import csv
from urllib.parse import urlsplit

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


# Each publisher's own site. A dataset's address is where a reader finds the
# publisher's table, never a copy in a third party's repository or a news page
# (those are cited row by row, where a figure came from a briefing).
PUBLISHER_HOSTS = {
    "Ministry of Unification (Republic of Korea)": "www.unikorea.go.kr",
    "UNHCR": "www.unhcr.org",
    "UN DESA Population Division": "www.un.org",
    "World Bank": ("www.worldbank.org", "databank.worldbank.org"),
}


# Two editions survive only as news reports quoting the Ministry: their address is
# the report, and the dataset's "compiled from" text says so.
QUOTED_BY_THE_PRESS = {
    "mou-profile-2022": "http://www.datasom.co.kr/news/articleView.html?idxno=126053",
    "mou-residents-2008": "https://www.dailynk.com/",
}


def test_every_shipped_dataset_points_at_its_publishers_own_site(shipped):
    datasets = Dataset.objects.values_list("slug", "publisher", "address", "compiled_from")
    assert len(datasets) == 12
    for slug, publisher, address, compiled_from in datasets:
        if slug in QUOTED_BY_THE_PRESS:
            assert address.startswith(QUOTED_BY_THE_PRESS[slug]), slug
            assert "article" in compiled_from or "report" in compiled_from, slug
            continue
        parts = urlsplit(address)
        assert parts.scheme == "https", slug
        assert parts.netloc in PUBLISHER_HOSTS[publisher], (slug, address)


def test_the_figures_a_caveat_quotes_are_the_shipped_ones(shipped):
    """desa-uk-mali compares two publishers' figures: each is read from the data."""
    from stats.caveats import CAVEATS

    def value(slug, destination, year, measure, sex=""):
        rows = Observation.objects.filter(
            dataset__slug=slug, destination=destination, period_end=year, measure=measure, sex=sex
        )
        return [row.value for row in rows]

    text = CAVEATS["desa-uk-mali"][0]
    assert value("undesa-ims-2020", "GBR", 2020, "migrant_stock") == [11385]
    assert value("undesa-ims-2020", "MLI", 2020, "migrant_stock") == [2069]
    assert "11,385 in 2020" in text and "2,069 in 2020" in text
    assert value("unhcr-rpkg-2025-12-1", "GBR", 2020, "refugees") == [72]
    assert value("unhcr-rpkg-2025-12-1", "GBR", 2020, "asylum_seekers") == [26]
    assert "72 refugees and 26 asylum-seekers" in text
    assert not Observation.objects.filter(dataset__slug__startswith="unhcr", destination="MLI")
    mali = Observation.objects.filter(dataset__slug="undesa-ims-2020", destination="MLI")
    assert value("undesa-ims-2020", "GBR", 2000, "migrant_stock") == [11]  # then 7,984 in 2005
    assert min(mali.values_list("period_end", flat=True)) == 2010 and "Mali (from 2010" in text
    for slug in ("undesa-ims-2020", "undesa-ims-2019"):
        assert "desa-uk-mali" in Dataset.objects.get(slug=slug).caveat_ids


def test_unhcr_holds_no_row_for_china_as_its_caveat_says(shipped):
    unhcr = Dataset.objects.get(slug="unhcr-rpkg-2025-12-1")
    assert "unhcr-no-china" in unhcr.caveat_ids
    assert unhcr.observations.exists()
    assert not unhcr.observations.filter(destination="CHN").exists()
