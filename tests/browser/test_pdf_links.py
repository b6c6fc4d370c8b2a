"""The PDFs as a reader and a researcher reach them (issue 22): the "PDF" link of a
published event's and testimony's page, in English and Korean and at phone width,
and the "Print for the witness" button of a testimony's admin page. Each click
must bring a PDF (its content type and its first bytes), not a page.

One live server for the module, on data made once and rolled back after it.
With NKDB_SCREENSHOTS=1 the pages' screenshots go to test-artifacts/screenshots/."""

import pytest
from django.test import Client

from cases import roles
from cases.tests import factories
from cases.tests.personas import login_with_second_factor, user_in
from tests.browser.test_curation_pages import WIDTHS, look

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """A published case and its testimony, a researcher with a second factor, and a
    live server that shares the test thread's in-memory databases (as demo_site)."""
    from django.db import connections
    from pytest_django.live_server_helper import LiveServer

    from core.testing import rolled_back

    if not all(c.vendor == "sqlite" and c.is_in_memory_db() for c in connections.all()):
        pytest.fail("the module's live server needs SQLite's in-memory test databases")
    with django_db_blocker.unblock(), rolled_back():
        event = factories.published_case(title_en="Detention by state security")
        testimony = event.information.get().testimony
        session = login_with_second_factor(Client(), user_in(roles.RESEARCHER)).cookies
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield {
                "url": server.url,
                "server": server,
                "event": event,
                "testimony": testimony,
                "session": session["sessionid"].value,
            }
        finally:
            server._live_server_modified_settings.disable()
            server.stop()


def opened(chromium, width, locale="en-GB"):
    context = chromium.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.set_default_timeout(30000)  # a PDF renders in about a second on a busy machine
    return context, page


def clicked(page, link, pattern):
    """(content type, body) of what a click on `link` brings from an address that
    matches `pattern`, seen on its way to the browser: Chromium shows the PDF in its
    own viewer, which exposes no response to read."""
    seen = []

    def handle(route):
        response = route.fetch()
        seen.append((response.headers.get("content-type"), response.body()))
        route.fulfill(response=response)

    page.route(pattern, handle)
    link.click()
    for _ in range(300):
        if seen:
            break
        page.wait_for_timeout(100)
    page.unroute(pattern)
    assert len(seen) == 1, seen
    return seen[0]


@pytest.mark.parametrize(("prefix", "device"), [("", "desktop"), ("/ko", "phone")])
def test_a_reader_clicks_pdf_on_an_event_and_a_testimony_page(chromium, site, prefix, device):
    context, page = opened(chromium, WIDTHS[device], "ko-KR" if prefix else "en-GB")
    try:
        for kind, path in [("event", "events"), ("testimony", "testimonies")]:
            code = site[kind].code
            page.goto(f"{site['url']}{prefix}/cases/{path}/{code}/")
            link = page.get_by_role("link", name="PDF", exact=True)
            assert link.get_attribute("href") == f"{prefix}/cases/{path}/{code}/pdf/"
            assert link.is_visible()
            look(page, f"case-{kind}-pdf-link{prefix.replace('/', '-') or '-en'}-{device}")
            assert page.errors == []
            content_type, body = clicked(page, link, "**/pdf/")
            assert content_type == "application/pdf", kind
            assert body.startswith(b"%PDF-"), kind
        # The browser's own PDF viewer loads its parts from itself (chrome-extension:).
        others = [u for u in page.requests if not u.startswith((site["url"] + "/", "chrome"))]
        assert others == []
    finally:
        context.close()


def test_a_researcher_prints_a_testimony_for_its_witness(chromium, site):
    context, page = opened(chromium, WIDTHS["desktop"], "ko-KR")
    context.add_cookies([{"name": "sessionid", "value": site["session"], "url": site["url"]}])
    try:
        testimony = site["testimony"]
        page.goto(f"{site['url']}/ko/admin/cases/testimony/{testimony.pk}/change/")
        button = page.get_by_role("link", name="증인용 인쇄")
        look(page, "admin-testimony-print-button-ko-desktop")
        assert button.get_attribute("download") is not None  # saved, never shown
        with page.expect_download() as download:
            button.click()
        assert download.value.url.endswith(f"/testimony/{testimony.pk}/print/")
        assert download.value.suggested_filename.endswith(".pdf")
        with open(download.value.path(), "rb") as saved:
            assert saved.read(5) == b"%PDF-"
        assert page.errors == []
    finally:
        context.close()
