"""Database constraints, model validation, public codes and the taxonomy tree."""

import datetime
import random
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from cases.models import (
    CODE_ALPHABET,
    ConsentScope,
    DistinctPersons,
    Person,
    Violation,
    new_code,
)
from cases.tests.factories import (
    AttachmentFactory,
    BorderCrossingFactory,
    CrossingLegFactory,
    EventFactory,
    FacilityFactory,
    IdentityFactory,
    InformationFactory,
    InvolvementFactory,
    OrganizationFactory,
    PersonFactory,
    PlaceFactory,
    ProceedingEventFactory,
    ProceedingPersonFactory,
    ProceedingSourceFactory,
    SourceFactory,
    TestimonyFactory,
    UserFactory,
    ViolationFactory,
    ViolationTypeFactory,
)

pytestmark = pytest.mark.django_db

CODE_PATTERN = re.compile(r"^[A-Z]-[0-9A-HJKMNP-TV-Z]{8}$")


def duplicate_leg():
    leg = CrossingLegFactory(order=1)
    CrossingLegFactory(crossing=leg.crossing, order=1)


def duplicate_citation():
    SourceFactory(title="Report of the COI", publisher="UN", published_year=2014)
    SourceFactory(title="Report of the COI", publisher="UN", published_year=2014)


# Each named constraint in cases/models/, with the ways of breaking it.
def duplicate_testimony_source():
    from cases.models import TestimonySource

    link = TestimonySource.objects.create(testimony=TestimonyFactory(), source=SourceFactory())
    TestimonySource.objects.create(testimony=link.testimony, source=link.source)


def relation(make, **fields):
    from cases.models import EventRelation, PersonRelation

    model, owner, kind = (
        (EventRelation, "event", "related")
        if make is EventFactory
        else (PersonRelation, "person", "knew")
    )
    return model.objects.create(kind=kind, **{owner: make(), "other": make(), **fields})


def duplicate_relation(make):
    first = relation(make)
    owner = "event" if hasattr(first, "event_id") else "person"
    relation(make, **{owner: getattr(first, owner), "other": first.other})


def distinct_pair(*, twice=False, reversed_order=False):
    low, high = sorted((PersonFactory(), PersonFactory()), key=lambda person: person.pk)
    if reversed_order:
        low, high = high, low
    DistinctPersons.objects.create(first=low, second=high, by=UserFactory())
    if twice:
        DistinctPersons.objects.create(first=low, second=high, by=UserFactory())


def duplicate_part(make, field):
    part = make()
    make(proceeding=part.proceeding, **{field: getattr(part, field)})


def relation_to_itself(make):
    one = make()
    owner = "event" if make is EventFactory else "person"
    relation(make, **{owner: one, "other": one})


