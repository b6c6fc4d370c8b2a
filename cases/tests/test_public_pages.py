"""The public case pages: search with facets, case pages, counts."""

import pytest
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
    workflow_save,
)
from core.testing import rolled_back

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
    assert "2003" in content and "2003-05" not in content  # the year only (disclosure.py)


def test_an_event_without_an_independent_source_says_so_in_words(client, planted):
    Event.objects.update(corroboration=0)  # a bulk write: the copy is told by hand
    copying.record_changes(Event, Event.objects.all())
    content = client.get(reverse("cases:event", args=[planted.code])).content.decode()
    assert "<dt>Independent sources</dt><dd>none yet</dd>" in content


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
    # Nobody living involved, else the province would be shown (test_public_place_precision).
    workflow_save(event.violations.get().victim, is_alive=False)
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


def test_the_search_form_keeps_the_chosen_facets(client):
    published_case()
    content = client.get(search_url(kind="violations", age="30-49")).content.decode()
    assert '<input type="hidden" name="age" value="30-49">' in content


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
