"""What the case API's answers look like, for its OpenAPI schema (/api/schema/).

The answers are the `data` the publication stored in the copy (cases/entries.py,
by the public serializers of cases/serializers.py). The public app may not import
those serializers (public/tests/test_boundaries.py), so the shapes are declared
again here, as plain serializers used by the schema only, never to write an
answer. public/tests/test_api_schema.py compares them with stored data of every
kind, key by key and null by null, so that the two cannot drift apart.
"""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from public.search import FACET_LABELS, FACETS, SORTS


def _text(**kwargs):
    return serializers.CharField(allow_blank=True, **kwargs)


def _nullable_text():
    return serializers.CharField(allow_blank=True, allow_null=True)


class PlaceRefSerializer(serializers.Serializer):
    """A place no more precise than its county."""

    code = _text()
    level = _text()
    name = _text()


class FacilityRefSerializer(serializers.Serializer):
    code = _text()
    kind = _text()
    name = _text()


class VictimSerializer(serializers.Serializer):
    """A public victim: code, pseudonym and sex only."""

    code = _text()
    pseudonym = _text()
    sex = _text()


class SupportSerializer(serializers.Serializer):
    """A testimony or source behind a record. `source_title` is the public citation
    of a public document; a source without one, or held in confidence, is named by
    kind only (its title, publisher, year and address are null)."""

    testimony = _nullable_text()
    source_kind = _nullable_text()
    source_title = _nullable_text()
    source_publisher = _nullable_text()
    source_year = serializers.IntegerField(allow_null=True)
    source_address = _nullable_text()
    knowledge = _text()
    reliability = _text()


class PerpetratorSerializer(serializers.Serializer):
    organization = _nullable_text()
    organization_name = _text()
    degree = _text()


class ViolationTypeRefSerializer(serializers.Serializer):
    code = _text()
    name = _text()


class PeriodSerializer(serializers.Serializer):
    """A record's dates as told, with their precision, and the bounds of every day
    they can mean."""

    start_date = serializers.DateField(allow_null=True)
    start_precision = _text()
    end_date = serializers.DateField(allow_null=True)
    end_precision = _text()
    earliest_date = serializers.DateField(allow_null=True)
    latest_date = serializers.DateField(allow_null=True)
    period_display = _text()


class EventViolationSerializer(serializers.Serializer):
    code = _text()
    violation_type = ViolationTypeRefSerializer()
    victim = VictimSerializer(allow_null=True)
    perpetrators = PerpetratorSerializer(many=True)
    period_display = _text()


class EventSerializer(PeriodSerializer):
    url = serializers.URLField()
    code = _text()
    title_en = _text()
    title_ko = _text()
    description_en = _text()
    description_ko = _text()
    place = PlaceRefSerializer(allow_null=True)
    facility = FacilityRefSerializer(allow_null=True)
    violations = EventViolationSerializer(many=True)
    sources = SupportSerializer(many=True)
    corroboration = serializers.IntegerField()
    is_synthetic = serializers.BooleanField()


class ViolationSerializer(PeriodSerializer):
    url = serializers.URLField()
    code = _text()
    event = _text()
    violation_type = ViolationTypeRefSerializer()
    victim = VictimSerializer(allow_null=True)
    victim_age_group = _nullable_text()
    place = PlaceRefSerializer(allow_null=True)
    facility = FacilityRefSerializer(allow_null=True)
    description_en = _text()
    description_ko = _text()
    perpetrators = PerpetratorSerializer(many=True)
    sources = SupportSerializer(many=True)
    corroboration = serializers.IntegerField()
    is_synthetic = serializers.BooleanField()


class TestimonySerializer(PeriodSerializer):
    url = serializers.URLField()
    code = _text()
    title_en = _text()
    title_ko = _text()
    public_summary_en = _text()
    public_summary_ko = _text()
    interview_year = serializers.IntegerField(allow_null=True)
    language = _text()
    knowledge = _text()
    events = serializers.ListField(child=_text())
    is_synthetic = serializers.BooleanField()


class LegSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    country = _text()
    country_name = _text()
    entered_on_display = _text()
    what_happened = _text()


class BorderCrossingSerializer(serializers.Serializer):
    url = serializers.URLField()
    code = _text()
    departure_place = PlaceRefSerializer(allow_null=True)
    crossing_date = serializers.DateField(allow_null=True)
    crossing_date_precision = _text()
    crossing_date_display = _text()
    crossing_place = PlaceRefSerializer(allow_null=True)
    outcome = _text()
    legs = LegSerializer(many=True)
    arrival_date = serializers.DateField(allow_null=True)
    arrival_date_precision = _text()
    settlement_place = PlaceRefSerializer(allow_null=True)
    description_en = _text()
    description_ko = _text()
    testimony = _nullable_text()
    is_synthetic = serializers.BooleanField()


# --- The reference lists --------------------------------------------------------


def _coordinate():
    return serializers.DecimalField(max_digits=8, decimal_places=5, allow_null=True)


class ViolationTypeSerializer(serializers.Serializer):
    code = _text()
    parent = _nullable_text()
    name_en = _text()
    name_ko = _text()
    right_affected = _text()
    crime_against_humanity = serializers.BooleanField()
    description_en = _text()


class PlaceSerializer(serializers.Serializer):
    code = _text()
    parent = _nullable_text()
    level = _text()
    name_en = _text()
    name_ko = _text()
    iso_alpha3 = _text()
    latitude = _coordinate()
    longitude = _coordinate()
    location_precision = _text()


class FacilitySerializer(serializers.Serializer):
    code = _text()
    kind = _text()
    name_en = _text()
    name_ko = _text()
    aliases = _text()
    place = _nullable_text()
    latitude = _coordinate()
    longitude = _coordinate()
    location_precision = _text()
    status = _text()


class OrganizationSerializer(serializers.Serializer):
    code = _text()
    parent = _nullable_text()
    name_en = _text()
    name_ko = _text()
    country = _text()
    kind = _text()
    aliases = _text()


# The schema serializer of each kind and each reference list, as public/api.py names them.
RECORDS = {
    "events": EventSerializer,
    "violations": ViolationSerializer,
    "testimonies": TestimonySerializer,
    "crossings": BorderCrossingSerializer,
}
REFERENCES = {
    "violation-type": ViolationTypeSerializer,
    "place": PlaceSerializer,
    "facility": FacilitySerializer,
    "organization": OrganizationSerializer,
}


# --- Parameters -----------------------------------------------------------------


# As SearchForm refuses others; the choice facets' values are added by public/schema.py.
YEAR = {"type": "integer", "minimum": 1, "maximum": 9999}
FACET = {"type": "string", "maxLength": 64}


def record_parameters(kind):
    """The query parameters of a kind's list, as SearchForm reads them."""
    common = [
        OpenApiParameter(
            "q",
            {"type": "string", "maxLength": 200},
            description="Words, in Korean or English: records with every one.",
        ),
        OpenApiParameter("year_from", YEAR, description="From this year (1 to 9999)."),
        OpenApiParameter("year_to", YEAR, description="Up to this year (1 to 9999)."),
        OpenApiParameter(
            "sort", str, enum=list(SORTS), description="Newest first unless asked otherwise."
        ),
    ]
    return common + [
        OpenApiParameter(facet, FACET, description=str(FACET_LABELS[facet]))
        for facet in FACETS[kind]
    ]


def reference_parameters(filters):
    """The filters of a reference list ({parameter: (stored key, type)})."""
    return [OpenApiParameter(name, kind) for name, (_key, kind) in filters.items()]
