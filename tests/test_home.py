"""The home page tells the data's story: each section its figure, a finding computed
from the figures in the page's language, and a link to the full page (issue 19,
finding 8). Every number comes from the database; a missing figure says so."""

import json
import re

import pytest

from public.tests.factories import entry
from stats.models import Classification, Measure, Sex, Status
from stats.tests.factories import DatasetFactory, ObservationFactory

pytestmark = pytest.mark.django_db(databases=["default", "public"])


def findings(html):
    return [re.sub(r"\s+", " ", f) for f in re.findall(r'<p class="finding">(.*?)</p>', html)]


@pytest.fixture
def figures():
    arrivals = DatasetFactory(slug="mou-arrivals", publisher="MOU", edition="to 2025")
    for year, male, female, total in [(2024, 10, 90, 100), (2025, 25, 198, 223)]:
        for sex, value in [(Sex.MALE, male), (Sex.FEMALE, female), (Sex.BOTH, total)]:
            ObservationFactory(
                dataset=arrivals, period_start=year, period_end=year, sex=sex, value=value
            )
    unhcr = DatasetFactory(
        slug="unhcr-rpkg-2025-12-1", classification=Classification.UNHCR_POPULATIONS
    )
    for code, name, value, status in [
        ("CAN", "Canada", 90, Status.REPORTED),
        ("DEU", "Germany", 86, Status.REPORTED),
        ("JPN", "Japan", 5, Status.SMALL),
    ]:
        ObservationFactory(
            dataset=unhcr,
            measure=Measure.REFUGEES,
            period_start=2025,
            period_end=2025,
            origin="PRK",
            destination=code,
            destination_name=name,
            sex="",
            value=value,
            status=status,
        )
    stock = DatasetFactory(slug="undesa-ims-2020", classification=Classification.MIGRANT_STOCK)
    for code, name, value in [("KAZ", "Kazakhstan", 64829), ("GBR", "United Kingdom", 11385)]:
        ObservationFactory(
            dataset=stock,
            measure=Measure.MIGRANT_STOCK,
            period_start=2020,
            period_end=2020,
            origin="PRK",
            destination=code,
            destination_name=name,
            value=value,
        )
    profile = DatasetFactory(slug="mou-profile-2024")
    for field, category, korean, value in [
        ("occupation", "Unemployed / dependent", "무직부양", 446),
        ("occupation", "Workers", "노동자", 300),
        ("occupation", "Military", "군인", 254),
        ("province", "North Hamgyong", "함경북도", 590),
        ("province", "Ryanggang", "양강도", 410),
    ]:
        ObservationFactory(
            dataset=profile, period_start=2024, **{field: category}, category_ko=korean, value=value
        )
    entry("testimony")
    entry("violation")
    entry("violation")
    entry("event")


def test_each_section_states_its_finding_computed_from_the_figures(client, figures):
    html = client.get("/").content.decode()
    assert findings(html) == [
        "In 2020 the largest number of people born in North Korea and living abroad was "
        "counted in Kazakhstan: 64,829 of the 76,214 counted in all destinations.",
        # A cell published as 5 ("5 or fewer") makes the sum an upper bound.
        "In 2025 UNHCR counted at most 181 refugees from North Korea in 3 countries; "
        "the largest country of asylum was Canada, with 90.",
        "In 2025, 223 North Koreans arrived in the South; 88.8 % of them were women.",
        "North Hamgyong is the province of origin of the largest group of arrivals: "
        "590, 59.0 % of those whose province is known.",
        "The largest group by occupation in the North is “Unemployed / dependent”: 446, "
        "44.6 % of arrivals, the largest group but not a majority.",
        "1 testimony is published, describing 2 violations in 1 events.",
    ]


def test_the_findings_are_in_korean_on_the_korean_page(client, figures):
    html = client.get("/ko/").content.decode()
    found = findings(html)
    assert found[2] == "2025년 한국에 입국한 북한이탈주민은 223명이며, 그중 88.8%가 여성입니다."
    assert found[4] == (
        "북한에서의 직업별로 가장 큰 집단은 ‘무직부양’입니다: 446명, 입국자의 44.6%로 "  # noqa: RUF001 (Korean quotation marks)
        "가장 크지만 과반은 아닙니다."
    )
    assert found[3].startswith("입국자 중 가장 많은 사람의 출신 지역은 함경북도입니다")


def test_each_figure_is_the_series_of_its_statistics_page_drawn_by_the_sites_scripts(
    client, figures, django_assert_max_num_queries
):
    # The datasets (one query), each series (one each), the case counts.
    with django_assert_max_num_queries(9):
        html = client.get("/").content.decode()
    charts = dict(
        re.findall(r'<script id="(chart-home-[a-z]+)" type="application/json">(.*?)</', html)
    )
    assert sorted(charts) == [
        "chart-home-arrivals",
        "chart-home-destinations",
        "chart-home-occupation",
        "chart-home-origin",
        "chart-home-refugees",
    ]
    arrivals = json.loads(charts["chart-home-arrivals"])
    assert arrivals["labels"] == ["2024", "2025"]
    share = next(d for d in arrivals["datasets"] if d["key"] == "female_share")
    assert share["data"] == [90.0, 88.8]
    # No inline script or style: the charts are drawn by the site's own files.
    assert re.findall(r"<script(?![^>]*(?:src=|application/json))[^>]*>", html) == []
    assert "style=" not in html
    assert "/static/vendor/chart.js/chart.umd.min.js" in html
    assert "/static/js/stats-charts.js" in html


def test_the_two_map_links_open_different_pages(client, figures):
    html = client.get("/").content.decode()
    went = re.search(r'<a href="([^"]+)">Map of where they went</a>', html).group(1)
    refugees = re.search(r'<a href="([^"]+)">Map of refugees and asylum-seekers</a>', html).group(1)
    assert went == "/stats/maps/flows/?dataset=undesa-ims-2020"
    assert refugees == "/stats/maps/flows/?dataset=unhcr-rpkg-2025-12-1"


def test_a_missing_figure_says_so_and_invents_nothing(client):
    html = client.get("/").content.decode()
    assert findings(html) == []
    assert html.count("The figures for this section are not loaded yet.") == 5
    assert "No testimony or case is published yet." in html
    assert "chart-home" not in html
    # Each section still links to its full page.
    assert 'href="/stats/arrivals/"' in html and 'href="/stats/refugees/"' in html
