"""Relations as HURIDOCS keeps them (issue 21): chains of events and links between
persons, entered in the admin, scoped like the records they link, never public."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases import merging, roles, workflow
from cases.models import Confidentiality, EventRelation, PersonRelation
from cases.tests import factories
from cases.tests.forms import form_data
from cases.tests.personas import user_in

pytestmark = pytest.mark.django_db(databases=["default", "public"])

MARKER = "RELATION-NOTE-7Q2X"


def change_url(record):
    return reverse(f"admin:cases_{record._meta.model_name}_change", args=[record.pk])


def test_a_researcher_records_a_chain_of_events_and_both_ends_show_it(as_role):
    arrest = factories.EventFactory(title_en="Arrest at the border")
    detention = factories.EventFactory(title_en="Detention at the holding centre")
    client = as_role(roles.RESEARCHER)
    data = form_data(client.get(change_url(arrest)), arrest)
    prefix = "relations"
    data |= {
        f"{prefix}-TOTAL_FORMS": ["1"],
        f"{prefix}-0-kind": ["led_to"],
        f"{prefix}-0-other": [str(detention.pk)],
        f"{prefix}-0-notes": ["Taken the same night."],
    }
    response = client.post(change_url(arrest), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    relation = EventRelation.objects.get()
    assert (relation.event, relation.kind, relation.other) == (arrest, "led_to", detention)
    assert relation.history.count() == 1
    incoming = client.get(change_url(detention)).content.decode()
    assert "Events that name this one" in incoming and arrest.code in incoming


def test_a_published_events_chain_changes_only_through_the_workflow():
    published = factories.EventFactory(**factories.PUBLISHED)
    draft = factories.EventFactory()
    with pytest.raises(workflow.OutsideWorkflow):
        EventRelation.objects.create(event=published, kind="led_to", other=draft)
    EventRelation.objects.create(event=draft, kind="followed", other=published)  # its own event


def test_an_event_and_a_person_are_not_related_to_themselves():
    event, person = factories.EventFactory(), factories.PersonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EventRelation.objects.create(event=event, kind="related", other=event)
    with pytest.raises(ValidationError):
        PersonRelation(person=person, kind="sibling", other=person).full_clean()


def test_a_link_to_a_confidential_person_is_shown_only_to_a_custodian(as_role):
    witness = factories.PersonFactory()
    hidden = factories.PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL)
    PersonRelation.objects.create(person=witness, kind="sibling", other=hidden, notes=MARKER)
    PersonRelation.objects.create(person=hidden, kind="held_with", other=witness, notes=MARKER)
    researcher = as_role(roles.RESEARCHER).get(change_url(witness)).content.decode()
    assert MARKER not in researcher and hidden.code not in researcher
    custodian = as_role(roles.CUSTODIAN).get(change_url(witness)).content.decode()
    assert custodian.count(MARKER) == 2 and hidden.code in custodian


def test_relations_are_never_published(client):
    with factories.one_refresh():
        arrest = factories.EventFactory(publishable=True)
        detention = factories.EventFactory(publishable=True)
        act = factories.ViolationFactory(event=arrest, publishable=True)
        sister = factories.PersonFactory(publishable=True, pseudonym="Sister")
    with workflow.acting():
        EventRelation.objects.create(event=arrest, kind="led_to", other=detention, notes=MARKER)
        PersonRelation.objects.create(person=act.victim, kind="sibling", other=sister, notes=MARKER)
    pages = {
        f"/cases/events/{arrest.code}/": arrest,
        f"/ko/cases/events/{detention.code}/": detention,
        reverse("cases-api:event-detail", args=[arrest.code]): arrest,
        reverse("cases-api:violation-detail", args=[act.code]): act,
    }
    for page, record in pages.items():
        response = client.get(page)
        body = response.content.decode()
        assert record.code in body, (page, response.status_code, response.get("Location"))
        assert MARKER not in body and "Sister" not in body, page
        if record in (arrest, detention):  # neither names the other
            assert (detention if record == arrest else arrest).code not in body, page
    assert act.code in client.get(f"/cases/events/{arrest.code}/").content.decode()


def test_a_merge_carries_the_links_over_without_doubling_them():
    keep, duplicate, mother = (factories.PersonFactory() for _ in range(3))
    PersonRelation.objects.create(person=mother, kind="parent", other=keep)
    PersonRelation.objects.create(person=mother, kind="parent", other=duplicate)
    cellmate = factories.PersonFactory()
    PersonRelation.objects.create(person=duplicate, kind="held_with", other=cellmate)
    merging.person_merge(keep=keep, duplicate=duplicate, by=user_in(roles.REVIEWER))
    assert set(PersonRelation.objects.values_list("person", "kind", "other")) == {
        (mother.pk, "parent", keep.pk),
        (keep.pk, "held_with", cellmate.pk),
    }


def test_two_persons_recorded_as_related_are_not_merged():
    one, other = factories.PersonFactory(), factories.PersonFactory()
    PersonRelation.objects.create(person=one, kind="sibling", other=other)
    with pytest.raises(ValidationError, match="related to each other"):
        merging.person_merge(keep=one, duplicate=other, by=user_in(roles.REVIEWER))
