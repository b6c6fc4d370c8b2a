"""The published counts on real records: exact values, from what each test made.

Issue 25: counting acts instead of persons, or every published act instead of the
public ones, passed the suite. The expected numbers here are written out by hand
from the records each test creates, not computed with the code under test.
"""

import datetime

import pytest
from django.urls import reverse

from cases.aggregates import PRIMARY, Aggregates
from cases.models import ConsentScope, Violation, WorkflowStatus
from cases.tests import factories

pytestmark = pytest.mark.django_db

PROVINCE = "KP-81"


def acts(violation_type, *, victims, acts_each=1, **kwargs):
    """`acts_each` public acts against each of `victims` new public persons."""
    place = factories.PlaceFactory(code=PROVINCE)
    made = []
    for _ in range(victims):
        victim = factories.PersonFactory(publishable=True)
        for _ in range(acts_each):
            made.append(
                factories.ViolationFactory(
                    publishable=True,
                    violation_type=violation_type,
                    victim=victim,
                    place=place,
                    **kwargs,
                )
            )
    return made


def withheld_but_published(violation_type, count):
    """Published acts the public must not see: each victim gave a published
    testimony without consent to publication (none, internal use only, withdrawn)."""
    place = factories.PlaceFactory(code=PROVINCE)
    without_consent = [
        {},
        {"consent_scope": ConsentScope.INTERNAL, "consent_given_on": datetime.date(2015, 6, 1)},
        {"withdrawn": True},
    ]
    for number in range(count):
        victim = factories.PersonFactory(publishable=True)
        factories.TestimonyFactory(
            interviewee=victim, **factories.PUBLISHED, **without_consent[number % 3]
        )
        factories.ViolationFactory(
            publishable=True, violation_type=violation_type, victim=victim, place=place
        )


def api_rows(client, by):
    return client.get(reverse("cases-api:aggregates") + f"?by={by}").json()["results"]


def test_only_public_acts_are_counted(client):
    kind = factories.ViolationTypeFactory(code="V81")
    acts(kind, victims=5)
    withheld_but_published(kind, 4)
    # The four are published, yet not public.
    assert Violation.objects.filter(status=WorkflowStatus.PUBLISHED).count() == 9
    assert Violation.objects.public().count() == 5

    counts = Aggregates()
    assert counts.cell().value == 5
    assert counts.cell(type="V81").value == 5
    assert counts.cell(type="V81", year=2003).value == 5
    assert counts.cell(province=PROVINCE).value == 5
    assert api_rows(client, "type") == [
        {"type": "V81", "violations": 5, "suppressed": False, "suppression": None}
    ]


def test_a_cell_of_many_acts_against_few_persons_is_withheld(client):
    kind = factories.ViolationTypeFactory(code="V82")
    acts(kind, victims=2, acts_each=3)  # six acts, two persons
    assert Violation.objects.public().count() == 6

    counts = Aggregates()
    for cell in (counts.cell(), counts.cell(type="V82"), counts.cell(year=2003)):
        assert (cell.value, cell.reason) == (None, PRIMARY)
    assert api_rows(client, "type") == [
        {"type": "V82", "violations": None, "suppressed": True, "suppression": PRIMARY}
    ]


def test_five_persons_with_several_acts_each_are_published():
    kind = factories.ViolationTypeFactory(code="V83")
    acts(kind, victims=5, acts_each=2)
    counts = Aggregates()
    assert counts.cell(type="V83").value == 10
    assert counts.cell(type="V83").reason == ""


def test_four_persons_are_fewer_than_five():
    kind = factories.ViolationTypeFactory(code="V84")
    acts(kind, victims=4)
    counts = Aggregates()
    assert (counts.cell(type="V84").value, counts.cell(type="V84").reason) == (None, PRIMARY)
