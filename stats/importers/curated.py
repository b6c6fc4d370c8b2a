"""Readers for the curated CSV files shipped under fixtures/stats/ (see SOURCES.md there)."""

from stats.importers.base import (
    SMALL_COUNT_NOTE,
    DatasetSpec,
    Parsed,
    Row,
    StatsImportError,
    parse_count,
    parse_year,
    read_dicts,
)
from stats.models import Classification, Measure, Sex, Status

MOU = "Ministry of Unification (Republic of Korea)"
JCLAWSON = "github:j-clawson/nkdefector_project@4a22094050b2b208185c9601f05daf79430fe108"
MOU_CN = "https://www.unikorea.go.kr/cn_unikorea/news/statistics1/defectors/"
SEXES = (("male", Sex.MALE), ("female", Sex.FEMALE), ("total", Sex.BOTH))

MOU_ARRIVALS = DatasetSpec(
    slug="mou-arrivals",
    publisher=MOU,
    title="North Korean defectors arriving in South Korea, by year and sex",
    edition="final annual series to 2025 (2025 as corrected on 2026-02-04)",
    address=f"{MOU_CN} ; {JCLAWSON} sql_queries/annual_defectors.sql ; MOU briefings as reported "
    "in the news (each row names its own)",
    source_key="MOU_CN; JCLAWSON",
    classification=Classification.DEFECTOR_ARRIVALS,
    description="People who left North Korea and entered South Korea, counted by the year of "
    "entry, as male, female and total.",
    caveat="“up to 1998” counts every arrival up to and including 1998, and “1999-2001” counts "
    "three years together (148 + 312 + 583 = 1,043); no split of them by sex and single year "
    "is published, so they are shown as spans. Preliminary figures in the news differ by a few "
    "people; these are MOU's final figures. The source file's cumulative columns were computed "
    "by its compiler and are not stored.",
)


def read_mou_arrivals(path, **options):
    """mou_defector_arrivals_by_year.csv: one row per period, male/female/total.

    Only the published male, female and total figures are stored. The file's
    female_pct and cum_* columns are computed by its compiler; they are checked
    against the published figures here (a mismatch means a broken file) and
    then left out, because the site computes them itself.
    """
    required = [
        "period_label", "year_start", "year_end", "male", "female", "total", "female_pct",
        "cum_male", "cum_female", "cum_total", "provisional", "source", "notes",
    ]  # fmt: skip
    parsed = Parsed(datasets=[MOU_ARRIVALS])
    running = {"male": 0, "female": 0, "total": 0}
    for line, rec in read_dicts(path, required):
        where = {"path": path, "line": line}
        start = parse_year(rec["year_start"], column="year_start", required=False, **where)
        end = parse_year(rec["year_end"], column="year_end", **where)
        values = {name: parse_count(rec[name], column=name, **where) for name, _ in SEXES}
        if None not in values.values() and values["male"] + values["female"] != values["total"]:
            raise StatsImportError(path, "total is not male + female", line=line, column="total")
        for name in running:
            running[name] += values[name] or 0
            published = parse_count(rec[f"cum_{name}"], column=f"cum_{name}", **where)
            if published is not None and published != running[name]:
                raise StatsImportError(
                    path,
                    f"cumulative {published} does not equal the running sum {running[name]}",
                    line=line,
                    column=f"cum_{name}",
                )
        note = rec["notes"].strip()
        if rec["provisional"].strip().lower() == "yes":
            note = f"Provisional. {note}".strip()
        for name, sex in SEXES:
            if values[name] is None:
                continue  # not published: absent, never zero
            parsed.rows.append(
                Row(
                    dataset=MOU_ARRIVALS.slug,
                    measure=Measure.ARRIVALS,
                    period_start=start,
                    period_end=end,
                    sex=sex,
                    value=values[name],
                    note=note,
                    source=rec["source"].strip(),
                    line=line,
                    column=name,
                )
            )
    return parsed


