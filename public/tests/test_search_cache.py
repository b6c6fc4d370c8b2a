"""The search page's data is cached under the copy's generation, and the page reads
nothing but the copy: a fixed, small number of queries, none of the private
database."""

import pickle

import pytest
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone, translation

from cases.tests.factories import EventFactory
from core.throttling import SearchRateThrottle
from public import caching
from public.models import Generation
from public.tests.factories import entry, option, type_keys

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _unthrottled(monkeypatch):
    monkeypatch.setattr(SearchRateThrottle, "THROTTLE_RATES", {"search": "100000/minute"})


def codes(client, query="", url="/cases/"):
    response = client.get(url + query)
    assert response.status_code == 200
    return {result["record"].code for result in response.context["results"]}


def advance(position):
    return Generation.advance(position=position, at=timezone.now())


def test_a_draft_edit_leaves_the_cached_page_and_a_new_generation_renews_it(client):
    advance(1)
    entry("event", code="EV-OLD", title_en="Camp")
    assert codes(client, "?q=camp") == {"EV-OLD"}
    # Rows appear in the copy, and the private database changes, but no new
    # generation was written: the page stays as it was.
    entry("event", code="EV-NEW", title_en="Camp again")
    with transaction.atomic():
        draft = EventFactory(title_en="Camp, a draft")
        draft.title_en = "Camp, a draft edited"
        draft.save()
    assert codes(client, "?q=camp") == {"EV-OLD"}
    advance(2)
    assert codes(client, "?q=camp") == {"EV-OLD", "EV-NEW"}


def test_each_query_and_language_is_its_own_entry(client):
    advance(1)
    entry("event", code="EV-1", title_en="Camp", title_ko="수용소")
    entry("testimony", code="TE-1", title_en="Testimony")
    assert codes(client) == {"EV-1"}
    assert codes(client, "?kind=testimonies") == {"TE-1"}
    english = client.get("/cases/").context["results"][0]["title"]
    korean = client.get("/ko/cases/").context["results"][0]["title"]
    assert (english, korean) == ("Camp", "수용소")


def test_the_cache_keeps_data_not_the_page(client):
    """The page carries the visitor's CSRF token: only its data is kept."""
    advance(1)
    entry("event", code="EV-1")
    page = client.get("/cases/").content.decode()
    assert "csrfmiddlewaretoken" in page  # the language form, say
    with translation.override("en"):
        stored = caches["public"].get(caching.key(Generation.current(), ["search", "[]"]))
    data = pickle.loads(stored)  # noqa: S301
    assert data["listing"] in page
    assert "csrfmiddlewaretoken" not in data["listing"]
    assert not any("csrf" in name for name in data)


@pytest.fixture
def faceted():
    advance(1)
    option("type", "2", "Torture", "고문")
    option("sex", "female", "female", "여성", 1)
    option("province", "NH", "North Hamgyong", "함경북도")
    for i in range(30):
        entry(
            "violation",
            year=2000 + i % 10,
            title_en=f"Beaten in custody {i}",
            text_ko="요덕수용소에서",
            keys={
                "type": type_keys(["2.1", "1.3"][i % 2]),
                "sex": ["female", "male"][i % 3 % 2],
                "province": ["NH", "RG"][i % 4 // 2],
                "knowledge": "witnessed",
                "sources": ["1", "2"][: i % 3],
            },
        )


def test_an_uncached_page_with_words_and_a_chosen_facet_is_nine_queries_of_the_copy(
    client, faceted, django_assert_max_num_queries
):
    # The generation, the chosen choice checked against the copy's options, the
    # place names the words may be, the count, the page, the facets without a
    # choice (one query), the chosen facet (one), the labels (one), the tabs' counts.
    with (
        django_assert_max_num_queries(0, using="default"),
        django_assert_max_num_queries(9, using="public"),
    ):
        response = client.get("/cases/?kind=violations&q=수용&sex=female&year_from=2002")
    assert response.status_code == 200
    assert response.context["count"] > 0


def test_a_cached_page_reads_the_generation_only(client, faceted, django_assert_max_num_queries):
    address = "/cases/?kind=violations&q=beaten&sex=female&type=2&page=2"
    first = client.get(address)
    with (
        django_assert_max_num_queries(0, using="default"),
        django_assert_max_num_queries(1, using="public"),
    ):
        again = client.get(address)
    assert again.context["listing"] == first.context["listing"]
