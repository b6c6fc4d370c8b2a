"""The history page: an empty change reason shows nothing, and the changes to a
record's parts (its inlines) appear on its own history (cases/admin/history.py)."""

import pytest
from django.urls import reverse

from cases import roles
from cases.models import Confidentiality, Involvement
from cases.tests import factories

pytestmark = pytest.mark.django_db


def table(content, name):
    start = content.index(f'<table id="{name}"')
    return content[start : content.index("</table>", start)]


def test_an_empty_change_reason_shows_nothing_and_a_reason_shows(as_role):
    client = as_role(roles.RESEARCHER)
    event = factories.EventFactory(title_en="Arrest in Hyesan")
    event.title_en, event._history_user = "Arrest in Musan", client.user
    event.save()
    event.title_en, event._change_reason = "Arrest in Onsong", "source re-read"
    event.save()
    content = client.get(reverse("admin:cases_event_history", args=[event.pk])).content.decode()
    rows = table(content, "change-history")
    # "None" once: who made the first version (the factory, no one); no reason says it.
    assert rows.count("None") == 1
    assert rows.count("<td></td>") == 2  # the reasons of the two saves without one
    assert "<td>source re-read</td>" in rows


def test_a_change_to_a_perpetrator_appears_in_the_violations_history(as_role):
    client = as_role(roles.RESEARCHER)
    ministry = factories.OrganizationFactory(name_en="Ministry of State Security")
    violation = factories.ViolationFactory()
    involvement = factories.InvolvementFactory(
        violation=violation, perpetrator_organization=ministry
    )
    involvement.degree, involvement._history_user = Involvement.Degree.ORDERED, client.user
    involvement.save()
    url = reverse("admin:cases_violation_history", args=[violation.pk])
    content = client.get(url).content.decode()
    parts = table(content, "part-changes")
    assert "Changes to its parts" in content
    assert "Perpetrator involvement: Ministry of State Security" in parts
    assert "<strong>Degree:</strong> carried it out&nbsp;&rarr;&nbsp;&nbsp;ordered it" in parts
    assert f"<td>{client.user.username}</td>" in parts
    assert "None" not in parts


def test_the_parts_history_is_scoped_as_the_inline_and_counted(as_role, django_assert_num_queries):
    client = as_role(roles.RESEARCHER)
    violation = factories.ViolationFactory()
    factories.InvolvementFactory(violation=violation)
    secret = factories.PersonFactory(
        pseudonym="비밀 가해자", confidentiality=Confidentiality.CONFIDENTIAL
    )
    Involvement.objects.create(
        violation=violation, perpetrator_person=secret, perpetrator_organization=None
    )
    url = reverse("admin:cases_violation_history", args=[violation.pk])
    client.get(url)
    # The session, the user, the permissions, the violation, its history page (one
    # query per page of rows) and one query per inline for the parts' changes.
    with django_assert_num_queries(15):
        content = client.get(url).content.decode()
    assert "비밀 가해자" not in content
    assert table(content, "part-changes").count("<tr>") == 2  # the header, one change
    factories.InvolvementFactory.create_batch(3, violation=violation)
    with django_assert_num_queries(15):
        content = client.get(url).content.decode()
    assert table(content, "part-changes").count("<tr>") == 5
    custodian = as_role(roles.CUSTODIAN)
    assert "비밀 가해자" in custodian.get(url).content.decode()


def test_the_history_page_is_in_korean(as_role):
    client = as_role(roles.RESEARCHER)
    involvement = factories.InvolvementFactory()
    involvement.degree = Involvement.Degree.ORDERED
    involvement.save()
    url = "/ko" + reverse("admin:cases_violation_history", args=[involvement.violation_id])
    content = client.get(url).content.decode()
    for korean in ("변경한 사람", "변경 사유", "변경 내용", "하위 항목의 변경", "날짜/시간"):
        assert korean in content
    for english in ("Changed by", "Change reason", "Changes to its parts", "Date/time"):
        assert english not in content
