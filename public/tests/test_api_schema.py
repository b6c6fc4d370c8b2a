"""The schema's shapes of the case API (public/api_schema.py) are the stored data's.

The API answers with the data the publication stored (cases/entries.py, by the
public serializers of cases/serializers.py); the schema describes it with
serializers of its own. Here stored data of every kind and every reference list,
each nested object filled at least once, is compared with them key by key: a
field added to, or removed from, either side fails, as does a null where the
schema does not allow one.
"""

import pytest
from rest_framework import serializers

from cases.tests import factories
from public import api_schema
from public.models import Entry, Kind, Reference

pytestmark = pytest.mark.django_db

KINDS = {
    Kind.EVENT: "events",
    Kind.VIOLATION: "violations",
    Kind.TESTIMONY: "testimonies",
    Kind.CROSSING: "crossings",
}


def mismatches(field, value, path, seen):
    """Where `value` departs from `field`'s shape; `seen` collects the paths of the
    nested objects met with a value."""
    if value is None:
        return [] if field.allow_null else [f"{path}: null"]
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        return [m for item in value for m in mismatches(field.child, item, f"{path}[]", seen)]
    if isinstance(field, serializers.ChoiceField):
        return [] if value in field.choices else [f"{path}: {value!r} is not one of its codes"]
    if not isinstance(field, serializers.Serializer):
        return []
    seen.add(path)
    declared, stored = set(field.fields), set(value)
    found = [f"{path}: {sorted(declared ^ stored)}"] if declared != stored else []
    for name in sorted(declared & stored):
        found += mismatches(field.fields[name], value[name], f"{path}.{name}", seen)
    return found


def nested_paths(field, path):
    """Every path of a nested object the schema declares."""
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        return nested_paths(field.child, f"{path}[]")
    if not isinstance(field, serializers.Serializer):
        return set()
    paths = {path}
    for name, child in field.fields.items():
        paths |= nested_paths(child, f"{path}.{name}")
    return paths


@pytest.fixture
def published():
    """Records of every kind with every nested object filled."""
    facility = factories.FacilityFactory()
    event = factories.published_case(place=facility.place, facility=facility)
    violation = event.violations.get()
    factories.workflow_save(violation, place=facility.place, facility=facility)
    factories.InformationFactory(testimony=None, source=factories.SourceFactory(), event=event)
    factories.InformationFactory(
        testimony=None, source=factories.SourceFactory(), event=None, violation=violation
    )
    testimony = event.information.filter(testimony__isnull=False).get().testimony
    with factories.one_refresh():  # the crossing is published with its leg
        crossing = factories.BorderCrossingFactory(
            publishable=True,
            person=testimony.interviewee,
            testimony=testimony,
            departure_place=facility.place,
            crossing_place=facility.place,
            settlement_place=facility.place,
        )
        factories.CrossingLegFactory(crossing=crossing)
    factories.OrganizationFactory(parent=factories.OrganizationFactory())
    factories.ViolationTypeFactory.sub_type(factories.ViolationTypeFactory(code="V88"), 1)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_stored_data_of_every_kind_has_the_schemas_keys(published, kind):
    serializer = api_schema.RECORDS[KINDS[kind]]()
    seen, found = set(), []
    entries = list(Entry.objects.filter(kind=kind))
    assert entries
    for entry in entries:
        assert set(entry.data) == {"en", "ko", "ja"}
        for language, data in entry.data.items():
            found += [f"{entry.code} {language}{m}" for m in mismatches(serializer, data, "", seen)]
    assert found == []
    # Every nested object was compared with a value, not only with a null.
    assert nested_paths(serializer, "") - seen == set()


@pytest.mark.parametrize("name", list(api_schema.REFERENCES))
def test_the_stored_reference_lists_have_the_schemas_keys(published, name):
    serializer = api_schema.REFERENCES[name]()
    rows = list(Reference.objects.filter(list=name))
    assert rows
    found = []
    for row in rows:
        found += [f"{row.code}{m}" for m in mismatches(serializer, row.data, "", set())]
    assert found == []


def records_choices():
    """(the schema's codes, the record's choices) of each coded field."""
    from cases import corroboration, dates, models

    return {
        "PLACE_LEVELS": models.Place.Level,
        "LOCATION_PRECISIONS": models.LocationPrecision,
        "FACILITY_KINDS": models.Facility.Kind,
        "FACILITY_STATUSES": models.Facility.Status,
        "ORGANIZATION_KINDS": models.Organization.Kind,
        "SEXES": models.Sex,
        "KNOWLEDGE": models.Knowledge,
        "RELIABILITY": models.Reliability,
        "SOURCE_KINDS": models.Source.Kind,
        "DEGREES": models.Involvement.Degree,
        "DATE_PRECISIONS": dates.DatePrecision,
        "INTERVIEW_LANGUAGES": models.InterviewLanguage,
        "OUTCOMES": models.BorderCrossing.Outcome,
        "LEG_EVENTS": models.CrossingLeg.WhatHappened,
        "AGE_GROUPS": corroboration.AGE_GROUPS,
        "FORUMS": models.Proceeding.Forum,
        "PROCEEDING_KINDS": models.Proceeding.Kind,
        "PROCEEDING_OUTCOMES": models.Proceeding.Outcome,
    }


def test_the_codes_the_schema_lists_are_the_records_choices():
    """A client generated from the schema knows every code an answer can hold."""
    for name, choices in records_choices().items():
        codes = list(choices) if isinstance(choices, dict) else choices.values
        assert list(getattr(api_schema, name)) == list(codes), name


def test_the_published_schema_lists_the_codes(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    enums = {tuple(component.get("enum", ())) for component in components.values()}
    for codes in (api_schema.DEGREES, api_schema.PUBLIC_PLACE_LEVELS, api_schema.FACILITY_KINDS):
        assert codes in enums, codes
