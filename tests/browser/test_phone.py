"""The public pages on a phone (390 by 844), in English and Korean, with the demo
cases and the shipped figures: nothing scrolls sideways, the search shows its
results first, and the flow map's menus and North Korea fit the screen."""

import pytest

from cases.demo import generate_demo_data
from cases.models import Event
from cases.reference import load_reference_data
from stats.shipped import load_shipped_statistics

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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
    "/stats/",
    "/stats/arrivals/",
    "/stats/profile/",
    "/stats/refugees/",
    "/stats/emigrant-stock/",
    "/stats/maps/",
    "/stats/maps/flows/",
    "/api/docs/",
]


@pytest.fixture
def demo():
    load_reference_data()
    generate_demo_data(persons=40, seed=1)  # what `seed_demo` gives a new site
    load_shipped_statistics()


def sideways(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_no_public_page_scrolls_sideways_on_a_phone(page, live_server, demo):
    event = Event.objects.public().order_by("code").first()
    page.set_viewport_size(PHONE)
    wide = []
    for language in LANGUAGES:
        for path in [*PAGES, f"/cases/events/{event.code}/"]:
            page.goto(f"{live_server.url}{language}{path}")
            page.wait_for_load_state("networkidle")
            if sideways(page) > 0:
                wide.append(f"{language}{path}: {sideways(page)} px")
    assert wide == []


def test_the_search_shows_its_results_on_a_phones_first_screen(page, live_server, demo):
    page.set_viewport_size(PHONE)
    for language in LANGUAGES:
        page.goto(f"{live_server.url}{language}/cases/")
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
    page.goto(f"{live_server.url}/cases/")
    page.wait_for_selector("details.case-filters[open]")
    assert not page.console_errors, page.console_errors


def test_the_flow_maps_menus_and_north_korea_fit_a_phone(page, live_server):
    load_shipped_statistics()
    page.set_viewport_size(PHONE)
    for language in LANGUAGES:
        page.goto(f"{live_server.url}{language}/stats/maps/flows/")
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


def test_the_cross_tables_row_labels_stay_readable_on_a_phone(page, live_server, demo):
    """A Korean row label was one syllable per line (the figures took the width)."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/ko/cases/counts/")
    label = page.locator(".counts-table tbody th[scope=row]").first
    box = label.bounding_box()
    assert box["width"] >= 120, box
    # It stays in view while the figures scroll sideways.
    page.locator(".table-scroll").first.evaluate("el => el.scrollLeft = 400")
    assert label.bounding_box()["x"] >= 0, label.bounding_box()
