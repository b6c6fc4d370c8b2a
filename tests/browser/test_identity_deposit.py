"""The identity drop box as a researcher meets it, in the Korean admin: from the
person's page to the sealed identity, and the name never shown back (issue 21)."""

import pytest
from django.test import Client

from cases import roles
from cases.models import Identity, IdentityAccess
from cases.tests import factories
from cases.tests.personas import login_with_second_factor, user_in
from tests.browser.conftest import assert_only_own_host

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "김순옥"


def test_a_researcher_deposits_an_identity_in_korean_and_never_sees_it_again(chromium, live_server):
    person = factories.PersonFactory()
    client = login_with_second_factor(Client(), user_in(roles.RESEARCHER))
    context = chromium.new_context(locale="ko-KR")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.requests, errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto(f"{live_server.url}/ko/admin/cases/person/{person.pk}/change/")
        page.get_by_role("link", name="신원 맡기기").click()
        page.get_by_label("실명").fill(NAME)
        page.get_by_role("button").filter(has_text="저장").or_(
            page.locator("input[type=submit]")
        ).first.click()
        page.wait_for_url(f"{live_server.url}/ko/admin/cases/person/{person.pk}/change/")
        message = page.locator(".messagelist").inner_text()
        assert f"{person.code}의 신원을 보관소에 봉인했습니다" in message
        assert NAME not in page.content()
        # Back at the drop box: it says an identity is held, and shows no form or name.
        page.get_by_role("link", name="신원 맡기기").click()
        assert NAME not in page.content()
        assert page.locator("#content-main input[name=real_name]").count() == 0
        assert errors == []
        assert_only_own_host(page, live_server)
    finally:
        context.close()
    assert Identity.objects.get(person=person).real_name == NAME
    assert list(IdentityAccess.objects.values_list("action", flat=True)) == ["create"]
