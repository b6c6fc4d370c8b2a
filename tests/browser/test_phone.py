"""The public pages on a phone (390 by 844), in English and Korean, with the demo
cases and the shipped figures: nothing scrolls sideways, the search shows its
results first, and the flow map's menus and North Korea fit the screen."""

import re

import pytest

from cases.models import Event

# The pages only read the module's demo site (conftest.py); each test in a savepoint.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}
LANGUAGES = ["", "/ko"]
# Every public page a reader reaches from the menus (a case page is added below).
PAGES = [
    "/",
    "/cases/",
    "/cases/?kind=violations",
    "/cases/?kind=testimonies",
    "/cases/?kind=crossings",
    "/cases/counts/",
    "/cases/map/",
    "/cases/facilities/",
    "/cases/facilities/KWL-22/",
    "/cases/perpetrators/",
    "/cases/perpetrators/KP-WPK/",
    "/cases/proceedings/",
    "/stats/",
    "/stats/arrivals/",
    "/stats/profile/",
    "/stats/refugees/",
    "/stats/emigrant-stock/",
    "/stats/maps/",
    "/stats/maps/flows/",
    "/stats/about/",
    "/api/docs/",
]


def sideways(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_no_public_page_scrolls_sideways_on_a_phone(page, demo_site):
    event = Event.objects.public().order_by("code").first()
    page.set_viewport_size(PHONE)
    wide = []
    for language in LANGUAGES:
        for path in [*PAGES, f"/cases/events/{event.code}/"]:
            page.goto(f"{demo_site.url}{language}{path}")
            page.wait_for_load_state("networkidle")
            if sideways(page) > 0:
                wide.append(f"{language}{path}: {sideways(page)} px")
    assert wide == []


def test_the_search_shows_its_results_on_a_phones_first_screen(page, demo_site):
    page.set_viewport_size(PHONE)
    for language in LANGUAGES:
        page.goto(f"{demo_site.url}{language}/cases/")
        first = page.locator(".result-list li").first.bounding_box()
        assert first["y"] + 40 < PHONE["height"], (language, first)
        # The filters are one tap away, and open.
        filters = page.locator("details.case-filters")
        assert filters.get_attribute("open") is None
        page.click("details.case-filters summary")
        page.locator(".facet a").first.click()
        summary = page.locator("details.case-filters summary").inner_text()
        assert "1" in summary, summary  # the count of active filters
    # Beside the results on a wide screen, they are open.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{demo_site.url}/cases/")
    page.wait_for_selector("details.case-filters[open]")
    assert not page.console_errors, page.console_errors


def test_the_flow_maps_menus_and_north_korea_fit_a_phone(page, demo_site):
    page.set_viewport_size(PHONE)
    for language in LANGUAGES:
        page.goto(f"{demo_site.url}{language}/stats/maps/flows/")
        page.wait_for_selector("#map-flows[data-ready='true']")
        for menu in page.locator(".map-controls select").all():
            box = menu.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        area = page.locator("#map-flows").bounding_box()
        north_korea = page.locator("#map-flows path[data-code='PRK']").bounding_box()
        assert north_korea, "North Korea is not drawn"
        # Well inside, not at the very edge where a finger or the eye would miss it.
        margin = 24
        assert area["x"] + margin <= north_korea["x"], (area, north_korea)
        right = north_korea["x"] + north_korea["width"]
        assert right + margin <= area["x"] + area["width"], (area, north_korea)


def test_the_cross_tables_row_labels_stay_readable_on_a_phone(page, demo_site):
    """A Korean row label was one syllable per line (the figures took the width)."""
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_site.url}/ko/cases/counts/")
    label = page.locator(".counts-table tbody th[scope=row]").first
    box = label.bounding_box()
    assert box["width"] >= 120, box
    # It stays in view while the figures scroll sideways.
    page.locator(".table-scroll").first.evaluate("el => el.scrollLeft = 400")
    assert label.bounding_box()["x"] >= 0, label.bounding_box()


def test_a_table_that_scrolls_sideways_can_be_scrolled_from_the_keyboard(page, demo_site):
    """axe-core's scrollable-region-focusable: a region that scrolls must take focus."""
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_site.url}/ko/cases/counts/")
    region = page.locator(".table-scroll").first
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "it fits: nothing to test"
    # Chromium (since 130) focuses a scroller by itself; other browsers and
    # axe-core's rule need the tabindex.
    assert region.get_attribute("tabindex") == "0"
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('table-scroll')")
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("aria-label") == "공개된 인권침해 집계"
    page.keyboard.press("ArrowRight")
    for _ in range(50):  # scrolling may be smooth: a few frames
        if region.evaluate("el => el.scrollLeft") > 0:
            break
        page.wait_for_timeout(20)
    assert region.evaluate("el => el.scrollLeft") > 0


