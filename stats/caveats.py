"""The caveats of the statistics, each with a stable identifier and its text in
English and Korean.

Every observation row cites its dataset's caveat identifiers (JSON, CSV, data
packages), and the "About the data" page lists them, so an identifier must never
change meaning: add a new one rather than rewriting an old one.
"""

from django.utils import translation

CAVEATS = {
    "mou-spans": (
        "“up to 1998” counts every arrival up to and including 1998, and “1999-2001” counts "
        "three years together (148 + 312 + 583 = 1,043); no split of them by sex and single "
        "year is published, so they are shown as spans.",
        "“1998년까지”는 1998년까지의 입국자 전체를, “1999~2001년”은 3년 치를 합친 수"
        "(148 + 312 + 583 = 1,043명)를 나타냅니다. 이 기간의 연도별·성별 수치는 공표되지 "
        "않아 기간 단위로 표시합니다.",
    ),
    "mou-final-figures": (
        "Preliminary figures reported in the news differ by a few people; these are the "
        "Ministry of Unification's final figures.",
        "언론에 보도된 잠정 수치와는 몇 명씩 차이가 날 수 있습니다. 여기에는 통일부의 확정 "
        "수치를 싣습니다.",
    ),
    "mou-2024-briefing": (
        "The figures for 2024 and 2025 are those the Ministry of Unification announced in its "
        "briefings, as reported in the news; each of these rows names its report.",
        "2024년과 2025년 수치는 통일부가 브리핑에서 발표하고 언론이 보도한 수치이며, 해당 "
        "행마다 보도 출처를 밝혀 두었습니다.",
    ),
    "mou-2025-correction": (
        "The 2025 figure is the one the Ministry corrected on 4 February 2026 (223: 25 men, "
        "198 women), not its first announcement of 20 January 2026 (224).",
        "2025년 수치는 2026년 1월 20일 처음 발표된 224명이 아니라 2026년 2월 4일 통일부가 "
        "정정한 223명(남성 25명, 여성 198명)입니다.",
    ),
    "mou-breakdowns-exclude-protection": (
        "The Ministry's breakdown tables exclude recent arrivals still in protection "
        "facilities, so their totals are below the arrival totals.",
        "통일부의 세부 현황 표는 아직 보호시설에 있는 최근 입국자를 제외하므로 합계가 "
        "입국자 합계보다 작습니다.",
    ),
    "mou-profile-2024-cutoff": (
        "The source states no cut-off date. Its totals (9,544 men, 24,590 women, 34,134 in "
        "all) fall between the arrival totals at the end of March and the end of June 2024, "
        "so the tables probably date from mid-2024 (not confirmed).",
        "출처에 기준 시점이 밝혀져 있지 않습니다. 합계(남성 9,544명, 여성 24,590명, 계 "
        "34,134명)가 2024년 3월 말과 6월 말의 누적 입국자 수 사이에 있어 2024년 중반 현황으로 "
        "보이나, 확인되지는 않았습니다.",
    ),
    "mou-profile-2024-provinces": (
        "The province-of-origin table lists 11 provinces, which total 313 fewer people than "
        "the other tables: its “other or unknown” rows were not transcribed.",
        "출신 지역 표에는 11개 도만 실려 있어 다른 표보다 313명 적습니다. 원표의 "
        "“기타·미상” 행은 옮겨 적히지 않았습니다.",
    ),
    "mou-profile-2020-09-partial": (
        "The stored page is cut off in the education table, so only the men's row is shown. "
        "The page prints 5,597 for ages 40-49; men plus women make 5,957, which agrees with "
        "the page's grand total, and 5,957 is shown.",
        "저장된 페이지가 학력 표 중간에서 끊겨 남성 행만 싣습니다. 40~49세 합계가 "
        "페이지에는 5,597명으로 적혀 있으나 남녀를 더하면 5,957명이고 이 값이 페이지의 "
        "총계와 맞으므로 5,957명을 싣습니다.",
    ),
    "mou-profile-2022-totals": (
        "Totals only, without a split by sex; the tables count 33,836 people against 33,882 "
        "arrivals.",
        "성별 구분 없이 합계만 있습니다. 표의 합계는 33,836명으로 입국자 합계 33,882명보다 "
        "적습니다.",
    ),
    "mou-residents-current": (
        "Counts current residents only (7,932 men, 23,451 women, 31,383 in all): people who "
        "have died, emigrated or whose whereabouts are unknown are excluded, so this is not "
        "cumulative arrivals. The cut-off date is not stated; probably mid-2024 (not "
        "confirmed).",
        "현재 거주자만 집계했습니다(남성 7,932명, 여성 23,451명, 계 31,383명). 사망자, 해외 "
        "이주자, 거주 불명자는 빠져 있으므로 누적 입국자 수가 아닙니다. 기준 시점은 밝혀져 "
        "있지 않으며 2024년 중반으로 보이나 확인되지는 않았습니다.",
    ),
    "mou-residents-2008": (
        "Residents by region, not cumulative arrivals: the rows sum to 13,242 of 13,760 "
        "arrivals. The year 2008 is inferred from the Ministry's cumulative series.",
        "누적 입국자가 아니라 지역별 거주자 수로, 합계는 입국자 13,760명 가운데 13,242명"
        "입니다. 2008년이라는 연도는 통일부 누적 통계에서 추정한 것입니다.",
    ),
    "unhcr-small-counts": (
        "Many cells are exactly 5, including most rows from 1996 to 2001: UNHCR appears to "
        "publish small counts as 5, so they are marked “5 or fewer” (not confirmed in UNHCR's "
        "own documentation).",
        "1996~2001년 대부분을 포함해 많은 칸이 정확히 5입니다. UNHCR는 작은 수를 5로 "
        "공표하는 것으로 보여 “5 이하”로 표시합니다(UNHCR 자체 문서에서 확인되지는 "
        "않았습니다).",
    ),
    "unhcr-south-korea": (
        "North Koreans in South Korea are South Korean citizens and never appear in UNHCR data.",
        "한국에 있는 북한이탈주민은 대한민국 국민이므로 UNHCR 통계에 나타나지 않습니다.",
    ),
    "unhcr-no-china": (
        "These figures hold no row for China in any year: the countries shown are only those "
        "where UNHCR counted people from North Korea as refugees or asylum-seekers.",
        "이 수치에는 어느 해에도 중국 행이 없습니다. 표시된 나라는 UNHCR가 북한 출신을 난민이나 "
        "비호신청자로 집계한 나라뿐입니다.",
    ),
    "unhcr-missing-years": (
        "The database has no DPRK-origin rows for 1994, 1995 and 1997: those years are "
        "missing, not zero.",
        "UNHCR 데이터베이스에는 1994년, 1995년, 1997년의 북한 출신 행이 없습니다. 이 연도는 "
        "0명이 아니라 자료가 없는 것입니다.",
    ),
    "unhcr-file-missing-years": (
        "The file has no rows for some years within its span: those years are missing, not zero.",
        "파일이 다루는 기간 중 일부 연도에 행이 없습니다. 이 연도는 0명이 아니라 자료가 "
        "없는 것입니다.",
    ),
    "unhcr-measures-apart": (
        "Refugees and asylum-seekers are different measures and are never added together.",
        "난민과 비호신청자는 서로 다른 지표이므로 합산하지 않습니다.",
    ),
    "unhcr-not-applicable": (
        "Cells published as “-” (not applicable) are absent, not zero.",
        "“-”(해당 없음)로 공표된 칸은 0이 아니라 빈칸으로 둡니다.",
    ),
    "unhcr-file-disclaimer": (
        "The file's own disclaimer, quoted as published.",
        "파일에 실린 면책 문구를 그대로 인용합니다.",
    ),
    "stock-ethnic-koreans": (
        "Large stocks in Kazakhstan, Russia, Kyrgyzstan, Uzbekistan and Armenia probably "
        "reflect how those countries record ethnic Koreans or “Korea” as origin, not recent "
        "escapees (not confirmed).",
        "카자흐스탄, 러시아, 키르기스스탄, 우즈베키스탄, 아르메니아의 큰 수치는 최근 "
        "탈북민이 아니라 이들 나라가 고려인이나 출신지 “한국”을 기록하는 방식을 반영한 "
        "것으로 보입니다(확인되지 않음).",
    ),
    "stock-no-rok": (
        "This edition records no people born in the DPRK living in the Republic of Korea.",
        "이 판에는 대한민국에 거주하는 북한 출생자가 기록되어 있지 않습니다.",
    ),
    "desa-revisions": (
        "UN DESA editions revise past years (Austria 2015: 2,687 in the 2019 edition, 118 in "
        "the 2020 edition), so editions are never mixed.",
        "UN DESA는 판마다 과거 연도 수치를 고칩니다(오스트리아 2015년: 2019년판 2,687명, "
        "2020년판 118명). 따라서 판을 섞지 않습니다.",
    ),
    "desa-uk-mali": (
        "UN DESA's figures for the United Kingdom (from 2005; 11,385 in 2020 in its 2020 "
        "edition) and Mali (from 2010; 2,069 in 2020) are far above the other records of "
        "North Koreans there: UNHCR counted 72 refugees and 26 asylum-seekers of DPRK origin "
        "in the United Kingdom in 2020, and none in Mali in any year. The copies read do not "
        "say how UN DESA estimated them, and they were not verified.",
        "UN DESA의 영국 수치(2005년부터, 2020년판의 2020년 11,385명)와 말리 수치(2010년부터, "
        "2020년 2,069명)는 이 나라들의 북한 출신에 관한 다른 기록보다 훨씬 큽니다. UNHCR은 "
        "2020년 영국에서 북한 출신 난민 72명과 비호신청자 26명을 집계했고, 말리에서는 어느 "
        "해에도 집계하지 않았습니다. 읽은 사본에는 UN DESA가 이 수치를 어떻게 추정했는지 "
        "나와 있지 않으며, 검증되지 않았습니다.",
    ),
    "wb-bmm-2013-names": (
        "Destination names were edited in the copy the figures were read from; each was "
        "matched to its country code.",
        "수치를 읽은 사본에서 도착국 이름이 편집되어 있어, 이름마다 국가 코드를 대응시켰습니다.",
    ),
    "gbmd-years-relabelled": (
        "The copy the figures were read from labels its years in reverse (its 1960 column "
        "holds 2000); they were relabelled and checked against three other sources.",
        "수치를 읽은 사본은 연도 표기가 거꾸로 되어 있어(1960년 열에 2000년 수치) 연도를 "
        "바로잡고 다른 자료 세 가지와 대조했습니다.",
    ),
    "gbmd-rok-census": (
        "South Korea's figures are census counts by birthplace (100,600 in 1960 to 431,629 in "
        "2000), not recent escapees.",
        "한국의 수치는 인구총조사의 출생지별 인구(1960년 100,600명~2000년 431,629명)로, "
        "최근 탈북민이 아닙니다.",
    ),
    "gbmd-2000-rounding": (
        "Differs by 1 or 2 from men plus women of the 1960-2000 edition in 29 destinations "
        "(rounding).",
        "29개 도착국에서 1960~2000년판의 남녀 합과 1~2명 차이가 납니다(반올림).",
    ),
}


def caveat_text(ident, language=None):
    """The caveat's text in `language` (default: the active one); Korean or English."""
    english, korean = CAVEATS[ident]
    language = language or translation.get_language() or ""
    return korean if language.startswith("ko") else english


def caveat_texts(idents, *extra):
    """The dataset fields of these caveats: `caveat`, `caveat_ko` and `caveat_ids`.

    `extra` are (English, Korean) sentences specific to one file, appended to both."""
    unknown = [ident for ident in idents if ident not in CAVEATS]
    if unknown:
        raise KeyError(f"Unknown caveats: {unknown}")
    english = [CAVEATS[ident][0] for ident in idents] + [en for en, _ko in extra]
    korean = [CAVEATS[ident][1] for ident in idents] + [ko for _en, ko in extra]
    return {"caveat": " ".join(english), "caveat_ko": " ".join(korean), "caveat_ids": list(idents)}
