"""Readers for the publishers' own file layouts (described in fixtures/stats/SOURCES.md).

Each returns every country pair in the file unless `origin` (an ISO alpha-3
code) narrows it to one country of origin.
"""

import datetime
import re

import pycountry
from django.utils.text import slugify

from stats.caveats import caveat_texts
from stats.importers.base import (
    DatasetSpec,
    Parsed,
    Row,
    StatsImportError,
    data_rows,
    numbered_rows,
    parse_count,
    parse_year,
)
from stats.importers.curated import (
    DESA_KO,
    DESA_PAGE,
    SMALL_COUNT_NOTE_KO,
    UNHCR_KO,
    UNHCR_PAGE,
    WB_KO,
    WB_MATRIX_PAGE,
    unhcr_status,
)
from stats.models import Classification, Measure, Sex

# Codes UNHCR uses that are not ISO 3166-1.
UNHCR_NON_ISO = {
    "XXA": "XXA is UNHCR's code for stateless people, not an ISO 3166 code.",
    "UNK": "UNK is UNHCR's code for an unknown origin, not an ISO 3166 code.",
    "TIB": "TIB is UNHCR's code for Tibetans, not an ISO 3166 code.",
}
UNHCR_NON_ISO_KO = {
    "XXA": "XXA는 무국적자를 뜻하는 UNHCR 코드로, ISO 3166 코드가 아닙니다.",
    "UNK": "UNK는 출신지 미상을 뜻하는 UNHCR 코드로, ISO 3166 코드가 아닙니다.",
    "TIB": "TIB는 티베트인을 뜻하는 UNHCR 코드로, ISO 3166 코드가 아닙니다.",
}
STOCK_CAVEATS = ["stock-ethnic-koreans", "stock-no-rok"]
UNHCR_COLUMNS = [
    ("Year", None),
    ("Country of origin", None),
    ("Country of origin (ISO)", None),
    ("Country of asylum", None),
    ("Country of asylum (ISO)", None),
    ("Refugees under UNHCR's mandate", Measure.REFUGEES),
    ("Asylum-seekers", Measure.ASYLUM_SEEKERS),
    ("IDPs of concern to UNHCR", Measure.IDPS),
    ("Other people in need of international protection", Measure.OTHER_PROTECTION),
    ("Stateless persons", Measure.STATELESS),
    ("Host Community", Measure.HOST_COMMUNITY),  # 2024 layout only
    ("Others of concern", Measure.OTHERS_OF_CONCERN),  # 2024 layout only
]


def _extraction_date(text):
    """The export's "Date extracted" ("21/07/2024 14:54 UTC"), or None if absent or unread."""
    try:
        return datetime.datetime.strptime(text[:10], "%d/%m/%Y").date()
    except ValueError:
        return None


