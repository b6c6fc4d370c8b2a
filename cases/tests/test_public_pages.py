"""The public case pages: search with facets, case pages, counts."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from cases import copying
from cases.models import Event, Testimony
from cases.tests.factories import (
    PRIVATE_MARKER,
    BorderCrossingFactory,
    CrossingLegFactory,
    PlaceFactory,
    ViolationFactory,
    ViolationTypeFactory,
    one_refresh,
    plant_private_records,
    published_case,
)
from nkdb.caching import CASES
from nkdb.testing import rolled_back

pytestmark = pytest.mark.django_db

KINDS = ["events", "violations", "testimonies", "crossings"]


@pytest.fixture(scope="module")
def _planted_for_the_module(django_db_setup, django_db_blocker):
    # Read by every test that asks for it: made once per module, in a transaction
    # rolled back after it; each test runs in a savepoint inside it, and these
    # tests run last in the module (cases/tests/conftest.py).
    with django_db_blocker.unblock(), rolled_back():
        plant_private_records()
        event = published_case()
        testimony = event.information.get().testimony
        crossing = BorderCrossingFactory(
            publishable=True, person=testimony.interviewee, testimony=testimony, is_synthetic=True
        )
        CrossingLegFactory(crossing=crossing)
        yield event


@pytest.fixture
def planted(_planted_for_the_module, db):
    return _planted_for_the_module


def search_url(**params):
    from django.utils.http import urlencode

    return reverse("cases:search") + "?" + urlencode(params)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("query", ["", PRIVATE_MARKER, f"{PRIVATE_MARKER}drafttitle_ko"])
def test_no_private_marker_on_search_pages(client, planted, kind, query):
    response = client.get(search_url(kind=kind, q=query))
    assert response.status_code == 200
    content = response.content.decode()
    assert PRIVATE_MARKER not in content.replace(f'value="{query}"', "").replace(
        query and f"q={query}", ""
    )


def test_no_private_marker_on_case_pages_or_counts(client, planted):
    from cases.models import BorderCrossing

    urls = [reverse("cases:counts"), reverse("cases:counts") + "?rows=province&cols=year"]
    urls += [reverse("cases:event", args=[e.code]) for e in Event.objects.public()]
    urls += [reverse("cases:testimony", args=[t.code]) for t in Testimony.objects.public()]
    urls += [reverse("cases:crossing", args=[c.code]) for c in BorderCrossing.objects.public()]
    assert len(urls) == 5
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert PRIVATE_MARKER not in response.content.decode(), url


@pytest.mark.parametrize("name", ["event", "testimony", "crossing", "violation"])
def test_private_records_are_404(client, planted, name):
    from cases.models import BorderCrossing, Violation

    model = {"event": Event, "testimony": Testimony, "crossing": BorderCrossing}.get(
        name, Violation
    )
    private = model.objects.exclude(pk__in=model.objects.public())
    assert private.exists()
    for record in private:
        assert client.get(reverse(f"cases:{name}", args=[record.code])).status_code == 404


def test_event_page_shows_violations_victims_sources_and_links(client, planted):
    response = client.get(reverse("cases:event", args=[planted.code]))
    content = response.content.decode()
    violation = planted.violations.get()
    testimony = planted.information.get().testimony
    assert violation.victim.pseudonym in content and violation.victim.code in content
    assert violation.involvements.get().perpetrator_organization.name_en in content
    assert reverse("cases:testimony", args=[testimony.code]) in content
    assert "2003-05-17" in content


def test_synthetic_records_carry_the_badge(client, planted):
    Event.objects.update(is_synthetic=True)  # a bulk write: the copy is told by hand
    copying.record_changes(Event, Event.objects.all())
    for url in [
        reverse("cases:event", args=[planted.code]),
        search_url(kind="events"),
        search_url(kind="crossings"),
    ]:
        assert '<span class="synthetic-badge">' in client.get(url).content.decode()


def test_a_locality_is_shown_as_its_county(client):
    county = PlaceFactory(level="county", name_en="Musan County")
    village = PlaceFactory(level="locality", parent=county, name_en="Secret Village")
    event = published_case(place=village)
    content = client.get(reverse("cases:event", args=[event.code])).content.decode()
    assert "Musan County" in content and "Secret Village" not in content


@pytest.mark.parametrize(
    ("query", "found"), [("보위부", True), ("강제북송", False), ("구금", True)]
)
def test_korean_words_find_events(client, query, found):
    event = published_case(title_ko="회령 보위부 구금")
    content = client.get(search_url(q=query)).content.decode()
    assert (event.code in content) is found
    if found:
        assert f"<mark>{query}</mark>" in content


def test_type_facet_counts_include_sub_types(client):
    category = ViolationTypeFactory(code="V66", name_en="Torture")
    sub_type = ViolationTypeFactory.sub_type(category, 1, name_en="Beating")
    for _ in range(2):
        event = published_case()
        ViolationFactory(publishable=True, event=event, violation_type=sub_type)
    response = client.get(search_url(kind="events"))
    type_facet = next(f for f in response.context["facets"] if f["name"] == "type")
    counts = {option["value"]: option["count"] for option in type_facet["options"]}
    assert counts["V66"] == 2 and counts["V66.01"] == 2
    filtered = client.get(search_url(kind="violations", type="V66"))
    assert filtered.context["count"] == 2


def test_the_address_keeps_the_search_and_sorting(client):
    published_case(title_ko="보위부")
    response = client.get(search_url(kind="events", q="보위부", sort="oldest"))
    facet_urls = [o["url"] for f in response.context["facets"] for o in f["options"]]
    assert all("q=%EB%B3%B4" in url and "sort=oldest" in url for url in facet_urls)
    assert "format=csv" in response.context["csv_url"] and "q=" in response.context["csv_url"]


def test_pagination(client):
    with one_refresh():
        for _ in range(22):
            published_case()
    response = client.get(search_url(kind="events", page=2))
    assert response.context["count"] == 22 and len(response.context["results"]) == 2
    # The second page's results are numbered on from the first page's 20.
    assert '<ol class="result-list" start="21">' in response.content.decode()


# A word every record of the kind has (see published_case and the factories).
EVERY_RECORD = {
    "events": "보위부",
    "violations": "침해",
    "testimonies": "탈북",
    "crossings": "tumen",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("rows", [2, 20])
@pytest.mark.parametrize("words", [False, True])
def test_search_page_queries_are_constant(client, django_assert_num_queries, kind, rows, words):
    with one_refresh():
        for _ in range(rows):
            testimony = published_case().information.get().testimony
            BorderCrossingFactory(
                publishable=True, person=testimony.interviewee, testimony=testimony
            )
    # The cache token, the ids in the sample and the ids of every record (with or
    # without words), the page of records (nothing prefetched: a result shows the
    # record's own fields), then the facets: events and violations 12 (type: counts
    # by type and by category, type names; province and county: counts, places;
    # facility, organization, sex, age, knowledge, sources: one each); testimonies
    # 1 (knowledge); crossings 4 (outcome, transit, province: counts, places).
    expected = {"events": 16, "violations": 16, "testimonies": 5, "crossings": 8}[kind]
    params = {"kind": kind, "q": EVERY_RECORD[kind]} if words else {"kind": kind}
    with django_assert_num_queries(expected):
        response = client.get(search_url(**params))
    assert len(response.context["results"]) == rows
    with django_assert_num_queries(1):  # cached: the token only
        assert client.get(search_url(**params)).status_code == 200


def text_matches(queries):
    """The queries that match the words: a substring scan or a tsquery."""
    return [q["sql"] for q in queries if " LIKE " in q["sql"] or " @@ " in q["sql"]]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("chosen", [False, True])
@pytest.mark.parametrize("estimated", [False, True])
def test_records_selected_by_id_count_the_same_as_filters_evaluated_in_every_query(
    client, monkeypatch, kind, chosen, estimated
):
    from cases import search
    from cases.models import BorderCrossing

    plant_private_records()
    for title in ["보위부 구금", "보위부에서 조사", "강제북송", "보위부 고문", "탈북"]:
        event = published_case(title_ko=title)
        ViolationFactory(publishable=True, event=event, victim_age=50)
        testimony = event.information.get().testimony
        BorderCrossingFactory(publishable=True, person=testimony.interviewee, testimony=testimony)
    params = {"kind": kind, "q": EVERY_RECORD[kind]}
    if chosen:  # a chosen facet counts without its own choice, the others with it
        params["age"] = "50-"
        params["outcome"] = BorderCrossing.Outcome.REACHED_SOUTH_KOREA
    if estimated:  # the sample is every record: estimates are exact figures
        monkeypatch.setattr(search, "COUNT_CAP", 2)
        monkeypatch.setattr(search, "SAMPLE_EVERY", 1)

    def page():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            context = client.get(search_url(**params)).context
        assert context["estimated"] is estimated
        codes = [result["record"].code for result in context["results"]]
        facets = {
            f["name"]: [(o["value"], o["count"]) for o in f["options"]] for f in context["facets"]
        }
        return (context["count"], codes, facets), text_matches(queries)

    by_id, matched = page()
    caches[CASES].clear()  # the same address again, computed the other way
    count_or_estimate = search.count_or_estimate
    monkeypatch.setattr(search, "count_or_estimate", lambda qs: (*count_or_estimate(qs)[:2], None))
    by_filters, matched_by_filters = page()
    assert by_id == by_filters
    assert by_id[0] and any(by_id[2].values())  # something was counted
    # The sample and the count (estimated: the page), then only a chosen facet: its
    # sample (are the other choices too many to count?) and its count.
    assert len(matched) <= 2 + 2 * chosen and len(matched) < len(matched_by_filters)


def test_the_search_form_keeps_the_chosen_facets(client):
    published_case()
    content = client.get(search_url(kind="violations", age="30-49")).content.decode()
    assert '<input type="hidden" name="age" value="30-49">' in content


def test_above_the_cap_counts_are_estimated_from_the_sample_and_say_so(client, monkeypatch):
    from cases import search

    monkeypatch.setattr(search, "COUNT_CAP", 5)
    monkeypatch.setattr(search, "SAMPLE_EVERY", 1)  # the sample is every record: exact figures
    for _ in range(7):
        published_case(title_ko="보위부 구금")
    response = client.get(search_url(kind="events", q="보위부"))
    assert response.context["estimated"] and response.context["count"] == 7
    assert response.context["unranked"]  # too many to rank: newest first
    content = response.content.decode()
    assert "About 7 results" in content and "estimated from a fixed 100% sample" in content
    type_facet = next(f for f in response.context["facets"] if f["name"] == "type")
    assert [o["count"] for o in type_facet["options"]] == [1] * 7  # a new type per case
    assert "≈1<" in content

    monkeypatch.setattr(search, "COUNT_CAP", 50)
    caches[CASES].clear()  # a new cap comes with a restart, which empties the cache
    response = client.get(search_url(kind="events", q="보위부"))
    assert not response.context["estimated"] and response.context["count"] == 7


def test_a_chosen_facet_is_estimated_when_the_other_choices_match_too_many(client, monkeypatch):
    from cases import search

    monkeypatch.setattr(search, "COUNT_CAP", 5)
    monkeypatch.setattr(search, "SAMPLE_EVERY", 1)  # the sample is every record: exact figures
    events = [published_case(title_ko="보위부 구금") for _ in range(7)]
    chosen = events[0].violations.get().violation_type.code
    response = client.get(search_url(kind="events", q="보위부", type=chosen))
    assert not response.context["estimated"] and response.context["count"] == 1
    facets = {f["name"]: f for f in response.context["facets"]}
    assert facets["type"]["estimated"]  # the words alone match 7, more than the cap
    assert [o["count"] for o in facets["type"]["options"]] == [1] * 7
    assert not any(f["estimated"] for name, f in facets.items() if name != "type")
    content = response.content.decode()
    assert "match the other filters, so these counts (marked ≈) are estimated" in content


def test_the_sample_is_the_records_whose_id_is_a_multiple(monkeypatch):
    from cases import search

    for _ in range(6):
        published_case()
    monkeypatch.setattr(search, "SAMPLE_EVERY", 2)
    sampled = set(search.sample(Event.objects.all()).values_list("pk", flat=True))
    assert sampled == {pk for pk in Event.objects.values_list("pk", flat=True) if pk % 2 == 0}
    assert search.estimate(3) == 6 and search.estimate(1234) == 2500


def test_the_sample_index_matches_the_sampling_rate():
    import importlib

    from cases import search

    indexes = importlib.import_module("cases.migrations.0009_public_flag_indexes")
    assert f"MOD(id, {search.SAMPLE_EVERY}) = 0" in indexes.SAMPLE


def test_above_the_rank_cap_the_newest_come_first_and_the_page_says_so(client, monkeypatch):
    from cases import search

    monkeypatch.setattr(search, "RANK_CAP", 2)
    for _ in range(3):
        published_case(title_ko="보위부 구금")
    response = client.get(search_url(kind="events", q="보위부"))
    assert response.context["unranked"] and not response.context["estimated"]
    assert "too many to rank by relevance" in response.content.decode()
    codes = [r["record"].code for r in response.context["results"]]
    newest_first = Event.objects.public().order_by("-earliest_date", "code")
    assert codes == list(newest_first.values_list("code", flat=True))
    monkeypatch.setattr(search, "RANK_CAP", 10)
    caches[CASES].clear()  # a new cap comes with a restart, which empties the cache
    assert not client.get(search_url(kind="events", q="보위부")).context["unranked"]
