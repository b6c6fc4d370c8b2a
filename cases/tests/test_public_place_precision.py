"""Where a living person is involved, an event and its acts reach the public at
province level, on every page, answer, search key and map point; otherwise at the
county (issue 18, docs/publication-policy.md "Places of events and acts")."""

import pytest

from cases.models import Person
from cases.tests.factories import (
    EventFactory,
    PersonFactory,
    PlaceFactory,
    ViolationFactory,
    workflow_save,
)
from public.models import Entry, Key

pytestmark = pytest.mark.django_db

COUNTY_TRACES = ["KP-PPT-HR", "Hoeryong Hidden County", "회령비밀군"]


@pytest.fixture
def county():
    province = PlaceFactory(code="KP-PPT", name_en="Place Test Province", name_ko="장소시험도")
    return PlaceFactory(
        code="KP-PPT-HR",
        level="county",
        parent=province,
        name_en="Hoeryong Hidden County",
        name_ko="회령비밀군",
    )


def case(county, *, alive):
    event = EventFactory(publishable=True, place=county)
    victim = PersonFactory(publishable=True, is_alive=alive)
    act = ViolationFactory(publishable=True, event=event, victim=victim, place=county)
    return event, act, victim


def published_text(client, event, act):
    """Everything the public gets of the event and its act."""
    responses = [
        client.get(f"/cases/events/{event.code}/"),
        client.get(f"/ko/cases/events/{event.code}/"),
        client.get(f"/api/cases/events/{event.code}/", HTTP_ACCEPT="application/json"),
        client.get(f"/api/cases/violations/{act.code}/", HTTP_ACCEPT="application/json"),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    text = "".join(r.content.decode() for r in responses)
    for entry in Entry.objects.filter(code__in=[event.code, act.code]):
        text += str(entry.data) + entry.search_text
    return text


def keys_of(record):
    return set(Key.objects.filter(entry__code=record.code).values_list("facet", "value").distinct())


def test_a_living_victim_keeps_the_event_and_its_act_at_the_province(client, county):
    event, act, _victim = case(county, alive=True)
    text = published_text(client, event, act)
    assert not [trace for trace in COUNTY_TRACES if trace in text]
    assert "Place Test Province" in text and "장소시험도" in text
    for record in (event, act):
        assert ("province", "KP-PPT") in keys_of(record)
        assert ("county", "KP-PPT-HR") not in keys_of(record)


def test_with_nobody_living_involved_the_county_is_shown(client, county):
    event, act, _victim = case(county, alive=False)
    text = published_text(client, event, act)
    assert "Hoeryong Hidden County" in text and "회령비밀군" in text
    for record in (event, act):
        assert ("county", "KP-PPT-HR") in keys_of(record)


def test_when_the_last_living_victim_is_recorded_dead_every_act_follows_its_event(client, county):
    """An event's other acts are rewritten with it, though nothing of theirs changed."""
    event, act, victim = case(county, alive=None)  # not recorded: counts as living
    other = ViolationFactory(
        publishable=True,
        event=event,
        victim=PersonFactory(publishable=True, is_alive=False),
        place=county,
    )
    assert "Hoeryong Hidden County" not in published_text(client, event, other)
    workflow_save(Person.objects.get(pk=victim.pk), is_alive=False)
    for record in (event, act, other):
        assert ("county", "KP-PPT-HR") in keys_of(record), record.code
    assert Entry.objects.get(code=other.code).data["en"]["place"]["code"] == "KP-PPT-HR"


def test_a_caller_that_does_not_say_who_is_involved_gets_the_province():
    from cases.disclosure import public_place
    from cases.models import Place

    province = Place(code="KP-X", level="province")
    county = Place(code="KP-X-1", level="county", parent=province)
    assert public_place(county) is province
    assert public_place(county, living=False) is county
