"""The public case search (/cases/) reads the published copy only."""

import datetime

import pytest
from django.urls import reverse

from core.throttling import SearchRateThrottle
from public.search import FACETS, KINDS
from public.tests.factories import entry, option, type_keys

pytestmark = pytest.mark.django_db

URL = "/cases/"


@pytest.fixture(autouse=True)
def _unthrottled(monkeypatch):
    """These tests ask for many pages in a row: the search's throttle has its own test."""
    monkeypatch.setattr(SearchRateThrottle, "THROTTLE_RATES", {"search": "100000/minute"})


def get(client, query="", url=URL):
    response = client.get(url + query)
    assert response.status_code == 200, response
    return response


def codes(response):
    return [result["record"].code for result in response.context["results"]]


def facet(response, name):
    return next(f for f in response.context["facets"] if f["name"] == name)


def options(response, name):
    return {o["value"]: o["count"] for o in facet(response, name)["options"]}


@pytest.fixture
def varied():
    """Entries of every kind with overlapping keys, dates and words in both languages."""
    for facet_name, value, en, ko, position in [
        ("type", "1", "Arbitrary detention", "자의적 구금", 0),
        ("type", "1.2", "Detention without trial", "재판 없는 구금", 0),
        ("type", "2", "Torture", "고문", 0),
        ("type", "2.1", "Beating", "구타", 0),
        ("province", "NH", "North Hamgyong", "함경북도", 0),
        ("province", "RG", "Ryanggang", "양강도", 0),
        ("county", "NH-HR", "Hoeryong", "회령시", 0),
        ("county", "RG-HS", "Hyesan", "혜산시", 0),
        ("facility", "YD", "Yodok camp", "요덕수용소", 0),
        ("organization", "MSS", "Ministry of State Security", "국가보위성", 0),
        ("organization", "MSS-7", "Bureau 7", "7국", 0),
        ("sex", "female", "female", "여성", 1),
        ("sex", "male", "male", "남성", 2),
        ("age", "0-17", "under 18", "18세 미만", 1),
        ("age", "18-29", "18 to 29", "18~29세", 2),
        ("knowledge", "witnessed", "witnessed it", "직접 목격", 1),
        ("knowledge", "heard", "heard of it", "전해 들음", 2),
        ("sources", "1", "at least 1 source", "출처 1개 이상", 1),
        ("sources", "2", "2 or more", "2개 이상", 2),
        ("outcome", "repatriated", "repatriated", "강제송환", 1),
        ("outcome", "settled", "settled", "정착", 2),
        ("transit", "CN", "China", "중국", 0),
        ("transit", "RU", "Russia", "러시아", 0),
    ]:
        option(facet_name, value, en, ko, position)
    places = [
        {"province": "NH", "county": "NH-HR"},
        {"province": "RG", "county": "RG-HS"},
        {"province": "NH"},
        {},
    ]
    types = ["1.2", "2.1", "2.1.3", "1", "2"]
    for kind in ("event", "violation"):
        for i in range(10):
            keys = {
                **places[i % 4],
                "type": type_keys(types[i % 5]) + (type_keys("1.2") if i % 3 == 0 else []),
                "sex": ["female", "male"][i // 2 % 2] if i % 5 else [],
                "age": ["0-17", "18-29"][i % 3 % 2] if i % 4 else [],
                "knowledge": ["witnessed", "heard"][: i % 3],
                "sources": ["1", "2"][: i % 3],
            }
            keys["type"] = sorted(set(keys["type"]))
            if i % 3 == 1:
                keys["facility"] = "YD"
            if i % 4 == 2:
                keys["organization"] = ["MSS", "MSS-7"]
            elif i % 4 == 3:
                keys["organization"] = "MSS"
            entry(
                kind,
                year=None if i == 9 else 2000 + i,
                keys=keys,
                title_en=f"Detention case {i}" if i % 2 else f"Beating case {i}",
                title_ko="요덕수용소에서의 구금" if i % 3 == 1 else "보위부 조사",
                text_en="Held without trial." if i % 2 else "Beaten during interrogation.",
            )
    for i in range(4):
        entry(
            "testimony",
            year=2010 + i,
            keys={"knowledge": ["witnessed", "heard", "heard", "witnessed"][i]},
            title_en=f"Testimony {i}",
            title_ko="탈북 증언",
        )
    for i in range(5):
        entry(
            "crossing",
            year=2015 + i,
            keys={
                "outcome": ["repatriated", "settled"][i % 2],
                "transit": [["CN"], ["CN", "RU"], []][i % 3],
                "province": ["NH", "RG"][i % 2],
            },
            title_en=f"settled: crossing point {i}",
            title_ko=f"정착: 도강 지점 {i}",
        )


# --- Kinds, words, period ------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_lists_its_entries_and_no_other(client, kind):
    ours = {KINDS[kind][0].value: entry(KINDS[kind][0].value, year=2001)}
    others = [entry(k, year=2001) for k in ("event", "violation", "testimony", "crossing")]
    expected = {ours[KINDS[kind][0].value].code} | {
        e.code for e in others if e.kind == KINDS[kind][0]
    }
    response = get(client, f"?kind={kind}")
    assert set(codes(response)) == expected
    assert response.context["count"] == 2
    assert response.context["kind"] == kind


def test_an_unknown_kind_shows_events(client):
    event = entry("event")
    entry("testimony")
    assert codes(get(client, "?kind=nonsense")) == [event.code]


def test_result_links_go_to_the_record_and_a_violation_to_its_event(client):
    event = entry("event", code="EV-1")
    violation = entry("violation", code="VI-1", parent_code="EV-1")
    testimony = entry("testimony", code="TE-1")
    crossing = entry("crossing", code="BC-1")
    for kind, record, url in [
        ("events", event, reverse("cases:event", args=["EV-1"])),
        ("violations", violation, reverse("cases:event", args=["EV-1"]) + "#VI-1"),
        ("testimonies", testimony, reverse("cases:testimony", args=["TE-1"])),
        ("crossings", crossing, reverse("cases:crossing", args=["BC-1"])),
    ]:
        response = get(client, f"?kind={kind}")
        assert codes(response) == [record.code]
        assert [r["url"] for r in response.context["results"]] == [url]
        assert f'href="{url}"' in response.content.decode()


def test_korean_words_match_two_syllable_substrings(client):
    camp = entry("event", title_en="A camp", text_ko="요덕수용소에서 노동했다")
    entry("event", title_en="Elsewhere", text_ko="회령시 보위부")
    assert codes(get(client, "?q=수용")) == [camp.code]
    assert codes(get(client, "?q=요덕수용소")) == [camp.code]
    assert codes(get(client, "?q=수용소+노동")) == [camp.code]
    assert codes(get(client, "?q=수용+회령")) == []


def test_english_words_match_and_are_highlighted(client):
    beaten = entry("event", title_en="Beaten in custody", text_en="He was beaten daily.")
    entry("event", title_en="Detained", text_en="Held without trial.")
    response = get(client, "?q=beaten")
    assert codes(response) == [beaten.code]
    assert "<mark>Beaten</mark>" in response.content.decode()


def test_a_result_shows_the_language_its_words_matched(client):
    entry("event", title_en="Camp", title_ko="수용소", text_en="Forced labour", text_ko="강제노동")
    english = get(client, "?q=강제노동").context["results"][0]
    assert "강제노동" in english["excerpt"]
    assert english["title"] == "Camp"  # no match in either title: the visitor's language
    korean = get(client, "?q=labour", url="/ko/cases/").context["results"][0]
    assert "labour" in korean["excerpt"]
    assert korean["title"] == "수용소"


def test_when_is_shown_in_the_visitors_language(client):
    entry("event", year=1999)
    assert get(client).context["results"][0]["when"] == "1999"
    assert get(client, url="/ko/cases/").context["results"][0]["when"] == "1999년"


def test_the_period_keeps_entries_whose_dates_overlap_it(client):
    early = entry("event", year=1995)
    spanning = entry("event", earliest=datetime.date(1998, 6, 1), latest=datetime.date(2003, 1, 1))
    late = entry("event", year=2010)
    undated = entry("event")
    assert set(codes(get(client))) == {early.code, spanning.code, late.code, undated.code}
    assert set(codes(get(client, "?year_from=2000"))) == {spanning.code, late.code}
    assert set(codes(get(client, "?year_to=1998"))) == {early.code, spanning.code}
    assert set(codes(get(client, "?year_from=1996&year_to=1999"))) == {spanning.code}
    assert codes(get(client, "?year_from=2011")) == []


@pytest.mark.parametrize(
    "query",
    [
        "year_from=0",
        "year_to=10000",
        "year_from=abc",
        "year_to=-5",
        "sort=sideways",
        "year_from=1e3",
        "sex=x",
        "age=abc",
        "year_from=2005&year_to=1990",
        "q=" + "word%20" * 300,
    ],
)
def test_a_bad_parameter_is_said_and_the_search_shown_without_it(client, query):
    """Issue 19: never a silent zero. The page names what was wrong, in the page's
    language, and shows the search without that parameter."""
    entry("event", year=2000, keys={"sex": "female"})
    option("sex", "female", "female", "여성")
    response = get(client, f"?{query}")
    assert response.context["errors"]
    assert 'class="form-errors"' in response.content.decode()
    assert response.context["count"] == 1  # the search without the bad parameter
    korean = get(client, f"?{query}", url="/ko/cases/")
    assert korean.context["errors"] and korean.context["count"] == 1


# --- Sorts and pages -----------------------------------------------------------


def test_each_sort(client):
    old = entry("event", code="B", year=1990)
    new = entry("event", code="C", year=2020)
    undated = entry("event", code="A")
    span = entry(
        "event",
        code="D",
        earliest=datetime.date(1980, 1, 1),
        latest=datetime.date(2030, 1, 1),
        order_date=datetime.date(2030, 1, 1),
    )
    # Without words: the copy's order, by order date, newest first (where the
    # undated go is the database's choice).
    default = codes(get(client))
    assert [code for code in default if code != undated.code] == [span.code, new.code, old.code]
    assert codes(get(client, "?sort=newest")) == [new.code, old.code, span.code, undated.code]
    assert codes(get(client, "?sort=oldest")) == [span.code, old.code, new.code, undated.code]
    assert codes(get(client, "?sort=code")) == ["A", "B", "C", "D"]
    # Relevance without words is the default order.
    assert codes(get(client, "?sort=relevance")) == default


def test_words_rank_by_relevance_unless_another_sort_is_asked(client):
    later = entry("event", code="A", year=2000, title_en="Other", text_en="the camp was far")
    # First on both databases: earlier in the text (SQLite), more often (PostgreSQL).
    first = entry("event", code="B", year=1990, title_en="Camp", text_en="the camp, the camp")
    assert codes(get(client, "?q=camp")) == [first.code, later.code]
    assert codes(get(client, "?q=camp&sort=relevance")) == [first.code, later.code]
    assert codes(get(client, "?q=camp&sort=code")) == [later.code, first.code]
    assert codes(get(client, "?q=camp&sort=newest")) == [later.code, first.code]


def test_pages_of_twenty_clamped(client):
    for i in range(45):
        entry("event", code=f"EV-{i:03d}", year=2000)
    first = get(client, "?sort=code")
    assert first.context["pages"] == 3
    assert codes(first) == [f"EV-{i:03d}" for i in range(20)]
    assert (
        first.context["next"] == "?sort=code&kind=events&page=2"
        and first.context["previous"] is None
    )
    third = get(client, "?sort=code&page=3")
    assert codes(third) == [f"EV-{i:03d}" for i in range(40, 45)]
    assert third.context["first_number"] == 41
    assert get(client, "?sort=code&page=99").context["page"] == 3
    assert get(client, "?sort=code&page=0").context["page"] == 1
    assert get(client, "?sort=code&page=x").context["page"] == 1


# --- Facets ---------------------------------------------------------------------

BASE_QUERIES = {
    "events": ["", "q=case", "year_from=2003&year_to=2007", "type=2", "province=NH&sex=female"],
    "violations": ["", "q=구금", "type=1.2&organization=MSS", "county=RG-HS"],
    "testimonies": ["", "knowledge=heard", "year_from=2012"],
    "crossings": ["", "transit=CN", "outcome=settled&province=RG", "q=crossing"],
}


@pytest.mark.parametrize(
    ("kind", "base"), [(kind, base) for kind, bases in BASE_QUERIES.items() for base in bases]
)
def test_every_options_count_is_the_number_of_results_of_its_link(client, varied, kind, base):
    page = get(client, f"?kind={kind}&{base}")
    seen = 0
    for listed in page.context["facets"]:
        for choice in listed["options"]:
            clicked = get(client, choice["url"])
            assert clicked.context["count"] == choice["count"], (listed["name"], choice)
            assert choice["count"] > 0
            shown = f'{choice["label"]}</a> <span class="count">{choice["count"]}</span>'
            assert shown in page.content.decode()
            seen += 1
    assert seen > 0
    assert [f["name"] for f in page.context["facets"]] == FACETS[kind]


def test_a_chosen_facet_keeps_its_other_options_counted_under_the_other_filters(client, varied):
    everything = options(get(client, "?kind=events"), "sex")
    chosen = get(client, "?kind=events&sex=female")
    assert options(chosen, "sex") == everything
    assert [o["selected"] for o in facet(chosen, "sex")["options"]] == [True, False]
    assert facet(chosen, "sex")["clear"] == "?kind=events"
    # Another filter narrows the chosen facet's options too.
    narrowed = get(client, "?kind=events&sex=female&province=NH")
    in_province = options(get(client, "?kind=events&province=NH"), "sex")
    assert options(narrowed, "sex") == in_province
    assert 0 < in_province["male"] < everything["male"]
    # Its own facet counts ignore the province chosen; the others keep to it.
    assert options(narrowed, "province") == options(chosen, "province")
    assert set(options(narrowed, "county")) == {"NH-HR"}
    assert set(options(chosen, "county")) == {"NH-HR", "RG-HS"}


def test_a_type_selects_its_sub_types(client):
    entry("event", keys={"type": type_keys("2.1.3")})
    entry("event", keys={"type": type_keys("2.2")})
    entry("event", keys={"type": type_keys("1")})
    option("type", "2", "Torture", "고문")
    assert options(get(client), "type") == {"1": 1, "2": 2, "2.1": 1, "2.1.3": 1, "2.2": 1}
    assert get(client, "?type=2").context["count"] == 2


def test_options_are_in_order_with_labels_in_the_visitors_language(client, varied):
    english = get(client, "?kind=events")
    korean = get(client, "?kind=events", url="/ko/cases/")
    labels = {o["value"]: o["label"] for o in facet(english, "province")["options"]}
    assert labels == {"NH": "North Hamgyong", "RG": "Ryanggang"}
    labels = {o["value"]: o["label"] for o in facet(korean, "province")["options"]}
    assert labels == {"NH": "함경북도", "RG": "양강도"}
    assert "함경북도" in korean.content.decode()
    assert "함경북도" not in english.content.decode()
    # A value without an Option shows itself.
    assert ("2.1.3", "2.1.3") in [
        (o["value"], o["label"]) for o in facet(english, "type")["options"]
    ]
    # Choices by position, types by code, the rest by count.
    assert [o["value"] for o in facet(english, "sex")["options"]] == ["female", "male"]
    assert [o["value"] for o in facet(english, "type")["options"]] == [
        "1",
        "1.2",
        "2",
        "2.1",
        "2.1.3",
    ]
    counts = [o["count"] for o in facet(english, "province")["options"]]
    assert counts == sorted(counts, reverse=True)


def test_the_export_links_keep_the_kinds_parameters(client):
    response = get(client, "?kind=crossings&transit=CN&q=x&sort=code")
    api = reverse("cases-api:bordercrossing-list")
    assert response.context["csv_url"] == (
        f"{api}?transit=CN&q=x&sort=code&format=csv&page_size=1000"
    )
    assert response.context["json_url"].endswith("&format=json&page_size=1000")


def test_the_form_keeps_the_chosen_facets(client):
    response = get(client, "?kind=events&sex=female&q=x&page=2")
    assert response.context["hidden"] == [("sex", "female")]
    assert '<input type="hidden" name="sex" value="female">' in response.content.decode()


def test_unknown_parameters_are_dropped_by_a_redirect(client):
    response = client.get(URL + "?q=camp&utm_source=mail&kind=violations")
    assert response.status_code == 302
    assert response["Location"] == "/cases/?q=camp&kind=violations"
    response = client.get("/ko/cases/?fbclid=1")
    assert response.status_code == 302
    assert response["Location"] == "/ko/cases/"


def test_synthetic_entries_carry_the_badge(client):
    entry("event", is_synthetic=True)
    assert "synthetic-badge" in get(client).content.decode()


def test_the_search_is_throttled(client, monkeypatch):
    monkeypatch.setattr(SearchRateThrottle, "THROTTLE_RATES", {"search": "2/minute"})
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 429]


def test_no_result_is_said_in_words_not_as_an_empty_numbered_item(client):
    entry("event", code="EV-1", title_en="Camp")
    content = client.get("/cases/?q=nothingmatchesthis").content.decode()
    assert "No published record matches." in content
    assert 'class="result-list"' not in content  # no list numbered "1." with no record


def test_the_search_links_to_the_counts_and_the_map(client):
    content = client.get("/cases/").content.decode()
    assert 'href="/cases/counts/"' in content and 'href="/cases/map/"' in content


def test_hangul_typed_as_separate_jamo_finds_the_same_records(client):
    import unicodedata

    entry("event", code="EV-1", title_ko="요덕수용소에서", text_ko="구금")
    decomposed = unicodedata.normalize("NFD", "수용")
    assert decomposed != "수용"
    assert codes(get(client, f"?q={decomposed}")) == ["EV-1"]
