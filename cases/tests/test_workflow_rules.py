"""Rule 3 of cases/workflow.py on the stored side: a part cannot leave a published record.

A part is checked as stored and as the copy would link it (`published_parents`):
moving a perpetrator, a route leg or a citation from a published record to a
draft changes the published record as surely as editing it.
"""

import pytest
from django.db import transaction

from cases import workflow
from cases.models import CrossingLeg, Information, Involvement
from cases.tests import factories

pytestmark = pytest.mark.django_db


def refused(write):
    with pytest.raises(workflow.OutsideWorkflow), transaction.atomic():
        write()


def test_a_perpetrator_cannot_be_moved_off_a_published_act():
    event = factories.published_case()
    act = event.violations.get()
    involvement = act.involvements.get()
    draft = factories.ViolationFactory()

    involvement.violation = draft
    refused(involvement.save)

    assert Involvement.objects.get(pk=involvement.pk).violation_id == act.pk


def test_a_citation_cannot_be_moved_off_a_published_event():
    event = factories.published_case()
    citation = Information.objects.get(event=event)
    draft = factories.EventFactory()

    citation.event = draft
    refused(citation.save)

    assert Information.objects.get(pk=citation.pk).event_id == event.pk


def test_a_leg_cannot_be_moved_off_a_published_crossing():
    crossing = factories.BorderCrossingFactory(publishable=True)
    leg = factories.CrossingLegFactory(crossing=crossing)
    draft = factories.BorderCrossingFactory()

    leg.crossing = draft
    refused(leg.save)

    assert CrossingLeg.objects.get(pk=leg.pk).crossing_id == crossing.pk


def test_a_part_moves_freely_between_drafts():
    involvement = factories.InvolvementFactory()
    other = factories.ViolationFactory()
    involvement.violation = other
    involvement.save()
    assert Involvement.objects.get(pk=involvement.pk).violation_id == other.pk


@pytest.mark.parametrize("kind", ["person", "testimony", "event", "crossing"])
def test_a_published_record_without_parts_is_not_deleted(kind):
    """Rule 3 of its own: no part (a cited testimony, a leg, a perpetrator) refuses first."""
    make = {
        "person": lambda: factories.PersonFactory(publishable=True),
        "testimony": factories.publishable_testimony,
        "event": lambda: factories.EventFactory(publishable=True),
        "crossing": lambda: factories.BorderCrossingFactory(publishable=True),
    }[kind]
    record = make()
    model = type(record)

    refused(model.objects.get(pk=record.pk).delete)
    refused(model.objects.filter(pk=record.pk).delete)

    assert model.objects.public().filter(pk=record.pk).exists()
    factories.workflow_save(record, status="returned")
    model.objects.get(pk=record.pk).delete()  # once returned, it may go
    assert not model._base_manager.filter(pk=record.pk).exists()