def read_unhcr_export(path, *, origin=None, **options):
    """UNHCR Refugee Data Finder population.csv, 2024 layout (14-line preamble, 12
    columns) or 2023 layout (no preamble, 10 columns). '-' means not applicable
    and yields no figure."""
    rows = numbered_rows(path)
    metadata, header, header_line = {}, None, None
    for line, cells in rows:
        if cells[:2] == ["Year", "Country of origin"]:
            header, header_line = cells, line
            break
        if line > 30:
            break
        if len(cells) >= 2:
            metadata[cells[0].strip().rstrip(":")] = cells[1].strip()
    if header is None:
        raise StatsImportError(path, "no header line starting 'Year,Country of origin'", line=1)
    for position, (name, expected) in enumerate(zip(header, UNHCR_COLUMNS, strict=False), 1):
        if name.strip() != expected[0]:
            raise StatsImportError(
                path, f"expected {expected[0]!r}, found {name!r}", line=header_line, column=position
            )
    if len(header) not in (10, 12):  # every name so far as expected: one is missing or extra
        position = len(header) + 1 if len(header) < 12 else 13
        expected = UNHCR_COLUMNS[position - 1][0] if position <= 12 else "no more columns"
        found = repr(header[12]) if len(header) > 12 else "nothing"
        raise StatsImportError(
            path,
            f"expected {expected!r} (10 columns in the 2023 layout, 12 in the 2024 one), "
            f"found {found}",
            line=header_line,
            column=position,
        )
    parsed = Parsed()
    years, origins = set(), set()
    for line, cells in data_rows(rows, header, path):
        year = parse_year(cells[0], path=path, line=line, column="1 (Year)")
        years.add(year)
        codes = {}
        for position in (3, 5):
            code = cells[position - 1].strip()
            if not code and cells[position - 2].strip() == "Unknown":
                code = "UNK"
            if not re.fullmatch(r"[A-Z]{3}", code):
                raise StatsImportError(
                    path,
                    f"{code!r} is not a three-letter country code",
                    line=line,
                    column=f"{position} ({header[position - 1]})",
                )
            codes[position] = code
        origins.add(codes[3])
        if origin and codes[3] != origin:
            continue
        notes = [UNHCR_NON_ISO[c] for c in codes.values() if c in UNHCR_NON_ISO]
        notes_ko = [UNHCR_NON_ISO_KO[c] for c in codes.values() if c in UNHCR_NON_ISO]
        for position, (name, measure) in enumerate(UNHCR_COLUMNS[: len(header)], 1):
            if measure is None:
                continue
            column = f"{position} ({name})"
            value = parse_count(
                cells[position - 1], path=path, line=line, column=column, missing=("", "-")
            )
            if value is None:
                continue  # '-' (not applicable) or empty: no figure, never zero
            status, small = unhcr_status(value)
            parsed.rows.append(
                Row(
                    dataset="",  # named below, from the whole file
                    measure=measure,
                    period_start=year,
                    period_end=year,
                    origin=codes[3],
                    origin_name=cells[1].strip(),
                    destination=codes[5],
                    destination_name=cells[3].strip(),
                    value=value,
                    status=status,
                    note=" ".join([small, *notes]).strip(),
                    note_ko=" ".join([SMALL_COUNT_NOTE_KO if small else "", *notes_ko]).strip(),
                    line=line,
                    column=column,
                )
            )
    spec = _unhcr_export_spec(metadata, years, origins)
    parsed.datasets.append(spec)
    for row in parsed.rows:
        row.dataset = spec.slug
    return parsed


UNHCR_RDF_PAGE = UNHCR_PAGE


def _unhcr_export_spec(metadata, years, origins):
    """The dataset of an export, from what the file itself states: never its file name,
    so one file under two names is one dataset."""
    updated = metadata.get("Last updated")
    first, last = (min(years), max(years)) if years else (None, None)
    if updated:
        slug, edition = slugify(updated), f"Refugee Data Finder export, last updated {updated}"
        edition_ko = f"Refugee Data Finder 추출본, {updated} 최종 갱신"
    else:
        span = [str(first)] if first == last else [str(first), str(last)]
        slug = f"undated-{'-'.join(span)}"
        edition = f"Refugee Data Finder export without preamble, {chr(0x2013).join(span)}"
        edition_ko = f"Refugee Data Finder 추출본(머리말 없음), {'~'.join(span)}"
    ids = ["unhcr-small-counts", "unhcr-not-applicable", "unhcr-measures-apart"]
    extra = []
    missing = sorted(set(range(first, last + 1)) - years) if years else []
    if missing:
        listed = ", ".join(map(str, missing))
        ids.append("unhcr-file-missing-years")
        extra.append(
            (
                f"The file has no rows for {listed}: those years are missing, not zero.",
                f"파일에 {listed}년 행이 없습니다. 이 연도는 0명이 아니라 자료가 없는 것입니다.",
            )
        )
    if "PRK" in origins:
        ids.append("unhcr-south-korea")
    if metadata.get("Disclaimer"):
        ids.append("unhcr-file-disclaimer")
        extra.append(
            (
                f"The file's disclaimer: {metadata['Disclaimer']}",
                f"파일의 면책 문구: {metadata['Disclaimer']}",
            )
        )
    licence = metadata.get("Usage licence", "")
    if "creativecommons.org/licenses/by/4.0" in licence:
        licence = "CC BY 4.0"
    return DatasetSpec(
        slug=f"unhcr-rdf-{slug}"[:100],
        publisher="UNHCR",
        publisher_ko=UNHCR_KO,
        title="Refugee Data Finder: population figures by origin and country of asylum",
        title_ko="유엔난민기구(UNHCR) 난민 통계: 출신국·비호국별 인원(Refugee Data Finder)",
        edition=edition,
        edition_ko=edition_ko,
        address=metadata.get("Data quick link") or UNHCR_RDF_PAGE,
        source_key="",
        licence=licence,
        classification=Classification.UNHCR_POPULATIONS,
        description="End-year stock population figures by country of origin and of asylum.",
        description_ko="출신국과 비호국별 연말 기준 인원입니다.",
        **caveat_texts(ids, *extra),
        compiled_from="A Refugee Data Finder export imported as published.",
        compiled_from_ko="Refugee Data Finder 추출본을 공표된 그대로 가져왔습니다.",
        retrieved=_extraction_date(metadata.get("Date extracted", "")),
    )


