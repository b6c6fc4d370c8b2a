"""The public/private boundary: what each `.public()` method lets the public see.

The expectations are written from the rule, not from the code: a record is public
only if it is published, of standard confidentiality and, where a testimony is
involved, consented to publication and not withdrawn. Every choice of status,
confidentiality and consent is parametrized from the model's own choices, so a
new choice is tested as soon as it is added, and is expected to stay private
unless it is added to the allow-lists below.
"""

import datetime

import pytest
from django.apps import apps

from cases import models
from cases.models import (
    BorderCrossing,
    Confidentiality,
    ConsentScope,
    Event,
    Person,
    Violation,
    WorkflowStatus,
)
from cases.tests import factories
from cases.tests.factories import (
    PUBLISHED,
    BorderCrossingFactory,
    EventFactory,
    InformationFactory,
    InvolvementFactory,
    PersonFactory,
    ProceedingEventFactory,
    ProceedingFactory,
    ProceedingPersonFactory,
    ProceedingSourceFactory,
    SourceFactory,
    TestimonyFactory,
    ViolationFactory,
    one_refresh,
    publishable_testimony,
)

pytestmark = pytest.mark.django_db

# What the rule allows; anything else, including a choice added later, is private.
PUBLIC_STATUSES = {"published"}
PUBLIC_CONFIDENTIALITY = {"standard"}
PUBLIC_CONSENT = {"anonymised", "full"}

GIVEN = datetime.date(2015, 6, 1)
WITHDRAWN = datetime.date(2016, 1, 1)


def consent(scope, withdrawn=False):
    """Testimony fields for a consent scope, optionally withdrawn later."""
    return {
        "consent_scope": scope,
        "consent_given_on": None if scope == ConsentScope.NONE else GIVEN,
        "consent_withdrawn_on": WITHDRAWN if withdrawn else None,
    }


CONSENT_CASES = [
    pytest.param(scope, False, scope in PUBLIC_CONSENT, id=scope) for scope in ConsentScope.values
] + [
    pytest.param(scope, True, False, id=f"{scope}-withdrawn")
    for scope in ConsentScope.values
    if scope != ConsentScope.NONE
]
WITHHELD_CONSENT = [
    pytest.param(scope, withdrawn, id=case.id)
    for case in CONSENT_CASES
    for scope, withdrawn, public in [case.values]
    if not public
]
STATUS_CASES = [
    pytest.param(status, status in PUBLIC_STATUSES, id=status) for status in WorkflowStatus.values
]
CONFIDENTIALITY_CASES = [
    pytest.param(level, level in PUBLIC_CONFIDENTIALITY, id=level)
    for level in Confidentiality.values
]


def withheld_testimony(scope=ConsentScope.INTERNAL, withdrawn=False, **kwargs):
    """A testimony that is published and standard but whose consent does not allow publication."""
    return TestimonyFactory(**PUBLISHED, **consent(scope, withdrawn), **kwargs)


def public_pks(model):
    return set(model.objects.public().values_list("pk", flat=True))


# --- Testimony ---------------------------------------------------------------


class TestTestimonyPublic:
    @pytest.mark.parametrize(("status", "public"), STATUS_CASES)
    def test_only_published_testimonies_are_public(self, status, public):
        testimony = publishable_testimony(status=status)
        assert (testimony.pk in public_pks(models.Testimony)) is public

    @pytest.mark.parametrize(("confidentiality", "public"), CONFIDENTIALITY_CASES)
    def test_restricted_and_confidential_testimonies_are_private(self, confidentiality, public):
        testimony = publishable_testimony(confidentiality=confidentiality)
        assert (testimony.pk in public_pks(models.Testimony)) is public

    @pytest.mark.parametrize(("scope", "withdrawn", "public"), CONSENT_CASES)
    def test_only_consent_to_publication_not_withdrawn_makes_a_testimony_public(
        self, scope, withdrawn, public
    ):
        testimony = TestimonyFactory(**PUBLISHED, **consent(scope, withdrawn))
        assert (testimony.pk in public_pks(models.Testimony)) is public
        assert testimony.consents_to_publication is public

    @pytest.mark.parametrize(("confidentiality", "public"), CONFIDENTIALITY_CASES)
    def test_a_restricted_or_confidential_interviewee_keeps_the_testimony_private(
        self, confidentiality, public
    ):
        testimony = publishable_testimony(
            interviewee=PersonFactory(publishable=True, confidentiality=confidentiality)
        )
        assert (testimony.pk in public_pks(models.Testimony)) is public

    def test_withdrawing_consent_unpublishes_at_once(self):
        testimony = publishable_testimony()
        assert testimony.pk in public_pks(models.Testimony)
        factories.workflow_save(testimony, consent_withdrawn_on=datetime.date(2020, 1, 1))
        assert testimony.pk not in public_pks(models.Testimony)


