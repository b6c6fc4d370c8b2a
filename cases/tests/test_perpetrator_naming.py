"""Naming individual perpetrators (issue 22): counted without a name until a
reviewer approves naming that person (cases/naming.py), then named by the approved
name only, never by the pseudonym; a withdrawal takes the name from every page,
API answer, search column, facet key and PDF, through the copy.

The records are made in the private database and reach the copy through the
publication; every check reads what the public reads.
"""

import datetime

import pytest
from django.contrib import admin
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.test import Client
from django.urls import reverse

from cases import roles, workflow
from cases.models import PerpetratorNaming
from cases.naming import perpetrator_naming_approve, perpetrator_naming_withdraw
from cases.tests import factories
from cases.tests.conftest import as_role  # noqa: F401 (the fixture)
from cases.tests.personas import user_in
from core.pdf import missing as pdf_missing
from core.testing import pdf_text
from public.models import Entry, Key

pytestmark = pytest.mark.django_db

# Planted: what the public must never read, and the name to be approved.
PSEUDONYM = "QzNamedPseudonymQz"
OTHER_PSEUDONYM = "QzUnnamedPseudonymQz"
NOTES = "QzPerpetratorNotesQz"
NAME = "Qzchief Pakqz"
LEGAL_NOTE = "QzLegalNoteQz: two independent testimonies, counsel consulted"
UNNAMED_EN = "an individual perpetrator, not named"
UNNAMED_KO = "이름 미공개 개인 가해자"


@pytest.fixture
def case():
    """A published event with two published acts: one by a person to be named
    (and by an organization), one by a person never named."""
    with factories.one_refresh():
        event = factories.published_case()
        first = event.violations.get()
        second = factories.ViolationFactory(
            publishable=True, event=event, start_date=datetime.date(2009, 3, 1)
        )
        named = factories.PersonFactory(pseudonym=PSEUDONYM, notes=NOTES)
        other = factories.PersonFactory(pseudonym=OTHER_PSEUDONYM, notes=NOTES)
        factories.InvolvementFactory(
            violation=first, perpetrator_person=named, perpetrator_organization=None
        )
        factories.InvolvementFactory(
            violation=second, perpetrator_person=other, perpetrator_organization=None
        )
    return {"event": event, "acts": [first, second], "named": named, "other": other}


def read(client, url, **headers):
    for cache in caches.all():
        cache.clear()
    return client.get(url, **headers)


def public_texts(event, *, pdf=False):
    """{where: text} of everything public about the case, in both languages."""
    client, texts = Client(), {}
    for prefix in ("", "/ko"):
        for url in (f"/cases/events/{event.code}/", "/cases/perpetrators/"):
            response = read(client, prefix + url)
            assert response.status_code == 200, url
            texts[prefix + url] = response.content.decode()
        if pdf and pdf_missing() is None:
            response = read(client, f"{prefix}/cases/events/{event.code}/pdf/")
            texts[f"{prefix} pdf"] = pdf_text(response.content)
    for url in (f"/api/cases/events/{event.code}/", "/api/cases/violations/"):
        texts[url] = read(client, url, HTTP_ACCEPT="application/json").content.decode()
        texts[f"{url} csv"] = read(client, url, HTTP_ACCEPT="text/csv").content.decode()
    texts["copy"] = " ".join(
        f"{e.search_text} {e.search_tokens} {e.data} {e.page}" for e in Entry.objects.all()
    )
    texts["keys"] = " ".join(Key.objects.values_list("value", flat=True))
    return texts


def found_by(query):
    """The codes of the violations the search and the API find for `query`."""
    client = Client()
    html = read(client, f"/cases/?kind=violations&q={query}").content.decode()
    api = read(client, f"/api/cases/violations/?q={query}", HTTP_ACCEPT="application/json").json()
    return {
        code
        for code in Entry.objects.filter(kind="violation").values_list("code", flat=True)
        if code in html
    }, {row["code"] for row in api["results"]}


