"""Public serializers: every field named one by one.

They read only what the API views prefetch through `.public()` querysets. A
location is never more precise than a county, nor than the province where a living
person is involved (cases.disclosure.public_place), and a victim
appears by code and pseudonym only. A border crossing is coarser still: its
dates to the year and its places to the province (cases/disclosure.py).
"""

from rest_framework import serializers

from cases.disclosure import (
    public_bounds,
    public_crossing_date,
    public_crossing_date_display,
    public_crossing_place,
    public_leg_date_display,
    public_period,
    public_period_display,
    public_place,
    public_year,
)
from cases.models import (
    BorderCrossing,
    CrossingLeg,
    Event,
    Facility,
    Information,
    Involvement,
    Organization,
    Person,
    Place,
    Proceeding,
    Testimony,
    Violation,
    ViolationType,
)


class PlaceRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Place
        fields = ["code", "level", "name"]


class PublicPlaceField(serializers.Field):
    """The record's place as cases.disclosure.public_place shows it; `living` tells
    from the record whether a living person is involved."""

    def __init__(self, *, living, **kwargs):
        self.living = living
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        place = public_place(record.place, living=self.living(record))
        return None if place is None else PlaceRefSerializer(place).data


class FacilityRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Facility
        fields = ["code", "kind", "name"]


class VictimSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["code", "pseudonym", "sex"]


class SupportSerializer(serializers.ModelSerializer):
    """A testimony or source behind a record. A source is named by its public
    citation (`source_title`), publisher, year and address only when it is a public
    document with a citation (Source.is_cited_publicly); any other by its kind only.
    Its internal description (Source.title) is never shown."""

    testimony = serializers.SlugRelatedField(slug_field="code", read_only=True)
    source_kind = serializers.CharField(source="source.kind", default=None)
    source_title = serializers.SerializerMethodField()
    source_publisher = serializers.SerializerMethodField()
    source_year = serializers.SerializerMethodField()
    source_address = serializers.SerializerMethodField()

    class Meta:
        model = Information
        fields = [
            "testimony", "source_kind", "source_title", "source_publisher", "source_year",
            "source_address", "knowledge", "reliability",
        ]  # fmt: skip

    def _public_source(self, info):
        return info.source if info.source and info.source.is_cited_publicly else None

    def get_source_title(self, info) -> str | None:
        source = self._public_source(info)
        return source.public_citation.strip() if source else None

    def get_source_publisher(self, info) -> str | None:
        source = self._public_source(info)
        return source.publisher if source else None

    def get_source_year(self, info) -> int | None:
        source = self._public_source(info)
        return source.published_year if source else None

    def get_source_address(self, info) -> str | None:
        source = self._public_source(info)
        return source.url if source else None


class PerpetratorSerializer(serializers.ModelSerializer):
    """An organization by code and name; an individual by the naming in force only
    (cases/public_querysets.py perpetrator_involvements), else null: "an individual
    perpetrator, not named". Never anything of the person's own record."""

    organization = serializers.SlugRelatedField(
        source="perpetrator_organization", slug_field="code", read_only=True
    )
    organization_name = serializers.SerializerMethodField()
    individual = serializers.SerializerMethodField()
    individual_name = serializers.SerializerMethodField()

    class Meta:
        model = Involvement
        fields = ["organization", "organization_name", "individual", "individual_name", "degree"]

    def get_organization_name(self, involvement) -> str | None:
        organization = involvement.perpetrator_organization
        return None if organization is None else str(organization.name)

    def get_individual(self, involvement) -> str | None:
        return getattr(involvement, "naming_code", None)

    def get_individual_name(self, involvement) -> str | None:
        return getattr(involvement, "naming_name", None)


class ViolationTypeRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = ViolationType
        fields = ["code", "name"]


PERIOD_FIELDS = [
    "start_date", "start_precision", "end_date", "end_precision", "earliest_date",
    "latest_date", "period_display",
]  # fmt: skip


def _iso(value):
    return value.isoformat() if value else None


class PublicPeriodSerializer(serializers.Serializer):
    """A record's period to the year (cases/disclosure.py), whatever was recorded."""

    start_date = serializers.SerializerMethodField()
    start_precision = serializers.SerializerMethodField()
    end_date = serializers.SerializerMethodField()
    end_precision = serializers.SerializerMethodField()
    earliest_date = serializers.SerializerMethodField()
    latest_date = serializers.SerializerMethodField()
    period_display = serializers.SerializerMethodField()

    def get_start_date(self, record) -> str | None:
        return _iso(public_period(record)[0])

    def get_start_precision(self, record) -> str:
        return str(public_period(record)[1])

    def get_end_date(self, record) -> str | None:
        return _iso(public_period(record)[2])

    def get_end_precision(self, record) -> str:
        return str(public_period(record)[3])

    def get_earliest_date(self, record) -> str | None:
        return _iso(public_bounds(record)[0])

    def get_latest_date(self, record) -> str | None:
        return _iso(public_bounds(record)[1])

    def get_period_display(self, record) -> str:
        return str(public_period_display(record))


