"""The facet keys of the published copy (cases/entries.py) select exactly the records
that independent definitions select: the per-record correlated subqueries and the
join forms that the set-based code replaced (issue 8), written out here. Counting
a facet in the copy is counting its keys, so these are the facet counts too."""

import pytest
from django.db.models import Count, Exists, OuterRef, Q, Sum

from cases import corroboration as filters
from cases.models import Event, Information, Knowledge, Violation
from cases.tests import factories
from cases.tests.factories import (
    FacilityFactory,
    InformationFactory,
    PlaceFactory,
    SourceFactory,
    TestimonyFactory,
    ViolationFactory,
    plant_private_records,
    publishable_testimony,
    published_case,
)
from public.models import Key

pytestmark = pytest.mark.django_db

KIND = {Event: "event", Violation: "violation"}


def keyed(model, facet, value):
    """The records whose entry in the copy has this key."""
    keys = Key.objects.filter(facet=facet, value=value, entry__kind=KIND[model])
    return set(keys.values_list("entry__record_id", flat=True))


TARGETS = {
    Violation: Q(violation=OuterRef("pk")) | Q(event=OuterRef("event")),
    # Through its public acts only: an unpublished act's information says nothing.
    Event: Q(event=OuterRef("pk")) | Q(violation__event=OuterRef("pk"), violation__is_public=True),
}


def old_knowledge(records):
    """The correlated form that took more than 40 s at 100,000 violations."""
    counts = records.order_by().aggregate(
        **{
            value: Count(
                "pk",
                distinct=True,
                filter=Q(
                    Exists(
                        filters.public_information().filter(TARGETS[records.model], knowledge=value)
                    )
                ),
            )
            for value in Knowledge.values
        }
    )
    return {value: n for value, n in counts.items() if n}


def old_corroboration(records):
    return {
        record.pk: record.n
        for record in records.annotate(n=filters.corroboration(records.model)).order_by()
    }


@pytest.fixture
def supported():
    plant_private_records()
    first, second = published_case(), published_case()
    violation = Violation.objects.filter(event=first).get()
    witness = publishable_testimony()
    # Two interviews of one witness are one source; a document is another.
    InformationFactory(event=None, violation=violation, testimony=witness, knowledge="witnessed")
    again = publishable_testimony(interviewee=witness.interviewee)
    InformationFactory(event=None, violation=violation, testimony=again, knowledge="heard")
    InformationFactory(event=first, testimony=None, source=SourceFactory(), knowledge="document")
    # The witness's own recording, cited on the act too: the witness again, not a source.
    recording = factories.TestimonySourceFactory(testimony=witness).source
    InformationFactory(event=None, violation=violation, testimony=None, source=recording)
    # A draft (but consented) testimony supports nothing in public.
    draft = TestimonyFactory(consented=True)
    InformationFactory(event=second, testimony=draft, knowledge="heard")
    InformationFactory(event=None, violation=violation, testimony=draft, knowledge="heard")
    # A draft testimony's recording cited on the second event is a source of its own.
    other = factories.TestimonySourceFactory(testimony=draft).source
    InformationFactory(event=second, testimony=None, source=other, knowledge="document")
    # A second public violation of the second event, supported only through it.
    ViolationFactory(publishable=True, event=second)


@pytest.mark.parametrize("model", [Event, Violation])
def test_knowledge_keys_match_the_correlated_form(supported, model):
    records = model.objects.public()
    expected = old_knowledge(records)
    got = {value: len(keyed(model, "knowledge", value)) for value in Knowledge.values}
    assert {value: n for value, n in got.items() if n} == expected
    assert expected  # the fixture exercises it
    for value in Knowledge.values:
        information = filters.public_information().filter(TARGETS[model], knowledge=value)
        selected = set(records.filter(Exists(information)).values_list("pk", flat=True))
        assert keyed(model, "knowledge", value) == selected, value


@pytest.mark.parametrize("model", [Event, Violation])
def test_sources_keys_match_the_correlated_form(supported, model):
    corroboration = old_corroboration(model.objects.public())
    for value in filters.SOURCE_COUNTS:
        expected = {pk for pk, n in corroboration.items() if n >= int(value)}
        assert keyed(model, "sources", value) == expected, value
    assert max(corroboration.values()) >= 3  # witness (twice) + document + case testimony


