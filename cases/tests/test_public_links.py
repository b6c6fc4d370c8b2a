"""Public records linked to private ones: the public side names only what is public.

Issue 25: a public testimony's page listing every event it supports, a public
crossing naming any testimony, and the victim's-sex facet counting every victim
all passed the suite. Each test links a public record to private ones (a draft,
one in review, a published but restricted one) and checks the exact public set.
"""

import pytest
from django.urls import reverse

from cases.models import Confidentiality, Event, Sex, Violation, WorkflowStatus
from cases.tests import factories

pytestmark = pytest.mark.django_db


def private_variants():
    """The ways a record can be private while its public neighbour is not."""
    return {
        "draft": {"status": WorkflowStatus.DRAFT},
        "review": {"status": WorkflowStatus.IN_REVIEW},
        "returned": {"status": WorkflowStatus.RETURNED},
        "restricted": {**factories.PUBLISHED, "confidentiality": Confidentiality.RESTRICTED},
    }


# --- A public testimony's events ------------------------------------------------------------


def test_a_testimony_page_lists_only_the_public_events_it_supports(client):
    testimony = factories.publishable_testimony()
    public = factories.EventFactory(publishable=True, title_en="MKPUBLICEVENT")
    factories.InformationFactory(testimony=testimony, event=public)
    private = {}
    for name, fields in private_variants().items():
        private[name] = factories.EventFactory(title_en=f"MKPRIVATE{name}", **fields)
        factories.InformationFactory(testimony=testimony, event=private[name])
    assert list(Event.objects.public().values_list("code", flat=True)) == [public.code]

    response = client.get(reverse("cases:testimony", args=[testimony.code]))

    assert response.status_code == 200
    assert [event["code"] for event in response.context["events"]] == [public.code]
    content = response.content.decode()
    assert "MKPUBLICEVENT" in content
    assert "MKPRIVATE" not in content
    for event in private.values():
        assert event.code not in content
    api = client.get(reverse("cases-api:testimony-detail", args=[testimony.code])).json()
    assert api["events"] == [public.code]


# --- A public crossing's testimony ----------------------------------------------------------


def private_testimony(person, fields):
    """Consented, so that the crossing resting on it stays public, yet not public itself."""
    return factories.TestimonyFactory(interviewee=person, consented=True, **fields)


@pytest.mark.parametrize("variant", ["draft", "review", "returned", "restricted"])
def test_a_public_crossing_names_its_testimony_only_if_that_is_public(client, variant):
    person = factories.PersonFactory(publishable=True)
    testimony = private_testimony(person, private_variants()[variant])
    crossing = factories.BorderCrossingFactory(
        person=person, testimony=testimony, **factories.PUBLISHED
    )
    assert crossing.__class__.objects.public().filter(pk=crossing.pk).exists()
    assert not testimony.__class__.objects.public().filter(pk=testimony.pk).exists()

    page = client.get(reverse("cases:crossing", args=[crossing.code]))
    assert page.status_code == 200
    assert testimony.code not in page.content.decode()
    api = client.get(reverse("cases-api:bordercrossing-detail", args=[crossing.code])).json()
    assert api["testimony"] is None


def test_a_public_crossing_names_its_public_testimony(client):
    testimony = factories.publishable_testimony()
    crossing = factories.BorderCrossingFactory(
        person=testimony.interviewee, testimony=testimony, **factories.PUBLISHED
    )
    page = client.get(reverse("cases:crossing", args=[crossing.code]))
    assert testimony.code in page.content.decode()
    api = client.get(reverse("cases-api:bordercrossing-detail", args=[crossing.code])).json()
    assert api["testimony"] == testimony.code


# --- The victim's-sex facet -------------------------------------------------------------------


def test_the_sex_facet_counts_public_victims_only(client):
    def act(victim):
        return factories.ViolationFactory(
            victim=victim, event=factories.EventFactory(publishable=True), **factories.PUBLISHED
        )

    for _ in range(2):
        act(factories.PersonFactory(publishable=True, sex=Sex.FEMALE))
    act(factories.PersonFactory(publishable=True, sex=Sex.MALE))
    # Public acts whose victim is not public: a draft and one in review. Their sex
    # is theirs to keep, even though the act itself is public.
    act(factories.PersonFactory(sex=Sex.FEMALE))
    act(factories.PersonFactory(sex=Sex.MALE, status=WorkflowStatus.IN_REVIEW))
    public = Violation.objects.public()
    assert public.count() == 5

    for kind in ("violations", "events"):
        response = client.get(reverse("cases:search"), {"kind": kind})
        (sex,) = [facet for facet in response.context["facets"] if facet["name"] == "sex"]
        counts = {option["value"]: option["count"] for option in sex["options"]}
        assert counts == {Sex.FEMALE: 2, Sex.MALE: 1}
