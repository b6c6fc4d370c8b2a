"""factory_boy factories for every model of `cases`.

Defaults make a valid but *unpublished* record (draft, no consent), so that a
test has to say what makes a record public. The `publishable` trait (and
`consented` for testimonies) sets the fields `.public()` looks at.
"""

import contextlib
import datetime
import functools
import hashlib

import factory
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from factory.django import DjangoModelFactory

from cases import publication, workflow
from cases.dates import DatePrecision
from cases.models import (
    Attachment,
    AttachmentAccess,
    BorderCrossing,
    Confidentiality,
    ConsentScope,
    ConsentWithdrawal,
    CrossingLeg,
    Event,
    Facility,
    Identity,
    IdentityAccess,
    Information,
    Involvement,
    Knowledge,
    Organization,
    PerpetratorNaming,
    Person,
    PersonMerge,
    Place,
    Proceeding,
    ProceedingEvent,
    ProceedingPerson,
    ProceedingSource,
    Source,
    StatusChange,
    Testimony,
    TestimonyPrint,
    TestimonySource,
    Violation,
    ViolationType,
    WorkflowStatus,
)

PUBLISHED = {"status": WorkflowStatus.PUBLISHED, "confidentiality": Confidentiality.STANDARD}


@contextlib.contextmanager
def one_refresh():
    """Records made together get their publication flags computed once, at the
    end (`cases.publication.batch`, as an import does), not once per save: the
    flags are the same, for a fraction of the statements."""
    with transaction.atomic(), publication.batch():
        yield


def made_together(make):
    """`one_refresh` around a helper that makes several records."""

    @functools.wraps(make)
    def wrapper(*args, **kwargs):
        with one_refresh():
            return make(*args, **kwargs)

    return wrapper


class Factory(DjangoModelFactory):
    """`create_batch` makes its records inside `one_refresh`."""

    class Meta:
        abstract = True

    @classmethod
    def create_batch(cls, size, **kwargs):
        with one_refresh():
            return super().create_batch(size, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A factory sets up a state the workflow could have reached, in any status.
        with workflow.acting():
            return super()._create(model_class, *args, **kwargs)


class PlaceFactory(Factory):
    class Meta:
        model = Place
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"XP-{n:03d}")
    approved = True
    level = Place.Level.PROVINCE
    name_en = factory.Sequence(lambda n: f"Province {n}")
    name_ko = factory.Sequence(lambda n: f"도 {n}")

    class Params:
        country = factory.Trait(
            level=Place.Level.COUNTRY, code=factory.Sequence(lambda n: f"Q{n % 10}{n // 10}")
        )


class ViolationTypeFactory(Factory):
    class Meta:
        model = ViolationType

    # Three digits: never one of the two-digit codes tests write out (V01 to V99).
    code = factory.Sequence(lambda n: f"V{n + 100:03d}")
    name_en = factory.Sequence(lambda n: f"Violation category {n}")
    name_ko = factory.Sequence(lambda n: f"침해 유형 {n}")

    @classmethod
    def sub_type(cls, parent, number, **kwargs):
        """A sub-type whose code follows its parent's: V05 -> V05.01."""
        return cls(parent=parent, code=f"{parent.code}.{number:02d}", **kwargs)


class OrganizationFactory(Factory):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"ORG-{n}")
    name_en = factory.Sequence(lambda n: f"Security office {n}")
    name_ko = factory.Sequence(lambda n: f"보위부 {n}")
    country = "KP"
    kind = Organization.Kind.STATE_SECURITY


class SourceFactory(Factory):
    class Meta:
        model = Source

    kind = Source.Kind.NGO_REPORT
    title = factory.Sequence(lambda n: f"Report {n}")
    is_public_document = True
    public_citation = factory.LazyAttribute(
        lambda source: f"Annual report {source.title[7:]}" if source.is_public_document else ""
    )
    publisher = "Test publisher"
    published_year = 2014


class TestimonySourceFactory(Factory):
    """A testimony's own recording, held in confidence."""

    class Meta:
        model = TestimonySource

    testimony = factory.SubFactory("cases.tests.factories.TestimonyFactory")
    source = factory.SubFactory(SourceFactory, kind=Source.Kind.INTERVIEW, is_public_document=False)


class FacilityFactory(Factory):
    class Meta:
        model = Facility

    code = factory.Sequence(lambda n: f"FAC-{n}")
    approved = True
    kind = Facility.Kind.KYOHWASO
    name_en = factory.Sequence(lambda n: f"Camp {n}")
    name_ko = factory.Sequence(lambda n: f"교화소 {n}")
    place = factory.SubFactory(PlaceFactory)
    source = factory.SubFactory(SourceFactory)


class PublishableFactory(Factory):
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


class IdentityFactory(Factory):
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


class InvolvementFactory(Factory):
    class Meta:
        model = Involvement

    violation = factory.SubFactory(ViolationFactory)
    perpetrator_organization = factory.SubFactory(OrganizationFactory)