VIOLATIONS = {
    "place_point_valid": [
        lambda: PlaceFactory(latitude=Decimal("91"), longitude=Decimal("125")),
        lambda: PlaceFactory(latitude=Decimal("39"), longitude=Decimal("-181")),
        lambda: PlaceFactory(latitude=Decimal("39"), longitude=None),
    ],
    "facility_point_complete": [
        lambda: FacilityFactory(latitude=Decimal("39"), longitude=None),
        lambda: FacilityFactory(latitude=None, longitude=Decimal("125")),
    ],
    "source_unique_citation": [duplicate_citation],
    "person_birth_year_plausible": [
        lambda: PersonFactory(birth_year=1879),
        lambda: PersonFactory(birth_year=2101),
    ],
    "testimony_consent_dated": [
        lambda: TestimonyFactory(consent_scope=ConsentScope.FULL, consent_given_on=None),
        lambda: TestimonyFactory(consent_scope=ConsentScope.INTERNAL, consent_given_on=None),
    ],
    "testimony_withdrawal_after_consent": [
        lambda: TestimonyFactory(
            consent_scope=ConsentScope.FULL,
            consent_given_on=datetime.date(2015, 6, 1),
            consent_withdrawn_on=datetime.date(2015, 5, 31),
        ),
        lambda: TestimonyFactory(
            consent_scope=ConsentScope.NONE, consent_withdrawn_on=datetime.date(2015, 5, 31)
        ),
    ],
    "event_has_title": [lambda: EventFactory(title_en="", title_ko="")],
    "violation_victim_age_plausible": [lambda: ViolationFactory(victim_age=121)],
    "involvement_one_perpetrator": [
        lambda: InvolvementFactory(perpetrator_person=PersonFactory()),
        lambda: InvolvementFactory(perpetrator_organization=None),
    ],
    "information_one_origin": [
        lambda: InformationFactory(source=SourceFactory()),
        lambda: InformationFactory(testimony=None),
    ],
    "information_one_target": [
        lambda: InformationFactory(violation=ViolationFactory()),
        lambda: InformationFactory(event=None),
    ],
    "crossing_leg_order_unique": [duplicate_leg],
    "testimony_source_unique": [duplicate_testimony_source],
    "event_relation_unique": [lambda: duplicate_relation(EventFactory)],
    "event_relation_not_itself": [lambda: relation_to_itself(EventFactory)],
    "person_relation_unique": [lambda: duplicate_relation(PersonFactory)],
    "person_relation_not_themselves": [lambda: relation_to_itself(PersonFactory)],
    "distinct_persons_once": [lambda: distinct_pair(twice=True)],
    "distinct_persons_ordered": [lambda: distinct_pair(reversed_order=True)],
    "proceeding_person_unique": [lambda: duplicate_part(ProceedingPersonFactory, "person")],
    "proceeding_event_unique": [lambda: duplicate_part(ProceedingEventFactory, "event")],
    "proceeding_source_unique": [lambda: duplicate_part(ProceedingSourceFactory, "source")],
    "attachment_on_one_record": [
        lambda: AttachmentFactory(testimony=None, source=None),
        lambda: AttachmentFactory(source=SourceFactory()),
    ],
}
CASES = [
    pytest.param(make, id=f"{name}-{number}")
    for name, makers in VIOLATIONS.items()
    for number, make in enumerate(makers)
]


def test_every_constraint_in_the_models_has_a_case_here():
    names = {
        constraint.name
        for model in apps.get_app_config("cases").get_models()
        for constraint in model._meta.constraints
        if not model.__name__.startswith("Historical")
    }
    assert names == set(VIOLATIONS)


