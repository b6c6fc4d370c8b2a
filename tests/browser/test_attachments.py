"""Attachments as a researcher and a custodian meet them in the Korean admin, on a
desktop and a phone: the researcher uploads a recording to a testimony and sees
its kind and size only; the custodian sees its name and the download (issue 21).
With NKDB_SCREENSHOTS=1 each page's screenshot goes to test-artifacts/screenshots/."""

import pytest
from django.test import Client

from cases import roles
from cases.models import Attachment, AttachmentAccess
from cases.tests import factories
from cases.tests.personas import login_with_second_factor, user_in
from tests.browser.conftest import assert_only_own_host
from tests.browser.test_curation_pages import WIDTHS, look

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "김순옥_면담.mp3"
DESCRIPTION = "2024년 서울 면담 녹음"


def page_as(chromium, live_server, user, width):
    client = login_with_second_factor(Client(), user)
    context = chromium.new_context(locale="ko-KR", viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    return context, page


@pytest.mark.parametrize("device", WIDTHS)
def test_a_researcher_uploads_a_recording_and_only_a_custodian_sees_its_name(
    chromium, live_server, device, settings, tmp_path
):
    settings.PRIVATE_FILES_ROOT = tmp_path
    testimony = factories.TestimonyFactory(title_ko="구금 증언")
    url = f"{live_server.url}/ko/admin/cases/testimony/{testimony.pk}/change/"
    context, page = page_as(chromium, live_server, user_in(roles.RESEARCHER), WIDTHS[device])
    try:
        page.goto(url)
        page.locator("#attachments-2-group .add-row a").click()
        page.set_input_files(
            "input[name='attachments-2-0-upload']",
            files=[{"name": NAME, "mimeType": "audio/mpeg", "buffer": b"ID3\x03" + b"\x00" * 4000}],
        )
        page.select_option("select[name='attachments-2-0-kind']", "audio")
        page.fill("textarea[name='attachments-2-0-description']", DESCRIPTION)
        look(page, f"admin-attachment-upload-ko-{device}")
        page.locator("input[name=_continue]").click()
        page.wait_for_url(url)
        listing = page.locator("#attachments-group").inner_text()
        assert "음성 녹음" in listing and "3.9\xa0KB" in listing
        assert "김순옥" not in page.content() and "서울 면담" not in page.content()
        look(page, f"admin-attachments-researcher-ko-{device}")
        assert page.errors == []
        assert_only_own_host(page, live_server)
    finally:
        context.close()
    context, page = page_as(chromium, live_server, user_in(roles.CUSTODIAN), WIDTHS[device])
    try:
        page.goto(url)
        listing = page.locator("#attachments-group")
        assert NAME in listing.inner_text() and DESCRIPTION in listing.inner_text()
        assert listing.get_by_role("link", name="내려받기").count() == 1
        look(page, f"admin-attachments-custodian-ko-{device}")
    finally:
        context.close()
    assert Attachment.objects.get().file_name == NAME
    assert list(AttachmentAccess.objects.values_list("action", flat=True)) == ["upload"]
