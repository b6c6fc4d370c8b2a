"""How precisely dates and places reach the public (docs/publication-policy.md).

The k-anonymity check (cases/reidentification.py) assumes the public knows a
person's year of leaving and province of settlement, no more: a crossing's dates
are published to the year and its places to the province, whatever was recorded.
The periods of events, acts and testimonies are published to the year as well:
nearly everyone they concern is living or has family in the North, and a day or
month joined to a place narrows the few who were there down to one. Their places
are published to the county, and to the province when the event involves a living
person (`Event.involves_living`, decided from published records alone): the level
the k-anonymity check counts.
"""

import datetime

from cases import dates
from cases.dates import DatePrecision
from cases.models import Place

FINER_THAN_YEAR = (DatePrecision.DAY, DatePrecision.MONTH)


def public_year(value, precision):
    """(date, precision) no finer than the year: a day or month becomes Jan 1 of
    its year at year precision; a year, "c. year" or unknown date is kept."""
    if value is not None and precision in FINER_THAN_YEAR:
        return datetime.date(value.year, 1, 1), DatePrecision.YEAR
    return value, precision


def public_year_display(value, precision):
    return dates.display(*public_year(value, precision))


def public_period(record):
    """A period (start, start precision, end, end precision) no finer than the year."""
    return (
        *public_year(record.start_date, record.start_precision),
        *public_year(record.end_date, record.end_precision),
    )


def public_period_display(record):
    return dates.display_span(*public_period(record))


def public_bounds(record):
    """The earliest and latest possible dates, widened to whole years."""
    earliest, latest = record.earliest_date, record.latest_date
    return (
        earliest and datetime.date(earliest.year, 1, 1),
        latest and datetime.date(latest.year, 12, 31),
    )


def year_start(value):
    return value and datetime.date(value.year, 1, 1)


def public_province(place):
    """A place no finer than its province: a county or locality is shown as the
    province above it (None if none is recorded); a province or country as itself."""
    while place is not None and place.level in (Place.Level.COUNTY, Place.Level.LOCALITY):
        place = place.parent
    return place


def public_place(place, *, living=True):
    """Where an event or act is shown: a locality as its county, and no finer than
    the province when a living person (or one not recorded dead) is involved; a
    caller that does not say is given the province."""
    if living:
        return public_province(place)
    if place is not None and place.level == Place.Level.LOCALITY:
        return place.parent
    return place


# A border crossing: dates to the year and places to the province, and none of
# either where a reviewer chose to withhold them (BorderCrossing.withhold_*).

WITHHELD_BY = {
    "departure_place": "withhold_departure",
    "crossing_place": "withhold_departure",
    "settlement_place": "withhold_settlement",
}


def public_crossing_date(crossing, field="crossing_date"):
    """A crossing's `crossing_date` or `arrival_date` as (date, precision): to the year."""
    if crossing.withhold_year:
        return None, dates.DatePrecision.UNKNOWN
    return public_year(getattr(crossing, field), getattr(crossing, f"{field}_precision"))


def public_crossing_date_display(crossing, field="crossing_date"):
    return dates.display(*public_crossing_date(crossing, field))


def public_leg_date_display(leg):
    if leg.crossing.withhold_year:
        return dates.display(None, dates.DatePrecision.UNKNOWN)
    return public_year_display(leg.entered_on, leg.entered_on_precision)


def public_crossing_place(crossing, field):
    """A crossing's departure, crossing or settlement place: its province, or None."""
    if getattr(crossing, WITHHELD_BY[field]):
        return None
    return public_province(getattr(crossing, field))