class InformationFactory(Factory):
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


class CrossingLegFactory(Factory):
    class Meta:
        model = CrossingLeg

    crossing = factory.SubFactory(BorderCrossingFactory)
    order = factory.Sequence(lambda n: n + 1)
    country = factory.SubFactory(PlaceFactory, country=True)
    what_happened = CrossingLeg.WhatHappened.TRANSITED


class ProceedingFactory(PublishableFactory):
    class Meta:
        model = Proceeding

    forum = Proceeding.Forum.WGAD
    submitted_by = "NKDB"
    submitted_on = datetime.date(2019, 4, 12)
    submitted_on_precision = DatePrecision.DAY
    summary_en = factory.Sequence(lambda n: f"Submission {n} on a detention.")


class ProceedingPersonFactory(Factory):
    class Meta:
        model = ProceedingPerson

    proceeding = factory.SubFactory(ProceedingFactory)
    person = factory.SubFactory(PersonFactory)


class ProceedingEventFactory(Factory):
    class Meta:
        model = ProceedingEvent

    proceeding = factory.SubFactory(ProceedingFactory)
    event = factory.SubFactory(EventFactory)


class ProceedingSourceFactory(Factory):
    class Meta:
        model = ProceedingSource

    proceeding = factory.SubFactory(ProceedingFactory)
    source = factory.SubFactory(SourceFactory)


@made_together
def publishable_testimony(**kwargs):
    """A testimony the public may see, with its interviewee public too."""
    if "interviewee" not in kwargs:
        kwargs["interviewee"] = PersonFactory(publishable=True)
    return TestimonyFactory(publishable=True, **kwargs)


# --- Staff and curation records ------------------------------------------------


class UserFactory(Factory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=["researcher"]) puts the user in those role groups."""
        from django.contrib.auth.models import Group

        from cases.roles import ensure_roles

        if create and extracted:
            ensure_roles()
            self.groups.set(Group.objects.filter(name__in=extracted))


class PerpetratorNamingFactory(Factory):
    """A naming in force (cases/naming.py decides them; this is for setting up)."""

    class Meta:
        model = PerpetratorNaming

    person = factory.SubFactory(PersonFactory)
    public_name = factory.Sequence(lambda n: f"Camp security chief No. {n}")
    legal_note = "Two independent testimonies; counsel consulted."
    decided_by = factory.SubFactory(UserFactory)
    decided_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))


class StatusChangeFactory(Factory):
    class Meta:
        model = StatusChange

    class Params:
        target = factory.SubFactory(EventFactory)

    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.target))
    object_id = factory.LazyAttribute(lambda o: o.target.pk)
    record_code = factory.LazyAttribute(lambda o: o.target.code)
    from_status = WorkflowStatus.DRAFT
    to_status = WorkflowStatus.IN_REVIEW
    by = factory.SubFactory(UserFactory)


class ConsentWithdrawalFactory(Factory):
    class Meta:
        model = ConsentWithdrawal

    testimony = factory.SubFactory(TestimonyFactory, withdrawn=True)
    withdrawn_on = datetime.date(2016, 1, 1)
    by = factory.SubFactory(UserFactory)


class PersonMergeFactory(Factory):
    class Meta:
        model = PersonMerge

    kept = factory.SubFactory(PersonFactory)
    merged_code = factory.Sequence(lambda n: f"P-MERGED{n:02d}")
    merged_pseudonym = "Old record"
    by = factory.SubFactory(UserFactory)


class IdentityAccessFactory(Factory):
    class Meta:
        model = IdentityAccess

    user = factory.SubFactory(UserFactory)
    person_code = factory.Sequence(lambda n: f"P-READ{n:04d}")
    action = IdentityAccess.Action.READ


class TestimonyPrintFactory(Factory):
    __test__ = False  # not a test class, whatever its name

    class Meta:
        model = TestimonyPrint

    testimony = factory.SubFactory(TestimonyFactory)
    language = "ko"
    with_transcript = False
    by = factory.SubFactory(UserFactory)


class AttachmentFactory(Factory):
    """An attachment with its encrypted file written (cases/attachments.py), on a
    draft testimony unless told otherwise; `content` is the file's plain bytes."""

    class Meta:
        model = Attachment

    testimony = factory.SubFactory(TestimonyFactory)
    source = None
    kind = Attachment.Kind.PDF
    file_name = factory.Sequence(lambda n: f"consent-form-{n}.pdf")
    description = "Signed consent form"
    uploaded_by = factory.SubFactory(UserFactory)
    content = b"%PDF-1.4 synthetic attachment"

    @classmethod
    def _create(cls, model_class, *args, content, **kwargs):
        from cases.attachments import store_encrypted

        kwargs.update(
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            stored_as=store_encrypted(content),
        )
        return super()._create(model_class, *args, **kwargs)


