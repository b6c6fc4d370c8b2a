"""The notes of the curated files as the pages show them, in English and Korean.

The compilers' own notes (which copy agrees with which, misprints found on the
way) are the compilation trail: the "About the data" page summarises it, and a
curated file's note without a public wording here is refused on import, so no
working note reaches a page.
"""

from stats.importers.base import StatsImportError

# The compiler's notes on single periods, as the pages show them: in plain words,
# in both languages. The file's own notes (the compilation trail) are summarised
# on the "About the data" page. A period with a note not listed here is refused,
# so no working note reaches a page.
MOU_ARRIVALS_NOTES = {
    "~1998": (
        "All arrivals up to and including 1998, not a single year.",
        "1998년까지의 입국자 전체로, 한 해의 수치가 아닙니다.",
    ),
    "1999-2001": (
        "1999, 2000 and 2001 together: 148 + 312 + 583 = 1,043 (the Ministry's figures as "
        "reported by Yonhap on 17 February 2002). No split by sex for single years was "
        "published.",
        "1999년, 2000년, 2001년을 합친 수입니다(148 + 312 + 583 = 1,043명, 2002년 2월 17일 "
        "연합뉴스가 보도한 통일부 자료). 한 해 단위의 성별 수치는 공표되지 않았습니다.",
    ),
    "2020": (
        "A provisional figure for January to September 2020 was 195 (64 men, 131 women); this "
        "is the final figure for the year.",
        "2020년 1~9월 잠정치는 195명(남성 64명, 여성 131명)이었으며, 여기에는 연간 확정치를 "
        "싣습니다.",
    ),
    "2024": (
        "As announced by the Ministry in January 2025. Figures for January to September 2024 "
        "only (22 men, 159 women) are sometimes quoted as the year's.",
        "2025년 1월 통일부 발표 수치입니다. 2024년 1~9월 수치(남성 22명, 여성 159명)가 연간 "
        "수치처럼 인용되기도 합니다.",
    ),
    "2025": (
        "First announced on 20 January 2026 as 224 (26 men, 198 women); corrected by the "
        "Ministry on 4 February 2026.",
        "2026년 1월 20일 224명(남성 26명, 여성 198명)으로 처음 발표되었고, 2026년 2월 4일 "
        "통일부가 정정했습니다.",
    ),
}


def public_note(notes, key, raw, *, path, line):
    """(English, Korean) note for `key`, from `notes`; a raw note without one is refused."""
    if key in notes:
        return notes[key]
    if raw:
        raise StatsImportError(path, f"a note without a public wording: {raw!r}", line=line)
    return "", ""


# The breakdown files' notes as the pages show them ,
# keyed by the start of the compiler's note.
BREAKDOWN_NOTES = {
    "page prints total 5,597": (
        "The page prints 5,597; men plus women make 5,957, which agrees with the page's grand "
        "total.",
        "페이지에는 5,597명으로 적혀 있으나 남녀를 더하면 5,957명이며, 이 값이 페이지의 "
        "총계와 맞습니다.",
    ),
    "sum of bands = 33,836": (
        "The age bands sum to 33,836, against 33,882 arrivals: recent arrivals not yet "
        "processed are excluded.",
        "연령대별 합계는 33,836명으로 입국자 33,882명보다 적습니다. 아직 처리되지 않은 최근 "
        "입국자가 빠져 있습니다.",
    ),
    "MOU table has no separate farmer category": (
        "The Ministry's table has no separate category for farmers; a 2003 release grouped "
        "workers and farm workers (노동자·농장원) together.",
        "통일부 표에는 농민 항목이 따로 없습니다. 2003년 자료는 노동자와 농장원을 "
        "“노동자·농장원”으로 묶었습니다.",
    ),
    "j-clawson label 'Volunteer sector'": (
        "The service sector (봉사분야).",
        "봉사분야입니다.",
    ),
    "female row truncated": (
        "Men only: the women's row of this table is missing from the stored page.",
        "남성만 싣습니다. 저장된 페이지에는 이 표의 여성 행이 없습니다.",
    ),
    "these 11 rows sum to": (
        "These 11 provinces total 313 fewer people than the other tables: the “other or "
        "unknown” rows were not transcribed.",
        "이 11개 도의 합계는 다른 표보다 313명 적습니다. “기타·미상” 행이 옮겨 적히지 않았습니다.",
    ),
    "rows sum to 13,242": (
        "The rows sum to 13,242, of 13,760 arrivals.",
        "각 행의 합계는 입국자 13,760명 가운데 13,242명입니다.",
    ),
}
SMALL_COUNT_NOTE_KO = (
    "5로 공표된 값입니다. UNHCR는 작은 수를 5로 공표하는 것으로 보이므로 “5 이하”로 "
    "읽으십시오(UNHCR 문서에서 확인되지 않음)."
)


# The file's note of each edition, as the pages show it.
BILATERAL_NOTES = {
    "UNDESA_IMS_2019": ("Mid-year stock, both sexes.", "연앙 기준 인원, 남녀 합계입니다."),
    "UNDESA_IMS_2020": (
        "Mid-year stock; the total is men plus women, as in the UN DESA file.",
        "연앙 기준 인원입니다. 합계는 UN DESA 파일과 같이 남녀를 더한 값입니다.",
    ),
    "WB_BILATERAL_MATRIX_2013": ("Estimated stock in 2013.", "2013년 추정 인원입니다."),
    "WB_GBMD_1960_2000": ("Census-based stock.", "인구총조사 기반 인원입니다."),
    "WB_GBMD_2000_TOTAL": (
        "Official total of both sexes.",
        "공식 남녀 합계입니다.",
    ),
}
