"""factory_boy factories for every model of `cases`.

Defaults make a valid but *unpublished* record (draft, no consent), so that a
test has to say what makes a record public. The `publishable` trait (and
`consented` for testimonies) sets the fields `.public()` looks at.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from cases.dates import DatePrecision
from cases.models import (
    BorderCrossing,
    Confidentiality,
    ConsentScope,
    CrossingLeg,
    Event,
    Facility,
    Identity,
    Information,
    Involvement,
    Knowledge,
    Organization,
    Person,
    Place,
    Source,
    Testimony,
    Violation,
    ViolationType,
    WorkflowStatus,
)

PUBLISHED = {"status": WorkflowStatus.PUBLISHED, "confidentiality": Confidentiality.STANDARD}


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"XP-{n:03d}")
    level = Place.Level.PROVINCE
    name_en = factory.Sequence(lambda n: f"Province {n}")
    name_ko = factory.Sequence(lambda n: f"도 {n}")

    class Params:
        country = factory.Trait(
            level=Place.Level.COUNTRY, code=factory.Sequence(lambda n: f"Q{n % 10}{n // 10}")
        )


class ViolationTypeFactory(DjangoModelFactory):
    class Meta:
        model = ViolationType

    code = factory.Sequence(lambda n: f"V{n + 50:02d}")
    name_en = factory.Sequence(lambda n: f"Violation category {n}")
    name_ko = factory.Sequence(lambda n: f"침해 유형 {n}")

    @classmethod
    def sub_type(cls, parent, number, **kwargs):
        """A sub-type whose code follows its parent's: V05 -> V05.01."""
        return cls(parent=parent, code=f"{parent.code}.{number:02d}", **kwargs)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"ORG-{n}")
    name_en = factory.Sequence(lambda n: f"Security office {n}")
    name_ko = factory.Sequence(lambda n: f"보위부 {n}")
    country = "KP"
    kind = Organization.Kind.STATE_SECURITY


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    kind = Source.Kind.NGO_REPORT
    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = "Test publisher"
    published_year = 2014


class FacilityFactory(DjangoModelFactory):
    class Meta:
        model = Facility

    code = factory.Sequence(lambda n: f"FAC-{n}")
    kind = Facility.Kind.KYOHWASO
    name_en = factory.Sequence(lambda n: f"Camp {n}")
    name_ko = factory.Sequence(lambda n: f"교화소 {n}")
    place = factory.SubFactory(PlaceFactory)
    source = factory.SubFactory(SourceFactory)


class PublishableFactory(DjangoModelFactory):
    """Draft and standard confidentiality unless a test says otherwise."""

    class Meta:
        abstract = True

    status = WorkflowStatus.DRAFT
    confidentiality = Confidentiality.STANDARD

    class Params:
        publishable = factory.Trait(**PUBLISHED)


class PersonFactory(PublishableFactory):
    class Meta:
        model = Person

    pseudonym = factory.Sequence(lambda n: f"Witness {n}")
    birth_year = 1975


class IdentityFactory(DjangoModelFactory):
    class Meta:
        model = Identity

    person = factory.SubFactory(PersonFactory)
    real_name = "Kim Chol-su"


class TestimonyFactory(PublishableFactory):
    __test__ = False  # not a test class, whatever its name

    class Meta:
        model = Testimony

    interviewee = factory.SubFactory(PersonFactory)
    interview_date = datetime.date(2015, 6, 1)
    interview_country = "KR"
    title_en = factory.Sequence(lambda n: f"Testimony {n}")
    consent_scope = ConsentScope.NONE

    class Params:
        consented = factory.Trait(
            consent_scope=ConsentScope.FULL, consent_given_on=datetime.date(2015, 6, 1)
        )
        withdrawn = factory.Trait(consented=True, consent_withdrawn_on=datetime.date(2016, 1, 1))
        # Published, standard confidentiality and consented: what the public may see.
        publishable = factory.Trait(consented=True, **PUBLISHED)


class EventFactory(PublishableFactory):
    class Meta:
        model = Event

    title_en = factory.Sequence(lambda n: f"Event {n}")
    start_date = datetime.date(2003, 5, 17)
    start_precision = DatePrecision.DAY


class ViolationFactory(PublishableFactory):
    class Meta:
        model = Violation

    event = factory.SubFactory(EventFactory)
    violation_type = factory.SubFactory(ViolationTypeFactory)
    victim = factory.SubFactory(PersonFactory)
    start_date = datetime.date(2003, 5, 17)
    start_precision = DatePrecision.DAY

    class Params:
        # A public violation needs a public event and victim too.
        publishable = factory.Trait(
            event=factory.SubFactory(EventFactory, publishable=True),
            victim=factory.SubFactory(PersonFactory, publishable=True),
            **PUBLISHED,
        )


class InvolvementFactory(DjangoModelFactory):
    class Meta:
        model = Involvement

    violation = factory.SubFactory(ViolationFactory)
    perpetrator_organization = factory.SubFactory(OrganizationFactory)


class InformationFactory(DjangoModelFactory):
    """Supports an event with a testimony unless told otherwise."""

    class Meta:
        model = Information

    testimony = factory.SubFactory(TestimonyFactory)
    event = factory.SubFactory(EventFactory)
    knowledge = Knowledge.EXPERIENCED


class BorderCrossingFactory(PublishableFactory):
    class Meta:
        model = BorderCrossing

    person = factory.SubFactory(PersonFactory)
    crossing_date = datetime.date(2008, 3, 1)
    crossing_date_precision = DatePrecision.MONTH
    crossing_point = "Tumen River"
    outcome = BorderCrossing.Outcome.REACHED_SOUTH_KOREA

    class Params:
        publishable = factory.Trait(
            person=factory.SubFactory(PersonFactory, publishable=True), **PUBLISHED
        )


class CrossingLegFactory(DjangoModelFactory):
    class Meta:
        model = CrossingLeg

    crossing = factory.SubFactory(BorderCrossingFactory)
    order = factory.Sequence(lambda n: n + 1)
    country = factory.SubFactory(PlaceFactory, country=True)
    what_happened = CrossingLeg.WhatHappened.TRANSITED


def publishable_testimony(**kwargs):
    """A testimony the public may see, with its interviewee public too."""
    if "interviewee" not in kwargs:
        kwargs["interviewee"] = PersonFactory(publishable=True)
    return TestimonyFactory(publishable=True, **kwargs)
