"""Uncertain dates: bounds, normalisation, display, derived bounds and overlap filtering."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases import dates, models
from cases.dates import DatePrecision
from cases.tests.factories import EventFactory, TestimonyFactory, ViolationFactory

D = datetime.date


class TestBounds:
    def test_day_means_that_day(self):
        assert dates.bounds(D(2003, 5, 17), DatePrecision.DAY) == (D(2003, 5, 17), D(2003, 5, 17))

    @pytest.mark.parametrize(
        ("value", "expected_last"),
        [
            (D(2003, 1, 20), D(2003, 1, 31)),
            (D(2003, 4, 2), D(2003, 4, 30)),
            (D(2003, 2, 14), D(2003, 2, 28)),
            (D(2004, 2, 14), D(2004, 2, 29)),  # leap year
            (D(2000, 2, 1), D(2000, 2, 29)),  # divisible by 400: leap
            (D(1900, 2, 1), D(1900, 2, 28)),  # divisible by 100: not leap
            (D(2003, 12, 31), D(2003, 12, 31)),  # December does not spill into the next year
        ],
    )
    def test_month_runs_from_first_to_last_day(self, value, expected_last):
        first, last = dates.bounds(value, DatePrecision.MONTH)
        assert first == value.replace(day=1)
        assert last == expected_last

    def test_year_runs_from_first_of_january_to_thirty_first_of_december(self):
        assert dates.bounds(D(2003, 7, 9), DatePrecision.YEAR) == (D(2003, 1, 1), D(2003, 12, 31))

    def test_approximate_widens_by_one_year_either_side(self):
        assert dates.bounds(D(2005, 6, 1), DatePrecision.APPROXIMATE) == (
            D(2004, 1, 1),
            D(2006, 12, 31),
        )

    @pytest.mark.parametrize("precision", DatePrecision.values)
    def test_no_date_has_no_bounds(self, precision):
        assert dates.bounds(None, precision) == (None, None)

    def test_unknown_precision_has_no_bounds_even_with_a_date(self):
        assert dates.bounds(D(2003, 5, 17), DatePrecision.UNKNOWN) == (None, None)

    @pytest.mark.parametrize(
        "precision", [p for p in DatePrecision.values if p != DatePrecision.UNKNOWN]
    )
    def test_bounds_contain_the_date_told(self, precision):
        value = D(2012, 2, 29)
        first, last = dates.bounds(value, precision)
        assert first <= value <= last


class TestNormalise:
    @pytest.mark.parametrize(
        ("precision", "expected"),
        [
            (DatePrecision.DAY, D(2003, 5, 17)),
            (DatePrecision.MONTH, D(2003, 5, 1)),
            (DatePrecision.YEAR, D(2003, 1, 1)),
            (DatePrecision.APPROXIMATE, D(2003, 1, 1)),
            (DatePrecision.UNKNOWN, None),
        ],
    )
    def test_stores_the_first_possible_day(self, precision, expected):
        assert dates.normalise(D(2003, 5, 17), precision) == expected

    def test_equal_statements_compare_equal(self):
        assert dates.normalise(D(2003, 5, 2), DatePrecision.MONTH) == dates.normalise(
            D(2003, 5, 30), DatePrecision.MONTH
        )

    def test_none_stays_none(self):
        assert dates.normalise(None, DatePrecision.DAY) is None


class TestDisplay:
    @pytest.mark.parametrize(
        ("precision", "expected"),
        [
            (DatePrecision.DAY, "2003-05-07"),
            (DatePrecision.MONTH, "2003-05"),
            (DatePrecision.YEAR, "2003"),
            (DatePrecision.APPROXIMATE, "c. 2003"),
            (DatePrecision.UNKNOWN, "date unknown"),
        ],
    )
    def test_shows_only_what_is_known(self, precision, expected):
        assert str(dates.display(D(2003, 5, 7), precision)) == expected

    def test_missing_date_is_unknown(self):
        assert str(dates.display(None, DatePrecision.DAY)) == "date unknown"

    def test_span_of_two_dates(self):
        text = dates.display_span(
            D(1998, 3, 1), DatePrecision.MONTH, D(2001, 1, 1), DatePrecision.YEAR
        )
        assert text == "1998-03 – 2001"  # noqa: RUF001

    def test_span_without_an_end_is_just_the_start(self):
        assert dates.display_span(D(1998, 3, 1), DatePrecision.YEAR, None, "unknown") == "1998"


@pytest.mark.django_db
class TestUncertainPeriod:
    def test_save_derives_bounds_from_start_and_end(self):
        event = EventFactory(
            start_date=D(1998, 3, 15),
            start_precision=DatePrecision.MONTH,
            end_date=D(2001, 7, 1),
            end_precision=DatePrecision.YEAR,
        )
        event.refresh_from_db()
        assert event.start_date == D(1998, 3, 1)
        assert event.end_date == D(2001, 1, 1)
        assert (event.earliest_date, event.latest_date) == (D(1998, 3, 1), D(2001, 12, 31))

    def test_start_only_bounds_come_from_the_start(self):
        event = EventFactory(start_date=D(2005, 6, 6), start_precision=DatePrecision.APPROXIMATE)
        assert (event.earliest_date, event.latest_date) == (D(2004, 1, 1), D(2006, 12, 31))

    def test_unknown_dates_leave_bounds_empty(self):
        event = EventFactory(start_date=None, start_precision=DatePrecision.UNKNOWN)
        assert event.earliest_date is None
        assert event.latest_date is None

    def test_bounds_follow_a_change_of_date(self):
        event = EventFactory(start_date=D(2003, 5, 17), start_precision=DatePrecision.DAY)
        event.start_precision = DatePrecision.YEAR
        event.save()
        event.refresh_from_db()
        assert (event.earliest_date, event.latest_date) == (D(2003, 1, 1), D(2003, 12, 31))

    def test_period_display(self):
        event = EventFactory(start_date=D(2005, 6, 6), start_precision=DatePrecision.APPROXIMATE)
        assert str(event.period_display) == "c. 2005"

    def test_clean_rejects_an_end_before_the_start(self):
        event = EventFactory.build(
            start_date=D(2003, 5, 17),
            start_precision=DatePrecision.DAY,
            end_date=D(2002, 1, 1),
            end_precision=DatePrecision.YEAR,
        )
        with pytest.raises(ValidationError) as excinfo:
            event.clean()
        assert "end_date" in excinfo.value.message_dict
        assert excinfo.value.error_dict["end_date"][0].code == "end_before_start"

    def test_clean_accepts_an_end_that_may_overlap_the_start(self):
        """'2003' may end after '17 May 2003': the witness's words do not contradict."""
        event = EventFactory.build(
            start_date=D(2003, 5, 17),
            start_precision=DatePrecision.DAY,
            end_date=D(2003, 1, 1),
            end_precision=DatePrecision.YEAR,
        )
        event.clean()

    @pytest.mark.parametrize("field", ["start", "end"])
    def test_clean_rejects_a_date_with_unknown_precision(self, field):
        values = {"start_date": D(2003, 1, 1), "start_precision": DatePrecision.YEAR}
        values[f"{field}_date"] = D(2004, 1, 1)
        values[f"{field}_precision"] = DatePrecision.UNKNOWN
        event = EventFactory.build(**values)
        with pytest.raises(ValidationError) as excinfo:
            event.clean()
        assert excinfo.value.error_dict[f"{field}_precision"][0].code == "precision_missing"

    def test_testimony_and_violation_carry_periods_too(self):
        testimony = TestimonyFactory(start_date=D(1997, 2, 3), start_precision=DatePrecision.YEAR)
        violation = ViolationFactory(start_date=D(1997, 2, 3), start_precision=DatePrecision.MONTH)
        assert testimony.latest_date == D(1997, 12, 31)
        assert violation.latest_date == D(1997, 2, 28)


