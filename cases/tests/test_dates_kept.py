"""Every date typed in the admin is kept (issue 21, item 1).

Each date of each record, on its own page and in the inlines that show it, at each
precision and in each form people type it (2009-04-10, 2009년 4월, 2009년경, about
2009...), is stored as typed with the precision it gives; saving the page again
unchanged moves nothing.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import dates, roles
from cases.dates import DatePrecision
from cases.models import BorderCrossing, CrossingLeg, Event, Testimony, Violation
from cases.tests import factories
from cases.tests.forms import form_data

D = datetime.date
pytestmark = pytest.mark.django_db

NO_START = {"start_date": None, "start_precision": DatePrecision.UNKNOWN}
NO_DATES = {
    "crossing_date": None,
    "crossing_date_precision": DatePrecision.UNKNOWN,
}


def event():
    return factories.EventFactory(**NO_START)


def violation():
    return factories.ViolationFactory(event=event(), **NO_START)


def a_testimony():
    return factories.TestimonyFactory()


def crossing():
    return factories.BorderCrossingFactory(**NO_DATES)


def leg():
    return factories.CrossingLegFactory(
        crossing=crossing(), entered_on=None, entered_on_precision=DatePrecision.UNKNOWN
    )


def crossing_of_testimony():
    told = a_testimony()
    return factories.BorderCrossingFactory(testimony=told, person=told.interviewee, **NO_DATES)


# (the record, the page it is typed on, its date field, its precision field)
FIELDS = {
    "event start": (event, None, "start_date", "start_precision"),
    "event end": (event, None, "end_date", "end_precision"),
    "violation start": (violation, None, "start_date", "start_precision"),
    "violation end": (violation, None, "end_date", "end_precision"),
    "testimony start": (a_testimony, None, "start_date", "start_precision"),
    "testimony end": (a_testimony, None, "end_date", "end_precision"),
    "crossing date": (crossing, None, "crossing_date", "crossing_date_precision"),
    "crossing arrival": (crossing, None, "arrival_date", "arrival_date_precision"),
    "leg entered on": (leg, None, "entered_on", "entered_on_precision"),
    # Inlines: the row is typed on its parent's page.
    "leg on its crossing": (leg, "crossing", "entered_on", "entered_on_precision"),
    "violation on its event": (violation, "event", "start_date", "start_precision"),
    "crossing on its testimony": (
        crossing_of_testimony,
        "testimony",
        "arrival_date",
        "arrival_date_precision",
    ),
}


def typed_forms(value, precision):
    """The ways a person types this date at this precision."""
    y, m, d = value.year, value.month, value.day
    return {
        DatePrecision.DAY: [value.isoformat(), f"{y}년 {m}월 {d}일", f"{y}.{m}.{d}"],
        DatePrecision.MONTH: [f"{y}-{m:02}", f"{y}년 {m}월", f"{y}/{m}"],
        DatePrecision.YEAR: [str(y), f"{y}년"],
        DatePrecision.APPROXIMATE: [f"{y}년경", f"about {y}", f"c. {y}", f"약 {y}년"],
    }[precision]


def page(record, parent):
    shown = getattr(record, parent) if parent else record
    url = reverse(f"admin:cases_{shown._meta.model_name}_change", args=[shown.pk])
    return url, type(shown)


def key(data, name, parent):
    """The posted name of the date field: `name`, or an inline's `<prefix>-0-name`."""
    if not parent:
        return name
    (found,) = [k for k in data if k.endswith(f"-0-{name}") and "__prefix__" not in k]
    return found


def post(client, record, parent, changes):
    url, model = page(record, parent)
    data = form_data(client.get(url), model)
    for name, value in changes.items():
        data[key(data, name, parent)] = [value]
    return client.post(url, data)


def stored(record):
    fresh = type(record)._base_manager.get(pk=record.pk)
    return {name: getattr(fresh, name) for pair in dates.pairs(type(record)) for name in pair}


KNOWN = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR, DatePrecision.APPROXIMATE]
ADMIN_POSTS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("field", FIELDS)
@ADMIN_POSTS
@given(
    value=st.dates(min_value=D(1945, 1, 1), max_value=D(2024, 12, 31)),
    precision=st.sampled_from(KNOWN),
    which=st.integers(min_value=0, max_value=3),
    chosen=st.booleans(),
)
def test_every_date_is_kept_as_typed_and_a_second_save_moves_nothing(
    as_role, field, value, precision, which, chosen
):
    make, parent, date_name, precision_name = FIELDS[field]
    record = make()
    value = dates.normalise(value, precision)
    forms_ = typed_forms(value, precision)
    text = forms_[which % len(forms_)]
    client = as_role(roles.RESEARCHER)
    # The precision left at its default ("unknown") or chosen to match what is typed.
    selected = precision if chosen else DatePrecision.UNKNOWN
    response = post(client, record, parent, {date_name: text, precision_name: selected})
    assert response.status_code == 302, text
    after = stored(record)
    assert (after[date_name], after[precision_name]) == (value, precision), text

    response = post(client, record, parent, {})
    assert response.status_code == 302
    assert stored(record) == after


