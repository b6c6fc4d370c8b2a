"""Changing only unpublished records changes no public byte, the case map included
(issue 18: an event's map precision moved with unpublished persons' "living" flag,
hinting that an unpublished living person is linked to it).

A population of public and unpublished records shares its events; every row of the
published copy and the public pages and APIs that read it are snapshot; then only
unpublished records change, in many ways, through the publication's own path and a
rebuild of the copy, and the snapshot must be the same, byte for byte.
"""

import json
import re
from decimal import Decimal

import pytest
from django.core import serializers
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from cases import publication, workflow
from cases.models import (
    Confidentiality,
    Event,
    LocationPrecision,
    Person,
    Place,
    Testimony,
    ViolationType,
)
from cases.tests.factories import (
    EventFactory,
    FacilityFactory,
    InformationFactory,
    PersonFactory,
    PlaceFactory,
    ProceedingEventFactory,
    ProceedingFactory,
    ProceedingPersonFactory,
    SourceFactory,
    TestimonyFactory,
    TestimonySourceFactory,
    ViolationFactory,
    ViolationTypeFactory,
    one_refresh,
    publishable_testimony,
)
from core.testing import rolled_back
from public.models import Entry, Generation, Key, Option, Reference, Summary

pytestmark = pytest.mark.django_db

P = LocationPrecision
PUBLISHED = {"status": "published", "confidentiality": Confidentiality.STANDARD}
RESTRICTED = {**PUBLISHED, "confidentiality": Confidentiality.RESTRICTED}


def make_geography():
    country = PlaceFactory(code="KP", level=Place.Level.COUNTRY, name_en="North Korea")
    province = PlaceFactory(
        code="KP-09",
        parent=country,
        name_en="North Hamgyong",
        latitude=Decimal("41.78330"),
        longitude=Decimal("129.76670"),
        location_precision=P.PROVINCE,
    )
    camp = FacilityFactory(
        code="KWL-25",
        place=province,
        latitude=Decimal("41.83438"),
        longitude=Decimal("129.72528"),
        location_precision=P.EXACT,
    )
    return {"province": province, "camp": camp}


def hidden_person(**fields):
    """An unpublished person: a draft, or published but restricted."""
    return PersonFactory(**fields)


def populate(geography):
    """Public events at an exact point, each also linked to unpublished records."""
    kinds = [ViolationTypeFactory(code=code) for code in ("DET", "TOR")]
    where = {"facility": geography["camp"], "place": geography["province"]}
    events = {}

    def public_act(event, victim, n=0):
        return ViolationFactory(
            **PUBLISHED, event=event, victim=victim, violation_type=kinds[n % 2], victim_age=40
        )

    # Exact: every public victim public and recorded deceased, a deceased public witness.
    for n in range(4):
        event = EventFactory(**PUBLISHED, **where, title_en=f"Deceased victims {n}")
        for m in range(2):
            public_act(event, PersonFactory(**PUBLISHED, is_alive=False), m)
        witness = PersonFactory(**PUBLISHED, is_alive=False)
        InformationFactory(event=event, testimony=publishable_testimony(interviewee=witness))
        events[f"dead{n}"] = event
    # Coarse: a public living victim, a victim of unknown status, a public act
    # whose victim is not shown, no public act at all.
    living = EventFactory(**PUBLISHED, **where, title_en="A living victim")
    public_act(living, PersonFactory(**PUBLISHED, is_alive=True))
    unknown = EventFactory(**PUBLISHED, **where, title_en="A victim of unknown status")
    public_act(unknown, PersonFactory(**PUBLISHED, is_alive=None))
    hidden = EventFactory(**PUBLISHED, **where, title_en="A victim not shown")
    public_act(hidden, PersonFactory(**PUBLISHED, is_alive=False))
    public_act(hidden, hidden_person(is_alive=False), 1)  # a public act, a draft victim
    no_act = EventFactory(**PUBLISHED, **where, title_en="No public act")
    events |= {"living": living, "unknown": unknown, "hidden": hidden, "no_act": no_act}

    # Around every event, unpublished records: draft and restricted victims of
    # draft acts, and draft testimonies (consented: no consent would withhold
    # what they support) by unpublished persons, on the event and on its acts.
    for n, event in enumerate(events.values()):
        draft_victim = hidden_person(is_alive=[True, False, None][n % 3])
        ViolationFactory(event=event, victim=draft_victim, violation_type=kinds[0])
        restricted = hidden_person(**RESTRICTED, is_alive=False)
        ViolationFactory(event=event, victim=restricted, violation_type=kinds[1])
        draft_witness = hidden_person(is_alive=False)
        testimony = TestimonyFactory(consented=True, interviewee=draft_witness)
        InformationFactory(event=event, testimony=testimony)
        act = event.violations.filter(is_public=True).first()
        if act is not None:
            InformationFactory(event=None, violation=act, testimony=testimony)
        # A recording cited on the event, not yet linked to any testimony.
        recording = SourceFactory(kind="interview", is_public_document=False)
        InformationFactory(event=event, testimony=None, source=recording)
    return events