# Names the World Bank and UN DESA use that pycountry does not know. Aggregates
# (totals, "other") are not country pairs and are skipped.
COUNTRY_NAMES = {
    "north korea": "PRK",
    "korea, dem. rep.": "PRK",
    "korea, dem. people's rep.": "PRK",
    "dem. people's republic of korea": "PRK",
    "south korea": "KOR",
    "korea, rep.": "KOR",
    "republic of korea": "KOR",
    "russia": "RUS",
    "iran": "IRN",
    "syria": "SYR",
    "vietnam": "VNM",
    "laos": "LAO",
    "macedonia": "MKD",
    "moldova": "MDA",
    "venezuela": "VEN",
    "bolivia": "BOL",
    "tanzania": "TZA",
    "czech republic": "CZE",
    "kosovo": "XKX",
    "channel islands": "CHI",
    "cape verde": "CPV",
    "swaziland": "SWZ",
    "turkey": "TUR",
    "congo, dem. rep.": "COD",
    "congo, rep.": "COG",
    "egypt, arab rep.": "EGY",
    "yemen, rep.": "YEM",
    "gambia, the": "GMB",
    "bahamas, the": "BHS",
    "hong kong sar, china": "HKG",
    "china, hong kong sar": "HKG",
    "macao sar, china": "MAC",
    "china, macao sar": "MAC",
    "west bank and gaza": "PSE",
    "taiwan": "TWN",
    "brunei": "BRN",
    "united states of america": "USA",
    # The World Bank's own short names (Bilateral Migration Matrix, WDI).
    "cote d'ivoire": "CIV",
    "curacao": "CUW",
    "faeroe islands": "FRO",
    "falkland islands": "FLK",
    "holy see": "VAT",
    "iran, islamic rep.": "IRN",
    "lao pdr": "LAO",
    "macedonia, fyr": "MKD",
    "micronesia, fed. sts.": "FSM",
    "micronesia": "FSM",
    "reunion": "REU",
    "saint barthelemy": "BLM",
    "st. barthelemy": "BLM",
    "st. helena": "SHN",
    "saint helena": "SHN",
    "st. kitts and nevis": "KNA",
    "st. lucia": "LCA",
    "st. martin (french part)": "MAF",
    "st. pierre and miquelon": "SPM",
    "st. vincent and the grenadines": "VCT",
    "taiwan, china": "TWN",
    "venezuela, rb": "VEN",
    "wallis and futuna islands": "WLF",
}
AGGREGATES = {"total", "world", "other", "other north", "other south"}
M49_NOT_ISO = {830: "CHI", 412: "XKX"}  # DESA country rows without an ISO 3166 numeric code


def country_code(name):
    """ISO alpha-3 for a published country name, None for an aggregate, or LookupError."""
    clean = re.sub(r"\s+", " ", name.replace("*", "")).strip()
    if clean.lower() in AGGREGATES:
        return None
    if clean.lower() in COUNTRY_NAMES:
        return COUNTRY_NAMES[clean.lower()]
    candidates = [clean, re.sub(r"^(.*) \((.*)\)$", r"\1, \2", clean)]
    for candidate in candidates:
        try:
            return pycountry.countries.lookup(candidate).alpha_3
        except LookupError:
            continue
    raise LookupError(name)


def _code_or_error(name, *, path, line, column):
    try:
        return country_code(name)
    except LookupError:
        raise StatsImportError(
            path, f"unknown country name {name!r}", line=line, column=column
        ) from None


