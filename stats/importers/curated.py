"""Readers for the curated CSV files shipped under fixtures/stats/ (see SOURCES.md there)."""

from stats.caveats import caveat_texts
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
from stats.importers.notes import (
    BILATERAL_NOTES,
    BREAKDOWN_NOTES,
    MOU_ARRIVALS_NOTES,
    SMALL_COUNT_NOTE_KO,
    public_note,
)
from stats.models import Classification, Measure, Sex, Status

MOU = "Ministry of Unification (Republic of Korea)"
MOU_KO = "통일부"
# The Ministry's own page of the latest figures (Korean), and its Chinese edition
# as stored in September 2020, which the figures up to 2019 were checked against.
MOU_PAGE = "https://www.unikorea.go.kr/unikorea/business/NKDefectorsPolicy/status/lately/"
MOU_CN = "https://www.unikorea.go.kr/cn_unikorea/news/statistics1/defectors/"
JCLAWSON = "github:j-clawson/nkdefector_project@4a22094050b2b208185c9601f05daf79430fe108"
JCLAWSON_PAGE = (
    "https://github.com/j-clawson/nkdefector_project/tree/4a22094050b2b208185c9601f05daf79430fe108"
)
SEXES = (("male", Sex.MALE), ("female", Sex.FEMALE), ("total", Sex.BOTH))

MOU_ARRIVALS = DatasetSpec(
    slug="mou-arrivals",
    publisher=MOU,
    publisher_ko=MOU_KO,
    title="North Korean defectors arriving in South Korea, by year and sex",
    title_ko="북한이탈주민 입국 현황(연도별·성별)",
    edition="final annual series to 2025 (2025 as corrected on 2026-02-04)",
    edition_ko="2025년까지 연도별 확정치(2025년은 2026년 2월 4일 정정치)",
    address=MOU_PAGE,
    source_key="MOU_CN; JCLAWSON",
    classification=Classification.DEFECTOR_ARRIVALS,
    description="People who left North Korea and entered South Korea, counted by the year of "
    "entry, as male, female and total.",
    description_ko="북한을 떠나 한국에 입국한 사람을 입국 연도별로 남성, 여성, 합계로 집계한 "
    "수치입니다.",
    **caveat_texts(["mou-spans", "mou-final-figures", "mou-2024-briefing", "mou-2025-correction"]),
    compiled_from="Up to 2019 from two independent copies of the Ministry's table, which agree "
    f"on every figure: its statistics page in Chinese ({MOU_CN}, a copy stored in September "
    "2020 with figures to September 2020) and a transcription of its Korean tables published "
    f"by J. Clawson in January 2025 ({JCLAWSON} sql_queries/annual_defectors.sql). 2020 to "
    "2023 from the transcription, each year confirmed by a news report of the Ministry's "
    "briefing. 2024 and 2025 from the news reports of the briefings, because the "
    "transcription's 2024 row covers January to September only. Checks: the running totals "
    "equal every cumulative figure the Ministry announced (33,882 at the end of 2022, 34,078 "
    "at the end of 2023, 34,314 at the end of 2024, 34,537 at the end of 2025). Corrections: "
    "2025 is the Ministry's corrected figure of 4 February 2026 (223), not its first "
    "announcement (224); one report of 2024 printed 216 women where the Ministry's figures "
    "give 210.",
    compiled_from_ko="2019년까지는 서로 독립된 통일부 표의 사본 두 가지에서 옮겼으며, 두 "
    f"사본의 모든 수치가 일치합니다. 하나는 통일부 통계 페이지 중국어판({MOU_CN}, 2020년 "
    "9월까지의 수치가 실린 2020년 9월 저장본)이고, 다른 하나는 J. Clawson이 2025년 1월 "
    f"공개한 통일부 한국어 표의 전사본({JCLAWSON} sql_queries/annual_defectors.sql)입니다. "
    "2020~2023년은 전사본에서 옮기고 해마다 통일부 브리핑 보도로 확인했습니다. 2024년과 "
    "2025년은 브리핑 보도에서 옮겼습니다. 전사본의 2024년 행은 1~9월만 포함하기 때문입니다. "
    "검증: 연도별 수치의 누계가 통일부가 발표한 누적 수치와 모두 일치합니다(2022년 말 "
    "33,882명, 2023년 말 34,078명, 2024년 말 34,314명, 2025년 말 34,537명). 정정: 2025년은 "
    "처음 발표된 224명이 아니라 2026년 2월 4일 통일부가 정정한 223명을 실었습니다. 2024년 "
    "여성을 216명으로 적은 보도가 있으나 통일부 수치는 210명입니다.",
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
        note, note_ko = public_note(
            MOU_ARRIVALS_NOTES, rec["period_label"].strip(), rec["notes"].strip(), **where
        )
        if rec["provisional"].strip().lower() == "yes":
            note, note_ko = f"Provisional. {note}".strip(), f"잠정치. {note_ko}".strip()
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
                    note_ko=note_ko,
                    source=rec["source"].strip(),
                    line=line,
                    column=name,
                )
            )
    return parsed


