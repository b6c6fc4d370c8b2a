"""Cached case API responses and case page data (core/caching.py): the next request
after a write never shows what the write withheld, and a cached answer costs one
query whatever the data."""

import csv
import datetime
import io
from contextlib import contextmanager

import pytest
import tablib
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from rest_framework.throttling import AnonRateThrottle

from cases import copying, roles, services
from cases.models import Violation, WorkflowStatus
from cases.resources import TestimonyResource
from cases.tests import factories
from cases.tests.personas import user_in
from core.caching import PUBLIC
from core.testing import cache_entries

pytestmark = pytest.mark.django_db

EVENTS = reverse("cases-api:event-list")
VIOLATIONS = reverse("cases-api:violation-list")


@pytest.fixture
def copy_queries(django_assert_num_queries):
    """Asserts `n` queries on the published copy and none on the private database."""

    @contextmanager
    def asserting(n):
        with (
            django_assert_num_queries(0, connection=connections["default"]),
            django_assert_num_queries(n, connection=connections["public"]),
        ):
            yield

    return asserting


def api_codes(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    if params.get("format") == "csv":
        return {
            row["code"] for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
        }
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

    factories.workflow_save(violation, status=WorkflowStatus.RETURNED)
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
def test_a_cached_list_takes_one_query_whatever_its_size(client, copy_queries, rows):
    with factories.one_refresh():
        for _ in range(rows):
            factories.published_case()
    for url in (EVENTS, VIOLATIONS, reverse("cases-api:place-list")):
        first = client.get(url)
        with copy_queries(1):  # the copy's generation
            again = client.get(url)
        assert again.content == first.content and again["ETag"] == first["ETag"]


def test_a_draft_edit_leaves_the_cached_list_and_a_publication_renews_it(client):
    event = factories.published_case()
    first = client.get(EVENTS).json()["results"][0]
    factories.EventFactory(title_en="A draft")  # no publication: the copy is as it was
    assert client.get(EVENTS).json()["count"] == 1
    with factories.one_refresh():
        factories.published_case(title_en="Published next")
    titles = {row["title_en"] for row in client.get(EVENTS).json()["results"]}
    assert titles == {first["title_en"], "Published next"}
    assert event.code == first["code"]


def test_the_browsable_api_is_never_cached(client):
    factories.published_case()
    for _ in range(2):
        assert client.get(EVENTS, HTTP_ACCEPT="text/html").status_code == 200
    assert cache_entries(PUBLIC) == 0


def test_cached_lists_are_still_throttled(client, monkeypatch):
    factories.published_case()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    assert [client.get(EVENTS).status_code for _ in range(3)] == [200, 200, 429]


# --- The HTML pages: their data is cached, their HTML is not ---------------------


def search_page(client, **params):
    response = client.get(reverse("cases:search"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_withdrawn_consent_is_gone_from_the_pages_at_once(client):
    event = factories.published_case()
    testimony = event.information.get().testimony
    pages = [
        reverse("cases:event", args=[event.code]),
        reverse("cases:testimony", args=[testimony.code]),
    ]
    for _ in range(2):  # the second time from the cache
        assert [client.get(page).status_code for page in pages] == [200, 200]
        assert event.code in search_page(client)
        assert testimony.code in search_page(client, kind="testimonies")

    services.testimony_withdraw_consent(
        testimony=testimony, withdrawn_on=datetime.date(2020, 3, 1), by=user_in(roles.CUSTODIAN)
    )
    assert [client.get(page).status_code for page in pages] == [404, 404]
    assert event.code not in search_page(client)
    assert testimony.code not in search_page(client, kind="testimonies")


def test_an_unpublished_violation_is_gone_from_its_event_page_at_once(client):
    event = factories.published_case()
    violation = event.violations.get()
    page = reverse("cases:event", args=[event.code])
    assert violation.code in client.get(page).content.decode()
    assert violation.code in search_page(client, kind="violations")

    factories.workflow_save(violation, status=WorkflowStatus.RETURNED)
    assert violation.code not in client.get(page).content.decode()
    assert violation.code not in search_page(client, kind="violations")


def test_each_language_has_its_own_entry(client):
    event = factories.published_case(title_en="Detention in Hoeryong", title_ko="회령 구금")
    page = reverse("cases:event", args=[event.code])
    with translation.override("ko"):
        korean = reverse("cases:event", args=[event.code])
    assert "Detention in Hoeryong" in client.get(page).content.decode()
    assert "회령 구금" in client.get(korean).content.decode()
    assert "Detention in Hoeryong" in client.get(page).content.decode()


def csrf_token(content):
    return content.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


@pytest.mark.parametrize("name", ["search", "event"])
def test_each_visitor_gets_a_csrf_token_of_their_own(name):
    event = factories.published_case()
    page = reverse(f"cases:{name}", args=[event.code] if name == "event" else [])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = csrf_token(first.get(page).content.decode())
    second_token = csrf_token(second.get(page).content.decode())  # from the cache
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value

    def change_language(client, token):
        data = {"language": "ko", "next": page, "csrfmiddlewaretoken": token}
        return client.post(reverse("set_language"), data).status_code

    assert change_language(second, first_token) == 403  # not valid with another's cookie
    assert change_language(second, second_token) == 302


@pytest.mark.parametrize("rows", [1, 5])
def test_a_case_page_takes_one_query_of_the_copy_and_none_of_the_record(
    client, django_assert_num_queries, rows
):
    event = factories.published_case()
    with factories.one_refresh():
        for _ in range(rows):
            factories.ViolationFactory(publishable=True, event=event)
    page = reverse("cases:event", args=[event.code])
    for _ in range(2):
        with (
            django_assert_num_queries(1, connection=connections["public"]),
            django_assert_num_queries(0, connection=connections["default"]),
        ):
            response = client.get(page)
        assert response.status_code == 200
        assert response.content.decode().count('class="violation"') == rows + 1


def test_the_counts_page_follows_publications_not_drafts(client, django_assert_num_queries):
    events = [factories.published_case() for _ in range(12)]
    torture = factories.ViolationTypeFactory(code="TORTURE-77")
    Violation.objects.update(violation_type=torture)  # a bulk write: the copy is told by hand
    copying.record_changes(Violation, Violation.objects.all())
    page = reverse("cases:counts") + "?rows=type"

    def torture_count():
        body = client.get(page).context["table"]["body"]
        return next(total for value, _label, _cells, total in body if value == "TORTURE-77").value

    assert torture_count() == 12
    factories.EventFactory(title_en="A draft")  # nothing the public sees
    with django_assert_num_queries(0, connection=connections["default"]):
        assert torture_count() == 12
    violation = events[0].violations.get()
    factories.workflow_save(violation, status=WorkflowStatus.RETURNED)
    assert torture_count() == 11


# --- The search page's facets and results: rendered once, cached with the data ----


def test_the_search_listing_is_cached_per_language(client):
    factories.published_case()
    english = reverse("cases:search")
    with translation.override("ko"):
        korean = reverse("cases:search")
    assert korean != english
    for _ in range(2):  # the second time from the cache
        assert "<h2>Violation type</h2>" in client.get(english).content.decode()
        page = client.get(korean).content.decode()
        assert "<h2>인권침해 유형</h2>" in page and "<h2>Violation type</h2>" not in page


def test_a_write_shows_in_the_search_listing_at_once(client):
    first = factories.published_case()
    for _ in range(2):  # the second time from the cache
        page = search_page(client)
        assert first.code in page and "1 result" in page

    second = factories.published_case()
    page = search_page(client)
    assert first.code in page and second.code in page and "2 results" in page


def test_the_cached_search_listing_is_the_same_for_every_visitor(client):
    factories.published_case()
    user = factories.UserFactory(username="visitor-ahn", roles=[roles.RESEARCHER])
    client.force_login(user)
    response = client.get(reverse("cases:search"))
    listing, page = response.context["listing"], response.content.decode()
    assert listing in page
    assert csrf_token(page) not in listing and user.username not in listing
    # The next visitor, anonymous, is served the same fragment from the cache.
    assert listing in Client().get(reverse("cases:search")).content.decode()


def test_other_parameters_are_dropped_before_the_cache(client, copy_queries):
    event = factories.published_case()
    page = reverse("cases:search")
    with copy_queries(0):  # nothing is searched
        response = client.get(page, {"q": event.title_en, "utm_source": "x", "_": "1", "page": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{page}?{urlencode({'q': event.title_en, 'page': '1'})}"
    assert client.get(page, {"utm_source": "x"})["Location"] == page
    assert client.get(page, {"q": event.title_en, "type": "V01"}).status_code == 200
