"""An event page with a named and an unnamed individual perpetrator, and the named
individual's page, in Korean and English on a phone (issue 22). With
NKDB_SCREENSHOTS=1 each page's screenshot goes to test-artifacts/screenshots/."""

import datetime

import pytest

from cases import roles
from cases.naming import perpetrator_naming_approve
from cases.tests import factories
from cases.tests.personas import user_in
from tests.browser.conftest import assert_only_own_host
from tests.browser.test_curation_pages import WIDTHS, look, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Camp 15 security chief Pak"
PSEUDONYM = "Perpetrator pseudonym Qz"
UNNAMED = {"en": "an individual perpetrator, not named", "ko": "이름 미공개 개인 가해자"}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_an_event_page_names_only_the_approved_individual(chromium, live_server, language):
    with factories.one_refresh():
        event = factories.published_case()
        first = event.violations.get()
        second = factories.ViolationFactory(
            publishable=True, event=event, start_date=datetime.date(2009, 3, 1)
        )
        named = factories.PersonFactory(pseudonym=PSEUDONYM)
        for act, person in ((first, named), (second, factories.PersonFactory(pseudonym=PSEUDONYM))):
            factories.InvolvementFactory(
                violation=act, perpetrator_person=person, perpetrator_organization=None
            )
    naming = perpetrator_naming_approve(
        person=named, public_name=NAME, legal_note="Two testimonies", by=user_in(roles.REVIEWER)
    )
    context = chromium.new_context(viewport={"width": WIDTHS["phone"], "height": 900})
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    prefix = {"ko": "/ko", "en": ""}[language]
    try:
        page.goto(f"{live_server.url}{prefix}/cases/events/{event.code}/")
        look(page, f"event-individual-perpetrators-{language}-phone")
        text = page.locator("main").inner_text()
        assert NAME in text and UNNAMED[language] in text and PSEUDONYM not in text
        assert overflow(page) <= 0
        page.get_by_role("link", name=NAME).click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(f"{prefix}/cases/perpetrators/persons/{naming.code}/")
        assert page.locator("h1").inner_text() == NAME
        assert first.code in page.locator("main").inner_text()
        look(page, f"perpetrator-person-{language}-phone")
        assert overflow(page) <= 0
        page.goto(f"{live_server.url}{prefix}/cases/perpetrators/#individuals")
        look(page, f"perpetrators-individuals-{language}-phone")
        assert NAME in page.locator("#individuals").inner_text()
        assert overflow(page) <= 0
        assert page.errors == []
        assert_only_own_host(page, live_server)
    finally:
        context.close()
