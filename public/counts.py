"""Counts of published violations and of their victims as the public sees them:
already suppressed.

The publication computes the counts by type, year, province, the victim's sex and
age group, withholds the small cells and their complements (cases/aggregates.py),
and stores only what may be shown (a `Summary` row of the copy per measure): each
cell's count, or no count and the reason. Nothing here can give back a withheld
count, because it never had one.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from public.models import Option, Summary

THRESHOLD = 5
DIMENSIONS = {
    "type": _("Violation type"),
    "year": _("Year"),
    "province": _("Province"),
    # Only a public victim's sex is counted; the others are "unknown" (as in the search).
    "sex": _("Victim's sex"),
    "age": _("Victim's age at the time"),
}
SUMMARY = "violation-counts"
# What a cell counts: {measure: (the copy's Summary name, label)}. A victim is
# counted once in a cell however many of its violations the cell holds, so a
# total of victims is not the sum of its cells.
MEASURES = {
    "violations": (SUMMARY, _("Violations")),
    "victims": ("victim-counts", _("Victims")),
}


@dataclass
class Cell:
    value: int | None
    reason: str = ""

    @property
    def suppressed(self):
        return bool(self.reason)


def encode(cells):
    """{key: (value or None, reason)} as JSON: keys are tuples of (dimension, value).
    In the keys' order, so that the same counts are the same JSON whatever order
    the database grouped them in (the copy rewrites a summary only when it differs)."""
    ordered = sorted(cells.items(), key=lambda item: str(item[0]))
    return [[[list(pair) for pair in key], value, reason] for key, (value, reason) in ordered]


def decode(rows):
    return {
        tuple((dim, value) for dim, value in key): (value_, reason) for key, value_, reason in rows
    }


def option_labels(dim, values):
    """Labels of types and provinces from the copy's options, in the active language."""
    facet = {"type": "type", "province": "province", "sex": "sex", "age": "age"}.get(dim)
    if facet is None:
        return {v: str(v) for v in values if v is not None}
    options = Option.objects.filter(facet=facet, value__in=[v for v in values if v is not None])
    return {option.value: option.label() for option in options}


class Counts:
    """Suppressed counts: `cells` maps a key to (value or None, reason)."""

    def __init__(self, cells, labels=option_labels, measure="violations"):
        self.cells = cells
        self._labels = labels
        self.measure = measure

    @classmethod
    def published(cls, measure="violations"):
        summary = Summary.objects.filter(name=MEASURES[measure][0]).first()
        return cls(decode(summary.data) if summary else {}, measure=measure)

    def cell(self, **values):
        key = tuple((d, values[d]) for d in DIMENSIONS if d in values)
        value, reason = self.cells.get(key, (0, ""))
        return Cell(None if reason else value, reason)

    def labels(self, dim):
        present = sorted(
            {v for key in self.cells for d, v in key if d == dim}, key=lambda v: (v is None, v)
        )
        names = self._labels(dim, present)
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
        for key, (value, reason) in sorted(self.cells.items(), key=lambda kv: str(kv[0])):
            if [d for d, _v in key] != list(dims):
                continue
            out.append(
                {
                    **dict(key),
                    self.measure: None if reason else value,
                    "suppressed": bool(reason),
                    "suppression": reason or None,
                }
            )
        return out
