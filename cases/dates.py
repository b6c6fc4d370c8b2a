"""Uncertain dates.

A testimony often says "in the spring of 1998" or "around 2005". We store the
date as told (its first possible day) with a precision, and derive the earliest
and latest day it can mean, so that records sort and filter by overlap without
pretending to know more than the witness said.
"""

import datetime
import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    APPROXIMATE = "approximate", _("approximate (within a year either side)")
    UNKNOWN = "unknown", _("unknown")


def bounds(value, precision):
    """The earliest and latest day an uncertain date can mean, or (None, None)."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return None, None
    if precision == DatePrecision.DAY:
        return value, value
    if precision == DatePrecision.MONTH:
        first = value.replace(day=1)
        if first.month == 12:
            return first, first.replace(day=31)
        next_month = first.replace(month=first.month + 1)
        return first, next_month - datetime.timedelta(days=1)
    if precision == DatePrecision.YEAR:
        return datetime.date(value.year, 1, 1), datetime.date(value.year, 12, 31)
    # Approximate: "around 2005" may mean any day from 2004 to 2006 (within the
    # calendar Python can represent, so a mistyped year 1 or 9999 is no crash).
    return (
        datetime.date(max(value.year - 1, datetime.MINYEAR), 1, 1),
        datetime.date(min(value.year + 1, datetime.MAXYEAR), 12, 31),
    )


def normalise(value, precision):
    """Store the first possible day, so equal statements compare equal."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    if precision in (DatePrecision.YEAR, DatePrecision.APPROXIMATE):
        return datetime.date(value.year, 1, 1)
    return value


def display(value, precision):
    """A date as precise as it is known: 2003-05-17, 2003-05, 2003, c. 2003."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return _("date unknown")
    if precision == DatePrecision.DAY:
        return value.isoformat()
    if precision == DatePrecision.MONTH:
        return value.strftime("%Y-%m")
    if precision == DatePrecision.YEAR:
        return str(value.year)
    return _("c. %(year)s") % {"year": value.year}


def display_span(start, start_precision, end, end_precision):
    start_text = display(start, start_precision)
    if end is None or (end == start and end_precision == start_precision):
        return start_text
    return f"{start_text} – {display(end, end_precision)}"  # noqa: RUF001 (an en dash is meant)


# --- Dates as people type them ---------------------------------------------------------

# From the finest to the coarsest: a date may be stated less precisely than it was
# typed only where that changes nothing ("2009-04-01" as a month), never more.
COARSENESS = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR, DatePrecision.APPROXIMATE]
_SEP = r"\s*[-./]\s*"
_PATTERNS = [
    (rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})\.?$", DatePrecision.DAY),
    (r"^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일$", DatePrecision.DAY),
    (rf"^(\d{{4}}){_SEP}(\d{{1,2}})\.?$", DatePrecision.MONTH),
    (r"^(\d{4})\s*년\s*(\d{1,2})\s*월$", DatePrecision.MONTH),
    (r"^(\d{4})\s*년?$", DatePrecision.YEAR),
    (r"^(?:약|대략)\s*(\d{4})\s*년?\s*(?:경|무렵|쯤)?$", DatePrecision.APPROXIMATE),
    (r"^(\d{4})\s*년?\s*(?:경|무렵|쯤)$", DatePrecision.APPROXIMATE),
    (r"^(?:about|around|circa|ca?\.|~)\s*(\d{4})$", DatePrecision.APPROXIMATE),
]


def parse(text):
    """A date as typed: 2009-04-10, 2009-04, 2009, 2009년 4월 10일, 2009년 4월,
    2009년, 2009년경, 약 2009년, about 2009, c. 2009 -> (first day, precision).
    None for an empty text; ValueError for anything else."""
    text = " ".join((text or "").split()).lower()
    if not text:
        return None
    for pattern, precision in _PATTERNS:
        match = re.match(pattern, text)
        if match:
            numbers = [int(group) for group in match.groups()] + [1, 1]
            return datetime.date(*numbers[:3]), precision
    raise ValueError(text)


# Between the two ends of a range: a tilde, a dash or "to" (a hyphen only before a
# year, so that 2009-04 stays a month), and Korean's 부터 … 까지.
_RANGE = re.compile(r"\s*(?:~|\u301c|\u2013|\u2014|\bto\b|부터|-(?=\s*\d{4}))\s*")
_YEAR_OMITTED = re.compile(r"^\d{1,2}\s*월(?:\s*\d{1,2}\s*일)?$")  # "6월" after "2009년 4월"


class Span(tuple):
    """(start, end) of a range typed into one field, each (first day, precision)."""


def parse_range(text):
    """A range typed into one field: "2009-2011" (an en or em dash too), "2009 to
    2011", "2009년 4월~6월", "2009년 4월부터 6월까지" -> Span(start, end), each
    (first day, precision) as parse() gives it. None when the text names no range; ValueError
    when an end is no date or comes before the start."""
    text = " ".join((text or "").split()).lower().removesuffix("까지").strip()
    parts = [part for part in _RANGE.split(text) if part]
    if len(parts) != 2 or not _RANGE.search(text):
        return None
    start = parse(parts[0])
    end_text = parts[1]
    if start is not None and _YEAR_OMITTED.match(end_text):
        end_text = f"{start[0].year}년 {end_text}"
    end = parse(end_text)
    if start is None or end is None or bounds(*end)[1] < bounds(*start)[0]:
        raise ValueError(text)
    return Span((start, end))


def as_typed(value, precision):
    """The text that parse() reads back as this date and precision ("" for none)."""
    if value is None:
        return ""
    if precision in (DatePrecision.UNKNOWN, DatePrecision.DAY):
        return value.isoformat()
    return str(display(value, precision))


def settle(value, precision, *, typed):
    """The precision to store a typed date with, and the error if there is none.

    `typed` is the precision the text itself gives; `precision` the one chosen
    beside it ("unknown" when left as it was). The chosen one wins where it moves
    nothing; a date is never blanked nor moved to fit a precision.
    """
    if precision in (None, "", DatePrecision.UNKNOWN) or precision == typed:
        return typed, None
    finer = COARSENESS.index(precision) < COARSENESS.index(typed)
    if finer or normalise(value, precision) != value:
        message = _(
            "%(date)s and the precision “%(precision)s” do not agree: type the date as "
            "precisely as it is known (2009, 2009-04, 2009-04-10, 2009년경) and leave the "
            "precision unknown, or choose the precision that fits."
        ) % {"date": as_typed(value, typed), "precision": DatePrecision(precision).label}
        return None, message
    return precision, None


def moved(value, precision):
    """Why storing this date with this precision would lose or move it, or None."""
    if value is None:
        return None
    if precision == DatePrecision.UNKNOWN:
        return _("Say how precise the date is.")
    if normalise(value, precision) != value:
        return _(
            "%(date)s is more precise than “%(precision)s”: choose the precision that fits, "
            "or type the date as it is known."
        ) % {"date": value.isoformat(), "precision": DatePrecision(precision).label}
    return None


def pairs(model):
    """The (date, precision) field names of a model: `start_precision` goes with
    `start_date`, `entered_on_precision` with `entered_on`."""
    names = {field.name: field for field in model._meta.concrete_fields}
    found = []
    for name in names:
        if not name.endswith("_precision"):
            continue
        stem = name.removesuffix("_precision")
        for candidate in (f"{stem}_date", stem):
            if isinstance(names.get(candidate), models.DateField):
                found.append((candidate, name))
                break
    return found