# --- The reported defects and each form of entry, one by one ---------------------------


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("2009", (D(2009, 1, 1), "year")),
        ("2009-04", (D(2009, 4, 1), "month")),
        ("2009-04-10", (D(2009, 4, 10), "day")),
        ("2009년", (D(2009, 1, 1), "year")),
        ("2009년 4월", (D(2009, 4, 1), "month")),
        ("2009년 4월 10일", (D(2009, 4, 10), "day")),
        ("2009년경", (D(2009, 1, 1), "approximate")),
        ("about 2009", (D(2009, 1, 1), "approximate")),
        ("c. 2009", (D(2009, 1, 1), "approximate")),
    ],
)
def test_each_form_of_entry_is_kept_on_a_leg_in_its_crossings_page(as_role, text, told):
    record = leg()
    response = post(
        as_role(roles.RESEARCHER),
        record,
        "crossing",
        {"entered_on": text, "entered_on_precision": "unknown"},
    )
    assert response.status_code == 302
    after = stored(record)
    assert (after["entered_on"], after["entered_on_precision"]) == told


def test_defect_a_legs_day_with_precision_unknown_is_not_blanked(as_role):
    record = leg()
    client = as_role(roles.RESEARCHER)
    response = post(client, record, "crossing", {"entered_on": "2009-04-10"})
    assert response.status_code == 302
    leg_ = CrossingLeg.objects.get(pk=record.pk)
    assert (leg_.entered_on, leg_.entered_on_precision) == (D(2009, 4, 10), "day")


def test_defect_an_arrival_with_precision_unknown_is_not_blanked(as_role):
    record = crossing()
    response = post(as_role(roles.RESEARCHER), record, None, {"arrival_date": "2011-06-20"})
    assert response.status_code == 302
    stored_ = BorderCrossing.objects.get(pk=record.pk)
    assert (stored_.arrival_date, stored_.arrival_date_precision) == (D(2011, 6, 20), "day")


def test_defect_approximate_does_not_move_a_day_to_january(as_role):
    record = event()
    response = post(
        as_role(roles.RESEARCHER),
        record,
        None,
        {"start_date": "2009-04-01", "start_precision": "approximate"},
    )
    # Refused with the reason, and the stored date is untouched: never 2009-01-01.
    assert response.status_code == 200
    assert "do not agree" in response.content.decode()
    stored_ = Event.objects.get(pk=record.pk)
    assert stored_.start_date != D(2009, 1, 1)
    assert (stored_.start_date, stored_.start_precision) == (None, "unknown")


@pytest.mark.parametrize("text", ["2008-11", "2010"])
def test_defect_a_month_or_a_year_is_accepted(as_role, text):
    record = violation()
    response = post(as_role(roles.RESEARCHER), record, None, {"start_date": text})
    assert response.status_code == 302
    assert Violation.objects.get(pk=record.pk).start_date is not None


def test_a_korean_researcher_is_told_in_korean_what_to_type(as_role):
    record = factories.TestimonyFactory()
    client = as_role(roles.RESEARCHER)
    with translation.override("ko"):  # the admin's address under /ko/
        response = post(client, record, None, {"start_date": "봄"})
    assert response.status_code == 200
    assert "날짜를 아는 만큼 입력하십시오" in response.content.decode()
    assert Testimony.objects.get(pk=record.pk).start_date == record.start_date


@pytest.mark.parametrize("model", [Event, Violation, Testimony, BorderCrossing, CrossingLeg])
def test_a_date_with_no_precision_is_refused_not_blanked(model):
    """Every write path that cleans the record (the admin, the imports) refuses what
    save() would blank: a date stored with the precision "unknown"."""
    for date_name, precision_name in dates.pairs(model):
        record = model(**{date_name: D(2009, 4, 10), precision_name: DatePrecision.UNKNOWN})
        with pytest.raises(ValidationError) as refused:
            record.clean()
        assert precision_name in refused.value.message_dict
        assert record.__dict__[date_name] == D(2009, 4, 10)


def test_a_new_leg_typed_in_the_blank_row_keeps_its_month(as_role):
    record = crossing()
    country = factories.PlaceFactory(country=True)
    url = reverse("admin:cases_bordercrossing_change", args=[record.pk])
    client = as_role(roles.RESEARCHER)
    data = form_data(client.get(url), BorderCrossing)
    prefix = key(data, "entered_on", "crossing").removesuffix("-0-entered_on")
    row = {"order": "1", "country": str(country.pk), "entered_on": "2008-11"}
    data.update({f"{prefix}-0-{name}": [value] for name, value in row.items()})
    assert client.post(url, data).status_code == 302
    (leg_,) = CrossingLeg.objects.filter(crossing=record)
    assert (leg_.entered_on, leg_.entered_on_precision) == (D(2008, 11, 1), "month")