def read_wb_matrix_2013(path, *, origin=None, **options):
    """World Bank Bilateral Migration Matrix 2013 saved as tab-separated text:
    origins down the first column, destinations across the first row."""
    rows = numbered_rows(path, delimiter="\t")
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise StatsImportError(path, "the file is empty", line=1) from None
    corner = header[0].lower() if header else ""
    if len(header) < 2 or "destination" not in corner or "source" not in corner:
        raise StatsImportError(
            path,
            "expected the corner cell 'Destination country (across)-Source country (down)' "
            "(is the file tab-separated?)",
            line=header_line,
            column=1,
        )
    destinations = [
        (_code_or_error(name, path=path, line=header_line, column=i), name.strip())
        for i, name in enumerate(header[1:], 2)
    ]
    spec = DatasetSpec(
        slug="wb-bilateral-matrix-2013-file",
        publisher="World Bank",
        publisher_ko=WB_KO,
        title="Bilateral Migration Matrix",
        title_ko="양자 간 이주 매트릭스(세계은행)",
        edition="Bilateral Migration Matrix 2013",
        edition_ko="양자 간 이주 매트릭스 2013",
        address=WB_MATRIX_PAGE,
        classification=Classification.MIGRANT_STOCK,
        description="Estimated stock of emigrants in 2013, by origin and destination.",
        description_ko="출신국·도착국별 2013년 추정 이주자 수입니다.",
        **caveat_texts(STOCK_CAVEATS),
        compiled_from=f"The World Bank's Bilateral_Migration_Matrix_2013 (file {path.name}).",
        compiled_from_ko=f"세계은행 Bilateral_Migration_Matrix_2013(파일 {path.name}).",
    )
    parsed = Parsed(datasets=[spec])
    for line, cells in data_rows(rows, header, path):
        code = _code_or_error(cells[0], path=path, line=line, column=1)
        if code is None or (origin and code != origin):
            continue
        for i, ((dest, dest_name), cell) in enumerate(zip(destinations, cells[1:], strict=True), 2):
            value = parse_count(cell, path=path, line=line, column=i)
            if dest is None or value is None:
                continue
            parsed.rows.append(
                Row(
                    dataset=spec.slug,
                    measure=Measure.MIGRANT_STOCK,
                    period_start=2013,
                    period_end=2013,
                    origin=code,
                    origin_name=cells[0].strip(),
                    destination=dest,
                    destination_name=dest_name,
                    value=value,
                    line=line,
                    column=str(i),
                )
            )
    return parsed


DESA_MISSING = ("", "..", "-")


def read_undesa_2019(path, *, origin=None, **options):
    """UN DESA International Migrant Stock 2019, cleaned wide copy: columns Year,
    Dest, then one column per origin; one row per destination and year."""
    rows = numbered_rows(path)
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise StatsImportError(path, "the file is empty", line=1) from None
    if [h.strip().lower() for h in header[:2]] != ["year", "dest"]:
        raise StatsImportError(path, "expected the columns 'Year,Dest' first", line=header_line)
    origins = [
        (_code_or_error(name, path=path, line=header_line, column=i), name.strip())
        for i, name in enumerate(header[2:], 3)
    ]
    spec = DatasetSpec(
        slug="undesa-ims-2019-file",
        publisher="UN DESA Population Division",
        publisher_ko=DESA_KO,
        title="International Migrant Stock by destination and origin",
        title_ko="국제이주자 현황(UN DESA): 도착국·출신국별",
        edition="International Migrant Stock 2019",
        edition_ko="국제이주자 현황 2019",
        address=DESA_PAGE,
        classification=Classification.MIGRANT_STOCK,
        description="Mid-year stock of international migrants, both sexes, by destination and "
        "origin.",
        description_ko="도착국·출신국별 국제이주자의 연앙 기준 인원(남녀 합계)입니다.",
        **caveat_texts([*STOCK_CAVEATS, "desa-revisions"]),
        compiled_from=f"UN DESA's UN_MigrantStockByOriginAndDestination_2019 (file {path.name}).",
        compiled_from_ko=f"UN DESA UN_MigrantStockByOriginAndDestination_2019(파일 {path.name}).",
    )
    parsed = Parsed(datasets=[spec])
    for line, cells in data_rows(rows, header, path):
        year = parse_year(cells[0], path=path, line=line, column="1 (Year)")
        dest = _code_or_error(cells[1], path=path, line=line, column="2 (Dest)")
        if dest is None:
            continue
        for i, ((code, name), cell) in enumerate(zip(origins, cells[2:], strict=True), 3):
            if code is None or (origin and code != origin):
                continue
            value = parse_count(cell, path=path, line=line, column=i, missing=DESA_MISSING)
            if value is None:
                continue
            parsed.rows.append(
                Row(
                    dataset=spec.slug,
                    measure=Measure.MIGRANT_STOCK,
                    period_start=year,
                    period_end=year,
                    origin=code,
                    origin_name=name,
                    destination=dest,
                    destination_name=cells[1].strip(),
                    value=value,
                    line=line,
                    column=str(i),
                )
            )
    return parsed


