"""The admin in a browser far from Seoul: switching its language, and no time-zone
note under a date field (static/css/admin.css, templates/admin/staff_nav.html)."""

import pytest
from django.test import Client

from cases import roles
from cases.tests import factories
from cases.tests.personas import login_with_second_factor, user_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_researcher_in_utc_switches_to_korean_and_back_and_sees_no_time_zone_note(
    chromium, live_server
):
    testimony = factories.TestimonyFactory()
    client = login_with_second_factor(Client(), user_in(roles.RESEARCHER))
    # The server works in Asia/Seoul; this browser is nine hours behind it.
    context = chromium.new_context(timezone_id="UTC", locale="en-GB")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    errors = []
    page.on("response", lambda r: r.status >= 400 and errors.append(r.url))
    try:
        page.goto(f"{live_server.url}/admin/cases/testimony/{testimony.pk}/change/")
        page.wait_for_load_state("load")
        # Django's script did find the mismatch and wrote its note under the date...
        note = page.locator("p.date .timezonewarning").first
        assert note.count() == 1
        assert "behind server time" in note.text_content()
        # ...which is not shown: a date has no time of day.
        assert not note.is_visible()
        assert page.locator("#nav-search").text_content() == "Search the records"

        page.click("#admin-language button")
        page.wait_for_url(f"{live_server.url}/ko/admin/cases/testimony/{testimony.pk}/change/")
        assert page.locator("html").get_attribute("lang") == "ko"
        assert page.locator("#nav-search").text_content() == "기록 검색"

        page.click("#admin-language button")
        page.wait_for_url(f"{live_server.url}/admin/cases/testimony/{testimony.pk}/change/")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("#nav-search").text_content() == "Search the records"
        assert errors == []
    finally:
        context.close()
