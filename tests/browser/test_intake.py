"""A researcher enters one whole testimony through the intake page (issue 21): the
target was at most 3 page submissions, where the admin's forms took 14. Counted
here as the POSTs that navigate. In Korean on a desktop; the refusal of a bad date
in English on a phone. With NKDB_SCREENSHOTS=1 the pages go to
test-artifacts/screenshots/."""

import pytest
from django.test import Client

from cases import roles
from cases.models import (
    BorderCrossing,
    CrossingLeg,
    Event,
    Involvement,
    Person,
    Source,
    Testimony,
    Violation,
    WorkflowStatus,
)
from cases.tests import factories
from cases.tests.personas import login_with_second_factor, user_in
from tests.browser.conftest import assert_only_own_host
from tests.browser.test_curation_pages import WIDTHS, look, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRANSCRIPT = "저는 2009년 4월에 중국에서 강제송환되어 회령 집결소에 갇혔습니다."


def researcher_page(chromium, live_server, width, locale):
    client = login_with_second_factor(Client(), user_in(roles.RESEARCHER))
    context = chromium.new_context(locale=locale, viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.requests, page.errors, page.posts = [], [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on(
        "request",
        lambda r: r.is_navigation_request() and r.method == "POST" and page.posts.append(r.url),
    )
    return context, page


def choose(page, name, text):
    """Pick `text` in the admin's autocomplete (select2) of the field named `name`."""
    page.locator(f"select[name='{name}'] + .select2").click()
    page.keyboard.type(text)
    page.locator(".select2-results__option", has_text=text).first.click()


@pytest.fixture
def refs():
    return {
        "detention": factories.ViolationTypeFactory(name_en="Arbitrary detention", name_ko="구금"),
        "beating": factories.ViolationTypeFactory(name_en="Torture by beating", name_ko="구타"),
        "bowibu": factories.OrganizationFactory(
            name_en="Hoeryong security office", name_ko="회령 보위부"
        ),
        "guard": factories.PersonFactory(pseudonym="Guard Ri"),
        "china": factories.PlaceFactory(country=True, name_en="China", name_ko="중국"),
        "laos": factories.PlaceFactory(country=True, name_en="Laos", name_ko="라오스"),
    }


def fill_the_testimony(page):
    page.fill("[name=person-pseudonym]", "Intake witness")
    page.select_option("[name=person-sex]", "female")
    page.fill("[name=person-birth_year]", "1970")
    page.fill("[name=testimony-title_ko]", "회령 집결소 증언")
    page.fill("[name=testimony-interview_date]", "2024-05-14")
    page.fill("[name=testimony-start_date]", "2009년 4월")
    page.fill("[name=testimony-public_summary_ko]", "강제송환 후 구금된 경험.")
    page.fill("[name=testimony-transcript]", TRANSCRIPT)
    page.select_option("[name=testimony-consent_scope]", "anonymised")
    page.fill("[name=testimony-consent_given_on]", "2024-05-14")
    page.fill("[name=testimony-consent_method]", "signed form")
    page.fill("[name=events-0-title_ko]", "강제송환 후 구금")
    page.fill("[name=events-0-start_date]", "2009-04")


KOREAN = {"detention": "구금", "beating": "구타", "bowibu": "회령 보위부"}
ENGLISH = {"detention": "Arbitrary detention", "beating": "Torture", "bowibu": "Hoeryong"}


def fill_two_violations(page, second_date, names):
    choose(page, "violations-0-violation_type", names["detention"])
    page.fill("[name=violations-0-start_date]", "2009년경")
    choose(page, "violations-0-perpetrator_organizations", names["bowibu"])
    page.locator("[data-add-row=violations]").click()
    choose(page, "violations-1-violation_type", names["beating"])
    page.select_option("[name=violations-1-victim_is]", "new")
    page.fill("[name=violations-1-victim_pseudonym]", "Fellow detainee")
    page.fill("[name=violations-1-start_date]", second_date)
    choose(page, "violations-1-perpetrator_persons", "Guard Ri")


def fill_the_crossing_and_source(page):
    page.fill("[name=crossing-crossing_date]", "2009-02")
    page.fill("[name=crossing-crossing_point]", "두만강, 회령 부근")
    page.select_option("[name=crossing-outcome]", "reached_south_korea")
    page.fill("[name=crossing-arrival_date]", "2011-06-20")
    page.locator("[data-add-row=legs]").click()
    choose(page, "legs-0-country", "중국")
    page.fill("[name=legs-0-entered_on]", "2009-02")
    page.locator("[data-add-row=legs]").click()
    choose(page, "legs-1-country", "라오스")
    page.fill("[name=legs-1-entered_on]", "2011")
    page.select_option("[name=sources-0-kind]", "interview")
    page.fill("[name=sources-0-title]", "면담 녹음 2024-05-14")
    page.fill("[name=sources-0-event_rows]", "1")


def test_a_researcher_enters_a_whole_testimony_in_one_submission(chromium, live_server, refs):
    context, page = researcher_page(chromium, live_server, WIDTHS["desktop"], "ko-KR")
    try:
        page.goto(f"{live_server.url}/ko/admin/")
        page.locator("#intake-link a").click()
        fill_the_testimony(page)
        fill_two_violations(page, "2009-04-20", KOREAN)
        fill_the_crossing_and_source(page)
        look(page, "admin-intake-ko-desktop")
        assert overflow(page) <= 0
        page.set_viewport_size({"width": WIDTHS["phone"], "height": 900})
        look(page, "admin-intake-ko-phone")
        assert overflow(page) <= 0
        page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
        page.locator("input[name=_submit_for_review]").click()
        page.wait_for_url("**/admin/cases/testimony/*/change/")
        assert "Nothing was submitted" not in page.content()
        look(page, "admin-intake-saved-ko-desktop")
        assert len(page.posts) <= 3, page.posts
        assert page.errors == []
        assert_only_own_host(page, live_server)
    finally:
        context.close()
    assert len(page.posts) == 1
    testimony = Testimony.objects.get()
    person = testimony.interviewee
    assert testimony.transcript == TRANSCRIPT
    event = Event.objects.get()
    detention = Violation.objects.get(violation_type=refs["detention"])
    beating = Violation.objects.get(violation_type=refs["beating"])
    assert (detention.event, detention.victim, beating.event) == (event, person, event)
    assert beating.victim.pseudonym == "Fellow detainee"
    assert set(Involvement.objects.values_list("violation", "perpetrator_organization")) == {
        (detention.pk, refs["bowibu"].pk),
        (beating.pk, None),
    }
    assert Involvement.objects.get(violation=beating).perpetrator_person == refs["guard"]
    crossing = BorderCrossing.objects.get()
    assert (crossing.person, crossing.testimony) == (person, testimony)
    assert list(CrossingLeg.objects.order_by("order").values_list("country", flat=True)) == [
        refs["china"].pk,
        refs["laos"].pk,
    ]
    assert Source.objects.get().testimony_links.get().testimony == testimony
    # Saved as drafts, then submitted together: every record of the bundle is in review.
    for record in (person, beating.victim, testimony, event, detention, beating, crossing):
        record.refresh_from_db()
        assert record.status == WorkflowStatus.IN_REVIEW, record
    assert Person.objects.get(pk=refs["guard"].pk).status == WorkflowStatus.DRAFT


def test_a_bad_date_in_one_violation_names_the_row_and_saves_nothing(chromium, live_server, refs):
    context, page = researcher_page(chromium, live_server, WIDTHS["phone"], "en-GB")
    try:
        page.goto(f"{live_server.url}/admin/cases/testimony/")
        page.get_by_role("link", name="New testimony (intake)").click()
        fill_the_testimony(page)
        fill_two_violations(page, "sometime in spring", ENGLISH)
        page.fill("[name=sources-0-title]", "Interview recording")
        page.select_option("[name=sources-0-kind]", "interview")
        page.locator("input[name=_save]").click()
        problems = page.locator("#intake-problems")
        assert "Nothing was saved" in problems.inner_text()
        assert "Violation 2, Start date: Type the date as it is known" in problems.inner_text()
        # The page comes back as typed, the second violation's row included.
        assert page.input_value("[name=violations-1-start_date]") == "sometime in spring"
        assert page.input_value("[name=testimony-transcript]") == TRANSCRIPT
        look(page, "admin-intake-refused-en-phone")
        assert overflow(page) <= 0
        assert len(page.posts) == 1
        assert page.errors == []
    finally:
        context.close()
    assert not Testimony.objects.exists() and not Event.objects.exists()
    assert Person.objects.count() == 1  # the guard only
