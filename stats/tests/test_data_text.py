"""Issue 19, findings 2 and 9, and issue 20, finding 3: the statistics' own text
(titles, editions, caveats, notes, country names) in the page's language, no
working notes on public pages, and caveats cited by identifier on every row."""

import csv
import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from stats.caveats import CAVEATS, caveat_text
from stats.countries import country_name
from stats.models import Dataset, Observation
from stats.shipped import SHIPPED_DIR
from stats.tests.test_pages import table_text


def korean(name, **kwargs):
    with translation.override("ko"):
        return reverse(name, **kwargs)


def english_url(name, **kwargs):
    # A request to a Korean page leaves Korean active in the test's thread.
    with translation.override("en"):
        return reverse(name, **kwargs)


def text_of(html):
    """The page's visible text (no tags, no scripts), whitespace collapsed."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# Every statistics page and the choices on it, in both languages.
PAGES = [
    ("stats:overview", {}),
    ("stats:arrivals", {}),
    ("stats:profile", {}),
    ("stats:profile", {"dataset": "mou-profile-2020-09", "residents": "mou-residents-2008"}),
    ("stats:profile", {"dataset": "mou-profile-2022"}),
    ("stats:unhcr", {}),
    ("stats:unhcr", {"year": 2022}),
    *[
        ("stats:emigrant-stock", {"dataset": slug})
        for slug in (
            "undesa-ims-2020",
            "undesa-ims-2019",
            "wb-bilateral-matrix-2013",
            "wb-gbmd-1960-2000",
            "wb-gbmd-2000-total",
        )
    ],
    ("stats:maps-provinces", {}),
    ("stats:maps-flows", {}),
    ("stats:maps-flows", {"dataset": "undesa-ims-2020"}),
    ("stats:about", {}),
]
WORKING_NOTES = re.compile(
    r"JCLAWSON|mislabel|Visual Capitalist|!=|typo|\(unverified\)|MOU_CN|UNHCR_RDF", flags=re.I
)
# The compilation trail (repositories at commits) belongs on the About page only.
TRAIL = re.compile(r"github|commit|j-clawson|sql_queries", flags=re.I)


def test_country_names_come_from_cldr_in_korean_and_stay_as_published_in_english():
    assert country_name("KAZ", "Kazakhstan", language="ko") == "카자흐스탄"
    assert country_name("GBR", "United Kingdom of Great Britain", language="ko") == "영국"
    assert country_name("CIV", "Cote d'Ivoire", language="ko") == "코트디부아르"
    assert country_name("KAZ", "Kazakhstan", language="en") == "Kazakhstan"
    # A code that is no country keeps the publisher's name, in both languages.
    assert country_name("XXA", "Stateless", language="ko") == "Stateless"
    with translation.override("ko"):
        assert country_name("USA", "United States of America") == "미국"


def test_every_caveat_has_korean_text_and_every_identifier_is_a_slug():
    for ident, (english, korean_text) in CAVEATS.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ident)
        assert english and re.search(r"[가-힣]", korean_text), ident
        assert caveat_text(ident, "ko") == korean_text and caveat_text(ident, "en") == english


def without_citations(html):
    """The page without its "Cite this figure" boxes, which hold both languages' citations."""
    return re.sub(r'<details class="cite-this">.*?</details>', "", html, flags=re.S)


def test_the_arrivals_page_in_korean_shows_the_korean_text(client, arrivals):
    html = without_citations(client.get(korean("stats:arrivals")).content.decode())
    assert "통일부, <cite>북한이탈주민 입국 현황(연도별·성별)</cite>" in html
    assert "2025년까지 연도별 확정치" in html and "final annual series" not in html
    assert caveat_text("mou-spans", "ko") in html
    # The note on 2025, in Korean, and no English note.
    assert "2026년 2월 4일 통일부가 정정했습니다." in html
    assert "First announced" not in html
    english = without_citations(Client().get(english_url("stats:arrivals")).content.decode())
    assert "Ministry of Unification (Republic of Korea), <cite>North Korean defectors" in english
    assert "First announced on 20 January 2026 as 224" in english and "통일부" not in english


def test_the_refugee_page_in_korean_names_countries_in_korean(client, unhcr):
    html = client.get(korean("stats:unhcr"), {"year": 1996}).content.decode()
    cells = table_text(html)
    assert "캄보디아 ≤5 0" in cells and "우즈베키스탄 ≤5 0" in cells
    assert "Cambodia" not in cells
    chart = re.search(r'<script id="chart-unhcr-country" [^>]*>(.*?)</script>', html, re.S)
    assert set(json.loads(chart.group(1))["labels"]) == {"캄보디아", "우즈베키스탄"}
    english = Client().get(english_url("stats:unhcr"), {"year": 1996}).content.decode()
    assert "Cambodia ≤5 0" in table_text(english)


