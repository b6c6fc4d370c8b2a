"""FilterSets for the public case search, the API and the map.

Every FilterSet filters a queryset that already went through `.public()`; a facet
that looks at related records (a violation's victim, an event's violations, the
information behind a record) looks only at related records that are public too,
so that no unpublished record can make a published one appear or disappear.
"""

import datetime

import django_filters
from django.core.exceptions import EmptyResultSet
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery, Value
from django.utils.translation import gettext_lazy as _

from cases import search
from cases.models import (
    BorderCrossing,
    CrossingLeg,
    Event,
    Facility,
    Information,
    Involvement,
    Knowledge,
    Person,
    Place,
    Sex,
    Testimony,
    Violation,
)

AGE_GROUPS = {
    "0-17": (0, 17, _("under 18")),
    "18-29": (18, 29, _("18 to 29")),
    "30-49": (30, 49, _("30 to 49")),
    "50-": (50, 200, _("50 and over")),
}
SOURCE_COUNTS = {"1": _("at least 1 source"), "2": _("2 or more"), "3": _("3 or more")}
SORTS = {
    "relevance": _("relevance"),
    "newest": _("newest first"),
    "oldest": _("oldest first"),
    "code": _("code"),
}


def public_information():
    """Information the public may know of: from a public testimony or a source."""
    # A join on the testimony (not `IN` all public testimonies), so that a few
    # records' information is found through the indexes on event and violation.
    return Information.objects.filter(Q(testimony__is_public=True) | Q(source__isnull=False))


