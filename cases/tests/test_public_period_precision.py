"""The periods of events, acts and testimonies reach the public to the year,
whatever day or month was recorded (issue 18, docs/publication-policy.md "Dates
of events, acts and testimonies"); the admin keeps what was recorded."""

import datetime

import pytest
from django.urls import reverse

from cases import roles
from cases.disclosure import public_bounds, public_period_display
from cases.models import Event
from cases.tests.factories import (
    EventFactory,
    InformationFactory,
    ViolationFactory,
    one_refresh,
    publishable_testimony,
)

pytestmark = pytest.mark.django_db

D = datetime.date
# Every trace of the recorded days and months, in ISO, English and Korean forms.
HIDDEN = [
    "2010-03", "03-14", "2010-06", "06-02", "2010-04", "04-20", "2009-05", "2011-08", "08-15",
    "2015-06", "06-10", "March", "June 2", "April", "August", "2010년 3월", "2010년 6월",
    "2010년 4월", "2009년 5월", "2011년 8월", "3월 14일", "4월 20일",
]  # fmt: skip


@pytest.fixture
def case():
    with one_refresh():
        testimony = publishable_testimony(
            title_en="Account of the camp",
            start_date=D(2009, 5, 1),
            start_precision="month",
            end_date=D(2011, 8, 15),
            end_precision="day",
            interview_date=D(2015, 6, 10),
        )
        event = EventFactory(
            publishable=True,
            title_en="Detention at the holding centre",
            title_ko="집결소 구금",
            start_date=D(2010, 3, 14),
            start_precision="day",
            end_date=D(2010, 6, 2),
            end_precision="day",
        )
        InformationFactory(testimony=testimony, event=event)
        violation = ViolationFactory(
            publishable=True,
            event=event,
            victim=testimony.interviewee,
            start_date=D(2010, 4, 20),
            start_precision="day",
        )
    return testimony, event, violation


def public_urls(testimony, event, violation):
    urls = {}
    for kind, record in [("event", event), ("violation", violation), ("testimony", testimony)]:
        detail = reverse(f"cases-api:{kind}-detail", args=[record.code])
        listing = reverse(f"cases-api:{kind}-list")
        urls |= {
            f"{kind} api list": listing,
            f"{kind} api detail": detail,
            f"{kind} api csv": listing + "?format=csv",
        }
    for language in ("", "/ko"):
        urls |= {
            f"event page{language}": f"{language}/cases/events/{event.code}/",
            f"testimony page{language}": f"{language}/cases/testimonies/{testimony.code}/",
            f"event search{language}": f"{language}/cases/",
            f"violation search{language}": f"{language}/cases/?kind=violations",
            f"testimony search{language}": f"{language}/cases/?kind=testimonies",
        }
    return urls


def test_no_day_or_month_reaches_the_public(client, case):
    for name, url in public_urls(*case).items():
        response = client.get(url)
        assert response.status_code == 200, name
        body = response.content.decode("utf-8-sig")
        assert "2010" in body or "2009 – 2011" in body, name  # noqa: RUF001 (an en dash)
        for hidden in HIDDEN:
            assert hidden not in body, (name, hidden)


def test_the_years_are_published(client, case):
    testimony, event, violation = case
    data = client.get(reverse("cases-api:event-detail", args=[event.code])).json()
    assert (data["start_date"], data["start_precision"]) == ("2010-01-01", "year")
    assert (data["end_date"], data["end_precision"]) == ("2010-01-01", "year")
    assert (data["earliest_date"], data["latest_date"]) == ("2010-01-01", "2010-12-31")
    assert data["period_display"] == "2010"
    assert [v["period_display"] for v in data["violations"]] == ["2010"]
    act = client.get(reverse("cases-api:violation-detail", args=[violation.code])).json()
    assert (act["start_date"], act["start_precision"], act["period_display"]) == (
        "2010-01-01",
        "year",
        "2010",
    )
    account = client.get(reverse("cases-api:testimony-detail", args=[testimony.code])).json()
    assert account["period_display"] == "2009 – 2011"  # noqa: RUF001 (an en dash)
    assert (account["earliest_date"], account["latest_date"]) == ("2009-01-01", "2011-12-31")
    assert account["interview_year"] == 2015


def test_the_year_filter_still_finds_them(client, case):
    events = reverse("cases-api:event-list")
    assert client.get(events, {"year_from": 2010, "year_to": 2010}).json()["count"] == 1
    assert client.get(events, {"year_from": 2011}).json()["count"] == 0
    testimonies = reverse("cases-api:testimony-list")
    assert client.get(testimonies, {"year_from": 2011, "year_to": 2011}).json()["count"] == 1


def test_the_admin_still_shows_what_was_recorded(as_role, case):
    _testimony, event, violation = case
    client = as_role(roles.RESEARCHER)
    body = client.get(reverse("admin:cases_event_change", args=[event.pk])).content.decode()
    assert "March 14, 2010" in body and "June 2, 2010" in body
    body = client.get(reverse("admin:cases_violation_change", args=[violation.pk])).content
    assert "April 20, 2010" in body.decode()


@pytest.mark.parametrize(
    ("recorded", "shown", "bounds"),
    [
        ((D(2010, 3, 14), "day", None, "unknown"), "2010", (D(2010, 1, 1), D(2010, 12, 31))),
        (
            (D(2010, 3, 1), "month", D(2012, 2, 3), "day"),
            "2010 – 2012",  # noqa: RUF001 (an en dash)
            (D(2010, 1, 1), D(2012, 12, 31)),
        ),
        (
            (D(2010, 1, 1), "approximate", None, "unknown"),
            "c. 2010",
            (D(2009, 1, 1), D(2011, 12, 31)),
        ),
        ((None, "unknown", None, "unknown"), "date unknown", (None, None)),
    ],
)  # fmt: skip
def test_public_period(recorded, shown, bounds):
    start, start_precision, end, end_precision = recorded
    event = Event(
        start_date=start, start_precision=start_precision, end_date=end, end_precision=end_precision
    )
    event.set_period_bounds()
    assert str(public_period_display(event)) == shown
    assert public_bounds(event) == bounds