# --- Person ------------------------------------------------------------------


class TestPersonPublic:
    @pytest.mark.parametrize(("status", "public"), STATUS_CASES)
    def test_only_published_persons_are_public(self, status, public):
        person = PersonFactory(publishable=True, status=status)
        assert (person.pk in public_pks(Person)) is public

    @pytest.mark.parametrize(("confidentiality", "public"), CONFIDENTIALITY_CASES)
    def test_restricted_and_confidential_persons_are_private(self, confidentiality, public):
        person = PersonFactory(publishable=True, confidentiality=confidentiality)
        assert (person.pk in public_pks(Person)) is public

    def test_a_person_without_testimony_can_be_public(self):
        """A victim named in someone else's account has no consent of their own to check."""
        person = PersonFactory(publishable=True)
        assert person.pk in public_pks(Person)

    @pytest.mark.parametrize(("scope", "withdrawn", "public"), CONSENT_CASES)
    def test_the_interviewees_consent_decides(self, scope, withdrawn, public):
        person = PersonFactory(publishable=True)
        TestimonyFactory(interviewee=person, **PUBLISHED, **consent(scope, withdrawn))
        assert (person.pk in public_pks(Person)) is public

    @pytest.mark.parametrize(("scope", "withdrawn"), WITHHELD_CONSENT)
    def test_one_testimony_without_consent_withholds_the_person(self, scope, withdrawn):
        person = PersonFactory(publishable=True)
        publishable_testimony(interviewee=person)
        publishable_testimony(interviewee=person)
        withheld_testimony(scope, withdrawn, interviewee=person)
        assert person.pk not in public_pks(Person)

    def test_an_unpublished_testimony_without_consent_still_withholds_the_person(self):
        person = PersonFactory(publishable=True)
        TestimonyFactory(interviewee=person, status=WorkflowStatus.DRAFT, **consent("none"))
        assert person.pk not in public_pks(Person)

    def test_another_persons_withheld_testimony_does_not_affect_this_one(self):
        person = PersonFactory(publishable=True)
        publishable_testimony(interviewee=person)
        withheld_testimony()
        assert public_pks(Person) == {person.pk}


# --- Event -------------------------------------------------------------------


class TestEventPublic:
    @pytest.mark.parametrize(("status", "public"), STATUS_CASES)
    def test_only_published_events_are_public(self, status, public):
        event = EventFactory(publishable=True, status=status)
        assert (event.pk in public_pks(Event)) is public

    @pytest.mark.parametrize(("confidentiality", "public"), CONFIDENTIALITY_CASES)
    def test_restricted_and_confidential_events_are_private(self, confidentiality, public):
        event = EventFactory(publishable=True, confidentiality=confidentiality)
        assert (event.pk in public_pks(Event)) is public

    @pytest.mark.parametrize(("scope", "withdrawn", "public"), CONSENT_CASES)
    def test_an_event_is_public_only_if_its_testimonies_consent(self, scope, withdrawn, public):
        event = EventFactory(publishable=True)
        InformationFactory(event=event, testimony=publishable_testimony())
        InformationFactory(
            event=event, testimony=TestimonyFactory(**PUBLISHED, **consent(scope, withdrawn))
        )
        assert (event.pk in public_pks(Event)) is public

    def test_an_event_supported_by_a_documentary_source_is_public(self):
        event = EventFactory(publishable=True)
        InformationFactory(event=event, testimony=None, source=SourceFactory())
        assert event.pk in public_pks(Event)

    def test_withheld_support_of_another_event_does_not_affect_this_one(self):
        event = EventFactory(publishable=True)
        InformationFactory(event=EventFactory(publishable=True), testimony=withheld_testimony())
        assert event.pk in public_pks(Event)


