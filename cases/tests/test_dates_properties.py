"""Uncertain dates, property-based (hypothesis): bounds contain the date as told,
earliest <= latest, normalising is idempotent, display keeps the precision."""

import datetime
import itertools
import re

from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from cases import dates
from cases.dates import DatePrecision
from cases.models import Event

BOUNDED = settings(max_examples=200, deadline=None, database=None)

KNOWN = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR, DatePrecision.APPROXIMATE]
any_date = st.dates(min_value=datetime.date.min, max_value=datetime.date.max)
precision = st.sampled_from(list(DatePrecision))
known_precision = st.sampled_from(KNOWN)


@BOUNDED
@given(value=any_date, p=known_precision)
def test_bounds_contain_the_date_as_told_and_its_normal_form(value, p):
    earliest, latest = dates.bounds(value, p)
    assert earliest <= latest
    assert earliest <= value <= latest
    assert earliest <= dates.normalise(value, p) <= latest


@BOUNDED
@given(value=any_date, p=known_precision)
def test_normalising_is_idempotent_and_keeps_the_bounds(value, p):
    normal = dates.normalise(value, p)
    assert dates.normalise(normal, p) == normal
    assert dates.bounds(normal, p) == dates.bounds(value, p)


@BOUNDED
@given(value=st.one_of(st.none(), any_date))
def test_unknown_precision_means_no_date(value):
    assert dates.normalise(value, DatePrecision.UNKNOWN) is None
    assert dates.bounds(value, DatePrecision.UNKNOWN) == (None, None)


@BOUNDED
@given(value=any_date, p=known_precision)
def test_wider_precision_has_wider_bounds(value, p):
    """day within month within year within approximate."""
    order = KNOWN
    for narrower, wider in itertools.pairwise(order):
        (a, b), (c, d) = dates.bounds(value, narrower), dates.bounds(value, wider)
        assert c <= a and b <= d


def parse_display(text):
    """Read a displayed date back: (first possible day, precision)."""
    if match := re.fullmatch(r"c\. (\d+)", text):
        return datetime.date(int(match[1]), 1, 1), DatePrecision.APPROXIMATE
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return datetime.date(*map(int, match.groups())), DatePrecision.DAY
    if match := re.fullmatch(r"(\d+)-(\d{2})", text):
        return datetime.date(int(match[1]), int(match[2]), 1), DatePrecision.MONTH
    if re.fullmatch(r"\d+", text):
        return datetime.date(int(text), 1, 1), DatePrecision.YEAR
    raise AssertionError(f"cannot read {text!r}")


@BOUNDED
@given(value=st.dates(min_value=datetime.date(1000, 1, 1)), p=known_precision)
def test_display_round_trips_the_normal_form_and_precision(value, p):
    with translation.override("en"):
        shown = str(dates.display(value, p))
    assert parse_display(shown) == (dates.normalise(value, p), p)


@BOUNDED
@given(start=any_date, sp=precision, end=st.one_of(st.none(), any_date), ep=precision)
def test_a_valid_period_has_ordered_bounds(start, sp, end, ep):
    """Whatever is entered, a period that passes validation has earliest <= latest
    and both bounds contain the normalised dates; one that fails says why."""
    event = Event(start_date=start, start_precision=sp, end_date=end, end_precision=ep)
    try:
        super(Event, event).clean()  # UncertainPeriod.clean, without the database
    except ValidationError as error:
        assert set(error.message_dict) <= {
            "start_precision",
            "end_precision",
            "start_date",
            "end_date",
        }
        for value, p in ((start, sp), (end, ep)):
            if dates.moved(value, p):  # refused rather than blanked or moved
                return
        assert set(error.message_dict) <= {"end_date"}  # otherwise: the end before the start
        return
    assert dates.moved(start, sp) is None
    assert dates.moved(end, ep) is None
    if event.earliest_date and event.latest_date:
        assert event.earliest_date <= event.latest_date
    for value, p in ((event.start_date, sp), (event.end_date, ep)):
        first, last = dates.bounds(value, p)
        if first is not None:
            # What each date can mean overlaps the period's bounds.
            assert event.earliest_date <= last and first <= event.latest_date