# The breakdown tables come from several sources with different cut-offs; each
# cut-off is its own dataset so that editions are never mixed in one chart.
BREAKDOWN_EXCLUDES = (
    "MOU's breakdown tables exclude recent arrivals still in protection facilities, so their "
    "totals are below the arrival totals."
)
BREAKDOWN_CUTOFFS = {
    "not stated in source; M 9,544": {
        "spec": DatasetSpec(
            slug="mou-profile-2024",
            publisher=MOU,
            title="North Korean defectors in South Korea: profile on arrival (cumulative)",
            edition="cut-off not stated; probably mid-2024 (unverified)",
            address=f"{JCLAWSON} sql_queries/ (transcribed from the MOU website)",
            source_key="JCLAWSON",
            classification=Classification.DEFECTOR_ARRIVALS,
            description="Cumulative arrivals by age at entry, occupation and education in North "
            "Korea, and province of origin.",
            caveat="The source states no cut-off; its totals (9,544 M / 24,590 F / 34,134) fall "
            "between the end-Q1 and end-Q2 2024 arrival totals, so this is probably a mid-2024 "
            "snapshot (unverified). The province-of-origin table lists 11 provinces that total "
            "313 fewer people than the other tables: its other/unknown rows were not "
            f"transcribed. {BREAKDOWN_EXCLUDES}",
        ),
        "period": (None, 2024, "up to mid-2024 (unverified)"),
    },
    "2020-09": {
        "spec": DatasetSpec(
            slug="mou-profile-2020-09",
            publisher=MOU,
            title="North Korean defectors in South Korea: profile on arrival (cumulative)",
            edition="September 2020 (provisional)",
            address=f"{MOU_CN} (MOU statistics page, Chinese edition, stored snapshot)",
            source_key="MOU_CN",
            classification=Classification.DEFECTOR_ARRIVALS,
            description="Cumulative arrivals by age at entry, occupation and education in North "
            "Korea.",
            caveat="The stored page is cut off in the education table: only the male education "
            "row survives. The page prints 5,597 for ages 40-49; male plus female is 5,957, "
            f"which agrees with the page's grand total. {BREAKDOWN_EXCLUDES}",
        ),
        "period": (None, 2020, "up to Sep 2020"),
    },
    "end of 2022": {
        "spec": DatasetSpec(
            slug="mou-profile-2022",
            publisher=MOU,
            title="North Korean defectors in South Korea: profile on arrival (cumulative)",
            edition="end of 2022",
            address="http://www.datasom.co.kr/news/articleView.html?idxno=126053 (citing MOU)",
            source_key="DATASOM",
            classification=Classification.DEFECTOR_ARRIVALS,
            description="Cumulative arrivals by age at entry, occupation and education in North "
            "Korea; totals only, no split by sex.",
            caveat=f"Totals only. {BREAKDOWN_EXCLUDES} (33,836 against 33,882 arrivals).",
        ),
        "period": (None, 2022, "up to end of 2022"),
    },
    "not stated in source; rows sum to 7,932": {
        "spec": DatasetSpec(
            slug="mou-residents-2024",
            publisher=MOU,
            title="North Korean defectors resident in South Korea, by region",
            edition="cut-off not stated; probably mid-2024 (unverified)",
            address=f"{JCLAWSON} sql_queries/defector_residence.sql",
            source_key="JCLAWSON",
            classification=Classification.DEFECTOR_RESIDENTS,
            description="Current residents by region of residence in South Korea.",
            caveat="Counts current residents only (7,932 M / 23,451 F / 31,383): people who have "
            "died, emigrated or whose whereabouts are unknown are excluded, so this is not "
            "cumulative arrivals.",
        ),
        "period": (2024, 2024, "mid-2024 (unverified)"),
    },
    "end of May": {
        "spec": DatasetSpec(
            slug="mou-residents-2008",
            publisher=MOU,
            title="North Korean defectors resident in South Korea, by region",
            edition="end of May 2008 (year inferred)",
            address="https://www.dailynk.com/%ED%83%88%EB%B6%81%EC%9E%90-30%EB%8C%80%EA%B0%80-"
            "33%EB%A1%9C-%EC%B5%9C%EB%8B%A4/ (Yonhap via DailyNK, citing the MOU Institute for "
            "Unification Education)",
            source_key="DAILYNK_2008",
            classification=Classification.DEFECTOR_RESIDENTS,
            description="Residents by region of residence in South Korea; totals only.",
            caveat="Residents by region, not cumulative arrivals: the rows sum to 13,242 of "
            "13,760 arrivals. The year 2008 is inferred from the MOU cumulative series.",
        ),
        "period": (2008, 2008, "May 2008"),
    },
}
BREAKDOWN_DIMENSIONS = {
    "age_at_entry": ("age_band", Measure.ARRIVALS),
    "occupation_in_nk": ("occupation", Measure.ARRIVALS),
    "education_in_nk": ("education", Measure.ARRIVALS),
    "province_of_origin_nk": ("province", Measure.ARRIVALS),
    "residence_in_south_korea": ("region", Measure.RESIDENTS),
}


