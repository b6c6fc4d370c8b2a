"""Dates typed as people know them, in the admin: never blanked, never moved (issue 21).

A leg's "2009-04-10" saved with its precision left "unknown" was blanked, with
"changed successfully"; "approximate" moved 2009-04-01 to 2009-01-01; "2008-11"
and "2010" were refused with a bare "Enter a valid date."
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from cases import dates, roles
from cases.dates import DatePrecision
from cases.models import BorderCrossing, CrossingLeg, Event
from cases.tests import factories
from cases.tests.forms import form_data

D = datetime.date


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("2009-04-10", (D(2009, 4, 10), "day")),
        ("2009.4.10", (D(2009, 4, 10), "day")),
        ("2009년 4월 10일", (D(2009, 4, 10), "day")),
        ("2008-11", (D(2008, 11, 1), "month")),
        ("2009년 4월", (D(2009, 4, 1), "month")),
        ("2010", (D(2010, 1, 1), "year")),
        ("2010년", (D(2010, 1, 1), "year")),
        ("2009년경", (D(2009, 1, 1), "approximate")),
        ("약 2009년", (D(2009, 1, 1), "approximate")),
        ("about 2009", (D(2009, 1, 1), "approximate")),
        ("c. 2009", (D(2009, 1, 1), "approximate")),
        ("", None),
    ],
)
def test_a_date_is_read_as_typed(text, told):
    assert dates.parse(text) == told


@pytest.mark.parametrize("text", ["2009-13", "2009-02-30", "spring", "09-04-10", "2009-04-10-1"])
def test_a_date_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        dates.parse(text)


KNOWN = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR, DatePrecision.APPROXIMATE]


@given(
    value=st.dates(min_value=D(1000, 1, 1), max_value=D(9999, 12, 31)),
    precision=st.sampled_from(KNOWN),
    language=st.sampled_from(["en", "ko"]),
)
def test_every_date_reads_back_as_it_is_shown(value, precision, language):
    value = dates.normalise(value, precision)
    with translation.override(language):
        assert dates.parse(dates.as_typed(value, precision)) == (value, precision)


# --- In the admin -------------------------------------------------------------------


def save_form(client, record, **changes):
    url = reverse(f"admin:cases_{record._meta.model_name}_change", args=[record.pk])
    data = form_data(client.get(url), type(record))
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


@pytest.mark.django_db
def test_a_legs_day_is_kept_when_its_precision_is_left_unknown(as_role):
    leg = factories.CrossingLegFactory(entered_on=None, entered_on_precision="unknown")
    client = as_role(roles.RESEARCHER)
    response = save_form(client, leg, entered_on="2009-04-10", entered_on_precision="unknown")
    assert response.status_code == 302
    leg = CrossingLeg.objects.get(pk=leg.pk)
    assert (leg.entered_on, leg.entered_on_precision) == (D(2009, 4, 10), "day")


@pytest.mark.django_db
def test_a_crossings_arrival_is_kept_when_its_precision_is_left_unknown(as_role):
    crossing = factories.BorderCrossingFactory()
    client = as_role(roles.RESEARCHER)
    response = save_form(
        client, crossing, arrival_date="2011-06-20", arrival_date_precision="unknown"
    )
    assert response.status_code == 302
    crossing = BorderCrossing.objects.get(pk=crossing.pk)
    assert (crossing.arrival_date, crossing.arrival_date_precision) == (D(2011, 6, 20), "day")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2008-11", (D(2008, 11, 1), "month")),
        ("2010", (D(2010, 1, 1), "year")),
        ("2009년경", (D(2009, 1, 1), "approximate")),
        ("2009년 4월 10일", (D(2009, 4, 10), "day")),
    ],
)
def test_a_partial_or_korean_date_is_accepted_with_its_precision(as_role, typed, stored):
    event = factories.EventFactory()
    response = save_form(
        as_role(roles.RESEARCHER), event, start_date=typed, start_precision="unknown"
    )
    assert response.status_code == 302
    event = Event.objects.get(pk=event.pk)
    assert (event.start_date, event.start_precision) == stored


@pytest.mark.django_db
def test_a_precision_that_would_move_the_date_is_refused_with_the_reason(as_role):
    event = factories.EventFactory(start_date=D(2005, 6, 1), start_precision="month")
    response = save_form(
        as_role(roles.RESEARCHER), event, start_date="2009-04-01", start_precision="approximate"
    )
    assert response.status_code == 200
    assert "do not agree" in response.content.decode()
    event = Event.objects.get(pk=event.pk)
    assert (event.start_date, event.start_precision) == (D(2005, 6, 1), "month")


@pytest.mark.django_db
def test_a_coarser_precision_that_moves_nothing_is_kept(as_role):
    """The calendar widget gives a full date: 2009-04-01 as a month is what was meant."""
    event = factories.EventFactory()
    response = save_form(
        as_role(roles.RESEARCHER), event, start_date="2009-04-01", start_precision="month"
    )
    assert response.status_code == 302
    event = Event.objects.get(pk=event.pk)
    assert (event.start_date, event.start_precision) == (D(2009, 4, 1), "month")


@pytest.mark.django_db
def test_a_date_that_is_not_one_says_what_to_type(as_role):
    event = factories.EventFactory()
    response = save_form(as_role(roles.RESEARCHER), event, start_date="spring 2009")
    assert response.status_code == 200
    assert "2009-04-10" in response.content.decode()  # the examples of what to type


@pytest.mark.django_db
def test_the_form_shows_a_date_as_precisely_as_it_is_known(as_role):
    event = factories.EventFactory(start_date=D(2009, 4, 1), start_precision="month")
    url = reverse("admin:cases_event_change", args=[event.pk])
    data = form_data(as_role(roles.RESEARCHER).get(url), Event)
    assert data["start_date"] == ["2009-04"]


# --- A range typed into one field ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("2009-2011", ((D(2009, 1, 1), "year"), (D(2011, 1, 1), "year"))),
        ("2009 \u2013 2011", ((D(2009, 1, 1), "year"), (D(2011, 1, 1), "year"))),
        ("2009 to 2011", ((D(2009, 1, 1), "year"), (D(2011, 1, 1), "year"))),
        ("2009년 4월~6월", ((D(2009, 4, 1), "month"), (D(2009, 6, 1), "month"))),
        ("2009년 4월부터 6월까지", ((D(2009, 4, 1), "month"), (D(2009, 6, 1), "month"))),
        ("2008-11 ~ 2009-02-14", ((D(2008, 11, 1), "month"), (D(2009, 2, 14), "day"))),
        ("2009-04", None),
        ("2009-04-10", None),
        ("2009", None),
    ],
)
def test_a_range_is_read_as_its_two_ends(text, span):
    assert dates.parse_range(text) == span


@pytest.mark.parametrize("text", ["2011-2009", "2009~spring", "2009년 6월~4월"])
def test_a_range_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        dates.parse_range(text)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("2009\u20132011", (D(2009, 1, 1), "year"), (D(2011, 1, 1), "year")),
        ("2009년 4월~6월", (D(2009, 4, 1), "month"), (D(2009, 6, 1), "month")),
    ],
)
def test_a_range_typed_into_the_start_fills_the_start_and_the_end(as_role, typed, start, end):
    event = factories.EventFactory(start_date=None, end_date=None)
    response = save_form(
        as_role(roles.RESEARCHER), event, start_date=typed, start_precision="unknown",
        end_date="", end_precision="unknown",
    )  # fmt: skip
    assert response.status_code == 302
    event = Event.objects.get(pk=event.pk)
    assert ((event.start_date, event.start_precision), (event.end_date, event.end_precision)) == (
        start,
        end,
    )


@pytest.mark.django_db
def test_a_range_where_it_has_no_room_is_refused_with_where_to_type_it(as_role):
    event = factories.EventFactory(start_date=D(2005, 1, 1), start_precision="year")
    client = as_role(roles.RESEARCHER)
    response = save_form(client, event, start_date="2009-2011", end_date="2012")
    assert response.status_code == 200
    assert "Type the start of the range here and its end in" in response.content.decode()
    crossing = factories.BorderCrossingFactory()
    response = save_form(client, crossing, arrival_date="2009-2011")
    assert response.status_code == 200
    assert "This field takes one date, not a range" in response.content.decode()
    assert Event.objects.get(pk=event.pk).start_date == D(2005, 1, 1)
