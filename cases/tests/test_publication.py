"""The stored `is_public` flags follow the publication rules on every write path.

`.by_publication_rules()` is the definition (its own tests are in test_public.py,
which now go through the stored flags); here: each kind of write refreshes the
records resting on it, batches defer the refresh, and check_publication finds
and repairs flags that a write bypassing signals left behind.

Every write here runs as the workflow's own (`workflow.acting()`): these tests
drive the flags through any kind of change, which outside the workflow only the
services may make (their guard is tested in test_workflow_guard.py).
"""

import datetime
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from cases import publication, services, workflow
from cases.markers import living_condition
from cases.models import (
    BorderCrossing,
    Confidentiality,
    Event,
    Information,
    Person,
    Testimony,
    Violation,
    WorkflowStatus,
)
from cases.tests.factories import (
    BorderCrossingFactory,
    EventFactory,
    InformationFactory,
    PersonFactory,
    TestimonyFactory,
    UserFactory,
    ViolationFactory,
    plant_private_records,
    publishable_testimony,
    published_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def as_the_workflow():
    with workflow.acting():
        yield


def assert_flags_follow_the_rules():
    for model in publication.PUBLISHABLE:
        flagged_wrongly, missing = publication.mismatches(model)
        assert not flagged_wrongly.exists(), (model, list(flagged_wrongly.values("code")))
        assert not missing.exists(), (model, list(missing.values("code")))
    # Published events' stored "involves a living person" (new drafts keep the
    # safe default until their first refresh).
    events = Event.objects.filter(status=WorkflowStatus.PUBLISHED)
    living = events.annotate(defined=living_condition()).values_list("involves_living", "defined")
    assert all(stored == defined for stored, defined in living)


def public(record):
    return type(record).objects.public().filter(pk=record.pk).exists()


def test_a_published_case_and_private_records_get_the_flags_the_rules_give():
    event = published_case()
    plant_private_records()
    assert public(event)
    assert Violation.objects.public().filter(event=event).count() == 1
    assert_flags_follow_the_rules()


def test_linking_a_testimony_without_consent_withholds_the_event_and_its_acts():
    event = published_case()
    violation = event.violations.get()
    InformationFactory(testimony=TestimonyFactory(), event=event)
    assert not public(event)
    assert not public(violation)
    assert_flags_follow_the_rules()


def test_removing_that_link_publishes_them_again():
    event = published_case()
    link = InformationFactory(testimony=TestimonyFactory(), event=event)
    link.delete()
    assert public(event)
    assert public(event.violations.get())


def test_withdrawing_consent_unflags_everything_resting_on_the_testimony():
    testimony = publishable_testimony()
    person = testimony.interviewee
    event = EventFactory(publishable=True)
    InformationFactory(testimony=testimony, event=event)
    violation = ViolationFactory(publishable=True, event=event, victim=person)
    crossing = BorderCrossingFactory(publishable=True, person=person)
    for record in (testimony, person, event, violation, crossing):
        assert public(record), record

    officer = UserFactory(roles=["custodian"])
    services.testimony_withdraw_consent(
        testimony=testimony, withdrawn_on=datetime.date(2024, 1, 2), by=officer
    )
    for record in (testimony, person, event, violation, crossing):
        assert not public(record), record
    assert_flags_follow_the_rules()


def test_restricting_a_person_withdraws_their_testimonies_acts_and_crossings():
    testimony = publishable_testimony()
    person = testimony.interviewee
    violation = ViolationFactory(publishable=True, victim=person)
    crossing = BorderCrossingFactory(publishable=True, person=person)
    person.confidentiality = Confidentiality.RESTRICTED
    person.save()
    for record in (person, testimony, violation, crossing):
        assert not public(record), record
    assert_flags_follow_the_rules()


def test_an_event_sent_back_to_draft_takes_its_acts_with_it():
    violation = ViolationFactory(publishable=True)
    event = violation.event
    event.status = WorkflowStatus.DRAFT
    event.save()
    assert not public(event)
    assert not public(violation)
    event.status = WorkflowStatus.PUBLISHED
    event.save()
    assert public(violation)


def test_deleting_an_event_leaves_no_flag_behind():
    event = published_case()
    event.delete()
    assert not Event.objects.public().exists()
    assert not Violation.objects.public().exists()


def test_a_batch_refreshes_once_at_its_end_and_not_at_all_when_it_fails():
    person = PersonFactory(publishable=True)
    with transaction.atomic(), publication.batch():
        person.confidentiality = Confidentiality.RESTRICTED
        person.save()
        assert public(person), "refreshed before the batch ended"
    assert not public(person)

    with pytest.raises(RuntimeError), transaction.atomic(), publication.batch():
        PersonFactory(publishable=True, pseudonym="rolled back")
        raise RuntimeError
    assert not Person.objects.filter(pseudonym="rolled back").exists()


def test_nested_batches_join_the_outer_one():
    with transaction.atomic(), publication.batch():
        with publication.batch():
            person = PersonFactory(publishable=True)
        assert not public(person)
    assert public(person)


def test_check_publication_finds_and_repairs_a_flag_a_bulk_write_left_stale():
    event = published_case()
    # A write that bypasses save() and its signals, as a careless bulk path would.
    Event.objects.filter(pk=event.pk).update(confidentiality=Confidentiality.RESTRICTED)
    assert public(event)

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_publication", stdout=out)
    assert event.code in out.getvalue()

    call_command("check_publication", "--fix", stdout=StringIO())
    assert not public(event)
    assert not public(event.violations.get())
    call_command("check_publication", stdout=StringIO())  # consistent now: no error


def test_refresh_everything_recomputes_flags_written_by_a_bulk_load():
    published_case()
    plant_private_records()
    for model in publication.PUBLISHABLE:
        model.objects.update(is_public=False)
    assert publication.refresh_everything() > 0
    assert_flags_follow_the_rules()


# A text field of each record that no publication rule reads.
TEXT_FIELD = {
    Person: "pseudonym",
    Testimony: "public_summary_en",
    Event: "description_en",
    Violation: "description_en",
    BorderCrossing: "description_en",
}


def test_random_sequences_of_edits_keep_the_flags_equal_to_the_rules():
    """Many small edits in random order, each checked against the rules."""
    rng = random.Random(8)
    persons = [PersonFactory(publishable=True) for _ in range(3)]
    testimonies = [
        TestimonyFactory(publishable=True, interviewee=rng.choice(persons)) for _ in range(4)
    ]
    events = [EventFactory(publishable=True) for _ in range(3)]
    violations = [
        ViolationFactory(publishable=True, event=rng.choice(events), victim=rng.choice(persons))
        for _ in range(6)
    ]
    crossings = [
        BorderCrossingFactory(
            publishable=True, person=rng.choice(persons), testimony=rng.choice(testimonies)
        )
        for _ in range(3)
    ]
    records = persons + testimonies + events + violations + crossings

    def toggle_status():
        record = type(choice := rng.choice(records)).objects.get(pk=choice.pk)
        record.status = rng.choice([WorkflowStatus.PUBLISHED, WorkflowStatus.RETURNED])
        record.save()

    def toggle_confidentiality():
        record = type(choice := rng.choice(records)).objects.get(pk=choice.pk)
        record.confidentiality = rng.choice(list(Confidentiality))
        record.save()

    def toggle_consent():
        testimony = Testimony.objects.get(pk=rng.choice(testimonies).pk)
        withdrawn = testimony.consent_withdrawn_on
        testimony.consent_withdrawn_on = None if withdrawn else datetime.date(2020, 1, 1)
        testimony.save()

    def link():
        target = rng.choice([{"event": rng.choice(events)}, {"violation": rng.choice(violations)}])
        Information.objects.create(testimony=rng.choice(testimonies), **target)

    def unlink():
        link = Information.objects.order_by("?").first()
        if link:
            link.delete()

    def move_victim():
        violation = Violation.objects.get(pk=rng.choice(violations).pk)
        violation.victim = rng.choice(persons)
        violation.save()

    def move_act():
        violation = Violation.objects.get(pk=rng.choice(violations).pk)
        violation.event = rng.choice(events)
        violation.save()

    def toggle_alive():
        person = Person.objects.get(pk=rng.choice(persons).pk)
        person.is_alive = rng.choice([True, False, None])
        person.save()

    def edit_text_then_status():
        # One copy saved twice: the second save compares with the first, not the load.
        record = type(choice := rng.choice(records)).objects.get(pk=choice.pk)
        setattr(record, TEXT_FIELD[type(record)], f"edited {_step}")
        record.save()
        record.status = rng.choice([WorkflowStatus.PUBLISHED, WorkflowStatus.RETURNED])
        record.save()

    def add_records():
        # New records outside a batch take the short path (publication.touch_new).
        victim = rng.choice([*persons, PersonFactory(publishable=rng.random() < 0.5)])
        violations.append(
            ViolationFactory(
                publishable=rng.random() < 0.7, event=rng.choice(events), victim=victim
            )
        )
        BorderCrossingFactory(publishable=True, person=victim, testimony=rng.choice(testimonies))
        events.append(EventFactory(publishable=rng.random() < 0.7))

    edits = [
        add_records,
        toggle_status,
        toggle_confidentiality,
        toggle_consent,
        link,
        unlink,
        move_victim,
        move_act,
        toggle_alive,
        edit_text_then_status,
    ]
    public_acts_seen = set()
    for _step in range(90):
        rng.choice(edits)()
        assert_flags_follow_the_rules()
        public_acts_seen.update(Violation.objects.public().values_list("pk", flat=True))
    # The walk made acts public and withheld them again: the flags checked varied.
    assert len(public_acts_seen) >= 3
    assert Violation.objects.filter(pk__in=public_acts_seen, is_public=False).exists()


def test_a_witness_found_alive_coarsens_the_events_they_are_part_of():
    event = published_case()
    victim = event.violations.get().victim  # also the witness behind the event
    victim.is_alive = False
    victim.save()
    event.refresh_from_db()
    assert not event.involves_living
    victim.is_alive = True
    victim.save()
    event.refresh_from_db()
    assert event.involves_living
    assert_flags_follow_the_rules()


@pytest.mark.parametrize(
    ("make", "edit"),
    [
        (lambda: PersonFactory(publishable=True), {"pseudonym": "renamed"}),
        (lambda: TestimonyFactory(publishable=True), {"title_en": "retitled"}),
        (published_case, {"description_en": "rewritten"}),
        (lambda: published_case().violations.get(), {"description_en": "rewritten"}),
        (lambda: BorderCrossingFactory(publishable=True), {"crossing_point": "Hyesan"}),
    ],
)
def test_a_save_that_changes_no_field_the_rules_read_refreshes_nothing(monkeypatch, make, edit):
    record = type(made := make()).objects.get(pk=made.pk)
    refreshed = []
    monkeypatch.setattr(publication, "refresh", lambda **ids: refreshed.append(ids))
    for name, value in edit.items():
        setattr(record, name, value)
    record.save()
    assert refreshed == []
    record.status = WorkflowStatus.RETURNED
    record.save()
    assert len(refreshed) == 1


def test_a_save_leaving_a_rule_field_out_of_update_fields_is_compared_again_later():
    person = Person.objects.get(pk=PersonFactory(publishable=True).pk)
    person.confidentiality = Confidentiality.RESTRICTED
    person.save(update_fields=["pseudonym"])  # the new confidentiality is not stored
    assert public(person)
    person.save()
    assert not public(person)
    assert_flags_follow_the_rules()


def test_an_act_moved_to_another_event_leaves_the_first_one_recomputed():
    first, second = published_case(), EventFactory(publishable=True)
    act = first.violations.get()
    Information.objects.filter(testimony__interviewee=act.victim).delete()  # only the act links
    Person.objects.filter(pk=act.victim_id).update(is_alive=False)
    publication.refresh(persons=[act.victim_id])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.involves_living, second.involves_living) == (False, True)  # no public act
    act = Violation.objects.get(pk=act.pk)
    act.event = second
    act.save()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.involves_living, second.involves_living) == (True, False)
    assert_flags_follow_the_rules()
