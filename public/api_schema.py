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


# The codes a field of the stored data can hold: cases' choices, copied here as the
# public app may not import them; public/tests/test_api_schema.py compares the two.
PLACE_LEVELS = ("country", "province", "county", "locality")
PUBLIC_PLACE_LEVELS = PLACE_LEVELS[:3]  # a record's locality is shown as its county
LOCATION_PRECISIONS = (
    "exact", "approximate", "locality", "county", "province", "country", "unknown",
)  # fmt: skip
FACILITY_KINDS = (
    "kwanliso", "kyohwaso", "labour_training_camp", "holding_centre",
    "state_security_detention", "police_detention", "chinese_detention",
)  # fmt: skip
FACILITY_STATUSES = ("operating", "closed", "reported_closed", "unknown")
ORGANIZATION_KINDS = (
    "state_security", "police", "military", "party", "judicial", "border_guard",
    "foreign_police", "foreign_state_security", "local_administration", "other",
)  # fmt: skip
SEXES = ("female", "male", "other", "unknown")
KNOWLEDGE = ("experienced", "witnessed", "heard", "document")
RELIABILITY = ("high", "medium", "low", "unknown")
SOURCE_KINDS = (
    "interview", "white_paper", "court_ruling", "interrogation_report", "media", "ngo_report",
    "un_report", "official_statistics", "satellite_imagery", "other",
)  # fmt: skip
DEGREES = ("carried_out", "ordered", "failed_to_prevent", "complicit", "unknown")
DATE_PRECISIONS = ("day", "month", "year", "approximate", "unknown")
INTERVIEW_LANGUAGES = ("ko", "en", "zh", "other")
AGE_GROUPS = ("0-17", "18-29", "30-49", "50-")
OUTCOMES = (
    "reached_south_korea", "reached_third_country", "arrested_in_china",
    "forcibly_repatriated", "trafficked", "unknown",
)  # fmt: skip
FORUMS = (
    "wgad", "wgeid", "special_rapporteur", "human_rights_committee", "cat", "cedaw", "crc",
    "accountability", "national_court", "other",
)  # fmt: skip
PROCEEDING_KINDS = ("submission", "urgent_appeal", "follow_up", "court_case", "other")
PROCEEDING_OUTCOMES = (
    "pending", "transmitted", "replied", "violation_found", "clarified", "discontinued",
    "no_response", "other",
)  # fmt: skip
LEG_EVENTS = ("transited", "hid", "worked", "detained", "arrested", "repatriated", "trafficked")


def _choice(codes, *, null=False):
    return serializers.ChoiceField(choices=codes, allow_null=null)


class PlaceRefSerializer(serializers.Serializer):
    """A place no more precise than its county."""

    code = _text()
    level = _choice(PUBLIC_PLACE_LEVELS)
    name = _text()


class FacilityRefSerializer(serializers.Serializer):
    code = _text()
    kind = _choice(FACILITY_KINDS)
    name = _text()


class VictimSerializer(serializers.Serializer):
    """A public victim: code, pseudonym and sex only."""

    code = _text()
    pseudonym = _text()
    sex = _choice(SEXES)


class SupportSerializer(serializers.Serializer):
    """A testimony or source behind a record. `source_title` is the public citation
    of a public document; a source without one, or held in confidence, is named by
    kind only (its title, publisher, year and address are null)."""

    testimony = _nullable_text()
    source_kind = _choice(SOURCE_KINDS, null=True)
    source_title = _nullable_text()
    source_publisher = _nullable_text()
    source_year = serializers.IntegerField(allow_null=True)
    source_address = _nullable_text()
    knowledge = _choice(KNOWLEDGE)
    reliability = _choice(RELIABILITY)


class PerpetratorSerializer(serializers.Serializer):
    """An organization, or an individual: by the name a reviewer approved for
    publication, or, not named, with both `individual` fields null."""

    organization = _nullable_text()
    organization_name = _nullable_text()
    individual = _nullable_text()
    individual_name = _nullable_text()
    degree = _choice(DEGREES)


class ViolationTypeRefSerializer(serializers.Serializer):
    code = _text()
    name = _text()


class PeriodSerializer(serializers.Serializer):
    """A record's dates as told, with their precision, and the bounds of every day
    they can mean."""

    start_date = serializers.DateField(allow_null=True)
    start_precision = _choice(DATE_PRECISIONS)
    end_date = serializers.DateField(allow_null=True)
    end_precision = _choice(DATE_PRECISIONS)
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
    victim_age_group = _choice(AGE_GROUPS, null=True)
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
    language = _choice(INTERVIEW_LANGUAGES)
    knowledge = _choice(KNOWLEDGE)
    events = serializers.ListField(child=_text())
    is_synthetic = serializers.BooleanField()


class LegSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    country = _text()
    country_name = _text()
    entered_on_display = _text()
    what_happened = _choice(LEG_EVENTS)


class BorderCrossingSerializer(serializers.Serializer):
    url = serializers.URLField()
    code = _text()
    departure_place = PlaceRefSerializer(allow_null=True)
    crossing_date = serializers.DateField(allow_null=True)
    crossing_date_precision = _choice(DATE_PRECISIONS)
    crossing_date_display = _text()
    crossing_place = PlaceRefSerializer(allow_null=True)
    outcome = _choice(OUTCOMES)
    legs = LegSerializer(many=True)
    arrival_date = serializers.DateField(allow_null=True)
    arrival_date_precision = _choice(DATE_PRECISIONS)
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
    name_ja = _text()
    right_affected = _text()
    crime_against_humanity = serializers.BooleanField()
    description_en = _text()


class PlaceSerializer(serializers.Serializer):
    code = _text()
    parent = _nullable_text()
    level = _choice(PLACE_LEVELS)
    name_en = _text()
    name_ko = _text()
    name_ja = _text()
    iso_alpha3 = _text()
    latitude = _coordinate()
    longitude = _coordinate()
    location_precision = _choice(LOCATION_PRECISIONS)


class FacilitySerializer(serializers.Serializer):
    code = _text()
    kind = _choice(FACILITY_KINDS)
    name_en = _text()
    name_ko = _text()
    name_ja = _text()
    aliases = _text()
    place = _nullable_text()
    latitude = _coordinate()
    longitude = _coordinate()
    location_precision = _choice(LOCATION_PRECISIONS)
    status = _choice(FACILITY_STATUSES)


class OrganizationSerializer(serializers.Serializer):
    code = _text()
    parent = _nullable_text()
    name_en = _text()
    name_ko = _text()
    name_ja = _text()
    country = _text()
    kind = _choice(ORGANIZATION_KINDS)
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