# --- Violation ---------------------------------------------------------------


class TestViolationPublic:
    @pytest.mark.parametrize(("status", "public"), STATUS_CASES)
    def test_only_published_violations_are_public(self, status, public):
        violation = ViolationFactory(publishable=True, status=status)
        assert (violation.pk in public_pks(Violation)) is public

    @pytest.mark.parametrize(("confidentiality", "public"), CONFIDENTIALITY_CASES)
    def test_restricted_and_confidential_violations_are_private(self, confidentiality, public):
        violation = ViolationFactory(publishable=True, confidentiality=confidentiality)
        assert (violation.pk in public_pks(Violation)) is public

    @pytest.mark.parametrize(("status", "public"), STATUS_CASES)
    def test_a_violation_follows_its_events_status(self, status, public):
        violation = ViolationFactory(
            publishable=True, event=EventFactory(publishable=True, status=status)
        )
        assert (violation.pk in public_pks(Violation)) is public

    @pytest.mark.parametrize(("confidentiality", "public"), CONFIDENTIALITY_CASES)
    def test_a_violation_follows_its_events_confidentiality(self, confidentiality, public):
        event = EventFactory(publishable=True, confidentiality=confidentiality)
        violation = ViolationFactory(publishable=True, event=event)
        assert (violation.pk in public_pks(Violation)) is public

    @pytest.mark.parametrize(("scope", "withdrawn"), WITHHELD_CONSENT)
    def test_withheld_support_for_the_event_withholds_its_violations(self, scope, withdrawn):
        violation = ViolationFactory(publishable=True)
        InformationFactory(event=violation.event, testimony=withheld_testimony(scope, withdrawn))
        assert violation.pk not in public_pks(Violation)

    @pytest.mark.parametrize(("scope", "withdrawn", "public"), CONSENT_CASES)
    def test_a_violation_is_public_only_if_its_testimonies_consent(self, scope, withdrawn, public):
        violation = ViolationFactory(publishable=True)
        InformationFactory(event=None, violation=violation, testimony=publishable_testimony())
        InformationFactory(
            event=None,
            violation=violation,
            testimony=TestimonyFactory(**PUBLISHED, **consent(scope, withdrawn)),
        )
        assert (violation.pk in public_pks(Violation)) is public

    @pytest.mark.parametrize(("scope", "withdrawn", "public"), CONSENT_CASES)
    def test_the_victims_own_consent_decides(self, scope, withdrawn, public):
        violation = ViolationFactory(publishable=True)
        TestimonyFactory(interviewee=violation.victim, **PUBLISHED, **consent(scope, withdrawn))
        assert (violation.pk in public_pks(Violation)) is public

    @pytest.mark.parametrize(("confidentiality", "public"), CONFIDENTIALITY_CASES)
    def test_a_restricted_or_confidential_victim_keeps_the_violation_private(
        self, confidentiality, public
    ):
        victim = PersonFactory(publishable=True, confidentiality=confidentiality)
        violation = ViolationFactory(publishable=True, victim=victim)
        assert (violation.pk in public_pks(Violation)) is public

    def test_a_violation_without_a_known_victim_can_be_public(self):
        violation = ViolationFactory(publishable=True, victim=None)
        assert violation.pk in public_pks(Violation)

    def test_a_sibling_violations_withheld_support_does_not_withhold_this_one(self):
        violation = ViolationFactory(publishable=True)
        sibling = ViolationFactory(publishable=True, event=violation.event)
        InformationFactory(event=None, violation=sibling, testimony=withheld_testimony())
        assert public_pks(Violation) == {violation.pk}


# --- BorderCrossing ----------------------------------------------------------