def absent(texts, *secrets):
    return {
        (where, secret) for where, text in texts.items() for secret in secrets if secret in text
    }


def approve(case, by=None, name=NAME):
    return perpetrator_naming_approve(
        person=case["named"],
        public_name=name,
        legal_note=LEGAL_NOTE,
        by=by or user_in(roles.REVIEWER),
    )


# --- What the public reads -----------------------------------------------------------


def test_an_individual_not_named_is_counted_and_never_named(case):
    texts = public_texts(case["event"], pdf=True)
    assert not absent(texts, PSEUDONYM, OTHER_PSEUDONYM, NOTES, NAME, case["named"].code)
    page, korean = (
        texts[f"/cases/events/{case['event'].code}/"],
        texts[f"/ko/cases/events/{case['event'].code}/"],
    )
    assert page.count(UNNAMED_EN) == 2 and korean.count(UNNAMED_KO) == 2
    api = Client().get(f"/api/cases/events/{case['event'].code}/").json()
    individuals = [p for v in api["violations"] for p in v["perpetrators"] if not p["organization"]]
    assert (
        individuals
        == [
            {
                "organization": None,
                "organization_name": None,
                "individual": None,
                "individual_name": None,
                "degree": "carried_out",
            }
        ]
        * 2
    )
    index = read(Client(), "/cases/perpetrators/")
    assert index.context["individuals"] == {"unnamed": 2, "named": []}
    assert found_by("Pakqz") == (set(), set())
    assert found_by(PSEUDONYM[2:-2]) == (set(), set())


def test_after_approval_the_name_appears_and_the_pseudonym_never(case):
    naming = approve(case)
    first, second = case["acts"]
    texts = public_texts(case["event"], pdf=True)
    assert not absent(texts, PSEUDONYM, OTHER_PSEUDONYM, NOTES, LEGAL_NOTE, case["named"].code)
    url = f"/cases/perpetrators/persons/{naming.code}/"
    for prefix, unnamed in (("", UNNAMED_EN), ("/ko", UNNAMED_KO)):
        page = texts[f"{prefix}/cases/events/{case['event'].code}/"]
        assert f'<a href="{prefix}{url}">{NAME}</a>' in page
        assert page.count(unnamed) == 1  # the other act's perpetrator
        assert NAME in texts[f"{prefix}/cases/perpetrators/"]
    if pdf_missing() is None:
        assert NAME in texts[" pdf"] and NAME in texts["/ko pdf"]
    api = Client().get(f"/api/cases/violations/{first.code}/").json()
    assert {"individual": naming.code, "individual_name": NAME}.items() <= next(
        p for p in api["perpetrators"] if p["individual"]
    ).items()
    assert found_by("Pakqz") == ({first.code}, {first.code})
    assert found_by(PSEUDONYM[2:-2]) == (set(), set())
    assert set(Key.objects.filter(facet="individual").values_list("value", flat=True)) == {
        naming.code,
        "unnamed",
    }
    index = read(Client(), "/ko/cases/perpetrators/")
    assert index.context["individuals"] == {
        "unnamed": 1,
        "named": [
            {"code": naming.code, "name": NAME, "url": f"/ko{url}", "count": 1},
        ],
    }
    assert second.code not in read(Client(), url).content.decode()


