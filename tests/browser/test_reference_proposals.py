"""A reviewer finds the places researchers proposed and approves them, in Korean
and English, on a desktop and a phone (issue 21). With NKDB_SCREENSHOTS=1 each
page's screenshot goes to test-artifacts/screenshots/."""

import pytest

from cases.models import Place
from cases.tests import factories
from tests.browser.conftest import assert_only_own_host
from tests.browser.test_curation_pages import WIDTHS, look, overflow, reviewer_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language,device", [("ko", "desktop"), ("ko", "phone"), ("en", "phone")])
def test_a_reviewer_approves_a_proposed_county_from_the_list(
    chromium, live_server, language, device
):
    province = factories.PlaceFactory(code="KP-09", name_en="North Hamgyong", name_ko="함경북도")
    factories.PlaceFactory(
        code="KP-09-90",
        parent=province,
        level=Place.Level.COUNTY,
        name_en="Onsong",
        name_ko="온성군",
        approved=False,
    )
    context, page = reviewer_page(chromium, live_server, WIDTHS[device])
    try:
        prefix = {"ko": "/ko", "en": ""}[language]  # English is the unprefixed default
        page.goto(f"{live_server.url}{prefix}/admin/cases/place/?approval=awaiting")
        look(page, f"admin-place-proposals-{language}-{device}")
        rows = page.locator("#result_list tbody tr")
        assert rows.count() == 1
        proposed = {"ko": "(제안됨)", "en": "(proposed)"}[language]
        assert proposed in rows.first.inner_text()
        assert overflow(page) <= 0
        rows.first.locator("input.action-select").check()
        page.locator("select[name=action]").select_option("approve")
        page.locator("button[name=index]").click()
        assert {"ko": "승인함: 1건.", "en": "Approved: 1."}[language] in page.locator(
            ".messagelist"
        ).inner_text()
        look(page, f"admin-place-approved-{language}-{device}")
        assert page.errors == []
        assert_only_own_host(page, live_server)
    finally:
        context.close()
    assert Place.objects.get(code="KP-09-90").approved