# The breakdown tables come from several sources with different cut-offs; each
# cut-off is its own dataset so that editions are never mixed in one chart.
PROFILE_TITLE = "North Korean defectors in South Korea: profile on arrival (cumulative)"
PROFILE_TITLE_KO = "북한이탈주민 입국자 특성(누적)"
RESIDENTS_TITLE = "North Korean defectors resident in South Korea, by region"
RESIDENTS_TITLE_KO = "북한이탈주민 지역별 거주 현황"
PROFILE_DESCRIPTION = (
    "Cumulative arrivals by age at entry, occupation and education in North Korea.",
    "입국 당시 연령, 북한에서의 직업과 학력별 누적 입국자 수입니다.",
)
JCLAWSON_TABLES = (
    "A transcription of the Ministry's Korean tables published by J. Clawson in January 2025 "
    f"({JCLAWSON} sql_queries/), which states no cut-off date; its totals place it between "
    "the Ministry's arrival totals of the end of March (34,121) and the end of June 2024 "
    "(34,183).",
    f"J. Clawson이 2025년 1월 공개한 통일부 한국어 표의 전사본({JCLAWSON} sql_queries/)에서 "
    "옮겼습니다. 기준 시점은 적혀 있지 않으며, 합계가 통일부의 2024년 3월 말(34,121명)과 "
    "6월 말(34,183명) 누적 입국자 수 사이에 있습니다.",
)
BREAKDOWN_CUTOFFS = {
    "not stated in source; M 9,544": {
        "spec": DatasetSpec(
            slug="mou-profile-2024",
            publisher=MOU,
            publisher_ko=MOU_KO,
            title=PROFILE_TITLE,
            title_ko=PROFILE_TITLE_KO,
            edition="cut-off not stated, probably mid-2024",
            edition_ko="기준 시점 미상(2024년 중반 추정)",
            address=MOU_PAGE,
            source_key="JCLAWSON",
            classification=Classification.DEFECTOR_ARRIVALS,
            description=PROFILE_DESCRIPTION[0] + " And province of origin.",
            description_ko=PROFILE_DESCRIPTION[1] + " 출신 지역별 수치도 있습니다.",
            **caveat_texts(
                [
                    "mou-profile-2024-cutoff",
                    "mou-profile-2024-provinces",
                    "mou-breakdowns-exclude-protection",
                ]
            ),
            compiled_from=JCLAWSON_TABLES[0] + " Its label “volunteer sector” for 봉사분야 was "
            "corrected to “service sector”. The province table lacks the other or unknown rows "
            "(313 people).",
            compiled_from_ko=JCLAWSON_TABLES[1] + " 전사본이 봉사분야를 “volunteer sector”로 "
            "옮긴 것을 “service sector”로 바로잡았습니다. 출신 지역 표에는 “기타·미상” "
            "행(313명)이 빠져 있습니다.",
        ),
        "period": (None, 2024, "up to mid-2024 (unverified)"),
    },
    "2020-09": {
        "spec": DatasetSpec(
            slug="mou-profile-2020-09",
            publisher=MOU,
            publisher_ko=MOU_KO,
            title=PROFILE_TITLE,
            title_ko=PROFILE_TITLE_KO,
            edition="September 2020 (provisional)",
            edition_ko="2020년 9월(잠정)",
            address=MOU_CN,
            source_key="MOU_CN",
            classification=Classification.DEFECTOR_ARRIVALS,
            description=PROFILE_DESCRIPTION[0],
            description_ko=PROFILE_DESCRIPTION[1],
            **caveat_texts(["mou-profile-2020-09-partial", "mou-breakdowns-exclude-protection"]),
            compiled_from=f"The Ministry's statistics page in Chinese ({MOU_CN}), as stored in "
            "September 2020; the stored text ends partway through the education table. "
            "Correction: ages 40-49 printed as 5,597 are 5,957 (men plus women, in agreement "
            "with the grand total of 33,648).",
            compiled_from_ko=f"통일부 통계 페이지 중국어판({MOU_CN})의 2020년 9월 저장본에서 "
            "옮겼습니다. 저장된 글은 학력 표 중간에서 끊깁니다. 정정: 40~49세가 5,597명으로 "
            "적혀 있으나 남녀 합이자 총계 33,648명과 맞는 5,957명으로 바로잡았습니다.",
        ),
        "period": (None, 2020, "up to Sep 2020"),
    },
    "end of 2022": {
        "spec": DatasetSpec(
            slug="mou-profile-2022",
            publisher=MOU,
            publisher_ko=MOU_KO,
            title=PROFILE_TITLE,
            title_ko=PROFILE_TITLE_KO,
            edition="end of 2022",
            edition_ko="2022년 말",
            address="http://www.datasom.co.kr/news/articleView.html?idxno=126053",
            source_key="DATASOM",
            classification=Classification.DEFECTOR_ARRIVALS,
            description=PROFILE_DESCRIPTION[0] + " Totals only, no split by sex.",
            description_ko=PROFILE_DESCRIPTION[1] + " 성별 구분 없이 합계만 있습니다.",
            **caveat_texts(["mou-profile-2022-totals", "mou-breakdowns-exclude-protection"]),
            compiled_from="A 2023 article of Datasom quoting the Ministry's page on policy for "
            "North Korean defectors, with figures to the end of 2022.",
            compiled_from_ko="통일부 “북한이탈주민 정책” 페이지를 인용한 데이터솜의 2023년 "
            "기사에서 옮겼으며, 2022년 말까지의 수치입니다.",
        ),
        "period": (None, 2022, "up to end of 2022"),
    },
    "not stated in source; rows sum to 7,932": {
        "spec": DatasetSpec(
            slug="mou-residents-2024",
            publisher=MOU,
            publisher_ko=MOU_KO,
            title=RESIDENTS_TITLE,
            title_ko=RESIDENTS_TITLE_KO,
            edition="cut-off not stated, probably mid-2024",
            edition_ko="기준 시점 미상(2024년 중반 추정)",
            address=MOU_PAGE,
            source_key="JCLAWSON",
            classification=Classification.DEFECTOR_RESIDENTS,
            description="Current residents by region of residence in South Korea.",
            description_ko="한국 내 거주 지역별 현재 거주자 수입니다.",
            **caveat_texts(["mou-residents-current"]),
            compiled_from=JCLAWSON_TABLES[0],
            compiled_from_ko=JCLAWSON_TABLES[1],
        ),
        "period": (2024, 2024, "mid-2024 (unverified)"),
    },
    "end of May": {
        "spec": DatasetSpec(
            slug="mou-residents-2008",
            publisher=MOU,
            publisher_ko=MOU_KO,
            title=RESIDENTS_TITLE,
            title_ko=RESIDENTS_TITLE_KO,
            edition="end of May 2008 (year inferred)",
            edition_ko="2008년 5월 말(연도 추정)",
            address="https://www.dailynk.com/%ED%83%88%EB%B6%81%EC%9E%90-30%EB%8C%80%EA%B0%80-"
            "33%EB%A1%9C-%EC%B5%9C%EB%8B%A4/",
            source_key="DAILYNK_2008",
            classification=Classification.DEFECTOR_RESIDENTS,
            description="Residents by region of residence in South Korea; totals only.",
            description_ko="한국 내 거주 지역별 거주자 수로, 합계만 있습니다.",
            **caveat_texts(["mou-residents-2008"]),
            compiled_from="A Yonhap report carried by Daily NK, quoting the Ministry's Institute "
            "for Unification Education, with figures to the end of May and 13,760 arrivals in "
            "all; the year 2008 was inferred from the Ministry's cumulative series.",
            compiled_from_ko="통일부 통일교육원 자료를 인용한 연합뉴스 보도(데일리NK 게재)에서 "
            "옮겼습니다. 5월 말 기준이며 누적 입국자는 13,760명입니다. 2008년이라는 연도는 "
            "통일부 누적 통계에서 추정했습니다.",
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
        raw = rec["notes"].strip()
        key = next((k for k in BREAKDOWN_NOTES if raw.startswith(k)), raw)
        note, note_ko = public_note(BREAKDOWN_NOTES, key, raw, **where)
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
                    note=note,
                    note_ko=note_ko,
                    source=rec["source"].strip(),
                    line=line,
                    column=name,
                )
            )
    return parsed


UNHCR_KO = "유엔난민기구(UNHCR)"
UNHCR_PAGE = "https://www.unhcr.org/refugee-statistics/download"
UNHCR_RPKG = DatasetSpec(
    slug="unhcr-rpkg-2025-12-1",
    publisher="UNHCR",
    publisher_ko=UNHCR_KO,
    title="Refugees and asylum-seekers from the DPRK, by country of asylum",
    title_ko="유엔난민기구(UNHCR) 난민 통계: 북한 출신 난민·비호신청자(비호국별)",
    edition="R package refugees v2025.12.1 (Global Trends 2025 release)",
    edition_ko="R 패키지 refugees v2025.12.1(글로벌 동향 2025 공표분)",
    address=UNHCR_PAGE,
    source_key="UNHCR_RPKG_2025_12_1",
    licence="CC BY 4.0",
    classification=Classification.UNHCR_POPULATIONS,
    description="End-year stock of refugees under UNHCR's mandate and of asylum-seekers whose "
    "country of origin is the DPRK, by country of asylum.",
    description_ko="출신국이 북한인 UNHCR 위임 난민과 비호신청자의 연말 기준 인원을 "
    "비호국별로 집계한 수치입니다.",
    **caveat_texts(
        [
            "unhcr-small-counts",
            "unhcr-south-korea",
            "unhcr-no-china",
            "unhcr-missing-years",
            "unhcr-measures-apart",
        ]
    ),
    compiled_from="UNHCR's R package refugees, version 2025.12.1 (the Global Trends 2025 "
    "release with the June 2026 correction of asylum figures), file data/population.rda as "
    "published in its repository (github:PopulationStatistics/refugees@"
    "0c16a6d0c2f37d8578f9b9e3d1e4459efe850398), rows whose origin is PRK. Checks: every row was "
    "compared with three other extracts; 1998-2023 agree with a 2025 transcription, 2015-2023 "
    "with a Refugee Data Finder export of July 2024, 2016-2021 with another export. Where they "
    "differ (nine countries in 2022, ten in 2024) the others hold mid-year figures, and the "
    "package's final figures are kept.",
    compiled_from_ko="UNHCR의 R 패키지 refugees 2025.12.1판(2026년 6월 비호신청 수치 정정을 "
    "반영한 글로벌 동향 2025 공표분)의 data/population.rda 파일에서 출신국이 PRK인 행을 "
    "옮겼습니다(github:PopulationStatistics/refugees@0c16a6d0c2f37d8578f9b9e3d1e4459efe850398). "
    "검증: 모든 행을 다른 추출본 세 가지와 대조했습니다. 1998~2023년은 2025년 전사본과, "
    "2015~2023년은 2024년 7월 Refugee Data Finder 추출본과, 2016~2021년은 또 다른 추출본과 "
    "일치합니다. 차이가 나는 경우(2022년 9개국, 2024년 10개국)는 다른 추출본이 연중 잠정치를 "
    "담고 있어 패키지의 확정치를 택했습니다.",
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
        for column, measure in UNHCR_CURATED_MEASURES:
            value = parse_count(rec[column], path=path, line=line, column=column)
            if value is None:
                continue
            # Another extract's figure (`different_value_in`) is the compilation trail,
            # summarised on the "About the data" page, not a note for readers.
            status, note = unhcr_status(value)
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
                    note_ko=SMALL_COUNT_NOTE_KO if note else "",
                    line=line,
                    column=column,
                )
            )
    return parsed


