"""Re-identification: k-anonymity of the published persons (issue 18).

Each public person has a combination of quasi-identifiers, values that others
(a security service, the Ministry of Unification's tables) can match against:
sex, a 5-year birth cohort, province of origin, year of leaving, region of
settlement (settings.REIDENTIFICATION_QUASI_IDENTIFIERS). Every combination
must be shared by at least k public persons (settings.REIDENTIFICATION_K).

The values are generalized as the public could read them: the birth year to
its 5-year cohort, places to their province (or the country when the place is
no more precise), the year of leaving to the year of the person's earliest
*public* crossing, the region of settlement to that of the latest public
crossing that names one. A missing value is its own value, "unknown".

`publication_problems(record)` is the check at publish time (cases.services);
`below_k()` is the nightly report (manage.py report_reidentification). Both
count with one GROUP BY in the database; docs/publication-policy.md explains it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractYear, Mod
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import BorderCrossing, Person, Place, Testimony, Violation

BIRTH_COHORT_YEARS = 5
# How far up a place's ancestors the province is looked for (locality → county → province).
PLACE_DEPTH = 4


def _region(path):
    """The province of the place at `path`, or its country when it names no province."""
    whens = []
    for level in (Place.Level.PROVINCE, Place.Level.COUNTRY):
        for depth in range(PLACE_DEPTH):
            place = "__".join([path, *["parent"] * depth])
            whens.append(When(**{f"{place}__level": level}, then=F(f"{place}__code")))
    return Case(*whens, default=None, output_field=CharField())


def _crossings(extra_crossing):
    """The crossings the public sees, with the one being published."""
    visible = Q(is_public=True)
    if extra_crossing is not None:
        visible |= Q(pk=extra_crossing)
    return BorderCrossing._base_manager.filter(visible, person=OuterRef("pk"))


def _year_of_leaving(extra_crossing):
    earliest = _crossings(extra_crossing).filter(crossing_date__isnull=False, withhold_year=False)
    earliest = earliest.order_by("crossing_date", "pk").values("crossing_date__year")[:1]
    return Subquery(earliest, output_field=IntegerField())


def _settlement_region(extra_crossing):
    latest = _crossings(extra_crossing).filter(
        settlement_place__isnull=False, withhold_settlement=False
    )
    latest = latest.order_by(F("crossing_date").desc(nulls_last=True), "-pk")
    return Subquery(latest.values(region=_region("settlement_place"))[:1])


def _place_name(code):
    place = Place.objects.filter(code=code).first()
    return place.name if place else code


@dataclass(frozen=True)
class QuasiIdentifier:
    name: str
    label: object
    expression: object  # a function of the crossing being published (or None)
    shown: object  # a function of the generalized value

    def show(self, value):
        return _("unknown") if value in (None, "unknown") else str(self.shown(value))


QUASI_IDENTIFIERS = {
    qi.name: qi
    for qi in (
        QuasiIdentifier(
            "sex",
            gettext_lazy("sex"),
            lambda extra: F("sex"),
            lambda value: Person(sex=value).get_sex_display(),
        ),
        QuasiIdentifier(
            "age_group",
            gettext_lazy("5-year birth cohort"),
            lambda extra: Cast(
                F("birth_year") - Mod("birth_year", BIRTH_COHORT_YEARS), IntegerField()
            ),
            lambda value: (
                _("born %(first)s-%(last)s")
                % {"first": value, "last": value + BIRTH_COHORT_YEARS - 1}
            ),
        ),
        QuasiIdentifier(
            "origin_province",
            gettext_lazy("province of origin"),
            lambda extra: _region("origin_place"),
            _place_name,
        ),
        QuasiIdentifier(
            "year_of_leaving",
            gettext_lazy("year of leaving"),
            _year_of_leaving,
            str,
        ),
        QuasiIdentifier(
            "settlement_region",
            gettext_lazy("region of settlement"),
            _settlement_region,
            _place_name,
        ),
    )
}


def configured():
    """The quasi-identifiers in force, in the order of the setting."""
    return [QUASI_IDENTIFIERS[name] for name in settings.REIDENTIFICATION_QUASI_IDENTIFIERS]


def k_required():
    return settings.REIDENTIFICATION_K


def _column(name):
    return f"qi_{name}"  # not the field's own name: `sex` is one


def with_quasi_identifiers(persons, *, extra_crossing=None):
    """These persons annotated with their generalized values, one column per quasi-identifier."""
    return persons.annotate(
        **{_column(qi.name): qi.expression(extra_crossing) for qi in configured()}
    )


def _columns():
    return [_column(qi.name) for qi in configured()]


def _combination(row):
    """{quasi-identifier: value} from a row of annotated columns."""
    return {qi.name: row[_column(qi.name)] for qi in configured()}


def _same(combination):
    """A filter for persons sharing this combination (an unknown value matches only unknown)."""
    return Q(
        **{
            _column(name) if value is not None else f"{_column(name)}__isnull": (
                value if value is not None else True
            )
            for name, value in combination.items()
        }
    )


def group_size(combination, *, excluding=None):
    """How many public persons (but `excluding`) have this combination."""
    others = Person.objects.public()
    if excluding is not None:
        others = others.exclude(pk=excluding)
    return with_quasi_identifiers(others).filter(_same(combination)).count()


def combination_of(person, *, extra_crossing=None):
    rows = with_quasi_identifiers(
        Person._base_manager.filter(pk=person.pk), extra_crossing=extra_crossing
    )
    return _combination(rows.values(*_columns()).get())


def sharing(combination):
    """The public persons with this combination."""
    return with_quasi_identifiers(Person.objects.public()).filter(_same(combination))


def combinations():
    """(pk, code, combination) of every public person, by code."""
    rows = with_quasi_identifiers(Person.objects.public()).values("pk", "code", *_columns())
    for row in rows.order_by("code").iterator():
        yield row["pk"], row["code"], _combination(row)


def groups():
    """[(combination, number of public persons)]: one GROUP BY over the public persons."""
    rows = with_quasi_identifiers(Person.objects.public()).values(*_columns())
    rows = rows.annotate(persons=Count("pk")).order_by()
    return [(_combination(row), row["persons"]) for row in rows]


def measured_k():
    """The k the public persons have now (None when no person is public)."""
    sizes = [count for _combination, count in groups()]
    return min(sizes) if sizes else None


def below_k(k=None):
    """Public persons whose combination fewer than k public persons share:
    [(code, combination, count)], by code. Two queries: the groups, and the persons'
    values, matched here."""
    k = k_required() if k is None else k
    small = {tuple(combination.values()): count for combination, count in groups() if count < k}
    if not small:
        return []
    persons = with_quasi_identifiers(Person.objects.public()).values("code", *_columns())
    found = []
    for row in persons.order_by("code").iterator():
        combination = _combination(row)
        count = small.get(tuple(combination.values()))
        if count is not None:
            found.append((row["code"], combination, count))
    return found


def describe(combination):
    """'sex: female; 5-year birth cohort: born 1980-1984; …' in the active language."""
    return "; ".join(
        f"{qi.label}: {qi.show(combination[qi.name])}"
        for qi in configured()
        if qi.name in combination
    )


# --- The check at publish time ------------------------------------------------

WITHHOLD_HINT = gettext_lazy(
    "You may publish the crossing without its dates, where it started or the region "
    "of settlement (“What the public is not shown”) instead of changing what was recorded."
)


def public_afterwards(person, record):
    return person is record or Person.objects.public().filter(pk=person.pk).exists()


def persons_shown(record):
    """The persons whose published details this record adds to or reveals, with the
    crossing it would make public: only persons public afterwards count."""
    if isinstance(record, Person):
        return [record], None
    if isinstance(record, BorderCrossing):
        return [record.person], record.pk
    if isinstance(record, Testimony):
        return [record.interviewee], None
    if isinstance(record, Violation) and record.victim_id:
        return [record.victim], None
    return [], None


def publication_problems(record):
    """Why publishing this record would let a person be singled out; empty if it would not.

    A person is public afterwards if it is the record, or is public already. Its
    combination after the publication (with the crossing being published) must be
    shared by at least k public persons, itself included. A public person whose
    combination changes (a crossing reveals the year of leaving) must not leave
    behind fewer than k persons in the group it leaves. Other persons are never named.
    """
    k = k_required()
    if k <= 1:
        return []
    persons, crossing = persons_shown(record)
    if crossing is not None and not public_afterwards(record.person, record):
        return crossing_problems(record, k)
    problems = []
    for person in persons:
        already = Person.objects.public().filter(pk=person.pk).exists()
        if not public_afterwards(person, record):
            continue
        after = combination_of(person, extra_crossing=crossing)
        count = group_size(after, excluding=person.pk) + 1
        if count < k:
            problem = _(
                "Re-identification risk: %(person)s would be one of only %(count)s published "
                "persons sharing %(values)s; at least %(k)s are required. Generalize or "
                "leave out one of these details first."
            ) % {"person": person.code, "count": count, "values": describe(after), "k": k}
            if crossing is not None:
                problem += " " + str(WITHHOLD_HINT)
            problems.append(problem)
            continue
        before = combination_of(person) if already else after
        if before != after:
            left = group_size(before, excluding=person.pk)
            if 0 < left < k <= left + 1:
                problems.append(
                    _(
                        "Re-identification risk: publishing this would leave only %(count)s "
                        "published persons sharing %(values)s; at least %(k)s are required."
                    )
                    % {"count": left, "values": describe(before), "k": k}
                )
    return problems


# --- Crossings whose person is not public ----------------------------------------
#
# Such a crossing is counted against no person's profile, but what it shows (where
# it started, its years, the region of settlement) is what a person's year of leaving,
# origin and settlement are matched on. It must look like at least k published
# crossings. Only the details that stand for a configured quasi-identifier count.


def _shown_unless(flag, expression, output_field):
    return Case(
        When(**{flag: True}, then=Value(None)), default=expression, output_field=output_field
    )


def _year_shown(field):
    return Case(
        When(Q(withhold_year=True) | Q(**{f"{field}__isnull": True}), then=Value(None)),
        default=ExtractYear(field),
        output_field=IntegerField(),
    )


CROSSING_DETAILS = {
    "origin_province": {
        "shown_departure": (
            gettext_lazy("province of departure"),
            lambda: _shown_unless("withhold_departure", _region("departure_place"), CharField()),
            _place_name,
        ),
    },
    "year_of_leaving": {
        "shown_crossing_year": (
            gettext_lazy("year of crossing"),
            lambda: _year_shown("crossing_date"),
            str,
        ),
        "shown_arrival_year": (
            gettext_lazy("year of arrival"),
            lambda: _year_shown("arrival_date"),
            str,
        ),
    },
    "settlement_region": {
        "shown_settlement": (
            gettext_lazy("region of settlement"),
            lambda: _shown_unless("withhold_settlement", _region("settlement_place"), CharField()),
            _place_name,
        ),
    },
}


def _crossing_details():
    """{column: (label, expression, shown)} for the quasi-identifiers in force."""
    return {
        column: detail
        for name in settings.REIDENTIFICATION_QUASI_IDENTIFIERS
        for column, detail in CROSSING_DETAILS.get(name, {}).items()
    }


def with_crossing_details(crossings):
    return crossings.annotate(
        **{column: expression() for column, (_l, expression, _s) in _crossing_details().items()}
    )


def _matching(values):
    """A filter for rows with these column values (an unknown matches only unknown)."""
    return Q(
        **{
            (column if value is not None else f"{column}__isnull"): (
                value if value is not None else True
            )
            for column, value in values.items()
        }
    )


def crossing_details_of(crossing):
    rows = with_crossing_details(BorderCrossing._base_manager.filter(pk=crossing.pk))
    return rows.values(*_crossing_details()).get()


def crossing_group_size(details, *, excluding=None):
    """How many public crossings (but `excluding`) show these details."""
    others = BorderCrossing.objects.public()
    if excluding is not None:
        others = others.exclude(pk=excluding)
    return with_crossing_details(others).filter(_matching(details)).count()


def describe_crossing(details):
    shown = _crossing_details()
    return "; ".join(
        f"{label}: {_('unknown') if details[column] is None else show(details[column])}"
        for column, (label, _expression, show) in shown.items()
        if column in details
    )


def crossing_problems(crossing, k):
    """Publishing a crossing whose person is not public: it must look like k published ones."""
    details = crossing_details_of(crossing)
    count = crossing_group_size(details, excluding=crossing.pk) + 1
    if count >= k:
        return []
    return [
        _(
            "Re-identification risk: %(crossing)s would be one of only %(count)s published "
            "crossings showing %(values)s; at least %(k)s are required."
        )
        % {"crossing": crossing.code, "count": count, "values": describe_crossing(details), "k": k}
        + " "
        + str(WITHHOLD_HINT)
    ]


def crossings_below_k(k=None):
    """Public crossings of persons who are not public whose details fewer than k public
    crossings show: [(code, details, count)], by code."""
    k = k_required() if k is None else k
    columns = list(_crossing_details())
    public = with_crossing_details(BorderCrossing.objects.public())
    sizes = public.values(*columns).annotate(crossings=Count("pk")).order_by()
    small = {tuple(row[c] for c in columns): row["crossings"] for row in sizes}
    small = {values: count for values, count in small.items() if count < k}
    if not small:
        return []
    unlinked = public.exclude(person__in=Person.objects.public()).values("code", *columns)
    found = []
    for row in unlinked.order_by("code").iterator():
        count = small.get(tuple(row[c] for c in columns))
        if count is not None:
            found.append((row["code"], {c: row[c] for c in columns}, count))
    return found