# --- The changes: unpublished records only ------------------------------------------


def unpublished_persons():
    return Person.objects.filter(is_public=False)


def set_alive(value):
    def change(events):
        for person in unpublished_persons():
            person.is_alive = value
            with transaction.atomic(), workflow.acting():  # restricted ones are published
                person.save()

    return change


def add_living_victims(events):
    kind = ViolationType.objects.first()  # a new type would change the public lists
    for event in events.values():
        with transaction.atomic():
            ViolationFactory(event=event, victim=hidden_person(is_alive=True), violation_type=kind)


def add_living_restricted_victims(events):
    kind = ViolationType.objects.first()
    for event in events.values():
        with transaction.atomic():
            victim = hidden_person(**RESTRICTED, is_alive=True)
            ViolationFactory(**PUBLISHED, event=event, victim=victim, violation_type=kind)


def edit_draft_testimonies(events):
    for testimony in Testimony.objects.filter(is_public=False):
        testimony.title_en = "Retitled"
        testimony.transcript = "Rewritten"
        testimony.interviewee = hidden_person(is_alive=True)
        with transaction.atomic():
            testimony.save()


def add_living_witnesses(events):
    for event in events.values():
        with transaction.atomic():
            testimony = TestimonyFactory(consented=True, interviewee=hidden_person(is_alive=True))
            InformationFactory(event=event, testimony=testimony)
            for act in event.violations.all():
                InformationFactory(event=None, violation=act, testimony=testimony)


def move_draft_acts(events):
    targets = list(events.values())
    for n, event in enumerate(targets):
        for act in event.violations.filter(is_public=False, status="draft"):
            act.event = targets[(n + 1) % len(targets)]
            act.victim = hidden_person(is_alive=True)
            with transaction.atomic():
                act.save()


def delete_draft_acts(events):
    for event in events.values():
        with transaction.atomic():
            for act in event.violations.filter(is_public=False):
                with workflow.acting():
                    act.delete()


def cite_public_testimonies_on_draft_acts(events):
    testimony = Testimony.objects.public().first()
    for event in events.values():
        with transaction.atomic():
            draft = event.violations.filter(status="draft").first()
            InformationFactory(event=None, violation=draft, testimony=testimony)


def link_draft_testimonies_to_cited_recordings(events):
    for event in events.values():
        recording = event.information.get(source__isnull=False).source
        for information in event.information.filter(testimony__is_public=False):
            with transaction.atomic():
                TestimonySourceFactory(testimony=information.testimony, source=recording)


def add_proceedings_not_public(events):
    """A draft proceeding about each event and a public person, and a published one
    about the event and a person not public (withheld: the persons' consent rule),
    made with its links as an import would, its flags computed once."""
    public_person = Person.objects.public().first()
    for event in events.values():
        with one_refresh():
            draft = ProceedingFactory()
            ProceedingEventFactory(proceeding=draft, event=event)
            ProceedingPersonFactory(proceeding=draft, person=public_person)
            withheld = ProceedingFactory(**PUBLISHED)
            ProceedingPersonFactory(proceeding=withheld, person=hidden_person(is_alive=True))
            ProceedingEventFactory(proceeding=withheld, event=event)


CHANGES = {
    "unpublished persons alive": set_alive(True),
    "unpublished persons deceased": set_alive(False),
    "unpublished persons of unknown status": set_alive(None),
    "a living victim by a draft act": add_living_victims,
    "a living restricted victim by a published act": add_living_restricted_victims,
    "draft testimonies edited, a living interviewee": edit_draft_testimonies,
    "draft information from a living witness": add_living_witnesses,
    "draft acts moved to other events": move_draft_acts,
    "unpublished acts deleted": delete_draft_acts,
    # An event's count of sources reads its public acts only (cases/corroboration.py).
    "a public testimony cited on draft acts": cite_public_testimonies_on_draft_acts,
    # Only a public testimony's own sources count with it.
    "draft testimonies resting on cited recordings": link_draft_testimonies_to_cited_recordings,
    # An event's page lists its public proceedings only (issue 22).
    "proceedings not public about public events": add_proceedings_not_public,
}


# --- Every public byte ----------------------------------------------------------------


