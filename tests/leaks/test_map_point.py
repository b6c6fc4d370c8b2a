"""The case map's point of one published event: exact only when every public victim
and witness of it is recorded deceased, whatever unpublished records say (issue 18).
test_unpublished_changes_nothing.py checks that unpublished changes move no point."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases import workflow
from cases.models import Event, LocationPrecision, Person, Violation
from cases.tests.factories import (
    EventFactory,
    InformationFactory,
    PersonFactory,
    ViolationFactory,
    publishable_testimony,
)
from public.models import Entry
from tests.leaks.test_unpublished_changes_nothing import (
    PUBLISHED,
    RESTRICTED,
    copy_snapshot,
    make_geography,
)

pytestmark = pytest.mark.django_db

P = LocationPrecision


@pytest.fixture
def geography(db):
    return make_geography()


def exact_event(geography):
    """A public event whose public victims are all recorded deceased."""
    event = EventFactory(**PUBLISHED, facility=geography["camp"])
    ViolationFactory(**PUBLISHED, event=event, victim=PersonFactory(**PUBLISHED, is_alive=False))
    return event


def point_of(event):
    entry = Entry.objects.get(kind="event", code=event.code)
    return entry.latitude, entry.longitude, entry.precision, entry.coarsened


def test_a_hidden_living_victim_leaves_the_exact_point(geography):
    without = exact_event(geography)
    with_hidden = exact_event(geography)
    ViolationFactory(event=with_hidden, victim=PersonFactory(is_alive=True))  # both draft
    ViolationFactory(
        **PUBLISHED,
        event=with_hidden,
        victim=PersonFactory(**RESTRICTED, is_alive=True),
    )
    assert point_of(without) == point_of(with_hidden) == (41.8344, 129.7253, P.EXACT, False)


def test_a_public_living_victim_or_witness_coarsens_the_point(geography):
    victim, witness, hidden = (exact_event(geography) for _ in range(3))
    ViolationFactory(**PUBLISHED, event=victim, victim=PersonFactory(**PUBLISHED, is_alive=True))
    InformationFactory(
        event=witness, testimony=publishable_testimony(interviewee=PersonFactory(**PUBLISHED))
    )
    # A public act whose victim is not shown establishes nothing, dead or alive.
    ViolationFactory(**PUBLISHED, event=hidden, victim=PersonFactory(is_alive=False))
    coarse = (41.8, 129.8, P.PROVINCE, True)  # the province's point
    assert point_of(victim) == point_of(witness) == point_of(hidden) == coarse


def test_an_event_without_a_public_act_is_coarse(geography):
    event = EventFactory(**PUBLISHED, facility=geography["camp"])
    ViolationFactory(event=event, victim=PersonFactory(is_alive=False))  # a draft
    assert point_of(event)[2:] == (P.PROVINCE, True)


def test_a_public_victim_found_alive_through_the_workflow_moves_the_point(geography):
    event = exact_event(geography)
    victim = Person.objects.get(violations_suffered__event=event)
    with workflow.acting():
        victim.is_alive = True
        victim.save()
    assert point_of(event)[2:] == (P.PROVINCE, True)
    with workflow.acting():
        victim.is_alive = False
        victim.save()
    assert point_of(event)[2:] == (P.EXACT, False)


def test_a_victim_unpublished_coarsens_the_point(geography):
    event = exact_event(geography)
    victim = Person.objects.get(violations_suffered__event=event)
    with workflow.acting():
        victim.status = "returned"
        victim.save()
    # The act stays public (its victim is not shown) but establishes nothing.
    assert Violation.objects.public().filter(event=event).exists()
    assert point_of(event)[2:] == (P.PROVINCE, True)


def test_check_publication_repairs_a_stale_map_precision_as_a_rebuild_would(geography):
    """As after a change of the rule: the stored flags of the old one are found,
    and --fix gives the copy the points a rebuild from scratch gives."""
    exact, coarse = exact_event(geography), exact_event(geography)
    ViolationFactory(**PUBLISHED, event=coarse, victim=PersonFactory(**PUBLISHED, is_alive=True))
    Event.objects.filter(pk=exact.pk).update(involves_living=True)  # bypassing the refresh
    Event.objects.filter(pk=coarse.pk).update(involves_living=False)
    call_command("rebuild_public", verbosity=0)
    assert point_of(exact)[2:] == (P.PROVINCE, True)  # the stale flags' points
    assert point_of(coarse)[2:] == (P.EXACT, False)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_publication", stdout=out)
    assert f"events: 2 with a stale map precision: {min(exact.code, coarse.code)}" in out.getvalue()

    call_command("check_publication", "--fix", stdout=StringIO())
    fixed = copy_snapshot()
    assert point_of(exact)[2:] == (P.EXACT, False)
    assert point_of(coarse)[2:] == (P.PROVINCE, True)
    call_command("check_publication", stdout=StringIO())  # consistent now: no error
    call_command("rebuild_public", verbosity=0)
    assert copy_snapshot() == fixed