DESA_2020_YEARS = (1990, 1995, 2000, 2005, 2010, 2015, 2020)


def _m49(text, *, path, line, column):
    text = text.strip()
    if not text.isdigit():
        raise StatsImportError(
            path, f"{text!r} is not a UN M49 location code", line=line, column=column
        )
    code = int(text)
    if code in M49_NOT_ISO:
        return M49_NOT_ISO[code]
    country = pycountry.countries.get(numeric=f"{code:03d}")
    return country.alpha_3 if country else None  # regions and groups are not countries


def read_undesa_2020(path, *, origin=None, **options):
    """UN DESA International Migrant Stock 2020, sheet "Table 1" saved as CSV: title
    lines, a header whose 4th cell is "Location code of destination", then one row
    per destination x origin with 7 years for both sexes, male and female."""
    rows = numbered_rows(path)
    header_line = None
    for line, cells in rows:
        if len(cells) > 3 and "code of destination" in cells[3].lower():
            header_line = line
            break
    if header_line is None:
        raise StatsImportError(path, "no header with 'Location code of destination' in column 4")
    spec = DatasetSpec(
        slug="undesa-ims-2020-file",
        publisher="UN DESA Population Division",
        publisher_ko=DESA_KO,
        title="International Migrant Stock by destination, origin and sex",
        title_ko="국제이주자 현황(UN DESA): 도착국·출신국·성별",
        edition="International Migrant Stock 2020",
        edition_ko="국제이주자 현황 2020",
        address=DESA_PAGE,
        classification=Classification.MIGRANT_STOCK,
        description="Mid-year stock of international migrants by destination, origin and sex.",
        description_ko="도착국·출신국·성별 국제이주자의 연앙 기준 인원입니다.",
        **caveat_texts([*STOCK_CAVEATS, "desa-revisions"]),
        compiled_from="UN DESA's undesa_pd_2020_ims_stock_by_sex_destination_and_origin, "
        f"Table 1 (file {path.name}).",
        compiled_from_ko="UN DESA undesa_pd_2020_ims_stock_by_sex_destination_and_origin, "
        f"Table 1(파일 {path.name}).",
    )
    parsed = Parsed(datasets=[spec])
    blocks = ((Sex.BOTH, 7), (Sex.MALE, 14), (Sex.FEMALE, 21))
    for line, cells in rows:
        if not cells or not cells[0].strip().isdigit():
            continue  # the year/sex sub-header and blank lines
        if len(cells) < 28:
            raise StatsImportError(path, f"expected 28 fields, found {len(cells)}", line=line)
        dest = _m49(cells[3], path=path, line=line, column="4 (code of destination)")
        code = _m49(cells[6], path=path, line=line, column="7 (code of origin)")
        if dest is None or code is None or (origin and code != origin):
            continue
        kind = cells[4].strip()
        for sex, first in blocks:
            for offset, year in enumerate(DESA_2020_YEARS):
                column = first + offset + 1
                value = parse_count(
                    cells[column - 1], path=path, line=line, column=column, missing=DESA_MISSING
                )
                if value is None:
                    continue
                parsed.rows.append(
                    Row(
                        dataset=spec.slug,
                        measure=Measure.MIGRANT_STOCK,
                        period_start=year,
                        period_end=year,
                        origin=code,
                        origin_name=cells[5].strip(),
                        destination=dest,
                        destination_name=cells[1].replace("*", "").strip(),
                        sex=sex,
                        value=value,
                        note=f"DESA type of data: {kind}" if kind else "",
                        line=line,
                        column=str(column),
                    )
                )
    return parsed