@pytest.mark.parametrize("make", CASES)
def test_the_database_refuses_a_row_breaking_a_constraint(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


class TestValidRowsPass:
    """The same constraints accept the rows they are meant to accept."""

    def test_boundary_points_and_missing_points(self):
        PlaceFactory(latitude=Decimal("90"), longitude=Decimal("-180"))
        PlaceFactory(latitude=None, longitude=None)
        FacilityFactory(latitude=None, longitude=None)

    def test_consent_withdrawn_on_the_day_it_was_given(self):
        day = datetime.date(2015, 6, 1)
        TestimonyFactory(
            consent_scope=ConsentScope.FULL, consent_given_on=day, consent_withdrawn_on=day
        )

    def test_a_title_in_korean_only(self):
        EventFactory(title_en="", title_ko="공개처형")

    def test_same_title_from_another_publisher(self):
        SourceFactory(title="Annual report", publisher="A", published_year=2014)
        SourceFactory(title="Annual report", publisher="B", published_year=2014)

    def test_legs_in_order(self):
        leg = CrossingLegFactory(order=1)
        CrossingLegFactory(crossing=leg.crossing, order=2)
        assert [leg.order for leg in leg.crossing.legs.all()] == [1, 2]


@pytest.mark.parametrize(
    "make",
    [
        lambda: PlaceFactory._meta.model.objects.create(code="KP-01", level="province"),
        lambda: ViolationTypeFactory(code="V01") and ViolationTypeFactory(code="V01"),
        lambda: OrganizationFactory(code="KP-MSS") and OrganizationFactory(code="KP-MSS"),
        lambda: FacilityFactory(code="KWL-14") and FacilityFactory(code="KWL-14"),
        lambda: IdentityFactory(person=IdentityFactory().person),
    ],
    ids=["place", "violation-type", "organization", "facility", "identity"],
)
def test_reference_codes_and_identities_are_unique(make):
    PlaceFactory(code="KP-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


class TestViolationTypeClean:
    def test_a_sub_type_code_must_start_with_its_category(self):
        category = ViolationTypeFactory(code="V05")
        for code in ("V06.01", "V050", "V0501"):
            sub_type = ViolationTypeFactory.build(parent=category, code=code)
            with pytest.raises(ValidationError) as excinfo:
                sub_type.full_clean()
            assert excinfo.value.error_dict["code"][0].code == "code_outside_parent"

    def test_a_sub_type_inside_its_category_is_valid(self):
        category = ViolationTypeFactory(code="V05")
        ViolationTypeFactory.build(parent=category, code="V05.01").full_clean()


class TestPublicCodes:
    @pytest.mark.parametrize(
        ("factory", "prefix"),
        [
            (PersonFactory, "P"),
            (TestimonyFactory, "T"),
            (EventFactory, "E"),
            (ViolationFactory, "A"),
            (BorderCrossingFactory, "B"),
            (SourceFactory, "S"),
        ],
    )
    def test_codes_are_generated_in_the_public_format(self, factory, prefix):
        records = factory.create_batch(3)
        codes = [record.code for record in records]
        assert all(CODE_PATTERN.match(code) for code in codes), codes
        assert {code[0] for code in codes} == {prefix}
        assert len(set(codes)) == 3

    def test_a_code_is_stable_across_saves(self):
        person = PersonFactory()
        code = person.code
        person.pseudonym = "Renamed"
        person.save()
        person.refresh_from_db()
        assert person.code == code

    def test_a_given_code_is_kept(self):
        assert PersonFactory(code="P-0000ABCD").code == "P-0000ABCD"

    def test_a_code_never_derives_from_the_pseudonym(self):
        persons = [PersonFactory(pseudonym="KIM") for _ in range(5)]
        codes = {person.code for person in persons}
        assert len(codes) == 5
        assert not any("KIM" in code for code in codes)

    def test_the_alphabet_has_no_look_alike_letters(self):
        assert not set("ILOU") & set(CODE_ALPHABET)
        assert len(CODE_ALPHABET) == 32

    def test_two_records_cannot_share_a_code(self):
        PersonFactory(code="P-0000ABCD")
        with pytest.raises(IntegrityError), transaction.atomic():
            PersonFactory(code="P-0000ABCD")

    def test_a_seeded_generator_gives_reproducible_codes(self):
        first = [new_code("E", rng=random.Random(42)) for _ in range(1)]
        rng_a, rng_b = random.Random(42), random.Random(42)
        sequence_a = [new_code("E", rng=rng_a) for _ in range(5)]
        sequence_b = [new_code("E", rng=rng_b) for _ in range(5)]
        assert sequence_a == sequence_b
        assert sequence_a[0] == first[0]
        assert len(set(sequence_a)) == 5
        assert new_code("E", rng=random.Random(43)) != sequence_a[0]
        assert all(CODE_PATTERN.match(code) for code in sequence_a)


class TestOfType:
    def test_includes_sub_types_and_excludes_siblings(self):
        category = ViolationTypeFactory(code="V05")
        sub_type = ViolationTypeFactory.sub_type(category, 1)
        sub_sub_type = ViolationTypeFactory(parent=sub_type, code="V05.01.01")
        sibling = ViolationTypeFactory(code="V06")
        look_alike = ViolationTypeFactory(code="V050")  # not below V05, whatever its prefix
        acts = {
            vt.code: ViolationFactory(violation_type=vt)
            for vt in (category, sub_type, sub_sub_type, sibling, look_alike)
        }

        found = {act.violation_type.code for act in Violation.objects.of_type(category)}
        assert found == {"V05", "V05.01", "V05.01.01"}
        found = {act.violation_type.code for act in Violation.objects.of_type(sub_type)}
        assert found == {"V05.01", "V05.01.01"}
        assert set(Violation.objects.of_type(sibling)) == {acts["V06"]}

    def test_with_descendants_matches_of_type(self):
        category = ViolationTypeFactory(code="V05")
        ViolationTypeFactory.sub_type(category, 1)
        ViolationTypeFactory(code="V050")
        assert [vt.code for vt in category.with_descendants()] == ["V05", "V05.01"]


def test_models_keep_identity_out_of_person():
    """Person holds no real-name or contact field; they live on Identity alone."""
    person_fields = {field.name for field in Person._meta.get_fields()}
    assert not {"real_name", "contacts", "relatives_in_north"} & person_fields
    assert isinstance(Person._meta.get_field("identity"), models.OneToOneRel)