def test_the_individuals_page_lists_their_violations_by_type_and_period(case):
    naming = approve(case)
    first = case["acts"][0]
    for prefix in ("", "/ko"):
        page = read(Client(), f"{prefix}/cases/perpetrators/persons/{naming.code}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert NAME in text and PSEUDONYM not in text and LEGAL_NOTE not in text
        assert page.context["violation_count"] == 1
        assert [r["code"] for g in page.context["types"] for r in g["records"]] == [first.code]
        assert [n for _label, n in page.context["periods"]] == [1]
    for code in ("unnamed", "N-NOSUCH00", case["named"].code):
        assert read(Client(), f"/cases/perpetrators/persons/{code}/").status_code == 404


def test_after_withdrawal_the_name_is_gone_everywhere(case):
    naming = approve(case)
    url = f"/cases/perpetrators/persons/{naming.code}/"
    assert read(Client(), url).status_code == 200
    perpetrator_naming_withdraw(
        naming=naming, reason="Counsel advised", by=user_in(roles.CUSTODIAN)
    )
    texts = public_texts(case["event"], pdf=True)
    assert not absent(texts, NAME, "Pakqz", naming.code, PSEUDONYM, LEGAL_NOTE)
    assert texts[f"/cases/events/{case['event'].code}/"].count(UNNAMED_EN) == 2
    assert read(Client(), url).status_code == 404
    assert found_by("Pakqz") == (set(), set())
    assert read(Client(), "/cases/perpetrators/").context["individuals"] == {
        "unnamed": 2,
        "named": [],
    }


# --- Who decides, and how it is logged ---------------------------------------------


def test_only_the_permission_holder_approves_or_withdraws(case):
    for role in (roles.RESEARCHER, roles.ADMINISTRATOR):
        with pytest.raises(PermissionDenied):
            approve(case, by=user_in(role))
    assert not PerpetratorNaming.objects.exists()
    assert NAME not in public_texts(case["event"])["copy"]
    naming = approve(case, by=user_in(roles.CUSTODIAN))
    with pytest.raises(PermissionDenied):
        perpetrator_naming_withdraw(naming=naming, reason="no", by=user_in(roles.RESEARCHER))
    naming.refresh_from_db()
    assert naming.in_force


def test_a_confidential_person_is_named_by_a_custodian_only(case):
    person = case["named"]
    factories.workflow_save(person, confidentiality="confidential")
    with pytest.raises(PermissionDenied):
        approve(case, by=user_in(roles.REVIEWER))
    assert approve(case, by=user_in(roles.CUSTODIAN)).in_force


def test_the_legal_note_is_required_and_only_a_perpetrator_is_named(case):
    reviewer = user_in(roles.REVIEWER)
    with pytest.raises(ValidationError) as refused:
        perpetrator_naming_approve(
            person=case["named"], public_name=NAME, legal_note="  ", by=reviewer
        )
    assert "legal_note" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        perpetrator_naming_approve(
            person=case["named"], public_name="", legal_note=LEGAL_NOTE, by=reviewer
        )
    assert "public_name" in refused.value.message_dict
    victim = case["acts"][0].victim
    with pytest.raises(ValidationError) as refused:
        perpetrator_naming_approve(
            person=victim, public_name=NAME, legal_note=LEGAL_NOTE, by=reviewer
        )
    assert refused.value.code == "not_a_perpetrator"
    with pytest.raises(ValidationError):
        perpetrator_naming_withdraw(naming=approve(case), reason=" ", by=reviewer)
    assert NAME in public_texts(case["event"])["copy"]  # not withdrawn


def test_history_records_each_decision(case):
    reviewer, custodian = user_in(roles.REVIEWER), user_in(roles.CUSTODIAN)
    naming = approve(case, by=reviewer)
    perpetrator_naming_withdraw(naming=naming, reason="Counsel advised", by=custodian)
    approve(case, by=reviewer, name="Qzsecurity chief Pakqz")
    rows = list(naming.history.order_by("history_id"))
    assert [(r.history_change_reason, r.history_user, r.public_name) for r in rows] == [
        ("Naming approved", reviewer, NAME),
        ("Naming withdrawn", custodian, NAME),
        ("Naming approved", reviewer, "Qzsecurity chief Pakqz"),
    ]
    assert rows[1].withdrawal_reason == "Counsel advised" and rows[1].withdrawn_by == custodian
    assert rows[2].withdrawn_at is None and rows[2].legal_note == LEGAL_NOTE
    assert PerpetratorNaming.objects.get().public_name == "Qzsecurity chief Pakqz"


# --- No other write path ----------------------------------------------------------------


def test_no_save_outside_the_services(case):
    naming = approve(case)
    naming.public_name = "Qzrevertedqz"
    with pytest.raises(workflow.OutsideWorkflow):
        naming.save()
    with pytest.raises(workflow.OutsideWorkflow):
        naming.delete()
    with pytest.raises(workflow.OutsideWorkflow):
        PerpetratorNaming(
            person=case["other"], public_name="x", legal_note="x", decided_by=naming.decided_by
        ).save()
    assert PerpetratorNaming.objects.get().public_name == NAME


def test_every_admin_path_but_the_decision_forms_leaves_the_naming_alone(case, as_role):  # noqa: F811
    naming = approve(case)
    perpetrator_naming_withdraw(naming=naming, reason="Counsel advised", by=user_in(roles.REVIEWER))
    first = naming.history.order_by("history_id").first()  # in force, with its name
    stored = PerpetratorNaming.objects.values().get()
    client = as_role(roles.REVIEWER)
    names = {p.name for p in admin.site._registry[PerpetratorNaming].get_urls() if p.name}
    assert names == {
        f"cases_perpetratornaming_{view}"
        for view in (
            "approve", "withdraw", "changelist", "add", "history", "delete", "change",
            "simple_history",
        )
    }  # fmt: skip
    attack = {
        "public_name": "Qzrevertedqz",
        "legal_note": "x",
        "withdrawn_at": "",
        "withdrawal_reason": "",
        "person": case["other"].pk,
    }
    posts = [
        (reverse("admin:cases_perpetratornaming_change", args=[naming.pk]), attack),
        (reverse("admin:cases_perpetratornaming_add"), attack),
        (reverse("admin:cases_perpetratornaming_delete", args=[naming.pk]), {"post": "yes"}),
        (
            reverse("admin:cases_perpetratornaming_simple_history", args=[naming.pk, first.pk]),
            attack,
        ),
        (
            reverse("admin:cases_perpetratornaming_changelist"),
            {"action": "delete_selected", "_selected_action": [naming.pk], "post": "yes"},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        assert PerpetratorNaming.objects.values().get() == stored, url
    assert NAME not in public_texts(case["event"])["copy"]


def test_the_admin_forms_decide_through_the_services(case, as_role):  # noqa: F811
    person = case["named"]
    approve_url = reverse("admin:cases_perpetratornaming_approve", args=[person.pk])
    researcher = as_role(roles.RESEARCHER)
    assert researcher.get(approve_url).status_code == 403
    assert researcher.post(approve_url, {"public_name": NAME, "legal_note": "x"}).status_code == 403
    assert researcher.get(reverse("admin:cases_perpetratornaming_changelist")).status_code == 403
    reviewer = as_role(roles.REVIEWER)
    page = reviewer.get(reverse("admin:cases_person_change", args=[person.pk]))
    assert approve_url in page.content.decode()
    korean = reviewer.get("/ko" + approve_url).content.decode()
    assert "법적 검토 메모" in korean and "실명 공개 승인" in korean
    assert "legal note" not in korean and "Approve the naming" not in korean
    refused = reviewer.post(approve_url, {"public_name": NAME, "legal_note": ""})
    assert refused.status_code == 200 and not PerpetratorNaming.objects.exists()
    response = reviewer.post(approve_url, {"public_name": NAME, "legal_note": LEGAL_NOTE})
    naming = PerpetratorNaming.objects.get()
    assert response.status_code == 302 and naming.decided_by == reviewer.user
    assert NAME in public_texts(case["event"])["copy"]
    change = reviewer.get(reverse("admin:cases_perpetratornaming_change", args=[naming.pk]))
    withdraw_url = reverse("admin:cases_perpetratornaming_withdraw", args=[naming.pk])
    korean = reviewer.get("/ko" + change.request["PATH_INFO"]).content.decode()
    assert "실명 공개 철회" in korean and "Withdraw the naming" not in korean
    assert withdraw_url in change.content.decode() and LEGAL_NOTE in change.content.decode()
    listed = reviewer.get(
        reverse("admin:cases_perpetratornaming_changelist") + "?decision=in_force"
    )
    assert naming.code in listed.content.decode()
    assert reviewer.post(withdraw_url, {"reason": "Counsel advised"}).status_code == 302
    naming.refresh_from_db()
    assert not naming.in_force and naming.withdrawal_reason == "Counsel advised"
    listed = reviewer.get(
        reverse("admin:cases_perpetratornaming_changelist") + "?decision=in_force"
    )
    assert naming.code not in listed.content.decode()
    assert NAME not in public_texts(case["event"])["copy"]


# --- Cost -----------------------------------------------------------------------------


def queries(url, django_assert_max_num_queries):
    for cache in caches.all():
        cache.clear()
    with (
        django_assert_max_num_queries(9, connection=connections["public"]) as counted,
        django_assert_max_num_queries(0, connection=connections["default"]),
    ):
        assert Client().get(url).status_code == 200
    return len(counted.captured_queries)


def test_the_pages_make_a_fixed_number_of_queries(case, django_assert_max_num_queries):
    naming = approve(case)
    urls = ["/cases/perpetrators/", f"/cases/perpetrators/persons/{naming.code}/"]
    few = [queries(url, django_assert_max_num_queries) for url in urls]
    with factories.one_refresh():
        for year in range(1995, 2010):
            act = factories.ViolationFactory(
                publishable=True, event=case["event"], start_date=datetime.date(year, 1, 1)
            )
            factories.InvolvementFactory(
                violation=act, perpetrator_person=case["named"], perpetrator_organization=None
            )
            other = factories.PersonFactory()
            factories.InvolvementFactory(
                violation=act, perpetrator_person=other, perpetrator_organization=None
            )
            factories.PerpetratorNamingFactory(person=other)
    # The namings made by the factory reach the copy with the next change of the acts.
    approve(case, name=NAME)
    many = [queries(url, django_assert_max_num_queries) for url in urls]
    assert many == few
    page = read(Client(), urls[1])
    assert page.context["violation_count"] == 16
    assert len(read(Client(), urls[0]).context["individuals"]["named"]) == 16


# --- Other writes that meet a naming ---------------------------------------------------


def test_a_person_with_a_naming_decision_is_not_merged(case):
    """Merging would name (or unname) acts by a decision taken on another person."""
    from cases import merging

    naming = approve(case)
    reviewer = user_in(roles.REVIEWER)
    for keep, duplicate in [(case["named"], case["other"]), (case["other"], case["named"])]:
        with pytest.raises(ValidationError, match="naming one of the two"):
            merging.person_merge(keep=keep, duplicate=duplicate, by=reviewer)
    naming.refresh_from_db()
    assert naming.person == case["named"] and naming.public_name == NAME
    assert case["named"].involvements.count() == 1


def test_a_perpetrators_link_rows_name_the_person_by_code_only(as_role):  # noqa: F811
    """The admin lists an act's perpetrators on the act's delete page, to roles that
    may not see a confidential perpetrator: by code, never by pseudonym."""
    hidden = factories.PersonFactory(pseudonym=PSEUDONYM, confidentiality="confidential")
    involvement = factories.InvolvementFactory(
        perpetrator_person=hidden, perpetrator_organization=None
    )
    assert PSEUDONYM not in str(involvement) and hidden.code in str(involvement)
    url = reverse("admin:cases_violation_delete", args=[involvement.violation.pk])
    shown = 0
    for role in (roles.RESEARCHER, roles.REVIEWER, roles.ADMINISTRATOR):
        page = as_role(role).get(url)
        if page.status_code == 200:
            shown += 1
            assert hidden.code in page.content.decode(), role
            assert PSEUDONYM not in page.content.decode(), role
    assert shown  # some role deletes a draft act
