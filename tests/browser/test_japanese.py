"""The public site in Japanese, clicked through in Chromium at 1366 and 390 px: the
home page, the case search, an event, the statistics and a map, then the
switcher to English and Korean and back. With NKDB_SCREENSHOTS=1 each page's
screenshot goes to test-artifacts/screenshots/ja-*.png to be looked at."""

import os
import re

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def _look(page, name, width):
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "ja", page.url
    sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert sideways <= 0, (page.url, sideways)
    if os.environ.get("NKDB_SCREENSHOTS"):
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"ja-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_reader_goes_through_the_public_site_in_japanese(chromium, demo_site, width):
    context = chromium.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.set_default_timeout(15000)
    try:
        page.goto(f"{demo_site.url}/ja/")
        _look(page, "home", width)
        assert page.locator("header nav").inner_text().split() == [
            "ホーム", "事例", "統計", "地図",
        ]  # fmt: skip

        page.locator("header nav a", has_text="事例").click()
        page.wait_for_url(re.compile(r"/ja/cases/$"))
        _look(page, "search", width)
        hint = "例：보위부、강제북송、detention"  # noqa: RUF001 (Japanese punctuation)
        assert page.get_by_placeholder(hint).count() == 1
        # A violation type's name in the filters is the taxonomy's Japanese name.
        assert page.locator(".facet", has_text="強制送還").count() >= 1

        page.locator(".result-list a[href*='/ja/cases/events/']").first.click()
        page.wait_for_url(re.compile(r"/ja/cases/events/[^/]+/$"))
        _look(page, "event", width)

        page.locator("header nav a", has_text="統計").click()
        page.wait_for_url(re.compile(r"/ja/stats/$"))
        _look(page, "stats", width)

        page.locator("header nav a", has_text="地図").click()
        page.wait_for_url(re.compile(r"/ja/stats/maps/$"))
        page.wait_for_selector(".leaflet-container")
        _look(page, "maps", width)

        page.goto(f"{demo_site.url}/ja/stats/maps/flows/")
        page.wait_for_selector(".leaflet-container")
        _look(page, "flows", width)
        # Country names from CLDR in Japanese, in the table under the map.
        assert page.locator("table", has_text="カナダ").count() >= 1
        assert page.get_by_text("これらの数値についての注意事項は英語です。").count() == 1

        # The switcher leaves Japanese for either language, and comes back.
        for code, lang_prefix in (("en", ""), ("ko", "/ko")):
            page.select_option("#language-select", code)
            page.locator("form.language button").click()
            page.wait_for_url(f"{demo_site.url}{lang_prefix}/stats/maps/flows/")
            assert page.locator("html").get_attribute("lang") == code
            page.select_option("#language-select", "ja")
            page.locator("form.language button").click()
            page.wait_for_url(f"{demo_site.url}/ja/stats/maps/flows/")
            assert page.locator("html").get_attribute("lang") == "ja"
        assert errors == []
    finally:
        context.close()