@pytest.mark.django_db
class TestInPeriod:
    def test_year_precision_overlaps_a_month_within_it(self):
        event = EventFactory(start_date=D(2003, 1, 1), start_precision=DatePrecision.YEAR)
        assert event in models.Event.objects.in_period(D(2003, 3, 1), D(2003, 3, 31))

    def test_approximate_overlaps_the_year_either_side_but_not_further(self):
        event = EventFactory(start_date=D(2005, 1, 1), start_precision=DatePrecision.APPROXIMATE)
        assert event in models.Event.objects.in_period(D(2004, 1, 1), D(2004, 12, 31))
        assert event in models.Event.objects.in_period(D(2006, 1, 1), D(2006, 12, 31))
        assert event not in models.Event.objects.in_period(D(2008, 1, 1), D(2008, 12, 31))
        assert event not in models.Event.objects.in_period(D(2002, 1, 1), D(2002, 12, 31))

    def test_day_precision_is_exact(self):
        event = EventFactory(start_date=D(2003, 5, 17), start_precision=DatePrecision.DAY)
        assert event in models.Event.objects.in_period(D(2003, 5, 17), D(2003, 5, 17))
        assert event not in models.Event.objects.in_period(D(2003, 5, 18), D(2003, 6, 30))
        assert event not in models.Event.objects.in_period(D(2003, 1, 1), D(2003, 5, 16))

    def test_a_span_overlaps_a_query_inside_it(self):
        event = EventFactory(
            start_date=D(1998, 1, 1),
            start_precision=DatePrecision.YEAR,
            end_date=D(2002, 1, 1),
            end_precision=DatePrecision.YEAR,
        )
        assert event in models.Event.objects.in_period(D(2000, 6, 1), D(2000, 6, 30))

    def test_open_ended_queries(self):
        event = EventFactory(start_date=D(2003, 1, 1), start_precision=DatePrecision.YEAR)
        assert event in models.Event.objects.in_period(start=D(2003, 12, 1))
        assert event not in models.Event.objects.in_period(start=D(2004, 1, 1))
        assert event in models.Event.objects.in_period(end=D(2003, 1, 1))
        assert event not in models.Event.objects.in_period(end=D(2002, 12, 31))

    def test_undated_records_are_left_out(self):
        EventFactory(start_date=None, start_precision=DatePrecision.UNKNOWN)
        assert not models.Event.objects.in_period(D(1900, 1, 1), D(2100, 12, 31)).exists()
        assert not models.Event.objects.in_period(start=D(1900, 1, 1)).exists()
        assert not models.Event.objects.in_period(end=D(2100, 12, 31)).exists()

    def test_testimony_and_violation_querysets_filter_by_period(self):
        testimony = TestimonyFactory(start_date=D(2003, 1, 1), start_precision=DatePrecision.YEAR)
        violation = ViolationFactory(start_date=D(2003, 3, 1), start_precision=DatePrecision.MONTH)
        assert list(models.Testimony.objects.in_period(D(2003, 3, 1), D(2003, 3, 31))) == [
            testimony
        ]
        assert list(models.Violation.objects.in_period(D(2003, 3, 1), D(2003, 3, 31))) == [
            violation
        ]
        assert not models.Violation.objects.in_period(D(2003, 4, 1), D(2003, 4, 30)).exists()
