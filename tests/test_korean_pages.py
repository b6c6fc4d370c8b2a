"""A Korean page is Korean: every public page under /ko/, read as the test client
gets it, shows no English word outside the allow-list of tests/browser/public_pages.py
(proper nouns, codes, units, publishers' names). tests/browser/test_every_public_page.py
checks the same in Chromium, with what the scripts draw.
"""

import pytest

from cases.demo import DEMO_PERSONS, generate_demo_data
from cases.reference import load_reference_data
from core.testing import rolled_back
from stats.shipped import load_shipped_statistics
from tests.browser.public_pages import (
    API_ENGLISH,
    API_PAGES,
    ERROR_PAGES,
    KNOWN_ENGLISH,
    PAGES,
    case_pages,
    english_words,
    visible_text,
)

pytestmark = pytest.mark.django_db(databases=["default", "public"])

CASES = ["case:event", "case:testimony", "case:crossing", "case:proceeding"]


@pytest.fixture(scope="module")
def _site(django_db_setup, django_db_blocker):
    """The demo cases (what `seed_demo` gives a new site) and every shipped figure,
    made once for the module, rolled back after it."""
    with django_db_blocker.unblock(), rolled_back():
        load_reference_data()
        generate_demo_data(persons=DEMO_PERSONS, seed=1)
        load_shipped_statistics()
        yield dict(zip(CASES, case_pages(), strict=True))


def _address(site, page):
    return f"/ko{site[page]}" if page in site else page


def _text(client, address):
    response = client.get(address, HTTP_ACCEPT_LANGUAGE="ko", HTTP_ACCEPT="text/html")
    assert response.status_code in (200, 400, 404), (address, response.status_code)
    html = response.content.decode()
    if address.startswith("/ko/"):
        assert '<html lang="ko">' in html, address
    return visible_text(html)


def _param(page, known):
    reason = known.get(page)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(page, marks=marks, id=page)


KOREAN_PAGES = [
    *(f"/ko{page}" for page in PAGES),
    *CASES,
    *(f"/ko{page}" for page in ERROR_PAGES),
    *API_PAGES,
]


@pytest.mark.parametrize(
    "page", [_param(page, {**KNOWN_ENGLISH, **API_ENGLISH}) for page in KOREAN_PAGES]
)
def test_a_korean_page_shows_no_english_word(client, _site, page):
    address = _address(_site, page)
    assert english_words(_text(client, address)) == [], address


def test_the_word_finder():
    assert english_words("출처: UNHCR, CSV 파일 (EV-12AB) · 10 km · Tab 후 Enter") == []
    assert english_words("지역 Source: the table") == ["Source", "table", "the"]
    assert english_words("표시 위치: https://example.org/ko/stats/profile/") == []
    assert english_words("유의 사항: mou-2024-briefing [undesa-ims-2020], R 패키지 refugees") == []
    assert english_words("refugees-only well") == ["well"]
    reference = "사본(github:owner/repo@4a81585e data/MigrationFlows.rda, UN_Stock_2019.csv)"
    assert english_words(reference) == []
    assert english_words("“volunteer sector”로 옮긴 것을 bad sector로") == ["bad", "sector"]
    assert english_words("paths/and words") == ["words"]
    html = (
        '<html lang="ko"><title>제목</title><body><p>본문 <b>text</b></p>'
        "<script>var english = 1;</script><p hidden>hidden words</p>"
        '<p lang="en">An English citation</p><input placeholder="e.g. words">'
        '<option lang="en">English</option></body></html>'
    )
    assert visible_text(html) == "제목 본문 text e.g. words"
    # A page in English is read, not skipped: its <html lang> is checked apart.
    assert visible_text('<html lang="en"><p>Words</p></html>') == "Words"
