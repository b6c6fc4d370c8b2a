"""Finding 5 of issue 19: the search finds what is there whichever tab, spelling,
name or Unicode form the reader uses."""

import unicodedata

import pytest

from core import words
from core.throttling import SearchRateThrottle
from public.tests.factories import entry, option

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _unthrottled(monkeypatch):
    monkeypatch.setattr(SearchRateThrottle, "THROTTLE_RATES", {"search": "100000/minute"})


def codes(response):
    return sorted(result["record"].code for result in response.context["results"])


def search(client, query, url="/cases/", **params):
    response = client.get(url, {"q": query, **params})
    assert response.status_code == 200
    return response


@pytest.fixture
def places():
    option("province", "KP-09", "North Hamgyong", "함경북도")
    option("province", "KP-08", "South Hamgyong", "함경남도")
    option("province", "KP-10", "Ryanggang", "양강도")
    option("transit", "CN", "China", "중국")
    option("transit", "TH", "Thailand", "태국")


# --- The tabs ------------------------------------------------------------------


def test_each_tab_shows_its_number_of_matches_for_the_words(client):
    entry("violation", code="VI-1", title_ko="고문을 당했다")
    entry("violation", code="VI-2", title_en="Torture", text_ko="고문")
    entry("testimony", code="TE-1", text_ko="고문 이야기")
    entry("event", code="EV-1", title_ko="구금")
    response = search(client, "고문")
    assert response.context["count"] == 0
    tabs = {key: n for key, _label, _url, n in response.context["kinds"]}
    assert tabs == {"events": 0, "violations": 2, "testimonies": 1, "crossings": 0}
    content = response.content.decode()
    assert 'data-kind-count="violations">(2)</span>' in content
    # With no result here, the page says where the words are found, with links.
    assert [(str(label), n) for label, _url, n in response.context["elsewhere"]] == [
        ("Violations", 2),
        ("Testimonies", 1),
    ]
    assert 'href="?q=%EA%B3%A0%EB%AC%B8&amp;kind=violations">Violations (2)</a>' in content


def test_without_words_each_tab_counts_its_records(client):
    entry("event")
    entry("crossing")
    entry("crossing")
    tabs = {key: n for key, _label, _url, n in search(client, "").context["kinds"]}
    assert tabs == {"events": 1, "violations": 0, "testimonies": 0, "crossings": 2}
    assert search(client, "").context["elsewhere"] == []


# --- Spellings, names, Unicode forms -----------------------------------------------


def test_british_and_american_spellings_find_the_same_records(client):
    entry("event", code="EV-1", title_en="Forced labour in a camp")
    entry("event", code="EV-2", title_en="Forced labor at a mine")
    entry("event", code="EV-3", title_en="A party organisation", text_en="defence")
    for query in ("forced labour", "forced labor", "Forced LABOR"):
        assert codes(search(client, query)) == ["EV-1", "EV-2"], query
    assert codes(search(client, "organization")) == ["EV-3"]
    assert codes(search(client, "defense")) == ["EV-3"]
    highlighted = search(client, "labor").content.decode()
    assert "Forced <mark>labour</mark> in a camp" in highlighted


def test_english_and_korean_names_of_countries_and_provinces_find_the_same_records(client, places):
    entry("crossing", code="BC-1", text_ko="중국으로 건너갔다")
    entry("crossing", code="BC-2", text_en="Crossed into China")
    entry("crossing", code="BC-3", text_en="Reached Thailand")
    for query in ("China", "중국", "china"):
        assert codes(search(client, query, kind="crossings")) == ["BC-1", "BC-2"]
    entry("event", code="EV-1", title_ko="함경북도 회령시에서")
    entry("event", code="EV-2", title_en="Detained in North Hamgyong")
    entry("event", code="EV-3", title_ko="함북 출신")
    entry("event", code="EV-4", title_en="South Hamgyong", title_ko="함경남도")
    for query in ("North Hamgyong", "함경북도", "함북", "north hamgyong"):
        assert codes(search(client, query)) == ["EV-1", "EV-2", "EV-3"], query
    assert codes(search(client, "함남")) == ["EV-4"]
    # A name among other words: each word must still match.
    assert codes(search(client, "회령시 North Hamgyong")) == ["EV-1"]


def test_decomposed_hangul_finds_and_shares_the_composed_querys_cache_entry(
    client, places, django_assert_max_num_queries
):
    entry("event", code="EV-1", title_ko="함경북도")
    decomposed = unicodedata.normalize("NFD", "함경북도")
    assert decomposed != "함경북도"
    assert codes(search(client, "함경북도")) == ["EV-1"]
    # The same query in another form: the cached data, one read of the generation.
    with django_assert_max_num_queries(1, using="public"):
        again = search(client, decomposed)
    assert codes(again) == ["EV-1"]


def test_a_search_with_words_reads_the_names_and_the_tab_counts_in_two_queries(
    client, places, django_assert_num_queries
):
    for i in range(5):
        entry("event", title_en=f"Detained in China {i}", keys={"province": "KP-09"})
        entry("violation", title_ko=f"중국 {i}")
    # The generation, the names, the count, the page, the facets (one query), the
    # labels, the tab counts.
    with (
        django_assert_num_queries(0, using="default"),
        django_assert_num_queries(7, using="public"),
    ):
        response = search(client, "China")
    assert response.context["count"] == 5
    tabs = {key: n for key, _label, _url, n in response.context["kinds"]}
    assert tabs == {"events": 5, "violations": 5, "testimonies": 0, "crossings": 0}


# --- The tables (core.words) ---------------------------------------------------------


def test_the_korean_short_names_of_provinces():
    assert words.korean_short_name("함경북도") == "함북"
    assert words.korean_short_name("평안남도") == "평남"
    assert words.korean_short_name("황해북도") == "황북"
    assert words.korean_short_name("양강도") is None
    assert words.korean_short_name("평양직할시") is None


def test_the_spelling_table_groups_both_spellings_both_ways():
    for british, american in [("labour", "labor"), ("organisation", "organization")]:
        expected = [
            [tuple(sorted([british, american])[:1]), tuple(sorted([british, american])[1:])]
        ]
        assert words.expand(british) == words.expand(american) == expected
    assert words.expand("four") == [[("four",)]]


def test_expand_takes_the_longest_name_first_and_keeps_other_words():
    names = words.name_table([("North Hamgyong", "함경북도"), ("China", "중국")])
    assert words.expand("born in north hamgyong", names) == [
        [("born",)],
        [("in",)],
        [("north", "hamgyong"), ("함경북도",), ("함북",)],
    ]
    assert words.expand("중국", names) == [[("china",), ("중국",)]]


def test_a_japanese_place_name_finds_the_records_that_use_the_others():
    names = words.name_table(
        [("North Hamgyong", "함경북도", "咸鏡北道"), ("China", "중국", "中国")]
    )
    assert words.expand("咸鏡北道", names) == [
        [("north", "hamgyong"), ("咸鏡北道",), ("함경북도",), ("함북",)]
    ]
    assert words.expand("china", names) == [[("china",), ("中国",), ("중국",)]]


def test_the_postgresql_query_ors_the_alternatives():
    names = words.name_table([("North Hamgyong", "함경북도")])
    assert words.tsquery("forced labor") == "forced:* & (labor:* | labour:*)"
    assert words.tsquery("함북", names) == (
        "((north:* & hamgyong:*) | (함경 <-> 경북 <-> 북도) | (함북))"
    )