class AttachmentAccessFactory(Factory):
    class Meta:
        model = AttachmentAccess

    user = factory.SubFactory(UserFactory)
    attachment_number = factory.Sequence(lambda n: n + 1)
    record_code = factory.Sequence(lambda n: f"T-READ{n:04d}")
    action = AttachmentAccess.Action.READ


# --- Public search, pages and API (issue 5) ---------------------------------

PRIVATE_MARKER = "ZQXMARK"


@made_together
def published_case(
    *, title_ko="보위부 구금 사건", title_en="Detention by state security", **kwargs
):
    """A public event with one public violation, its victim, a perpetrator
    organization and a public testimony supporting it."""
    testimony = publishable_testimony(
        title_ko="탈북 증언", public_summary_ko="강제북송 후 조사를 받았다."
    )
    event = EventFactory(publishable=True, title_ko=title_ko, title_en=title_en, **kwargs)
    InformationFactory(testimony=testimony, event=event)
    violation = ViolationFactory(
        publishable=True, event=event, victim=testimony.interviewee, victim_age=30
    )
    InvolvementFactory(violation=violation)
    return event


@made_together
def plant_private_records(marker=PRIVATE_MARKER):
    """Records the public must never see, each with `marker` (plus a suffix naming
    it) in every text field, transcripts, notes and an identity included."""

    def text(name):
        return f"{marker}{name}"

    def texts(name, *fields):
        return {field: text(f"{name}{field}") for field in fields}

    event_text = ("title_en", "title_ko", "description_en", "description_ko")
    testimony_text = ("title_en", "title_ko", "public_summary_en", "public_summary_ko")
    testimony_text += ("transcript", "interviewer", "consent_method")
    proceeding_text = ("summary_en", "summary_ko", "notes", "un_reference", "submitted_by")
    cases = {
        "draft": {"status": WorkflowStatus.DRAFT},
        "review": {"status": WorkflowStatus.IN_REVIEW},
        "returned": {"status": WorkflowStatus.RETURNED},
        "restricted": {**PUBLISHED, "confidentiality": Confidentiality.RESTRICTED},
        "confidential": {**PUBLISHED, "confidentiality": Confidentiality.CONFIDENTIAL},
    }
    for name, fields in cases.items():
        person = PersonFactory(pseudonym=text(f"{name}pseudonym"), notes=text("notes"), **fields)
        IdentityFactory(person=person, real_name=text("realname"), contacts=text("contacts"))
        testimony = TestimonyFactory(
            interviewee=person, consented=True, **fields, **texts(name, *testimony_text)
        )
        event = EventFactory(**fields, **texts(name, *event_text))
        InformationFactory(testimony=testimony, event=event, notes=text("infonotes"))
        violation = ViolationFactory(
            event=event, victim=person, **fields, **texts(name, "description_en", "description_ko")
        )
        InvolvementFactory(violation=violation)
        crossing = BorderCrossingFactory(
            person=person,
            testimony=testimony,
            crossing_point=text(f"{name}point"),
            **fields,
            **texts(name, "description_en", "description_ko"),
        )
        CrossingLegFactory(crossing=crossing, notes=text("legnotes"))
        plant_proceeding(person, event, **fields, **texts(name, *proceeding_text))
    # Published and standard, but without consent (none, internal, withdrawn).
    for name, traits in {
        "noconsent": {},
        "internal": {
            "consent_scope": ConsentScope.INTERNAL,
            "consent_given_on": datetime.date(2015, 6, 1),
        },
        "withdrawn": {"withdrawn": True},
    }.items():
        person = PersonFactory(publishable=True, pseudonym=text(f"{name}pseudonym"))
        IdentityFactory(person=person, real_name=text("realname"))
        testimony = TestimonyFactory(
            interviewee=person, **PUBLISHED, **traits, **texts(name, *testimony_text)
        )
        event = EventFactory(publishable=True, **texts(name, *event_text))
        InformationFactory(testimony=testimony, event=event)
        ViolationFactory(
            publishable=True,
            event=event,
            victim=person,
            **texts(name, "description_en", "description_ko"),
        )
        BorderCrossingFactory(
            person=person,
            testimony=testimony,
            crossing_point=text(f"{name}point"),
            **PUBLISHED,
            **texts(name, "description_en", "description_ko"),
        )
        plant_proceeding(person, event, **PUBLISHED, **texts(name, *proceeding_text))


def plant_proceeding(person, event, **fields):
    """A proceeding concerning `person` and `event`."""
    proceeding = ProceedingFactory(**fields)
    ProceedingPersonFactory(proceeding=proceeding, person=person)
    ProceedingEventFactory(proceeding=proceeding, event=event)
    return proceeding


def workflow_save(record, **changes):
    """Change and save a record as the workflow's services would (cases/workflow.py):
    for tests of what follows a change of status, consent or confidentiality, or an
    edit of a published record, rather than of the workflow's own steps."""
    for name, value in changes.items():
        setattr(record, name, value)
    with workflow.acting():
        record.save()
    return record
