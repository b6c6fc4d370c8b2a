"""Counts of published violations by type, year and province, with small-cell
suppression.

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

from cases.models import Place, Violation, ViolationType
from public.counts import DIMENSIONS, THRESHOLD, Counts

__all__ = ["DIMENSIONS", "THRESHOLD", "Aggregates", "suppress"]

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


def _category():
    code = "violation_type__code"
    return Left(code, StrIndex(Concat(code, Value(".")), Value(".")) - 1)


class Aggregates:
    """The suppressed counts for the current public data: one query per grouping."""

    def __init__(self, violations=None):
        violations = violations if violations is not None else Violation.objects.public()
        annotated = violations.order_by().annotate(
            type=_category(), year=ExtractYear("start_date"), province=_province()
        )
        self.values = {}  # key -> violations; a key is a tuple of (dimension, value) pairs
        cells = {}
        for size in range(len(DIMENSIONS)):  # totals, each dimension, each pair
            for dims in itertools.combinations(DIMENSIONS, size):
                counts = {"n": Count("pk"), "persons": Count("victim", distinct=True)}
                if dims:
                    rows = annotated.values(*dims).annotate(**counts)
                else:
                    rows = [annotated.aggregate(**counts)]
                for row in rows:
                    key = tuple((d, row[d] if row[d] != "" else None) for d in dims)
                    cells[key] = (row["n"], row["persons"])
        self.cells = cells
        self.withheld = suppress(cells, self._equations(cells))

    @staticmethod
    def _equations(cells):
        """Each published total equals the sum of the cells one dimension finer."""
        groups = {}
        for key in cells:
            for index, (dim, _value) in enumerate(key):
                total = key[:index] + key[index + 1 :]
                groups.setdefault((total, dim), []).append(key)
        return [(total, members) for (total, _dim), members in groups.items() if total in cells]

    def published_cells(self):
        """{key: (value or None, reason)}: what may be shown of each cell."""
        return {
            key: (None, self.withheld[key]) if key in self.withheld else (value, "")
            for key, (value, _persons) in self.cells.items()
        }

    def counts(self):
        """The suppressed counts, with names read from the reference data."""
        return Counts(self.published_cells(), labels=_reference_labels)

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
    return {v: str(v) for v in values if v is not None}
