"""Uncertain dates.

A testimony often says "in the spring of 1998" or "around 2005". We store the
date as told (its first possible day) with a precision, and derive the earliest
and latest day it can mean, so that records sort and filter by overlap without
pretending to know more than the witness said.
"""

import datetime

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
