"""Serializers of the staff API (`cases/staff_api.py`), never used by public views.

Every field is named one by one. Linked records appear by code only, and only
when the reader may see them (`cases.access.staff_api_sees`); a transcript only
where the admin would show it (`cases.access.shows_transcript`). Nothing here
reads an identity: identities are read in the admin, where each read is logged.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.access import shows_transcript, staff_api_sees
from cases.models import BorderCrossing, CrossingLeg, Event, Person, Testimony, Violation

PUBLICATION = ["status", "confidentiality", "is_synthetic", "created_at", "updated_at", "version"]
PERIOD = ["start_date", "start_precision", "end_date", "end_precision"]


def reader(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class CodeField(serializers.SlugRelatedField):
    """A linked reference record (place, facility, type) by its code."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", read_only=True, **kwargs)


class ScopedCodeField(CodeField):
    """A linked case record by its code, or null if the reader may not see it."""

    def to_representation(self, obj):
        user = reader(self.parent) if self.parent is not None else None
        if user is None or not staff_api_sees(user, obj):
            return None
        return super().to_representation(obj)


class StaffPersonSerializer(serializers.ModelSerializer):
    origin_place = CodeField()

    class Meta:
        model = Person
        fields = [
            "code",
            "pseudonym",
            "sex",
            "birth_year",
            "birth_year_is_approximate",
            "origin_place",
            "occupation_in_north",
            "education_in_north",
            "is_alive",
            "notes",
            *PUBLICATION,
        ]
        read_only_fields = fields


class StaffTestimonySerializer(serializers.ModelSerializer):
    interviewee = ScopedCodeField()
    transcript = serializers.SerializerMethodField()

    class Meta:
        model = Testimony
        fields = [
            "code",
            "interviewee",
            "interviewer",
            "interview_date",
            "interview_country",
            "language",
            "knowledge",
            *PERIOD,
            "title_en",
            "title_ko",
            "public_summary_en",
            "public_summary_ko",
            "transcript",
            "consent_scope",
            "consent_given_on",
            "consent_method",
            "consent_withdrawn_on",
            *PUBLICATION,
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_transcript(self, testimony):
        """Null where the admin would hide it (a sensitive testimony: restricted, told by a
        restricted person or consent withdrawn; for a non-custodian)."""
        user = reader(self)
        if user is None or not shows_transcript(user, testimony):
            return None
        return testimony.transcript


class StaffEventSerializer(serializers.ModelSerializer):
    place = CodeField()
    facility = CodeField()

    class Meta:
        model = Event
        fields = [
            "code",
            "title_en",
            "title_ko",
            "description_en",
            "description_ko",
            *PERIOD,
            "place",
            "facility",
            *PUBLICATION,
        ]
        read_only_fields = fields


class StaffViolationSerializer(serializers.ModelSerializer):
    event = ScopedCodeField()
    violation_type = CodeField()
    victim = ScopedCodeField()
    place = CodeField()
    facility = CodeField()

    class Meta:
        model = Violation
        fields = [
            "code",
            "event",
            "violation_type",
            "victim",
            "victim_age",
            *PERIOD,
            "place",
            "facility",
            "description_en",
            "description_ko",
            *PUBLICATION,
        ]
        read_only_fields = fields


class StaffCrossingLegSerializer(serializers.ModelSerializer):
    country = CodeField()

    class Meta:
        model = CrossingLeg
        fields = [
            "order",
            "country",
            "entered_on",
            "entered_on_precision",
            "what_happened",
            "notes",
        ]
        read_only_fields = fields


class StaffBorderCrossingSerializer(serializers.ModelSerializer):
    person = ScopedCodeField()
    testimony = ScopedCodeField()
    departure_place = CodeField()
    crossing_place = CodeField()
    settlement_place = CodeField()
    legs = StaffCrossingLegSerializer(many=True, read_only=True)

    class Meta:
        model = BorderCrossing
        fields = [
            "code",
            "person",
            "testimony",
            "departure_place",
            "crossing_date",
            "crossing_date_precision",
            "crossing_point",
            "crossing_place",
            "broker",
            "outcome",
            "arrival_date",
            "arrival_date_precision",
            "settlement_place",
            "description_en",
            "description_ko",
            "legs",
            *PUBLICATION,
        ]
        read_only_fields = fields
