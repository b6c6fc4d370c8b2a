"""The testimony printed for its witness (cases/printing.py): rendered by WeasyPrint and
read back with pypdf, as each role may read it, in Korean and English."""

import pytest
from django.urls import reverse

from cases import roles
from cases.models import Confidentiality, Person, TestimonyPrint
from cases.tests import factories
from cases.tests.personas import login_with_second_factor, user_in
from core.testing import keep_pdf, needs_pdf, pdf_fonts, pdf_text, rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _records(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), rolled_back():
        roles.ensure_roles()
        witness = factories.PersonFactory(pseudonym="증인 가람")
        factories.IdentityFactory(person=witness, real_name="REALNAME-NEVER-PRINTED")
        testimony = factories.TestimonyFactory(
            interviewee=witness,
            interviewer="Interviewer Han",
            title_ko="구금에 관한 증언",
            title_en="An account of detention",
            public_summary_ko="보위부에 구금되어 조사를 받았다.",
            public_summary_en="Held and questioned by state security.",
            transcript="TRANSCRIPT-FOR-CUSTODIANS 녹취록",
            confidentiality=Confidentiality.RESTRICTED,
        )
        event = factories.EventFactory(title_ko="무산 구류장 구금", title_en="Detention in Musan")
        factories.InformationFactory(testimony=testimony, event=event)
        act = factories.ViolationFactory(
            event=event,
            victim=witness,
            violation_type=factories.ViolationTypeFactory(name_ko="자의적 구금"),
        )
        factories.InformationFactory(testimony=testimony, event=None, violation=act)
        factories.InvolvementFactory(
            violation=act,
            perpetrator_organization=factories.OrganizationFactory(name_ko="국가보위성 무산군"),
        )
        # Another witness's act in the same event: not this witness's to read.
        others = factories.ViolationFactory(
            event=event, victim=factories.PersonFactory(pseudonym="OTHER-VICTIM")
        )
        factories.InformationFactory(event=None, violation=others)
        hidden = factories.EventFactory(
            title_en="CONFIDENTIAL-EVENT", confidentiality=Confidentiality.CONFIDENTIAL
        )
        factories.InformationFactory(testimony=testimony, event=hidden)
        crossing = factories.BorderCrossingFactory(person=witness, testimony=testimony)
        factories.CrossingLegFactory(
            crossing=crossing,
            country=factories.PlaceFactory(code="CN", level="country", name_ko="중국"),
        )
        factories.TestimonySourceFactory(testimony=testimony, source__title="INTERNAL-TITLE")
        yield testimony


@pytest.fixture
def testimony(_records, db):
    needs_pdf()
    return _records


def printed(client, role, testimony, *, prefix=""):
    user = user_in(role)
    login_with_second_factor(client, user)
    url = prefix + reverse("admin:cases_testimony_print", args=[testimony.pk])
    return client.get(url), user


def test_the_custodian_prints_it_in_korean_with_the_transcript(
    client, testimony, django_assert_max_num_queries
):
    login_with_second_factor(client, user := user_in(roles.CUSTODIAN))
    url = "/ko" + reverse("admin:cases_testimony_print", args=[testimony.pk])
    # Session, user, device and groups (6); the testimony and its person, the acts,
    # perpetrators, events, crossings, legs, sources (8); the log and its savepoint (3).
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"{testimony.code}-ko.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    keep_pdf("testimony-custodian-ko.pdf", response.content)
    text = pdf_text(response.content)
    for expected in [
        testimony.code,
        "구금에 관한 증언",
        "증인 가람",
        "보위부에 구금되어 조사를 받았다.",
        "TRANSCRIPT-FOR-CUSTODIANS 녹취록",
        "무산 구류장 구금",
        "자의적 구금",
        "국가보위성 무산군",
        "2003-05-17",
        "중국",
        "2008-03",
        "Tumen River",
        "증인 확인",
        "서명",
    ]:
        assert expected in text, expected
    for absent in ["REALNAME-NEVER-PRINTED", "OTHER-VICTIM", "INTERNAL-TITLE"]:
        assert absent not in text, absent
    log = TestimonyPrint.objects.get(testimony=testimony)
    assert (log.by, log.language, log.with_transcript) == (user, "ko", True)


def test_the_korean_font_is_embedded(client, testimony):
    response, _ = printed(client, roles.CUSTODIAN, testimony, prefix="/ko")
    fonts = pdf_fonts(response.content)
    korean = [name for name in fonts if "CJK-KR" in name or "CJKkr" in name]
    assert korean, fonts
    assert all(fonts[name] for name in korean), fonts


def test_a_researcher_prints_it_in_english_without_the_restricted_transcript(client, testimony):
    response, user = printed(client, roles.RESEARCHER, testimony)
    assert response.status_code == 200
    keep_pdf("testimony-researcher-en.pdf", response.content)
    text = pdf_text(response.content)
    assert "An account of detention" in text
    assert "I have read this record" in text
    assert "Signature" in text
    assert "TRANSCRIPT-FOR-CUSTODIANS" not in text
    assert "Transcript" not in text
    assert "CONFIDENTIAL-EVENT" not in text
    log = TestimonyPrint.objects.get(testimony=testimony)
    assert (log.by, log.language, log.with_transcript) == (user, "en", False)


def test_whoever_may_not_view_the_testimony_prints_nothing(client, testimony):
    Person.objects.filter(pk=testimony.interviewee_id).update(
        confidentiality=Confidentiality.CONFIDENTIAL
    )
    response, _ = printed(client, roles.REVIEWER, testimony)
    assert response.status_code in (302, 403, 404)
    assert not TestimonyPrint.objects.exists()


def test_the_change_page_links_to_the_print(client, testimony):
    login_with_second_factor(client, user_in(roles.RESEARCHER))
    page = client.get("/ko" + reverse("admin:cases_testimony_change", args=[testimony.pk]))
    assert reverse("admin:cases_testimony_print", args=[testimony.pk]) in page.text
    assert "증인용 인쇄" in page.text