def rows(model, order, exclude=("id",)):
    data = json.loads(serializers.serialize("json", model.objects.order_by(*order)))
    return [{k: v for k, v in row["fields"].items() if k not in exclude} for row in data]


def copy_snapshot():
    """Every row of the published copy, without the ids a rebuild renumbers and
    the generation, which a rebuild always moves (compared apart)."""
    keys = sorted(Key.objects.values_list("entry__kind", "entry__code", "facet", "value"))
    return {
        "entries": rows(Entry, ["kind", "code"]),
        "keys": [list(key) for key in keys],
        "options": rows(Option, ["facet", "value"]),
        "references": rows(Reference, ["list", "code"]),
        "summaries": rows(Summary, ["name"]),
    }


def generation():
    """What a visitor can tell of the copy's generation: its token (the public
    cache's key) and position; `applied_at` is the appliers' lock, never read."""
    return list(Generation.objects.values_list("token", "outbox_position"))


def addresses(events):
    urls = [
        "/api/cases/markers/",
        "/api/cases/markers/?zoom=18&facilities=0",
        "/cases/map/",
        "/ko/cases/map/",
        "/api/cases/events/",
        "/api/cases/violations/",
        "/api/cases/testimonies/",
        "/api/cases/aggregates/",
    ]
    for language in ("", "/ko", "/ja"):
        urls += [f"{language}/cases/?kind={kind}" for kind in ("events", "violations")]
        urls.append(f"{language}/cases/")
        # The facility's page lists the events there and the violations by type and
        # period; the organizations' index counts violations (issue 22).
        urls += [f"{language}/cases/facilities/", f"{language}/cases/facilities/KWL-25/"]
        urls.append(f"{language}/cases/perpetrators/")
        urls += [f"{language}/cases/events/{event.code}/" for event in events.values()]
    return urls


# A form's CSRF token is masked anew for every response.
MASKED_TOKEN = re.compile(rb'(csrfToken": "|name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+')


def responses(events):
    client = Client()
    found = {}
    for url in addresses(events):
        for cache in caches.all():  # no page from the cache, no throttle
            cache.clear()
        lists = url.startswith(("/api/cases/events/", "/api/cases/violations/", "/api/cases/t"))
        accepts = ("application/json", "text/csv") if lists else ("application/json", "text/html")
        for accept in accepts if "/api/" in url else ("text/html",):
            response = client.get(url, HTTP_ACCEPT=accept)
            assert response.status_code == 200, (url, response.status_code)
            found[url, accept] = MASKED_TOKEN.sub(rb"\1-", response.content)
    return found


def snapshot(events):
    return copy_snapshot(), responses(events)


def assert_same(before, after):
    (copy_before, pages_before), (copy_after, pages_after) = before, after
    for part in copy_before:
        assert copy_after[part] == copy_before[part], part
    differing = [key for key in pages_before if pages_after[key] != pages_before[key]]
    assert not differing, differing


def points():
    return {
        entry.title_en: (entry.precision, entry.coarsened)
        for entry in Entry.objects.filter(kind="event")
    }


@pytest.fixture(scope="module")
def _population(django_db_setup, django_db_blocker):
    """The population, its published copy and their snapshot, made once for the
    module (about 15 s); each test's changes are rolled back after it."""
    with django_db_blocker.unblock(), rolled_back():
        events = populate(make_geography())
        call_command("rebuild_public", verbosity=0)
        yield {
            "events": {key: event.pk for key, event in events.items()},
            "points": points(),
            "before": snapshot(events),
            "generation": generation(),
            "public": {
                model: set(model.objects.public().values_list("pk", flat=True))
                for model in publication.PUBLISHABLE
            },
        }


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_changing_only_unpublished_records_changes_no_public_byte(_population, db, change):
    events = {key: Event.objects.get(pk=pk) for key, pk in _population["events"].items()}
    found = _population["points"]
    assert {title for title, (precision, _) in found.items() if precision == P.EXACT} == {
        f"Deceased victims {n}" for n in range(4)
    }
    assert sum(coarsened for _, coarsened in found.values()) == 4
    before, generation_before = _population["before"], _population["generation"]
    public_before = _population["public"]

    change(events)

    # Only unpublished records changed (or the test would prove nothing).
    for model, pks in public_before.items():
        assert set(model.objects.public().values_list("pk", flat=True)) == pks, model
    # The publication applied what it recorded at once (settings.PUBLICATION_APPLY):
    # the copy is as it was, and its generation did not move (the public cache kept).
    assert generation() == generation_before
    assert_same(before, snapshot(events))
    # Rebuilt from scratch, after the nightly check finds every stored flag right.
    call_command("check_publication", verbosity=0)
    call_command("rebuild_public", verbosity=0)
    assert_same(before, snapshot(events))