def read_mou_breakdowns(path, **options):
    """mou_defector_breakdowns.csv: one row per category and cut-off."""
    required = ["dimension", "category_en", "category_ko", "male", "female", "total", "cutoff"]
    required += ["basis", "source", "notes"]
    parsed = Parsed()
    seen = set()
    for line, rec in read_dicts(path, required):
        cutoff = next(
            (v for k, v in BREAKDOWN_CUTOFFS.items() if rec["cutoff"].startswith(k)), None
        )
        if cutoff is None:
            raise StatsImportError(path, "unknown cut-off", line=line, column="cutoff")
        if rec["dimension"] not in BREAKDOWN_DIMENSIONS:
            raise StatsImportError(path, "unknown dimension", line=line, column="dimension")
        spec = cutoff["spec"]
        if spec.slug not in seen:
            seen.add(spec.slug)
            parsed.datasets.append(spec)
        dimension, measure = BREAKDOWN_DIMENSIONS[rec["dimension"]]
        start, end, label = cutoff["period"]
        where = {"path": path, "line": line}
        values = {name: parse_count(rec[name], column=name, **where) for name, _ in SEXES}
        if None not in values.values() and values["male"] + values["female"] != values["total"]:
            raise StatsImportError(path, "total is not male + female", line=line, column="total")
        for name, sex in SEXES:
            if values[name] is None:
                continue
            parsed.rows.append(
                Row(
                    dataset=spec.slug,
                    measure=measure,
                    period_start=start,
                    period_end=end,
                    period_label=label,
                    sex=sex,
                    **{dimension: rec["category_en"].strip()},
                    category_ko=rec["category_ko"].strip(),
                    value=values[name],
                    note=rec["notes"].strip(),
                    source=rec["source"].strip(),
                    line=line,
                    column=name,
                )
            )
    return parsed


UNHCR_SMALL_CAVEAT = (
    "Many cells are exactly 5, including most rows from 1996 to 2001: UNHCR appears to publish "
    "small counts as 5, so they are marked “5 or fewer” (not confirmed in UNHCR's own "
    "documentation). North Koreans in South Korea are South Korean citizens and never appear in "
    "UNHCR data. The database has no DPRK-origin rows for 1994, 1995 and 1997: those years are "
    "missing, not zero. Refugees and asylum-seekers are different measures and are never added "
    "together."
)
UNHCR_RPKG = DatasetSpec(
    slug="unhcr-rpkg-2025-12-1",
    publisher="UNHCR",
    title="Refugees and asylum-seekers from the DPRK, by country of asylum",
    edition="R package refugees v2025.12.1 (Global Trends 2025 release)",
    address="github:PopulationStatistics/refugees@0c16a6d0c2f37d8578f9b9e3d1e4459efe850398 "
    "data/population.rda",
    source_key="UNHCR_RPKG_2025_12_1",
    licence="CC BY 4.0",
    classification=Classification.UNHCR_POPULATIONS,
    description="End-year stock of refugees under UNHCR's mandate and of asylum-seekers whose "
    "country of origin is the DPRK, by country of asylum.",
    caveat=UNHCR_SMALL_CAVEAT,
)