class TestBorderCrossingPublic:
    @pytest.mark.parametrize(("status", "public"), STATUS_CASES)
    def test_only_published_crossings_are_public(self, status, public):
        crossing = BorderCrossingFactory(publishable=True, status=status)
        assert (crossing.pk in public_pks(BorderCrossing)) is public

    @pytest.mark.parametrize(("confidentiality", "public"), CONFIDENTIALITY_CASES)
    def test_restricted_and_confidential_crossings_are_private(self, confidentiality, public):
        crossing = BorderCrossingFactory(publishable=True, confidentiality=confidentiality)
        assert (crossing.pk in public_pks(BorderCrossing)) is public

    @pytest.mark.parametrize(("confidentiality", "public"), CONFIDENTIALITY_CASES)
    def test_a_restricted_or_confidential_person_keeps_the_crossing_private(
        self, confidentiality, public
    ):
        person = PersonFactory(publishable=True, confidentiality=confidentiality)
        crossing = BorderCrossingFactory(publishable=True, person=person)
        assert (crossing.pk in public_pks(BorderCrossing)) is public

    @pytest.mark.parametrize(("scope", "withdrawn", "public"), CONSENT_CASES)
    def test_the_persons_consent_decides(self, scope, withdrawn, public):
        crossing = BorderCrossingFactory(publishable=True)
        TestimonyFactory(interviewee=crossing.person, **PUBLISHED, **consent(scope, withdrawn))
        assert (crossing.pk in public_pks(BorderCrossing)) is public

    @pytest.mark.parametrize(("scope", "withdrawn", "public"), CONSENT_CASES)
    def test_the_testimony_it_is_recorded_from_must_consent(self, scope, withdrawn, public):
        """A crossing told by someone else (a relative, say) follows that teller's consent."""
        teller = TestimonyFactory(**PUBLISHED, **consent(scope, withdrawn))
        crossing = BorderCrossingFactory(publishable=True, testimony=teller)
        assert (crossing.pk in public_pks(BorderCrossing)) is public

    def test_a_crossing_recorded_from_the_persons_consented_testimony_is_public(self):
        testimony = publishable_testimony()
        crossing = BorderCrossingFactory(
            publishable=True, person=testimony.interviewee, testimony=testimony
        )
        assert crossing.pk in public_pks(BorderCrossing)


# --- Across models -----------------------------------------------------------


def test_withdrawal_of_consent_unpublishes_everything_resting_on_it():
    testimony = publishable_testimony()
    person = testimony.interviewee
    violation = ViolationFactory(publishable=True, victim=person)
    InformationFactory(event=violation.event, testimony=testimony)
    crossing = BorderCrossingFactory(publishable=True, person=person, testimony=testimony)
    records = {models.Testimony: testimony, Person: person, Event: violation.event}
    records |= {Violation: violation, BorderCrossing: crossing}
    assert all(record.pk in public_pks(model) for model, record in records.items())

    factories.workflow_save(testimony, consent_withdrawn_on=datetime.date(2020, 1, 1))

    still_public = [
        model.__name__ for model, record in records.items() if record.pk in public_pks(model)
    ]
    assert still_public == []


PUBLIC_MODELS = [models.Testimony, Person, Event, Violation, BorderCrossing, models.Proceeding]


def test_every_model_with_a_public_method_is_tested_here():
    with_public = {
        model
        for model in apps.get_app_config("cases").get_models()
        if hasattr(model._default_manager, "public")
    }
    assert with_public == set(PUBLIC_MODELS)


@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=lambda model: model.__name__)
def test_public_querysets_do_not_duplicate_rows(model):
    """Several testimonies, supporting information and legs must not multiply a row."""
    with one_refresh():  # the scenario at once
        person = PersonFactory(publishable=True)
        testimonies = [publishable_testimony(interviewee=person) for _ in range(3)]
        event = EventFactory(publishable=True)
        violation = ViolationFactory(publishable=True, event=event, victim=person)
        for testimony in testimonies:
            InformationFactory(event=event, testimony=testimony)
            InformationFactory(event=None, violation=violation, testimony=testimony)
            InvolvementFactory(violation=violation)
        for testimony in testimonies:
            BorderCrossingFactory(publishable=True, person=person, testimony=testimony)
        # A proceeding on the person and the event, each named twice over its parts.
        proceeding = ProceedingFactory(**PUBLISHED)
        ProceedingPersonFactory(proceeding=proceeding, person=person)
        ProceedingEventFactory(proceeding=proceeding, event=event)
        ProceedingSourceFactory(proceeding=proceeding)
        ProceedingSourceFactory(proceeding=proceeding)

    pks = list(model.objects.public().values_list("pk", flat=True))
    assert pks, "the scenario should make something public"
    assert len(pks) == len(set(pks))
    assert model.objects.public().count() == model.objects.count()
