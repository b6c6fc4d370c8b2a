"""How precisely a border crossing reaches the public (docs/publication-policy.md).

The k-anonymity check (cases/reidentification.py) assumes the public knows a
person's year of leaving and province of settlement, no more: a crossing's dates
are published to the year and its places to the province, whatever was recorded.
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


def public_province(place):
    """A place no finer than its province: a county or locality is shown as the
    province above it (None if none is recorded); a province or country as itself."""
    while place is not None and place.level in (Place.Level.COUNTY, Place.Level.LOCALITY):
        place = place.parent
    return place