def unhcr_status(value):
    if value == 5:
        return Status.SMALL, SMALL_COUNT_NOTE
    return Status.REPORTED, ""


UNHCR_CURATED_MEASURES = (
    ("refugees", Measure.REFUGEES),
    ("asylum_seekers", Measure.ASYLUM_SEEKERS),
)


def read_unhcr_curated(path, **options):
    """unhcr_prk_origin_by_asylum_country.csv: refugees and asylum-seekers per year and country."""
    required = ["year", "coo_iso", "coo_name", "coa_name", "coa_iso", "refugees"]
    required += ["asylum_seekers", "same_value_in", "different_value_in", "source"]
    parsed = Parsed(datasets=[UNHCR_RPKG])
    for line, rec in read_dicts(path, required):
        if rec["source"].strip() != UNHCR_RPKG.source_key:
            raise StatsImportError(path, "unknown source", line=line, column="source")
        year = parse_year(rec["year"], path=path, line=line, column="year")
        differs = rec["different_value_in"].strip()
        for column, measure in UNHCR_CURATED_MEASURES:
            value = parse_count(rec[column], path=path, line=line, column=column)
            if value is None:
                continue
            status, note = unhcr_status(value)
            if differs:
                note = f"{note} Another extract differs: {differs}.".strip()
            parsed.rows.append(
                Row(
                    dataset=UNHCR_RPKG.slug,
                    measure=measure,
                    period_start=year,
                    period_end=year,
                    origin=rec["coo_iso"].strip(),
                    origin_name=rec["coo_name"].strip(),
                    destination=rec["coa_iso"].strip(),
                    destination_name=rec["coa_name"].strip(),
                    value=value,
                    status=status,
                    note=note,
                    line=line,
                    column=column,
                )
            )
    return parsed


