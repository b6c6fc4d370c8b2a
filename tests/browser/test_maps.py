"""The three maps in a real browser, with the shipped figures and a few public cases."""

import re
from decimal import Decimal

import pytest

from cases.models import LocationPrecision, Place
from cases.tests.factories import EventFactory, PersonFactory, PlaceFactory, ViolationFactory
from public import markers as public_markers
from stats.shipped import load_shipped_statistics
from tests.browser.conftest import assert_only_own_host

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for_map(page, selector):
    page.wait_for_selector(f"{selector}[data-ready='true']")


def test_province_map_shows_north_hamgyong(page, live_server):
    load_shipped_statistics()
    page.goto(f"{live_server.url}/stats/maps/")
    wait_for_map(page, "#map-origin")
    page.click("#map-origin path[data-code='KP-09']")
    info = page.locator("#map-origin-info")
    info.get_by_text("North Hamgyong").wait_for()
    text = info.inner_text()
    for figure in ("19,941", "15,080", "4,861"):
        assert re.search(rf"(?<![\d,]){figure}(?![\d,])", text), figure
    assert "mid-2024" in text  # the cut-off
    # Keyboard: from the map, Tab to the first province and press Enter.
    page.focus("#map-origin")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('data-code')") == "KP-01"
    page.keyboard.press("Enter")
    info.get_by_text("Pyongyang").wait_for()
    assert re.search(r"(?<![\d,])867(?![\d,])", info.inner_text())  # not 1,867 nor 8,670
    # The residence map and the legend are drawn too, its swatches coloured (an
    # inline style="" would be refused by the site's CSP and leave them blank).
    wait_for_map(page, "#map-residence")
    assert page.locator("#map-origin-legend li").count() >= 3
    colours = page.eval_on_selector_all(
        "#map-origin-legend .swatch", "spans => spans.map(s => getComputedStyle(s).backgroundColor)"
    )
    assert colours and "rgba(0, 0, 0, 0)" not in colours, colours
    assert len(set(colours)) >= 3
    assert not page.console_errors, page.console_errors
    assert_only_own_host(page, live_server)


def test_flow_map_highlights_a_country_on_hover(page, live_server):
    load_shipped_statistics()
    page.goto(f"{live_server.url}/stats/maps/flows/?year=2024")
    wait_for_map(page, "#map-flows")
    assert page.locator("#map-flows path.flow-line").count() >= 5
    page.hover("#map-flows path[data-code='DEU']", force=True)
    page.wait_for_selector("#map-flows[data-highlighted='DEU']")
    text = page.locator("#map-flows-info").inner_text()
    assert "Germany" in text and "UNHCR" in text
    # Hovering a flow highlights its country too.
    page.mouse.move(0, 0)
    page.dispatch_event("#map-flows path[data-flow='CAN']", "mouseover")
    page.wait_for_selector("#map-flows[data-highlighted='CAN']")
    assert "Canada" in page.locator("#map-flows-info").inner_text()
    assert not page.console_errors, page.console_errors
    assert_only_own_host(page, live_server)


def test_flow_map_in_korean_names_countries_and_editions_in_korean(page, live_server):
    """Issue 19, finding 2: the map's panel came from the API in the browser's language
    (English here), not the page's."""
    load_shipped_statistics()
    page.goto(f"{live_server.url}/ko/stats/maps/flows/?year=2024")
    wait_for_map(page, "#map-flows")
    page.hover("#map-flows path[data-code='DEU']", force=True)
    page.wait_for_selector("#map-flows[data-highlighted='DEU']")
    text = page.locator("#map-flows-info").inner_text()
    assert "독일" in text and "Germany" not in text, text
    assert "R 패키지 refugees v2025.12.1" in text or "유엔난민기구" in text, text
    # Leaflet's zoom buttons take their titles from the page's catalogue.
    assert page.get_attribute("#map-flows .leaflet-control-zoom-in", "title") == "확대"
    assert page.get_attribute("#map-flows .leaflet-control-zoom-out", "title") == "축소"
    assert not page.console_errors, page.console_errors


def test_case_map_shows_clusters(page, live_server, monkeypatch):
    monkeypatch.setattr(public_markers, "POINT_LIMIT", 3)
    country = PlaceFactory(code="KP", level=Place.Level.COUNTRY, name_en="North Korea")
    for code, lat, lon in (("KP-09", "41.7833", "129.7667"), ("KP-05", "38.0333", "125.7")):
        province = PlaceFactory(
            code=code,
            parent=country,
            latitude=Decimal(lat),
            longitude=Decimal(lon),
            location_precision=LocationPrecision.PROVINCE,
        )
        for _ in range(3):
            event = EventFactory(publishable=True, place=province)
            victim = PersonFactory(publishable=True, is_alive=False)
            ViolationFactory(publishable=True, event=event, victim=victim)
    page.goto(f"{live_server.url}/cases/map/")
    page.wait_for_selector("#map-cases[data-mode='clusters']")
    page.wait_for_selector("#map-cases .server-cluster")
    counts = sorted(
        int(t) for t in page.locator("#map-cases .server-cluster span").all_inner_texts()
    )
    assert counts == [3, 3]
    status = page.locator("#case-map-status").inner_text()
    assert status == "6 events in view, grouped; zoom in to see each one.", status
    # Zoomed in on one cluster, its events arrive one by one.
    page.locator("#map-cases .server-cluster").first.click()
    page.wait_for_selector("#map-cases[data-mode='points']")
    # Filtered on the page, the link to the case search carries the same filters.
    page.select_option("#id_province", "KP-09")
    page.fill("#id_year_from", "2001")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/cases/map/?province=KP-09&year_from=2001")
    link = page.get_by_role("link", name="Show these in the case search")
    assert link.get_attribute("href") == "/cases/?province=KP-09&year_from=2001"
    link.click()
    page.wait_for_url("**/cases/?province=KP-09&year_from=2001")
    assert not page.console_errors, page.console_errors
    assert_only_own_host(page, live_server)
