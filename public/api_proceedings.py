"""The public API's proceedings: a list and a record each, from the published copy.

A record shows exactly what the proceeding's public page shows
(templates/cases/_proceeding_page.html): its code, forum, kind, year, outcome and
its year, the UN reference a reviewer published, its summary, its public persons
(code and pseudonym) and events (code and title), its public citations. The
serializer below names those fields one by one and is applied to the stored data
on every answer: a field the copy gained would still not be shown.

The filters are the copy's keys of each proceeding (cases/entries.py), so a page
costs the same three queries whatever its size: the generation, the count, the rows.
"""

import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from core.api import BAD_REQUEST, AcceptedChoiceFilter, reverse
from public import api_schema
from public.api import NOT_FOUND, CopyViewSet, language
from public.models import Entry, Kind


def _text(**kwargs):
    return serializers.CharField(allow_blank=True, **kwargs)


class PersonConcernedSerializer(serializers.Serializer):
    code = _text()
    pseudonym = _text()


class EventConcernedSerializer(serializers.Serializer):
    code = _text()
    title = _text()


class ProceedingSerializer(serializers.Serializer):
    """A published proceeding: what its public page shows, and its address here."""

    url = serializers.URLField()
    code = _text()
    forum = serializers.ChoiceField(choices=api_schema.FORUMS)
    forum_name = _text()
    kind = serializers.ChoiceField(choices=api_schema.PROCEEDING_KINDS)
    kind_name = _text()
    year = serializers.IntegerField(allow_null=True, help_text="The year it was submitted.")
    outcome = serializers.ChoiceField(choices=api_schema.PROCEEDING_OUTCOMES)
    outcome_name = _text()
    outcome_year = serializers.IntegerField(allow_null=True)
    un_document = serializers.CharField(
        allow_null=True, help_text="The UN reference, where a reviewer published it."
    )
    summary_en = _text()
    summary_ko = _text()
    persons = PersonConcernedSerializer(many=True, help_text="Public persons only.")
    events = EventConcernedSerializer(many=True, help_text="Published events only.")
    sources = serializers.ListField(child=_text(), help_text="Public citations only.")
    is_synthetic = serializers.BooleanField()


class KeyFilter(AcceptedChoiceFilter):
    """A proceeding's value of one of its keys in the copy (`facet`)."""

    def __init__(self, *args, facet, **kwargs):
        self.facet = facet
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.with_key(self.facet, value) if value else qs


def _choices(codes):
    return [(code, code) for code in codes]


class ProceedingFilter(django_filters.FilterSet):
    forum = KeyFilter(facet="forum", choices=_choices(api_schema.FORUMS), label=_("Forum"))
    kind = KeyFilter(
        facet="proceeding_kind",
        choices=_choices(api_schema.PROCEEDING_KINDS),
        label=_("Kind of action"),
    )
    outcome = KeyFilter(
        facet="proc_outcome",
        choices=_choices(api_schema.PROCEEDING_OUTCOMES),
        label=_("Outcome"),
    )

    class Meta:
        model = Entry
        fields = ["forum", "kind", "outcome"]


@extend_schema_view(
    list=extend_schema(responses={200: ProceedingSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(responses={200: ProceedingSerializer, 404: NOT_FOUND}),
)
class ProceedingViewSet(CopyViewSet):
    """Published proceedings and interventions (submissions to UN mechanisms and
    courts), newest first, as /cases/proceedings/ lists them; filtered by `forum`,
    `kind` and `outcome`. Public only when every person concerned is public with
    consent to publication. Their counts are at proceedings/counts/."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = ProceedingFilter
    csv_filename = "proceedings"

    def get_queryset(self):
        return Entry.objects.of(Kind.PROCEEDING)

    def rows(self):
        # Undated last on either database, as on the page (public/proceedings.py).
        order = (F("order_date").desc(nulls_last=True), "code")
        return self.filter_queryset(self.get_queryset()).only("data", "code").order_by(*order)

    def shown(self, row):
        data = row.data[language()]
        url = reverse("cases-api:proceeding-detail", args=[data["code"]], request=self.request)
        return ProceedingSerializer({**data, "url": url}).data