CENTRAL_ASIA_CAVEAT = (
    "Large stocks in Kazakhstan, Russia, Kyrgyzstan, Uzbekistan and Armenia probably reflect how "
    "those countries record ethnic Koreans or “Korea” as origin, not recent escapees "
    "(unverified). No DPRK-born people are recorded in the Republic of Korea by this edition."
)
BILATERAL = {
    "UNDESA_IMS_2020": DatasetSpec(
        slug="undesa-ims-2020",
        publisher="UN DESA Population Division",
        title="International Migrant Stock: people born in the DPRK, by destination and sex",
        edition="International Migrant Stock 2020",
        address="github:ksreyes/gdiviz@a3cbe1c0293c5c385d94cfaf4ad85e91b1cc8013 data/stocks.rda "
        "(built from undesa_pd_2020_ims_stock_by_sex_destination_and_origin.xlsx)",
        source_key="UNDESA_IMS_2020",
        classification=Classification.MIGRANT_STOCK,
        description="Mid-year stock of international migrants from the DPRK, by country of "
        "destination, male and female; the total is male + female as in the DESA file.",
        caveat=f"{CENTRAL_ASIA_CAVEAT} DESA editions revise past years (Austria 2015: 2,687 in "
        "the 2019 edition, 118 in the 2020 edition), so editions are never mixed.",
    ),
    "UNDESA_IMS_2019": DatasetSpec(
        slug="undesa-ims-2019",
        publisher="UN DESA Population Division",
        title="International Migrant Stock: people born in the DPRK, by destination",
        edition="International Migrant Stock 2019",
        address="github:guyabel/stepladderChapter@4a81585e8ca3566aed8fd48c2870d316fe06f53f "
        "archive/UN_MigrantStockByOriginAndDestination_2019_clean.csv",
        source_key="UNDESA_IMS_2019",
        classification=Classification.MIGRANT_STOCK,
        description="Mid-year stock of international migrants from the DPRK, both sexes, by "
        "country of destination.",
        caveat=f"{CENTRAL_ASIA_CAVEAT} DESA editions revise past years, so editions are never "
        "mixed.",
    ),
    "WB_BILATERAL_MATRIX_2013": DatasetSpec(
        slug="wb-bilateral-matrix-2013",
        publisher="World Bank",
        title="Bilateral Migration Matrix: emigrants from the DPRK, by destination",
        edition="Bilateral Migration Matrix 2013",
        address="github:maps-on-blackboard/interactive-map@"
        "a857e7e372fc19056654bb604ffc39dfaf0783f6 data/migration-matrix.csv "
        "(copy of Bilateral_Migration_Matrix_2013.xlsx)",
        source_key="WB_BMM_2013",
        licence="",
        classification=Classification.MIGRANT_STOCK,
        description="Estimated stock of emigrants from the DPRK in 2013, by destination.",
        caveat=f"{CENTRAL_ASIA_CAVEAT} Destination names were edited by the author of the copy.",
    ),
    "WB_GBMD_1960_2000": DatasetSpec(
        slug="wb-gbmd-1960-2000",
        publisher="World Bank",
        title="Global Bilateral Migration Database: people born in the DPRK, by destination "
        "and sex",
        edition="Global Bilateral Migration Database 1960-2000 (Özden et al. 2011)",
        address="github:mdbeckman/dcData@d72ca9e0baa858b34081805063c424dbd9a49db4 "
        "data/MigrationFlows.rda",
        source_key="WB_GBMD_DCDATA",
        classification=Classification.MIGRANT_STOCK,
        description="Census-based stock of migrants born in the DPRK, by destination and sex, "
        "every ten years 1960-2000.",
        caveat="The copy labels its years in reverse (its Y1960 holds 2000); they were "
        "relabelled and checked against three other sources. South Korea's figures are census "
        "birthplace counts (100,600 in 1960 to 431,629 in 2000), not recent escapees.",
    ),
    "WB_GBMD_2000_TOTAL": DatasetSpec(
        slug="wb-gbmd-2000-total",
        publisher="World Bank",
        title="Global Bilateral Migration Database: people born in the DPRK, by destination",
        edition="Global Bilateral Migration Database, 2000 totals",
        address="github:daroczig/migration.indices@d7380c3a16e9b13b2223ec5d2cde1182a9a35486 "
        "data/migration.world.RData",
        source_key="WB_GBMD_MIGIDX",
        classification=Classification.MIGRANT_STOCK,
        description="Official both-sexes totals for 2000, by destination.",
        caveat="Differs by 1-2 from male + female of the 1960-2000 edition in 29 destinations "
        "(rounding).",
    ),
}


def read_bilateral_curated(path, **options):
    """bilateral_emigrant_stock_from_prk.csv: stock by destination, one dataset per edition."""
    required = ["origin_iso3", "dataset", "year", "dest_name", "dest_iso3", "male", "female"]
    required += ["total", "note", "source"]
    parsed = Parsed()
    for line, rec in read_dicts(path, required):
        spec = BILATERAL.get(rec["dataset"].strip())
        if spec is None:
            raise StatsImportError(path, "unknown dataset", line=line, column="dataset")
        if spec not in parsed.datasets:
            parsed.datasets.append(spec)
        year = parse_year(rec["year"], path=path, line=line, column="year")
        for name, sex in SEXES:
            value = parse_count(rec[name], path=path, line=line, column=name)
            if value is None:
                continue
            parsed.rows.append(
                Row(
                    dataset=spec.slug,
                    measure=Measure.MIGRANT_STOCK,
                    period_start=year,
                    period_end=year,
                    origin=rec["origin_iso3"].strip(),
                    destination=rec["dest_iso3"].strip(),
                    destination_name=rec["dest_name"].strip(),
                    sex=sex,
                    value=value,
                    note=rec["note"].strip(),
                    line=line,
                    column=name,
                )
            )
    return parsed