DESA_KO = "유엔 경제사회국(UN DESA) 인구국"
DESA_PAGE = "https://www.un.org/development/desa/pd/content/international-migrant-stock"
WB_KO = "세계은행"
WB_MATRIX_PAGE = (
    "https://www.worldbank.org/en/topic/migrationremittancesdiasporaissues/brief/"
    "migration-remittances-data"
)
WB_GBMD_PAGE = "https://databank.worldbank.org/source/global-bilateral-migration"
DESA_DESCRIPTION_KO = "도착국별 북한 출신 국제이주자의 연앙(7월 1일) 기준 인원입니다."
BILATERAL = {
    "UNDESA_IMS_2020": DatasetSpec(
        slug="undesa-ims-2020",
        publisher="UN DESA Population Division",
        publisher_ko=DESA_KO,
        title="International Migrant Stock: people born in the DPRK, by destination and sex",
        title_ko="국제이주자 현황(UN DESA): 북한 출생자, 도착국·성별",
        edition="International Migrant Stock 2020",
        edition_ko="국제이주자 현황 2020",
        address=DESA_PAGE,
        source_key="UNDESA_IMS_2020",
        classification=Classification.MIGRANT_STOCK,
        description="Mid-year stock of international migrants from the DPRK, by country of "
        "destination, male and female; the total is male + female as in the DESA file.",
        description_ko=DESA_DESCRIPTION_KO + " 남성과 여성이 있으며, 합계는 UN DESA 파일과 "
        "같이 남녀를 더한 값입니다.",
        **caveat_texts(["stock-ethnic-koreans", "desa-uk-mali", "stock-no-rok", "desa-revisions"]),
        compiled_from="UN DESA's file undesa_pd_2020_ims_stock_by_sex_destination_and_origin"
        ".xlsx, as converted by a public repository (github:ksreyes/gdiviz@"
        "a3cbe1c0293c5c385d94cfaf4ad85e91b1cc8013 data/stocks.rda), which keeps men and women "
        "between countries only; rows whose origin is the DPRK.",
        compiled_from_ko="UN DESA 파일 undesa_pd_2020_ims_stock_by_sex_destination_and_origin"
        ".xlsx를 변환한 공개 저장소(github:ksreyes/gdiviz@a3cbe1c0293c5c385d94cfaf4ad85e91b1cc8013 "
        "data/stocks.rda)에서 출신국이 북한인 행을 옮겼습니다. 이 변환본에는 국가 간 남녀 "
        "수치만 있습니다.",
    ),
    "UNDESA_IMS_2019": DatasetSpec(
        slug="undesa-ims-2019",
        publisher="UN DESA Population Division",
        publisher_ko=DESA_KO,
        title="International Migrant Stock: people born in the DPRK, by destination",
        title_ko="국제이주자 현황(UN DESA): 북한 출생자, 도착국별",
        edition="International Migrant Stock 2019",
        edition_ko="국제이주자 현황 2019",
        address=DESA_PAGE,
        source_key="UNDESA_IMS_2019",
        classification=Classification.MIGRANT_STOCK,
        description="Mid-year stock of international migrants from the DPRK, both sexes, by "
        "country of destination.",
        description_ko=DESA_DESCRIPTION_KO + " 남녀 합계입니다.",
        **caveat_texts(["stock-ethnic-koreans", "desa-uk-mali", "stock-no-rok", "desa-revisions"]),
        compiled_from="A cleaned copy of UN DESA's 2019 table by destination and origin "
        "(github:guyabel/stepladderChapter@4a81585e8ca3566aed8fd48c2870d316fe06f53f archive/"
        "UN_MigrantStockByOriginAndDestination_2019_clean.csv), both sexes; the DPRK column.",
        compiled_from_ko="UN DESA 2019년 도착국·출신국별 표를 정리한 사본(github:guyabel/"
        "stepladderChapter@4a81585e8ca3566aed8fd48c2870d316fe06f53f archive/"
        "UN_MigrantStockByOriginAndDestination_2019_clean.csv)의 북한 열에서 남녀 합계를 "
        "옮겼습니다.",
    ),
    "WB_BILATERAL_MATRIX_2013": DatasetSpec(
        slug="wb-bilateral-matrix-2013",
        publisher="World Bank",
        publisher_ko=WB_KO,
        title="Bilateral Migration Matrix: emigrants from the DPRK, by destination",
        title_ko="양자 간 이주 매트릭스(세계은행): 북한 출신 이주자, 도착국별",
        edition="Bilateral Migration Matrix 2013",
        edition_ko="양자 간 이주 매트릭스 2013",
        address=WB_MATRIX_PAGE,
        source_key="WB_BMM_2013",
        licence="",
        classification=Classification.MIGRANT_STOCK,
        description="Estimated stock of emigrants from the DPRK in 2013, by destination.",
        description_ko="도착국별 북한 출신 이주자의 2013년 추정 인원입니다.",
        **caveat_texts(["stock-ethnic-koreans", "stock-no-rok", "wb-bmm-2013-names"]),
        compiled_from="A tab-separated copy of the World Bank's Bilateral_Migration_Matrix_2013"
        ".xlsx (github:maps-on-blackboard/interactive-map@a857e7e372fc19056654bb604ffc39dfaf0783f6"
        " data/migration-matrix.csv), whose author edited the country names; the row of North "
        "Korea as origin.",
        compiled_from_ko="세계은행 Bilateral_Migration_Matrix_2013.xlsx의 탭 구분 사본"
        "(github:maps-on-blackboard/interactive-map@a857e7e372fc19056654bb604ffc39dfaf0783f6 "
        "data/migration-matrix.csv)에서 출신국이 북한인 행을 옮겼습니다. 사본 작성자가 국가 "
        "이름을 편집했습니다.",
    ),
    "WB_GBMD_1960_2000": DatasetSpec(
        slug="wb-gbmd-1960-2000",
        publisher="World Bank",
        publisher_ko=WB_KO,
        title="Global Bilateral Migration Database: people born in the DPRK, by destination "
        "and sex",
        title_ko="세계 양자 간 이주 데이터베이스(세계은행): 북한 출생자, 도착국·성별",
        edition="Global Bilateral Migration Database 1960-2000 (Özden et al. 2011)",
        edition_ko="세계 양자 간 이주 데이터베이스 1960~2000(Özden 외, 2011)",
        address=WB_GBMD_PAGE,
        source_key="WB_GBMD_DCDATA",
        classification=Classification.MIGRANT_STOCK,
        description="Census-based stock of migrants born in the DPRK, by destination and sex, "
        "every ten years 1960-2000.",
        description_ko="인구총조사에 기반한 도착국·성별 북한 출생 이주자 수로, 1960~2000년 "
        "10년 간격입니다.",
        **caveat_texts(["gbmd-years-relabelled", "gbmd-rok-census"]),
        compiled_from="A copy of the database in a teaching package (github:mdbeckman/dcData@"
        "d72ca9e0baa858b34081805063c424dbd9a49db4 data/MigrationFlows.rda). Correction: its "
        "year labels are reversed (its 1960 holds 2000); they were relabelled, as Mexico to the "
        "United States (9.37 million in 2000), Turkey to Germany and the 2000 totals of "
        "another copy confirm.",
        compiled_from_ko="교육용 패키지에 실린 데이터베이스 사본(github:mdbeckman/dcData@"
        "d72ca9e0baa858b34081805063c424dbd9a49db4 data/MigrationFlows.rda)에서 옮겼습니다. "
        "정정: 사본의 연도 표기가 거꾸로 되어 있어(1960년 열에 2000년 수치) 바로잡았으며, "
        "멕시코→미국(2000년 937만 명), 튀르키예→독일, 다른 사본의 2000년 합계로 확인했습니다.",
    ),
    "WB_GBMD_2000_TOTAL": DatasetSpec(
        slug="wb-gbmd-2000-total",
        publisher="World Bank",
        publisher_ko=WB_KO,
        title="Global Bilateral Migration Database: people born in the DPRK, by destination",
        title_ko="세계 양자 간 이주 데이터베이스(세계은행): 북한 출생자, 도착국별",
        edition="Global Bilateral Migration Database, 2000 totals",
        edition_ko="세계 양자 간 이주 데이터베이스, 2000년 합계",
        address=WB_GBMD_PAGE,
        source_key="WB_GBMD_MIGIDX",
        classification=Classification.MIGRANT_STOCK,
        description="Official both-sexes totals for 2000, by destination.",
        description_ko="도착국별 2000년 공식 남녀 합계입니다.",
        **caveat_texts(["gbmd-2000-rounding"]),
        compiled_from="The database's 2000 matrix of both sexes as published in a public "
        "package (github:daroczig/migration.indices@d7380c3a16e9b13b2223ec5d2cde1182a9a35486 "
        "data/migration.world.RData).",
        compiled_from_ko="공개 패키지에 실린 데이터베이스의 2000년 남녀 합계 행렬(github:daroczig/"
        "migration.indices@d7380c3a16e9b13b2223ec5d2cde1182a9a35486 data/migration.world.RData)"
        "에서 옮겼습니다.",
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
                    note=BILATERAL_NOTES[rec["dataset"].strip()][0],
                    note_ko=BILATERAL_NOTES[rec["dataset"].strip()][1],
                    line=line,
                    column=name,
                )
            )
    return parsed
