"""Counts of published violations and their victims by type, year, province, the
victim's sex and age group, with small-cell suppression.

A cell (or a total) that concerns fewer than 5 distinct persons is withheld:
a rare combination of place, year and kind of violation can point to one
witness. Withholding it is not enough when totals are published beside it (a
row total minus the other cells gives it back), so `suppress` also withholds
complementary cells until no published total pins a withheld cell down. All the
tables (each dimension alone and every pair) are suppressed together as one
system, because they share their totals.
"""

import itertools

from django.db.models import Case, Count, F, Value, When
from django.db.models.functions import Concat, ExtractYear, Left, StrIndex

from cases.corroboration import AGE_GROUPS
from cases.models import Person, Place, Sex, Violation, ViolationType
from public.counts import DIMENSIONS, MEASURES, THRESHOLD, Counts

__all__ = ["DIMENSIONS", "MEASURES", "THRESHOLD", "Aggregates", "suppress"]

PRIMARY, COMPLEMENTARY = "fewer_than_5", "complementary"


def suppress(cells, equations, threshold=THRESHOLD):
    """Which cells to withhold, and why.

    `cells` maps a key to (value, persons); `equations` lists (total_key,
    [member keys]) where the total's value is the sum of its members' values.
    Non-empty cells concerning fewer than `threshold` persons are withheld (PRIMARY). Then, while
    an equation has exactly one withheld cell, or several withheld cells that
    can only be 1 each (their sum equals their number), the smallest published
    non-zero member is withheld too (COMPLEMENTARY), or the total if none is left.
    Returns {key: reason}.
    """
    withheld = {
        key: PRIMARY for key, (value, persons) in cells.items() if value and persons < threshold
    }
    changed = True
    while changed:
        changed = False
        for total, members in equations:
            keys = [total, *members]
            hidden = [key for key in keys if key in withheld]
            if not hidden:
                continue
            hidden_values = sum(cells[key][0] for key in hidden if key != total)
            hidden_members = [key for key in hidden if key != total]
            pinned = len(hidden) == 1 or (
                total not in withheld and hidden_values == len(hidden_members)
            )
            if not pinned:
                continue
            candidates = [key for key in members if key not in withheld and cells[key][0] > 0]
            if candidates:
                choice = min(candidates, key=lambda key: (cells[key][0], str(key)))
            elif total not in withheld:
                choice = total
            else:
                continue
            withheld[choice] = COMPLEMENTARY
            changed = True
    return withheld


def _province():
    """The province a violation's place lies in, up to three levels up."""
    when = []
    for depth in range(3):
        path = "place" + "__parent" * depth
        when.append(When(**{f"{path}__level": Place.Level.PROVINCE}, then=F(f"{path}__code")))
    return Case(*when, default=Value(""))


def _sex():
    """The victim's sex when the victim is public (the search's `sex` facet), else unknown."""
    public = Person.objects.public().exclude(sex=Sex.UNKNOWN).values("pk")
    return Case(When(victim__in=public, then=F("victim__sex")), default=Value(""))


def _age():
    """The victim's age group at the time (the search's `age` facet)."""
    return Case(
        *(
            When(victim_age__gte=low, victim_age__lte=high, then=Value(value))
            for value, (low, high, _label) in AGE_GROUPS.items()
        ),
        default=Value(""),
    )


def _category():
    code = "violation_type__code"
    return Left(code, StrIndex(Concat(code, Value(".")), Value(".")) - 1)


class Aggregates:
    """The suppressed counts for the current public data: one query."""

    def __init__(self, violations=None):
        violations = violations if violations is not None else Violation.objects.public()
        annotated = violations.order_by().annotate(
            type=_category(),
            year=ExtractYear("start_date"),
            province=_province(),
            sex=_sex(),
            age=_age(),
        )
        # One query: the acts by every dimension and victim, summed here into the
        # total, each dimension and each pair (a victim is counted once a cell).
        dimensions = list(DIMENSIONS)
        groupings = [
            (dims, [dimensions.index(d) for d in dims], {})
            for size in range(3)
            for dims in itertools.combinations(dimensions, size)
        ]
        rows = annotated.values_list(*dimensions, "victim").annotate(n=Count("pk"))
        for *values, victim, n in rows:
            values = [None if value == "" else value for value in values]
            for _dims, positions, sums in groupings:
                key = tuple(values[i] for i in positions)
                found = sums.get(key)
                if found is None:
                    sums[key] = found = [0, set()]
                found[0] += n
                found[1].add(victim)
        cells = {(): (0, 0)}
        for dims, _positions, sums in groupings:
            for values, (n, victims) in sums.items():
                cells[tuple(zip(dims, values, strict=True))] = (n, len(victims - {None}))
        self.cells = cells
        equations = self._equations(cells)
        self.withheld = suppress(cells, equations)
        # Victims: a cell's value is its persons. Its totals are not sums of its
        # cells (a victim of two types is in both), so the equations hold as upper
        # bounds only; suppressing by them withholds at least what is needed.
        self.victims = {key: (persons, persons) for key, (_n, persons) in cells.items()}
        self.victims_withheld = suppress(self.victims, equations)

    @staticmethod
    def _equations(cells):
        """Each published total equals the sum of the cells one dimension finer."""
        groups = {}
        for key in cells:
            for index, (dim, _value) in enumerate(key):
                total = key[:index] + key[index + 1 :]
                groups.setdefault((total, dim), []).append(key)
        return [(total, members) for (total, _dim), members in groups.items() if total in cells]

    def published_cells(self, measure="violations"):
        """{key: (value or None, reason)}: what may be shown of each cell."""
        cells, withheld = (
            (self.cells, self.withheld)
            if measure == "violations"
            else (self.victims, self.victims_withheld)
        )
        return {
            key: (None, withheld[key]) if key in withheld else (value, "")
            for key, (value, _persons) in cells.items()
        }

    def counts(self, measure="violations"):
        """The suppressed counts, with names read from the reference data."""
        return Counts(self.published_cells(measure), labels=_reference_labels, measure=measure)

    def table(self, rows, cols=None):
        return self.counts().table(rows, cols)

    def records(self, dims):
        return self.counts().records(dims)

    def cell(self, **values):
        return self.counts().cell(**values)


def _reference_labels(dim, values):
    if dim == "type":
        return {t.code: t.name for t in ViolationType.objects.filter(code__in=values)}
    if dim == "province":
        return {p.code: p.name for p in Place.objects.filter(code__in=values)}
    if dim == "sex":
        return {value: str(label) for value, label in Sex.choices if value in values}
    if dim == "age":
        return {value: str(label) for value, (_low, _high, label) in AGE_GROUPS.items()}
    return {v: str(v) for v in values if v is not None}
