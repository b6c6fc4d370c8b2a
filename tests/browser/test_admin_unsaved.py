"""A reviewer who typed into a record's form and then uses the review box is asked
before the edit is left behind (static/js/admin-unsaved.js, issue 21)."""

import pytest
from django.test import Client

from cases import roles
from cases.models import Event
from cases.tests import factories
from cases.tests.personas import login_with_second_factor, user_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_review_box_asks_before_leaving_unsaved_edits_behind(chromium, live_server):
    event = factories.EventFactory(status="in_review", title_en="As saved")
    client = login_with_second_factor(Client(), user_in(roles.REVIEWER))
    context = chromium.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    url = f"{live_server.url}/admin/cases/event/{event.pk}/change/"
    try:
        page.goto(url)
        page.fill("#id_review_comment", "Please cite the source.")
        page.fill("#id_title_en", "Typed, not saved")
        page.get_by_role("button", name="Return with comment").click()
        assert asked == [
            "The changes typed into the form above are not saved and will be lost. Go on?"
        ]
        assert page.url == url and page.input_value("#id_title_en") == "Typed, not saved"
        assert Event.objects.get(pk=event.pk).status == "in_review"
        # Nothing typed into the record's form: the step goes ahead without a question.
        page.goto(url)
        page.fill("#id_review_comment", "Please cite the source.")
        page.get_by_role("button", name="Return with comment").click()
        page.wait_for_url(f"**/admin/cases/event/{event.pk}/change/")
        assert len(asked) == 1
    finally:
        context.close()
    assert Event.objects.get(pk=event.pk).status == "returned"