def test_a_facility_and_an_organization_page_in_korean_on_a_phone(page, demo_site, chromium):
    """Issue 22: a reader opens a facility (its map drawn from the site's own
    boundaries) and an organization in Korean on a phone: nothing scrolls sideways,
    axe-core finds nothing serious, no request leaves the site. The screenshots
    go to test-artifacts/screenshots/ to be looked at."""
    from tests.browser.conftest import ARTIFACTS, assert_only_own_host
    from tests.browser.test_every_public_page import _serious

    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers({"Accept-Language": "ko"})
    page.goto(f"{demo_site.url}/ko/cases/facilities/")
    link = page.locator("ul.register a[href='/ko/cases/facilities/KWL-22/']")
    link.click()
    page.wait_for_selector("#map-facility[data-ready='true']")
    # The provinces' boundaries, from the site's own API (no tiles are configured).
    page.wait_for_function("document.querySelectorAll('#map-facility svg path').length > 10")
    assert page.locator("#map-facility .case-point.facility").count() == 1
    assert page.locator("h1").inner_text() == "회령 제22호 관리소"
    assert sideways(page) <= 0, sideways(page)
    page.screenshot(path=str(folder / "ko-facility-KWL-22-phone.png"), full_page=True)
    # A record listed there opens its page; its perpetrator links to the organization.
    page.locator(".record-list a").first.click()
    page.wait_for_load_state("networkidle")
    assert "/ko/cases/events/" in page.url
    page.goto(f"{demo_site.url}/ko/cases/perpetrators/")
    page.locator("ul.register a[href='/ko/cases/perpetrators/KP-WPK/']").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "조선로동당"
    assert page.locator(".record-list li").count() >= 1
    assert sideways(page) <= 0, sideways(page)
    page.screenshot(path=str(folder / "ko-perpetrator-KP-WPK-phone.png"), full_page=True)
    assert_only_own_host(page, demo_site)
    assert not page.console_errors, page.console_errors

    # axe-core is injected as an inline script, which the site's CSP rightly refuses:
    # this context alone lets it in.
    context = chromium.new_context(bypass_csp=True, viewport=PHONE, locale="ko-KR")
    checked = context.new_page()
    found = {}
    try:
        for path in ["/ko/cases/facilities/KWL-22/", "/ko/cases/perpetrators/KP-WPK/"]:
            checked.goto(f"{demo_site.url}{path}")
            checked.wait_for_load_state("networkidle")
            problems = _serious(checked)
            if problems:
                found[path] = problems
    finally:
        context.close()
    assert found == {}


def test_a_facility_on_the_case_map_links_to_its_page(page, demo_site):
    """Issue 22: a facility's popup on the case map opens the facility's page."""
    page.set_viewport_size(PHONE)
    # The markers' names follow the browser's language (the API's), as a Korean reader's.
    page.set_extra_http_headers({"Accept-Language": "ko"})
    # No event after 2099: the map shows the facilities alone.
    page.goto(f"{demo_site.url}/ko/cases/map/?year_from=2099")
    page.wait_for_selector("#map-cases[data-ready='true']")
    marker = page.locator("#map-cases .case-point.facility").first
    name = marker.get_attribute("title")
    marker.click()
    link = page.locator(".leaflet-popup a", has_text="이 시설에 대하여")
    assert re.fullmatch(r"/ko/cases/facilities/[A-Z0-9-]+/", link.get_attribute("href"))
    # Leaflet pans the map to fit the popup on a phone; under a parallel test run the
    # pan could start after Playwright saw the link stand still, and a click at its
    # old place closed the popup (in two parallel runs of the suite here). The link is clicked
    # where it is, as a keyboard user's Enter would.
    with page.expect_navigation(url="**/ko/cases/facilities/*/"):
        link.dispatch_event("click")
    assert page.locator("h1").inner_text() == name
    assert not page.console_errors, page.console_errors


def test_the_proceedings_in_both_languages_on_a_desktop_and_a_phone(page, demo_site):
    """Issue 22: the published proceedings with their counts by forum and outcome, in
    English and Korean, on a desktop and a phone: nothing scrolls sideways, a count's
    link filters the list, a proceeding opens its page. The screenshots go to
    test-artifacts/screenshots/ to be looked at."""
    from tests.browser.conftest import ARTIFACTS, assert_only_own_host

    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    headings = {"": "Proceedings and interventions", "/ko": "청원 및 개입"}
    for width, size in [("desktop", {"width": 1366, "height": 900}), ("phone", PHONE)]:
        page.set_viewport_size(size)
        for language in LANGUAGES:
            page.goto(f"{demo_site.url}{language}/cases/proceedings/")
            assert page.locator("h1").inner_text() == headings[language]
            assert page.locator("table.period-table").count() == 2
            assert page.locator("ul.register li").count() == 6
            assert sideways(page) <= 0, (width, language, sideways(page))
            name = f"{language.strip('/') or 'en'}-proceedings-{width}.png"
            page.screenshot(path=str(folder / name), full_page=True)
    # A forum's count filters the list; a proceeding opens its page (Korean, phone).
    page.locator("table.period-table a").first.click()
    page.wait_for_load_state("networkidle")
    assert "?forum=" in page.url
    page.locator("ul.register li a[href*='/ko/cases/proceedings/J-']").first.click()
    page.wait_for_load_state("networkidle")
    assert re.search(r"/ko/cases/proceedings/J-[A-Z0-9]+/$", page.url)
    assert sideways(page) <= 0, sideways(page)
    page.screenshot(path=str(folder / "ko-proceeding-phone.png"), full_page=True)
    assert_only_own_host(page, demo_site)
    assert not page.console_errors, page.console_errors
