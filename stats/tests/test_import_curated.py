"""The readers of the curated files shipped in fixtures/stats/, and the honesty rules."""

import pytest

from stats.importers import curated
from stats.models import Dataset, Measure, Observation, Sex, Status
from stats.shipped import SHIPPED_DIR


def values(**filters):
    return dict(Observation.objects.filter(**filters).values_list("sex", "value"))


def test_mou_arrivals_reader_keeps_published_male_female_total():
    parsed = curated.read_mou_arrivals(SHIPPED_DIR / "mou_defector_arrivals_by_year.csv")
    by_key = {(r.period_label, r.sex): r.value for r in parsed.rows}
    assert by_key[("2009", "male")] == 662
    assert by_key[("2009", "female")] == 2252
    assert by_key[("2009", "")] == 2914
    # 26 periods x 3 figures; the computed cumulative and share columns are not stored.
    assert len(parsed.rows) == 78
    assert {r.measure for r in parsed.rows} == {Measure.ARRIVALS}


def test_spans_stay_spans(arrivals):
    up_to_1998 = Observation.objects.get(dataset__slug="mou-arrivals", sex="", period_end=1998)
    assert (up_to_1998.period_start, up_to_1998.value) == (None, 947)
    assert str(up_to_1998.period_display) == "up to 1998"
    span = Observation.objects.filter(dataset__slug="mou-arrivals", period_label="1999-2001")
    assert values(pk__in=span) == {"male": 565, "female": 478, "": 1043}
    assert {(o.period_start, o.period_end) for o in span} == {(1999, 2001)}
    # Nothing was split into single years 1999, 2000 or 2001.
    singles = Observation.objects.single_years().filter(period_end__in=[1998, 1999, 2000, 2001])
    assert not singles.exists()


def test_breakdowns_one_dataset_per_cutoff_and_missing_cells_absent(db):
    parsed = curated.read_mou_breakdowns(SHIPPED_DIR / "mou_defector_breakdowns.csv")
    slugs = [d.slug for d in parsed.datasets]
    assert slugs == [
        "mou-profile-2024", "mou-profile-2020-09", "mou-profile-2022", "mou-residents-2024",
        "mou-residents-2008",
    ]  # fmt: skip
    datasom = [r for r in parsed.rows if r.dataset == "mou-profile-2022"]
    # DATASOM gives totals only: no male or female figure is made up.
    assert {r.sex for r in datasom} == {Sex.BOTH}
    # The truncated MOU_CN education table has its male row only.
    education_2020 = [r for r in parsed.rows if r.dataset == "mou-profile-2020-09" and r.education]
    assert {r.sex for r in education_2020} == {Sex.MALE}
    residents = [r for r in parsed.rows if r.region]
    assert {r.measure for r in residents} == {Measure.RESIDENTS}
    age = {(r.age_band, r.sex): r.value for r in parsed.rows if r.dataset == "mou-profile-2024"}
    assert age[("20-29", "")] == 9662


def test_unhcr_five_is_marked_small_with_its_caveat(unhcr):
    cambodia = Observation.objects.get(
        dataset__slug="unhcr-rpkg-2025-12-1", period_end=1996, destination="KHM",
        measure=Measure.REFUGEES,
    )  # fmt: skip
    assert (cambodia.value, cambodia.status) == (5, Status.SMALL)
    assert "5 or fewer" in cambodia.note
    assert cambodia.value_display == "≤5"
    canada = Observation.objects.get(
        dataset__slug="unhcr-rpkg-2025-12-1", period_end=2000, destination="CAN",
        measure=Measure.ASYLUM_SEEKERS,
    )  # fmt: skip
    assert (canada.value, canada.status) == (6, Status.REPORTED)


def test_unhcr_missing_years_are_absent_not_zero(unhcr):
    years = set(Observation.objects.values_list("period_end", flat=True))
    assert 1996 in years and 1998 in years
    assert not years & {1994, 1995, 1997}


def test_bilateral_editions_are_separate_datasets(db):
    parsed = curated.read_bilateral_curated(SHIPPED_DIR / "bilateral_emigrant_stock_from_prk.csv")
    assert {d.slug for d in parsed.datasets} == {
        "undesa-ims-2020", "undesa-ims-2019", "wb-bilateral-matrix-2013", "wb-gbmd-1960-2000",
        "wb-gbmd-2000-total",
    }  # fmt: skip
    kaz = {
        (r.dataset, r.sex): r.value
        for r in parsed.rows
        if r.destination == "KAZ" and r.period_end in (2019, 2020)
    }
    assert kaz == {
        ("undesa-ims-2019", ""): 64370,
        ("undesa-ims-2020", "male"): 33389,
        ("undesa-ims-2020", "female"): 31440,
        ("undesa-ims-2020", ""): 64829,
    }


def test_measures_are_never_summed_together(shipped):
    # Every figure belongs to exactly one measure, and no stored figure equals
    # refugees + asylum-seekers for the same year and country.
    rows = Observation.objects.filter(dataset__slug="unhcr-rpkg-2025-12-1")
    cells = {}
    for obs in rows:
        cells.setdefault((obs.period_end, obs.destination), {})[obs.measure] = obs.value
    assert all(set(c) <= {Measure.REFUGEES, Measure.ASYLUM_SEEKERS} for c in cells.values())
    assert Dataset.objects.filter(observations__measure=Measure.ARRIVALS).distinct().count() == 4
    assert not Observation.objects.filter(measure="").exists()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1999,1999,1999,10,10,21", "total is not male + female"),
        ("1999,1999,1999,10,ten,20", "'ten' is not a whole number"),
    ],
)
def test_mou_arrivals_rejects_inconsistent_rows(tmp_path, text, reason):
    path = tmp_path / "bad.csv"
    header = "period_label,year_start,year_end,male,female,total,female_pct,cum_male,cum_female,"
    header += "cum_total,provisional,source,notes"
    path.write_text(f"{header}\n{text},,,,,no,src,\n", encoding="utf-8")
    with pytest.raises(curated.StatsImportError) as error:
        curated.read_mou_arrivals(path)
    assert "bad.csv, line 2, column" in str(error.value)
    assert reason in str(error.value)
