"""Curation pages as a reviewer meets them in the Korean admin, on a desktop and a
phone: the duplicate finder and the side-by-side merge (issue 21), and a border
crossing published without its dates after the re-identification check refused it
(issue 18). With NKDB_SCREENSHOTS=1 each page's screenshot goes to
test-artifacts/screenshots/ to be looked at."""

import datetime
import os
from pathlib import Path

import pytest
from django.test import Client

from cases import roles
from cases.models import BorderCrossing, Person, Sex
from cases.tests import factories
from cases.tests.personas import login_with_second_factor, user_in
from tests.browser.conftest import assert_only_own_host

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = {"desktop": 1366, "phone": 390}


def reviewer_page(chromium, live_server, width):
    client = login_with_second_factor(Client(), user_in(roles.REVIEWER))
    context = chromium.new_context(locale="ko-KR", viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    return context, page


def look(page, name):
    if os.environ.get("NKDB_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def overflow(page):
    """How far the page scrolls sideways, in CSS pixels."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("device", WIDTHS)
def test_a_reviewer_finds_a_duplicate_across_scripts_and_merges_it_keeping_the_year(
    chromium, live_server, device
):
    korean = factories.PersonFactory(pseudonym="김순옥", sex=Sex.FEMALE, birth_year=None)
    factories.PersonFactory(pseudonym="Kim Sun-ok", sex=Sex.FEMALE, birth_year=1972)
    context, page = reviewer_page(chromium, live_server, WIDTHS[device])
    try:
        page.goto(f"{live_server.url}/ko/admin/cases/person/")
        page.get_by_role("link", name="중복 찾기").click()
        table = page.locator("#duplicates")
        assert "김순옥" in table.inner_text() and "Kim Sun-ok" in table.inner_text()
        look(page, f"admin-duplicates-ko-{device}")
        assert overflow(page) <= 0
        page.locator("#duplicates a").first.click()
        assert "1972" in page.locator("#content-main").inner_text()
        look(page, f"admin-merge-ko-{device}")
        assert overflow(page) <= 0
        page.locator("form:has(#person-compare) [type=submit]").click()
        assert "병합" in page.locator(".messagelist").inner_text()
        assert page.errors == []
        assert_only_own_host(page, live_server)
    finally:
        context.close()
    assert Person.objects.count() == 1
    assert Person.objects.get().birth_year == 1972  # the year only one record had is kept
    assert Person.objects.get().pseudonym in (korean.pseudonym, "Kim Sun-ok")


@pytest.mark.parametrize("device", WIDTHS)
def test_a_reviewer_withholds_a_crossings_dates_after_the_check_refuses_it(
    chromium, live_server, device, settings
):
    settings.REIDENTIFICATION_K = 2
    crossing = factories.BorderCrossingFactory(
        status="in_review", crossing_date=datetime.date(2011, 5, 1), crossing_date_precision="month"
    )
    factories.BorderCrossingFactory(
        crossing_date=None, withhold_year=True, **factories.PUBLISHED
    )  # the one other published crossing: it shows no date
    context, page = reviewer_page(chromium, live_server, WIDTHS[device])
    change = f"{live_server.url}/ko/admin/cases/bordercrossing/{crossing.pk}/change/"
    try:
        page.goto(change)
        section = page.locator("fieldset", has_text="공개하지 않는 정보")
        assert section.count() == 1
        look(page, f"admin-crossing-withhold-ko-{device}")
        assert overflow(page) <= 0  # the legs' table once pushed the form 470 px wider
        page.goto(f"{change.removesuffix('change/')}preview/")
        assert "재식별 위험" in page.locator("#preview").inner_text()
        look(page, f"admin-crossing-preview-refused-ko-{device}")
        page.goto(change)
        page.get_by_label("날짜 없이 공개").check()
        page.locator("input[name=_continue]").click()
        page.goto(f"{change.removesuffix('change/')}preview/")
        text = page.locator("#preview").inner_text()
        assert "재식별 위험" not in text and "2011" not in text, text
        look(page, f"admin-crossing-preview-passes-ko-{device}")
        assert page.errors == []
        assert_only_own_host(page, live_server)
    finally:
        context.close()
    crossing.refresh_from_db()
    assert crossing.withhold_year and crossing.crossing_date == datetime.date(2011, 5, 1)
    assert not BorderCrossing.objects.public().filter(pk=crossing.pk).exists()


def admin_pages():
    """The changelist and the add form of every model in the admin."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    pages = []
    for model in admin.site._registry:
        meta = model._meta
        for view in ("changelist", "add"):
            try:
                pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}"))
            except NoReverseMatch:
                continue
    return sorted(pages)


@pytest.mark.parametrize("device", WIDTHS)
def test_no_admin_list_or_form_is_wider_than_the_screen(chromium, live_server, device):
    """Every changelist and add form, in Korean, as a custodian (who may open the most)."""
    client = login_with_second_factor(Client(), user_in(roles.CUSTODIAN))
    viewport = {"width": WIDTHS[device], "height": 900}
    context = chromium.new_context(locale="ko-KR", viewport=viewport)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    wide, opened = {}, []
    try:
        for path in admin_pages():
            response = page.goto(f"{live_server.url}/ko{path.removeprefix('/ko')}")
            if response.status != 200:
                continue
            opened.append(path)
            if overflow(page) > 0:
                wide[path] = overflow(page)
                look(page, f"admin-wide-{device}" + path.replace("/", "-"))
    finally:
        context.close()
    assert len(opened) > 30, opened
    assert any("bordercrossing/add" in path for path in opened)
    assert wide == {}
