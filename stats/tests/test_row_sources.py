"""Issue 20, finding 4: a row confirmed elsewhere than its dataset's address (the
newest MOU figures, from briefings quoted in the news) names that source on the
page and in the series CSV, not only in the observations API."""

import csv
import io
import re

from django.urls import reverse

from stats.tests.factories import DatasetFactory

NEWSIS_2025 = "https://mobile.newsis.com/view_amp.html?ar_id=NISX20260204_0003502497"


def csv_rows(response):
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_row_source_is_kept_only_where_it_names_another_place(db):
    dataset = DatasetFactory(
        address="https://example.org/table ; github:owner/repo@abc123 data/table.csv"
    )
    assert dataset.row_source("") == ""
    assert dataset.row_source("https://example.org/table (stored snapshot)") == ""
    assert dataset.row_source("github:owner/repo@abc123 data/other.csv (same commit)") == ""
    news = "github:owner/repo@abc123 data/table.csv ; https://news.example/1 (briefing)."
    assert dataset.row_source(news) == news
    assert dataset.row_source("github:owner/repo@def456 data/table.csv") != ""
    assert dataset.row_source("a ministry briefing") == "a ministry briefing"


def test_the_series_csv_names_each_row_s_own_source(client, arrivals):
    rows = csv_rows(client.get(reverse("stats-api:series-arrivals"), {"format": "csv"}))
    by_period = {row["period"]: row for row in rows}
    assert NEWSIS_2025 in by_period["2025"]["row_source"]
    assert "news1.kr" in by_period["2024"]["row_source"]
    assert by_period["2010"]["row_source"] == ""  # the dataset's own address
    assert by_period["up to 1998"]["row_source"] == ""
    assert [row["period"] for row in rows if row["row_source"]] == [
        "2020", "2021", "2022", "2023", "2024", "2025",
    ]  # fmt: skip


def test_the_page_links_each_row_s_own_source(client, arrivals):
    html = client.get(reverse("stats:arrivals")).content.decode()
    sources = re.search(r'<dl class="row-sources">(.*?)</dl>', html, flags=re.S).group(1)
    assert re.findall(r"<dt>(.*?)</dt>", sources) == [
        "2020",
        "2021",
        "2022",
        "2023",
        "2024",
        "2025",
    ]
    assert f'href="{NEWSIS_2025.replace("&", "&amp;")}"' in sources
    # Pages a reader can open, not the compilation trail (that stays in the CSV).
    assert "github:" not in sources
    assert "README" not in sources


def test_a_dataset_without_row_sources_lists_none(client, unhcr):
    html = client.get(reverse("stats:unhcr")).content.decode()
    assert "row-sources" not in html
    rows = csv_rows(client.get(reverse("stats-api:series-unhcr-by-country"), {"format": "csv"}))
    assert rows and all(row["row_source"] == "" for row in rows)