def test_the_shipped_files_give_every_dataset_its_korean_text(shipped):
    datasets = list(Dataset.objects.order_by("slug"))
    assert len(datasets) == 12
    for dataset in datasets:
        for name in ("publisher", "title", "edition", "description", "caveat", "compiled_from"):
            assert re.search(r"[가-힣]", getattr(dataset, f"{name}_ko")), (dataset.slug, name)
        assert dataset.caveat_ids and set(dataset.caveat_ids) <= set(CAVEATS)
        assert dataset.address.startswith(("https://", "http://")), dataset.slug
        assert " " not in dataset.address and "github" not in dataset.address
    # Every note shown has its Korean, and no compiler's note is stored.
    notes = Observation.objects.exclude(note="").values_list("note", "note_ko").distinct()
    assert notes and all(re.search(r"[가-힣]", ko) for _note, ko in notes)
    assert not [n for n, _ko in notes if WORKING_NOTES.search(n)]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_statistics_page_shows_working_notes(client, shipped, language):
    about = korean("stats:about") if language == "ko" else english_url("stats:about")
    for name, params in PAGES:
        with translation.override(language):
            url = reverse(name)
        response = client.get(url, params)
        assert response.status_code == 200, url
        text = text_of(response.content.decode())
        assert not WORKING_NOTES.findall(text), (url, params, WORKING_NOTES.findall(text))
        if url != about:
            assert not TRAIL.findall(text), (url, params, TRAIL.findall(text))
            assert f'href="{about}#' in response.content.decode() or url.endswith("/stats/")


def test_the_korean_pages_show_korean_editions_in_their_selectors(client, shipped):
    html = client.get(korean("stats:emigrant-stock")).content.decode()
    assert (
        ">유엔 경제사회국(UN DESA) 인구국: 국제이주자 현황 2019 [undesa-ims-2019]</option>" in html
    )
    assert "카자흐스탄 33,389 31,440 64,829" in table_text(html)
    profile = client.get(korean("stats:profile")).content.decode()
    assert ">기준 시점 미상(2024년 중반 추정) [mou-profile-2024]</option>" in profile
    flows = client.get(korean("stats:maps-flows"), {"dataset": "undesa-ims-2020"})
    assert '카자흐스탄 <span class="code">KAZ</span>' in flows.content.decode()


def test_the_about_page_gives_each_dataset_its_trail_and_every_caveat(client, shipped):
    html = client.get(reverse("stats:about")).content.decode()
    for dataset in Dataset.objects.all():
        assert f'<section id="{dataset.slug}"' in html
    for ident, (english, _korean) in CAVEATS.items():
        assert (
            f'<dt id="caveat-{ident}"><code>{ident}</code></dt><dd>{english}</dd>'
            in html.replace("&#x27;", "'").replace("&quot;", '"')
        )
    # The trail's repositories are links a reader can open.
    assert (
        'href="https://github.com/j-clawson/nkdefector_project/tree/'
        '4a22094050b2b208185c9601f05daf79430fe108"' in html
    )
    ko = client.get(korean("stats:about")).content.decode()
    assert "두 사본의 모든 수치가 일치합니다" in ko and caveat_text("mou-spans", "ko") in ko


def test_every_row_cites_its_caveats_json_and_csv(client, shipped):
    url = reverse("stats-api:observation-list")
    rows = client.get(url, {"dataset": "mou-arrivals", "page_size": 1000}).json()["results"]
    assert len(rows) == 78
    expected = "mou-spans; mou-final-figures; mou-2024-briefing; mou-2025-correction"
    assert {row["dataset_caveats"] for row in rows} == {expected}
    assert {row["dataset_address"] for row in rows} == {
        "https://www.unikorea.go.kr/unikorea/business/NKDefectorsPolicy/status/lately/"
    }
    assert all("Retrieval date not recorded." in row["citation"] for row in rows)
    response = client.get(url, {"dataset": "unhcr-rpkg-2025-12-1", "format": "csv"})
    body = response.content.decode("utf-8-sig")
    csv_rows = list(csv.DictReader(io.StringIO(body)))
    assert len(csv_rows) == 648
    assert {row["dataset_caveats"] for row in csv_rows} == {
        "unhcr-small-counts; unhcr-south-korea; unhcr-no-china; unhcr-missing-years; "
        "unhcr-measures-apart"
    }
    assert {row["dataset_licence"] for row in csv_rows} == {"CC BY 4.0"}


def test_a_compilers_note_without_public_wording_is_refused(tmp_path, db):
    from stats.importers import StatsImportError
    from stats.services import statistics_import

    text = (SHIPPED_DIR / "mou_defector_arrivals_by_year.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[5] = lines[5].rstrip(",") + ",(typo; 1+1 != 3)"
    path = tmp_path / "arrivals.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(StatsImportError, match="a note without a public wording"):
        statistics_import(format="mou-arrivals", path=path)


def test_the_about_page_reads_the_datasets_in_one_query(client, db, django_assert_num_queries):
    from stats.tests.factories import DatasetFactory

    for n in range(3):
        DatasetFactory(slug=f"about-{n}", caveat_ids=["mou-spans"], compiled_from=f"Trail {n}.")
    with django_assert_num_queries(1):
        html = client.get(english_url("stats:about")).content.decode()
    assert html.count('class="about-dataset"') == 3 and "Trail 2." in html
    assert html.count("<code>mou-spans</code> ") == 3  # once per dataset that cites it