class EventViolationSerializer(serializers.ModelSerializer):
    period_display = serializers.SerializerMethodField()
    violation_type = ViolationTypeRefSerializer()
    victim = VictimSerializer(allow_null=True)
    perpetrators = PerpetratorSerializer(source="public_involvements", many=True)

    class Meta:
        model = Violation
        fields = ["code", "violation_type", "victim", "perpetrators", "period_display"]

    def get_period_display(self, violation) -> str:
        return str(public_period_display(violation))


class EventSerializer(PublicPeriodSerializer, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="cases-api:event-detail", lookup_field="code"
    )
    place = PublicPlaceField(living=lambda event: event.involves_living, allow_null=True)
    facility = FacilityRefSerializer(allow_null=True)
    violations = EventViolationSerializer(source="public_violations", many=True)
    sources = SupportSerializer(source="public_information", many=True)
    corroboration = serializers.IntegerField()

    class Meta:
        model = Event
        fields = [
            "url", "code", "title_en", "title_ko", "description_en", "description_ko",
            *PERIOD_FIELDS, "place", "facility", "violations", "sources", "corroboration",
            "is_synthetic",
        ]  # fmt: skip


AGE_LABELS = ["0-17", "18-29", "30-49", "50-"]


class ViolationSerializer(PublicPeriodSerializer, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="cases-api:violation-detail", lookup_field="code"
    )
    event = serializers.SlugRelatedField(slug_field="code", read_only=True)
    violation_type = ViolationTypeRefSerializer()
    victim = VictimSerializer(allow_null=True)
    victim_age_group = serializers.SerializerMethodField()
    # An act is shown where its event is: the event's living status decides.
    place = PublicPlaceField(living=lambda act: act.event.involves_living, allow_null=True)
    facility = FacilityRefSerializer(allow_null=True)
    perpetrators = PerpetratorSerializer(source="public_involvements", many=True)
    sources = SupportSerializer(source="public_information", many=True)
    corroboration = serializers.IntegerField()

    class Meta:
        model = Violation
        fields = [
            "url", "code", "event", "violation_type", "victim", "victim_age_group",
            *PERIOD_FIELDS, "place", "facility", "description_en", "description_ko",
            "perpetrators", "sources", "corroboration", "is_synthetic",
        ]  # fmt: skip

    def get_victim_age_group(self, violation) -> str | None:
        # An age group, not the age: an exact age narrows a witness down.
        from cases.corroboration import AGE_GROUPS

        age = violation.victim_age
        if age is None:
            return None
        return next((key for key, (low, high, _) in AGE_GROUPS.items() if low <= age <= high), None)


class TestimonySerializer(PublicPeriodSerializer, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="cases-api:testimony-detail", lookup_field="code"
    )
    interview_year = serializers.IntegerField(source="interview_date.year", default=None)
    events = serializers.SerializerMethodField()

    class Meta:
        model = Testimony
        fields = [
            "url", "code", "title_en", "title_ko", "public_summary_en", "public_summary_ko",
            "interview_year", "language", "knowledge", *PERIOD_FIELDS, "events", "is_synthetic",
        ]  # fmt: skip

    def get_events(self, testimony) -> list[str]:
        return sorted({info.event.code for info in testimony.public_information})


class LegSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)
    country_name = serializers.CharField(source="country.name")
    entered_on_display = serializers.SerializerMethodField()

    class Meta:
        model = CrossingLeg
        fields = ["order", "country", "country_name", "entered_on_display", "what_happened"]

    def get_entered_on_display(self, leg) -> str:
        return str(public_leg_date_display(leg))


def _year(crossing, field):
    value, precision = public_crossing_date(crossing, field)
    return (value.isoformat() if value else None), str(precision)


class CrossingPlaceField(PlaceRefSerializer):
    """A crossing's place at province level, or null where the reviewer withheld it:
    cases.disclosure.public_crossing_place decides, and only it."""

    def get_attribute(self, crossing):
        return public_crossing_place(crossing, self.source)


