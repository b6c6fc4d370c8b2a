"""Cached case API responses and case page data (nkdb/caching.py): the next request
after a write never shows what the write withheld, and a cached answer costs one
query whatever the data."""

import csv
import datetime
import io

import pytest
import tablib
from django.core.cache import caches
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from cases import roles, services
from cases.models import WorkflowStatus
from cases.resources import TestimonyResource
from cases.tests import factories
from cases.tests.personas import user_in
from nkdb.caching import CASES

pytestmark = pytest.mark.django_db

EVENTS = reverse("cases-api:event-list")
VIOLATIONS = reverse("cases-api:violation-list")


def api_codes(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    if params.get("format") == "csv":
        return {row["code"] for row in csv.DictReader(io.StringIO(response.content.decode()))}
    return {row["code"] for row in response.json()["results"]}


def same_everywhere(found):
    assert len(set(found)) == 1, found
    return found[0]


def event_shown(client, event):
    """Whether the event is in the list, JSON and CSV, and at its own address."""
    return same_everywhere(
        [
            event.code in api_codes(client, EVENTS),
            event.code in api_codes(client, EVENTS, format="csv"),
            client.get(reverse("cases-api:event-detail", args=[event.code])).status_code == 200,
        ]
    )


def violation_shown(client, violation):
    """Whether the violation is in the list, JSON and CSV, in its event's list of
    violations and at its own address."""
    nested = {v["code"] for e in client.get(EVENTS).json()["results"] for v in e["violations"]}
    return same_everywhere(
        [
            violation.code in api_codes(client, VIOLATIONS),
            violation.code in api_codes(client, VIOLATIONS, format="csv"),
            violation.code in nested,
            client.get(reverse("cases-api:violation-detail", args=[violation.code])).status_code
            == 200,
        ]
    )


def test_withdrawn_consent_is_served_at_once(client):
    event = factories.published_case()
    violation = event.violations.get()
    for _ in range(2):  # the second time from the cache
        assert event_shown(client, event) and violation_shown(client, violation)

    services.testimony_withdraw_consent(
        testimony=event.information.get().testimony,
        withdrawn_on=datetime.date(2020, 3, 1),
        by=user_in(roles.CUSTODIAN),
    )
    assert not event_shown(client, event) and not violation_shown(client, violation)


def test_an_unpublished_violation_is_gone_at_once(client):
    event = factories.published_case()
    violation = event.violations.get()
    assert violation_shown(client, violation)

    violation.status = WorkflowStatus.RETURNED
    violation.save()
    assert not violation_shown(client, violation)
    assert event_shown(client, event)


def test_an_import_that_withholds_a_victim_is_served_at_once(client):
    event = factories.published_case()
    violation = event.violations.get()
    assert violation_shown(client, violation)

    # A second interview of the victim, without consent to publish: the victim's
    # violation is withheld.
    headers = ["code", "interviewee", "title_en", "consent_scope", "status"]
    row = ["", violation.victim.code, "Second interview", "none", "draft"]
    result = TestimonyResource().import_data(tablib.Dataset(row, headers=headers))
    assert not result.has_errors() and not result.has_validation_errors()
    assert not violation_shown(client, violation)


@pytest.mark.parametrize("rows", [1, 5])
def test_a_cached_list_takes_one_query_whatever_its_size(client, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.published_case()
    for url in (EVENTS, VIOLATIONS, reverse("cases-api:place-list")):
        first = client.get(url)
        with django_assert_num_queries(1):  # the token
            again = client.get(url)
        assert again.content == first.content and again["ETag"] == first["ETag"]


def test_the_browsable_api_is_never_cached(client):
    factories.published_case()
    for _ in range(2):
        assert client.get(EVENTS, HTTP_ACCEPT="text/html").status_code == 200
    assert not caches[CASES]._cache  # LocMemCache's own store


def test_cached_lists_are_still_throttled(client, monkeypatch):
    factories.published_case()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    assert [client.get(EVENTS).status_code for _ in range(3)] == [200, 200, 429]
