"""A reader whose browser prefers Korean (or Japanese) is offered that page, once
(static/js/language-hint.js); the address still decides the language."""

from contextlib import contextmanager

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextmanager
def opened(chromium, live_server, locale, path):
    """The page at `path` in a browser of `locale`; no console error by its end."""
    context = chromium.new_context(locale=locale)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        yield page
        assert not errors, errors
    finally:
        context.close()


def test_a_browser_preferring_korean_is_offered_the_korean_page(chromium, live_server):
    with opened(chromium, live_server, "ko-KR", "/stats/?view=table") as page:
        assert page.locator("html").get_attribute("lang") == "en"
        hint = page.get_by_role("link", name="이 페이지를 한국어로 보기")
        assert hint.is_visible()
        hint.click()
        page.wait_for_url(f"{live_server.url}/ko/stats/?view=table")
        assert page.locator("html").get_attribute("lang") == "ko"
        assert page.locator("#language-hint").count() == 0  # no hint on a Korean page


def test_a_browser_preferring_japanese_is_offered_the_japanese_page(chromium, live_server):
    with opened(chromium, live_server, "ja-JP", "/stats/?view=table") as page:
        assert not page.locator("#language-hint").is_visible()  # not the Korean one
        hint = page.get_by_role("link", name="このページを日本語で見る")
        assert hint.is_visible()
        hint.click()
        page.wait_for_url(f"{live_server.url}/ja/stats/?view=table")
        assert page.locator("html").get_attribute("lang") == "ja"
        assert page.locator(".language-hint").count() == 0


def test_the_hint_once_dismissed_stays_away(chromium, live_server):
    with opened(chromium, live_server, "ko-KR", "/stats/") as page:
        page.get_by_role("button", name="닫기").click()
        assert not page.locator("#language-hint").is_visible()
        page.reload()
        page.wait_for_load_state("load")
        assert not page.locator("#language-hint").is_visible()


def test_no_hint_for_a_browser_preferring_english(chromium, live_server):
    with opened(chromium, live_server, "en-GB", "/stats/") as page:
        assert page.locator("#language-hint").count() == 1
        assert not page.locator("#language-hint").is_visible()