def _count_distinct(field):
    # COUNT(DISTINCT ...) without GROUP BY, for a correlated subquery.
    return Func(F(field), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")


def corroboration(target):
    """The definition of the stored `corroboration` (tests compare the two).

    Distinct independent sources behind a record: public testimonies counted by
    witness (two interviews of one person are one source), plus documents."""
    information = public_information().filter(target)
    witnesses = information.values(n=_count_distinct("testimony__interviewee"))
    documents = information.values(n=_count_distinct("source"))
    return Subquery(witnesses) + Subquery(documents)


def place_q(prefix, code, levels, memo=None):
    """The place (or the facility's place) is `code` or lies within it, up to
    `levels` deep.

    The places and facilities within are read first (one small query), so that
    the condition is two lists of ids that the indexes on place and facility
    answer; the same condition over joins to the place tree scans every record.
    `memo` (a dict) keeps what was read for the next call with the same code, so
    that a search reads it once, not once per facet.
    """
    memo = {} if memo is None else memo
    if (code, levels) not in memo:
        memo[code, levels] = _places_within(code, levels)
    found = memo[code, levels]
    return Q(**{f"{prefix}place__in": found["place"]}) | Q(
        **{f"{prefix}facility__in": found["facility"]}
    )


def _places_within(code, levels):
    within = Q(code=code)
    for depth in range(1, levels):
        within |= Q(**{f"{'parent__' * depth}code": code})
    places = Place.objects.filter(within).order_by()
    ids = (
        places.annotate(found_as=Value("place"))
        .values_list("found_as", "pk")
        .union(
            Facility.objects.filter(place__in=places)
            .order_by()
            .annotate(found_as=Value("facility"))
            .values_list("found_as", "pk"),
            all=True,
        )
    )
    found = {"place": [], "facility": []}
    for kind, pk in ids:
        found[kind].append(pk)
    return found


# Conditions on a violation, reused by events through their public violations.
def type_q(code):
    return Q(violation_type__code=code) | Q(violation_type__code__startswith=f"{code}.")


def organization_q(code):
    return Exists(
        Involvement.objects.filter(violation=OuterRef("pk")).filter(
            Q(perpetrator_organization__code=code) | Q(perpetrator_organization__parent__code=code)
        )
    )


def sex_q(value):
    return Q(victim__in=Person.objects.public().filter(sex=value))


def age_q(value):
    low, high, _label = AGE_GROUPS[value]
    return Q(victim_age__gte=low, victim_age__lte=high)


def year_bounds(value, end=False):
    return datetime.date(value, 12, 31) if end else datetime.date(value, 1, 1)


class CaseFilter(django_filters.FilterSet):
    """What every case list shares: words, a period, a sort order."""

    q = django_filters.CharFilter(method="filter_q", label=_("Words"))
    # Bounded: a year outside 1..9999 is a form error (400 in the API), not a crash.
    year_from = django_filters.NumberFilter(
        method="filter_period", label=_("From year"), min_value=1, max_value=9999
    )
    year_to = django_filters.NumberFilter(
        method="filter_period", label=_("To year"), min_value=1, max_value=9999
    )
    sort = django_filters.ChoiceFilter(
        choices=list(SORTS.items()), method="filter_sort", label=_("Sort by"), empty_label=None
    )
    date_field = "earliest_date"

    def __init__(self, *args, ids=None, places=None, **kwargs):
        # The ids of the records these filters select, when the caller has them
        # (search.count_or_estimate): then `qs` selects them by id, ranked and
        # sorted, without evaluating any filter again.
        self.ids = ids
        # The memo of place_q, shared by the filtersets of one search (one per facet).
        self.places = {} if places is None else places
        super().__init__(*args, **kwargs)

    def filter_q(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_period(self, queryset, name, value):
        # Both bounds are applied once, by the first of the two that is set.
        data = self.form.cleaned_data
        start, end = data.get("year_from"), data.get("year_to")
        if name == "year_to" and start is not None:
            return queryset
        start = year_bounds(int(start)) if start is not None else None
        end = year_bounds(int(end), end=True) if end is not None else None
        return self.in_period(queryset, start, end)

    def in_period(self, queryset, start, end):
        # Uncertain dates: a record counts if any day it can mean falls in the period.
        return queryset.in_period(start, end)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in `qs`

    @property
    def qs(self):
        if hasattr(self, "_sorted"):
            return self._sorted
        if self.ids is not None:
            words = self.form.cleaned_data.get("q") if self.is_valid() else ""
            queryset = search.by_ids(self.queryset, self.ids, words)
        else:
            queryset = super().qs
        sort = self.form.cleaned_data.get("sort") if self.is_bound else None
        ordering = queryset.model._meta.ordering
        field = self.date_field
        if sort == "relevance" and "search_rank" in queryset.query.annotations:
            ordering = ["-search_rank", *ordering]
        elif sort == "oldest":
            ordering = [F(field).asc(nulls_last=True), "code"]
        elif sort == "code":
            ordering = ["code"]
        elif sort == "newest":
            ordering = [F(field).desc(nulls_last=True), "code"]
        elif "search_rank" in queryset.query.annotations:
            ordering = ["-search_rank", *ordering]
        self._sorted = queryset.order_by(*ordering)
        return self._sorted


class ViolationFilter(CaseFilter):
    type = django_filters.CharFilter(method="filter_type", label=_("Violation type"))
    province = django_filters.CharFilter(method="filter_province", label=_("Province"))
    county = django_filters.CharFilter(method="filter_county", label=_("County or city"))
    facility = django_filters.CharFilter(method="filter_facility", label=_("Facility"))
    organization = django_filters.CharFilter(
        method="filter_organization", label=_("Perpetrator organization")
    )
    sex = django_filters.ChoiceFilter(
        choices=Sex.choices, method="filter_sex", label=_("Victim's sex")
    )
    age = django_filters.ChoiceFilter(
        choices=[(k, v[2]) for k, v in AGE_GROUPS.items()],
        method="filter_age",
        label=_("Victim's age at the time"),
    )
    knowledge = django_filters.ChoiceFilter(
        choices=Knowledge.choices, method="filter_knowledge", label=_("How the source knows")
    )
    sources = django_filters.ChoiceFilter(
        choices=list(SOURCE_COUNTS.items()),
        method="filter_sources",
        label=_("Corroborating sources"),
    )

    class Meta:
        model = Violation
        fields = []

    def violations(self, queryset, condition):
        """Apply a condition on violations (an event filter overrides this)."""
        return queryset.filter(condition)

    def filter_type(self, queryset, name, value):
        return self.violations(queryset, type_q(value))

    def filter_province(self, queryset, name, value):
        return queryset.filter(place_q("", value, 3, self.places))

    def filter_county(self, queryset, name, value):
        return queryset.filter(place_q("", value, 2, self.places))

    def filter_facility(self, queryset, name, value):
        return queryset.filter(facility__code=value)

    def filter_organization(self, queryset, name, value):
        return self.violations(queryset, organization_q(value))

    def filter_sex(self, queryset, name, value):
        return self.violations(queryset, sex_q(value))

    def filter_age(self, queryset, name, value):
        return self.violations(queryset, age_q(value))

    def supported_by(self, information):
        """Records with some of `information` behind them, directly or through
        their event: uncorrelated `IN` subqueries (hashed once), not a per-row OR."""
        return Q(pk__in=information.filter(violation__isnull=False).values("violation")) | Q(
            event__in=information.filter(event__isnull=False).values("event")
        )

    def filter_knowledge(self, queryset, name, value):
        return queryset.filter(self.supported_by(public_information().filter(knowledge=value)))

    def filter_sources(self, queryset, name, value):
        return queryset.filter(corroboration__gte=int(value))


class EventFilter(ViolationFilter):
    class Meta:
        model = Event
        fields = []

    def violations(self, queryset, condition):
        # An event matches through its public violations only.
        return queryset.filter(pk__in=Violation.objects.public().filter(condition).values("event"))

    def supported_by(self, information):
        return Q(pk__in=information.filter(event__isnull=False).values("event")) | Q(
            pk__in=information.filter(violation__isnull=False).values("violation__event")
        )


class TestimonyFilter(CaseFilter):
    knowledge = django_filters.ChoiceFilter(
        choices=Knowledge.choices, label=_("How the witness knows")
    )

    class Meta:
        model = Testimony
        fields = []


class BorderCrossingFilter(CaseFilter):
    outcome = django_filters.ChoiceFilter(choices=BorderCrossing.Outcome.choices)
    transit = django_filters.CharFilter(method="filter_transit", label=_("Transit country"))
    province = django_filters.CharFilter(method="filter_province", label=_("Province of departure"))
    date_field = "crossing_date"

    class Meta:
        model = BorderCrossing
        fields = []

    def in_period(self, queryset, start, end):
        if start:
            queryset = queryset.filter(crossing_date__gte=start)
        if end:
            queryset = queryset.filter(crossing_date__lte=end)
        return queryset

    def filter_transit(self, queryset, name, value):
        legs = CrossingLeg.objects.filter(crossing=OuterRef("pk"), country__code=value)
        return queryset.filter(Exists(legs))

    def filter_province(self, queryset, name, value):
        return queryset.filter(
            Q(departure_place__code=value) | Q(departure_place__parent__code=value)
        )


FILTERS = {
    Event: EventFilter,
    Violation: ViolationFilter,
    Testimony: TestimonyFilter,
    BorderCrossing: BorderCrossingFilter,
}


def support_rows(records):
    """(sql, params): one row (r, k, w, s) per piece of public information behind
    each of `records` (record id, how the source knows, the witness, the document),
    reached directly or through the record's event (violations) or its violations
    (events): the set-based form of `corroboration`'s two join paths."""
    information = public_information().order_by()
    ids = records.order_by().values("pk")
    if records.model is Event:
        paths = [("event", {"event__in": ids}), ("violation__event", {"violation__event__in": ids})]
    else:
        paths = [
            ("violation", {"violation__in": ids}),
            ("event__violations", {"event__violations__in": ids}),
        ]
    direct, through = (
        information.filter(**condition).values(
            r=F(key), k=F("knowledge"), w=F("testimony__interviewee"), s=F("source")
        )
        for key, condition in paths
    )
    union = direct.union(through, all=True)
    try:
        return union.query.get_compiler(using=records.db).as_sql()
    except EmptyResultSet:  # a filter already ruled every record out
        return "SELECT NULL AS r, NULL AS k, NULL AS w, NULL AS s WHERE 1 = 0", ()
