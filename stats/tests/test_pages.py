"""The statistics pages: numbers in tables, sources and caveats, local assets, constant queries."""

import json
import re

import pytest
from django.urls import reverse

DASH = "\u2013"  # en dash, as in the spans and the empty cells of the tables


def table_text(html):
    """The tables' cells, whitespace collapsed, for asserting on rendered numbers."""
    tables = " ".join(re.findall(r"<table.*?</table>", html, flags=re.S))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tables))


def test_arrivals_page_shows_its_numbers_in_a_table(client, arrivals):
    html = client.get(reverse("stats:arrivals")).content.decode()
    cells = table_text(html)
    assert "2009 662 2,252 2,914 77.3" in cells
    assert f"1999{DASH}2001 565 478 1,043 45.8" in cells
    assert "up to 1998 831 116 947 12.2" in cells
    assert "2000 " not in cells  # the 1999-2001 span is never split
    assert "unikorea.go.kr" in html and "final annual series to 2025" in html
    assert "1,043" in html  # the span caveat
    assert "/api/stats/series/arrivals/?dataset=mou-arrivals&amp;format=csv" in html


def test_arrivals_chart_is_drawn_from_json_by_local_scripts(client, arrivals):
    html = client.get(reverse("stats:arrivals")).content.decode()
    spec = json.loads(
        re.search(
            r'<script id="chart-arrivals" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    assert spec["labels"][:3] == ["up to 1998", f"1999{DASH}2001", "2002"]
    female = next(d for d in spec["datasets"] if d["key"] == "female")
    assert female["data"][spec["labels"].index("2009")] == 2252
    scripts = re.findall(r"<script([^>]*)>", html)
    # No inline executable script and nothing from another host.
    assert all("src=" in s or 'type="application/json"' in s for s in scripts)
    assert "vendor/chart.js/chart.umd.min.js" in html and "js/stats-charts.js" in html
    assert not re.search(r'src="(https?:)?//', html)
    assert not re.search(r'<link[^>]*href="(https?:)?//', html)


def test_spans_are_drawn_apart_from_the_yearly_trend(client, arrivals):
    """Issue 20, finding 8: the female share of "up to 1998" and "1999-2001" was
    joined to the yearly line as if they were single years."""
    html = client.get(reverse("stats:arrivals")).content.decode()
    spec = json.loads(
        re.search(
            r'<script id="chart-arrivals" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    assert spec["spans"][:3] == [True, True, False] and not any(spec["spans"][2:])
    datasets = {d["key"]: d for d in spec["datasets"]}
    assert datasets["female_share"]["data"][:3] == [None, None, 55.3]
    apart = datasets["female_share_spans"]
    assert apart["points_only"] and apart["data"][:2] == [12.2, 45.8]
    assert set(apart["data"][2:]) == {None}


def test_unhcr_page_marks_small_cells_and_keeps_measures_apart(client, unhcr):
    html = client.get(reverse("stats:unhcr"), {"year": 1996}).content.decode()
    cells = table_text(html)
    assert "Cambodia ≤5 0" in cells
    assert "2000 15 3 50 1 6" in cells  # refugees, their small cells, asylum-seekers, ...
    assert "1997" not in cells.split("Country of asylum")[0]  # missing year stays missing
    assert "5 or fewer" in html
    assert "R package refugees v2025.12.1" in html


def test_emigrant_stock_page_with_edition_choice(client, shipped):
    html = client.get(
        reverse("stats:emigrant-stock"), {"dataset": "undesa-ims-2019"}
    ).content.decode()
    assert f"Kazakhstan {DASH} {DASH} 64,370" in table_text(html)
    assert '<option value="undesa-ims-2019" selected>' in html
    assert "ethnic Koreans" in html  # the Central Asia caveat
    html = client.get(reverse("stats:emigrant-stock")).content.decode()
    assert "Kazakhstan 33,389 31,440 64,829" in table_text(html)


def test_profile_page_shows_each_breakdown(client, shipped):
    html = client.get(reverse("stats:profile")).content.decode()
    cells = table_text(html)
    assert "20-29 2,641 7,021 9,662" in cells
    assert "Workers 4,204 9,343 13,547" in cells
    assert "North Hamgyong 4,861 15,080 19,941" in cells
    assert "Gyeonggi 2,811 8,320 11,131" in cells
    assert "not cumulative arrivals" in html  # the residents caveat sits next to them


def test_profile_page_in_korean_uses_the_publishers_labels(client, shipped):
    html = client.get("/ko/stats/profile/").content.decode()
    assert "노동자 4,204 9,343 13,547" in table_text(html)


def test_pages_say_so_when_nothing_is_loaded(client, db):
    for name in ("arrivals", "unhcr", "emigrant-stock", "profile"):
        response = client.get(reverse(f"stats:{name}"))
        assert response.status_code == 200
        assert "manage.py bootstrap" in response.content.decode()


def test_home_tells_the_story_in_order(client, db):
    html = client.get("/").content.decode()
    html = html[html.index("<main") :]  # the story, not the navigation
    order = [
        reverse("stats:emigrant-stock"), reverse("stats:unhcr"), reverse("stats:arrivals"),
        reverse("stats:profile") + "#province", reverse("stats:profile") + '"', 'href="/cases/"',
    ]  # fmt: skip
    positions = [html.find(marker) for marker in order]
    assert -1 not in positions
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("name", "params", "queries"),
    [
        # 1. datasets with their observation counts.
        ("overview", {}, 1),
        # 1. the arrivals dataset; 2. its observations.
        ("arrivals", {}, 2),
        # 1. the UNHCR dataset; 2. observations for the yearly series; 3. for the countries.
        ("unhcr", {"year": 2010}, 3),
        # 1. the migrant-stock editions; 2. the chosen edition's observations.
        ("emigrant-stock", {"dataset": "undesa-ims-2020"}, 2),
        # 1. arrivals editions; 2. residents editions; 3-6. age, education, occupation and
        # province of the chosen edition; 7. region of residence.
        ("profile", {}, 7),
    ],
)
def test_each_page_takes_a_fixed_number_of_queries(
    client, shipped, django_assert_num_queries, name, params, queries
):
    with django_assert_num_queries(queries):
        response = client.get(reverse(f"stats:{name}"), params)
    assert response.status_code == 200


def test_each_chart_offers_its_citation_in_korean_and_english(client, unhcr):
    """Issue 20, finding 3: "Cite this figure", with the licence, in both languages."""
    html = client.get(reverse("stats:unhcr"), {"year": 2020}).content.decode()
    assert html.count('<details class="cite-this">') == 2  # one per chart
    english = re.search(r'<p class="citation" lang="en">(.*?)</p>', html, flags=re.S).group(1)
    korean = re.search(r'<p class="citation" lang="ko">(.*?)</p>', html, flags=re.S).group(1)
    assert english.startswith("UNHCR, ") and "Licence: CC BY 4.0." in english
    assert "이용 허락: CC BY 4.0." in korean
    assert "Shown at http://testserver/stats/refugees/?year=2020." in english
    datasets = client.get(reverse("stats-api:dataset-list")).json()["results"]
    assert "이용 허락: CC BY 4.0" in datasets[0]["citations"]["ko"]
    assert datasets[0]["citations"]["en"] == datasets[0]["citation"]
