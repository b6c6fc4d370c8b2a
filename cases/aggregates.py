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
from dataclasses import dataclass

from django.db.models import Case, Count, F, Value, When
from django.db.models.functions import Concat, ExtractYear, Left, StrIndex
from django.utils.translation import gettext_lazy as _

from cases.models import Place, Violation, ViolationType

THRESHOLD = 5
DIMENSIONS = {"type": _("Violation type"), "year": _("Year"), "province": _("Province")}
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


@dataclass
class Cell:
    value: int | None
    reason: str = ""

    @property
    def suppressed(self):
        return bool(self.reason)


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

    def cell(self, **values):
        key = tuple((d, values[d]) for d in DIMENSIONS if d in values)
        value, _persons = self.cells.get(key, (0, 0))
        reason = self.withheld.get(key, "")
        return Cell(None if reason else value, reason)

    def labels(self, dim):
        present = sorted(
            {v for key in self.cells for d, v in key if d == dim},
            key=lambda v: (v is None, v),
        )
        if dim == "type":
            names = {t.code: t.name for t in ViolationType.objects.filter(code__in=present)}
        elif dim == "province":
            names = {p.code: p.name for p in Place.objects.filter(code__in=present)}
        else:
            names = {v: str(v) for v in present if v is not None}
        return [(v, names.get(v, _("unknown")) if v is not None else _("unknown")) for v in present]

    def table(self, rows, cols=None):
        """Rows (value, label, [cells...], total) and a total row, for one or two dimensions."""
        row_labels = self.labels(rows)
        col_labels = self.labels(cols) if cols else []
        body = []
        for value, label in row_labels:
            cells = [self.cell(**{rows: value, cols: col}) for col, _label in col_labels]
            body.append((value, label, cells, self.cell(**{rows: value})))
        totals = [self.cell(**{cols: col}) for col, _label in col_labels]
        return {
            "rows": rows,
            "cols": cols,
            "col_labels": col_labels,
            "body": body,
            "totals": totals,
            "total": self.cell(),
        }

    def records(self, dims):
        """Flat rows for the API and CSV: the dimensions, the count, and why it is null."""
        out = []
        for key, (value, _persons) in sorted(self.cells.items(), key=lambda kv: str(kv[0])):
            if [d for d, _v in key] != list(dims):
                continue
            reason = self.withheld.get(key, "")
            out.append(
                {
                    **dict(key),
                    "violations": None if reason else value,
                    "suppressed": bool(reason),
                    "suppression": reason or None,
                }
            )
        return out