@pytest.mark.parametrize("model", [Event, Violation])
def test_stored_corroboration_equals_the_definition(supported, model):
    stored = dict(model.objects.values_list("pk", "corroboration"))
    assert stored == old_corroboration(model.objects.all())
    assert max(stored.values()) >= 3


def test_corroboration_follows_a_witness_going_private(supported):
    total = Violation.objects.aggregate(n=Sum("corroboration"))["n"]
    # The published case's witness: one interview, supporting an event and its act.
    testimony = Information.objects.filter(event__isnull=False, testimony__is_public=True)[0]
    testimony = testimony.testimony
    factories.workflow_save(testimony, status="returned")
    for model in (Event, Violation):
        stored = dict(model.objects.values_list("pk", "corroboration"))
        assert stored == old_corroboration(model.objects.all())
    assert Violation.objects.aggregate(n=Sum("corroboration"))["n"] < total


def old_place_q(code, levels):
    """The join form of the place filter: the place, or the facility's place, is the
    code or lies within it, up to `levels` deep."""
    condition = Q()
    for base in ("place", "facility__place"):
        for depth in range(levels):
            condition |= Q(**{f"{base}{'__parent' * depth}__code": code})
    return condition


@pytest.mark.parametrize("model", [Event, Violation])
@pytest.mark.parametrize(("name", "levels"), [("province", 3), ("county", 2)])
def test_place_keys_match_the_join_form(model, name, levels):
    province, other = PlaceFactory(code="KP-09"), PlaceFactory(code="KP-10")
    county = PlaceFactory(code="KP-09-01", level="county", parent=province)
    locality = PlaceFactory(code="KP-09-01-1", level="locality", parent=county)
    places = [province, other, county, locality, None]
    facilities = [FacilityFactory(place=place) for place in (county, other, locality)] + [None]
    for place in places:
        for facility in facilities:
            for living in (True, False):
                event = published_case()
                if not living:  # the interviewee is the victim and the witness
                    factories.workflow_save(event.violations.get().victim, is_alive=False)
                record = event if model is Event else event.violations.get()
                factories.workflow_save(record, place=place, facility=facility)
    records = model.objects.public()
    if name == "county":  # none where a living person is involved (cases.disclosure)
        records = records.filter(
            **{"involves_living" if model is Event else "event__involves_living": False}
        )
    for code in ("KP-09", "KP-09-01", "KP-10", "KP-99"):
        expected = set(records.filter(old_place_q(code, levels)).values_list("pk", flat=True))
        if name == "county" and code in ("KP-09", "KP-10"):
            expected = set()  # a province is no county: its code is no county key
        if name == "province" and code == "KP-09-01":
            expected = set()
        assert keyed(model, name, code) == expected, code
        if code in {"province": ("KP-09", "KP-10"), "county": ("KP-09-01",)}[name]:
            assert expected, code  # the records exercise it


@pytest.mark.parametrize("model", [Event, Violation])
def test_type_keys_count_each_record_once_per_type_and_per_category(model):
    from cases.tests.factories import ViolationTypeFactory

    category = ViolationTypeFactory(code="V77")
    sub_types = [ViolationTypeFactory.sub_type(category, n) for n in (1, 2)]
    for types in ([category], sub_types, [sub_types[0]], sub_types * 2):
        event = published_case()
        for violation_type in types:
            ViolationFactory(publishable=True, event=event, violation_type=violation_type)
    key = "event" if model is Event else "pk"
    for value in ("V77", "V77.01", "V77.02"):
        of_type = Violation.objects.public().filter(
            Q(violation_type__code=value) | Q(violation_type__code__startswith=f"{value}.")
        )
        assert keyed(model, "type", value) == set(of_type.values_list(key, flat=True)), value
    counts = [len(keyed(model, "type", v)) for v in ("V77", "V77.01", "V77.02")]
    assert counts[0] > counts[1] > counts[2]  # the fixture exercises it