class BorderCrossingSerializer(serializers.ModelSerializer):
    """A crossing at year and province precision, without its crossing point or
    broker (docs/publication-policy.md, "Border crossings")."""

    url = serializers.HyperlinkedIdentityField(
        view_name="cases-api:bordercrossing-detail", lookup_field="code"
    )
    departure_place = CrossingPlaceField(allow_null=True)
    crossing_place = CrossingPlaceField(allow_null=True)
    settlement_place = CrossingPlaceField(allow_null=True)
    crossing_date = serializers.SerializerMethodField()
    crossing_date_precision = serializers.SerializerMethodField()
    crossing_date_display = serializers.SerializerMethodField()
    arrival_date = serializers.SerializerMethodField()
    arrival_date_precision = serializers.SerializerMethodField()
    legs = LegSerializer(many=True)
    testimony = serializers.SerializerMethodField()

    class Meta:
        model = BorderCrossing
        fields = [
            "url", "code", "departure_place", "crossing_date", "crossing_date_precision",
            "crossing_date_display", "crossing_place", "outcome", "legs", "arrival_date",
            "arrival_date_precision", "settlement_place", "description_en", "description_ko",
            "testimony", "is_synthetic",
        ]  # fmt: skip

    def get_crossing_date(self, crossing) -> str | None:
        return _year(crossing, "crossing_date")[0]

    def get_crossing_date_precision(self, crossing) -> str:
        return _year(crossing, "crossing_date")[1]

    def get_crossing_date_display(self, crossing) -> str:
        return str(public_crossing_date_display(crossing))

    def get_arrival_date(self, crossing) -> str | None:
        return _year(crossing, "arrival_date")[0]

    def get_arrival_date_precision(self, crossing) -> str:
        return _year(crossing, "arrival_date")[1]

    def get_testimony(self, crossing) -> str | None:
        # Prefetched through Testimony.objects.public(): None unless it is public.
        return crossing.testimony.code if crossing.testimony else None


class ViolationTypeSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ViolationType
        fields = [
            "code", "parent", "name_en", "name_ko", "name_ja", "right_affected",
            "crime_against_humanity", "description_en",
        ]  # fmt: skip


class PlaceSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Place
        fields = [
            "code", "parent", "level", "name_en", "name_ko", "name_ja", "iso_alpha3",
            "latitude", "longitude", "location_precision",
        ]  # fmt: skip


class FacilitySerializer(serializers.ModelSerializer):
    place = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Facility
        fields = [
            "code", "kind", "name_en", "name_ko", "name_ja", "aliases", "place", "latitude",
            "longitude", "location_precision", "status",
        ]  # fmt: skip


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Organization
        fields = ["code", "parent", "name_en", "name_ko", "name_ja", "country", "kind", "aliases"]


class ProceedingSerializer(serializers.ModelSerializer):
    """A proceeding as the public reads it: its forum, kind, outcome and their years,
    its public summary, its public persons (code and pseudonym) and events, its
    public citations. Never who submitted it (often the family), its internal notes,
    nor its UN reference unless a reviewer published it (`un_reference_public`)."""

    kind_name = serializers.CharField(source="get_kind_display")
    forum_name = serializers.CharField(source="get_forum_display")
    outcome_name = serializers.CharField(source="get_outcome_display")
    year = serializers.SerializerMethodField()
    outcome_year = serializers.SerializerMethodField()
    un_document = serializers.SerializerMethodField()
    persons = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()

    class Meta:
        model = Proceeding
        fields = [
            "code", "forum", "forum_name", "kind", "kind_name", "year", "outcome",
            "outcome_name", "outcome_year", "un_document", "summary_en", "summary_ko",
            "persons", "events", "sources", "is_synthetic",
        ]  # fmt: skip

    def get_year(self, proceeding) -> int | None:
        value, _precision = public_year(proceeding.submitted_on, proceeding.submitted_on_precision)
        return value.year if value else None

    def get_outcome_year(self, proceeding) -> int | None:
        value, _precision = public_year(proceeding.outcome_on, proceeding.outcome_on_precision)
        return value.year if value else None

    def get_un_document(self, proceeding) -> str | None:
        return proceeding.un_reference if proceeding.un_reference_public else None

    def get_persons(self, proceeding) -> list[dict]:
        """Read through `.public()` (cases/public_querysets.py)."""
        return [
            {"code": link.person.code, "pseudonym": link.person.pseudonym}
            for link in proceeding.public_person_links
        ]

    def get_events(self, proceeding) -> list[dict]:
        return [
            {"code": link.event.code, "title": link.event.title}
            for link in proceeding.public_event_links
        ]

    def get_sources(self, proceeding) -> list[str]:
        """Public citations only (Source.public_reference); other sources not at all."""
        cited = (link.source.public_reference for link in proceeding.source_links.all())
        return [text for text in cited if text]
