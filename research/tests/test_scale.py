"""Counting at scale (exact up to the cap, estimated above it) and the organization facet."""

import pytest

from cases import roles
from cases import search as search_counts
from cases.models import Confidentiality
from cases.tests import factories
from cases.tests.personas import user_in
from research import matching, services

pytestmark = pytest.mark.django_db

SEARCH = "/admin/research/savedsearch/search/"


@pytest.fixture
def every_document_sampled(monkeypatch):
    """A cap of 3, and every document in the sample (ids multiples of 1)."""
    monkeypatch.setattr(search_counts, "COUNT_CAP", 3)
    monkeypatch.setattr(search_counts, "SAMPLE_EVERY", 1)


def test_under_the_cap_the_count_is_exact():
    factories.EventFactory.create_batch(3, title_ko="요덕 사건")
    results = services.search(user=user_in(roles.RESEARCHER), query="요덕")
    assert (results.total, results.how, results.exact) == (3, "exact", True)


def test_over_the_cap_the_total_and_facets_are_estimated_from_the_sample(
    every_document_sampled, as_role
):
    place = factories.PlaceFactory()
    factories.EventFactory.create_batch(4, title_ko="요덕 사건", place=place)
    factories.EventFactory(title_ko="요덕 비밀", confidentiality=Confidentiality.CONFIDENTIAL)
    client = as_role(roles.RESEARCHER)
    response = client.get(SEARCH, {"q": "요덕"})
    results = response.context["results"]
    # The confidential event is in the sample but not counted: the sample is scoped.
    assert (results.total, results.how) == (4, "estimated")
    assert [(value, n) for value, _label, n in results.facets["place"]] == [(place.pk, 4)]
    assert len(results.hits) == 3  # the pages go as far as the cap
    page = response.content.decode()
    assert "About 4 records found (estimated)" in page
    assert f"{place.name_en}</a> (≈4)" in page
    assert 'id="facets-estimated"' in page


def test_an_estimate_is_scaled_from_the_sample(monkeypatch):
    monkeypatch.setattr(search_counts, "COUNT_CAP", 2)
    monkeypatch.setattr(search_counts, "SAMPLE_EVERY", 2)
    events = factories.EventFactory.create_batch(6, title_ko="요덕 사건")
    researcher = user_in(roles.RESEARCHER)
    ids = matching.matched_ids(researcher, "요덕")
    in_sample = [pk for pk in ids if pk % 2 == 0]
    results = services.search(user=researcher, query="요덕")
    assert (results.total, results.how) == (len(in_sample) * 2, "estimated")
    assert results.facets["kind"] == [("event", "event", len(in_sample) * 2)]
    # The page is read in order, newest first, whatever the sample, up to the cap.
    newest = sorted(events, key=lambda e: (e.updated_at, e.pk), reverse=True)
    assert [hit.document.record_id for hit in results.hits] == [e.pk for e in newest[:2]]


def test_over_the_cap_when_the_sample_says_fewer_the_count_is_capped(monkeypatch):
    monkeypatch.setattr(search_counts, "COUNT_CAP", 3)
    monkeypatch.setattr(search_counts, "SAMPLE_EVERY", 10**9)  # an empty sample
    factories.EventFactory.create_batch(5, title_ko="요덕 사건")
    results = services.search(user=user_in(roles.RESEARCHER), query="요덕")
    assert (results.total, results.how, len(results.hits)) == (3, "capped", 3)
    assert results.facets["kind"] == []


def test_an_estimated_search_checks_the_sample_and_the_page_only(
    every_document_sampled, django_assert_num_queries
):
    factories.EventFactory.create_batch(5, title_ko="요덕 사건")
    researcher = user_in(roles.RESEARCHER)
    services.search(user=researcher, query="요덕")  # the permissions, cached
    # The text and the transcripts matched in the sample (with their rows); the
    # sample's events (the scope, one query per kind); the newest matches of the
    # text and of the transcripts, up to the page's end (no transcript: none to
    # check for readability); the page's rows and their events; the page's
    # documents. No place, facility or organization to name.
    with django_assert_num_queries(8) as captured:
        results = services.search(user=researcher, query="요덕")
    assert results.how == "estimated"
    # Every match is read in the sample, or newest first as far as the page needs.
    where = [q["sql"].split("WHERE", 1)[-1] for q in captured]
    matches = [sql for sql in where if "search_text" in sql or "search_vector" in sql]
    assert len(matches) == 4
    assert all("MOD(" in sql or " LIMIT " in sql for sql in matches), matches


def test_an_estimated_page_is_the_newest_matches_the_user_may_open(monkeypatch):
    """Read newest first as far as the page needs, past the newer matches the
    researcher may not open or read: more of them than the first read takes."""
    monkeypatch.setattr(search_counts, "COUNT_CAP", 2)
    monkeypatch.setattr(search_counts, "SAMPLE_EVERY", 1)
    _older, old, newest = factories.EventFactory.create_batch(3, title_ko="요덕 사건")
    restricted = Confidentiality.RESTRICTED
    # Newer still: transcripts the researcher may not read, and a confidential event.
    factories.TestimonyFactory.create_batch(5, confidentiality=restricted, transcript="요덕에서")
    factories.EventFactory(title_ko="요덕 비밀", confidentiality=Confidentiality.CONFIDENTIAL)
    factories.TestimonyFactory.create_batch(3, confidentiality=restricted, transcript="요덕에서")
    researcher = services.search(user=user_in(roles.RESEARCHER), query="요덕")
    assert (researcher.total, researcher.how) == (3, "estimated")
    assert [hit.document.record_id for hit in researcher.hits] == [newest.pk, old.pk]
    custodian = services.search(user=user_in(roles.CUSTODIAN), query="요덕")
    assert (custodian.total, custodian.how) == (12, "estimated")
    assert all(hit.in_transcript for hit in custodian.hits)


def test_a_custodians_estimated_search_logs_its_restricted_matches(every_document_sampled):
    factories.EventFactory.create_batch(4, title_ko="요덕 사건")
    factories.EventFactory(title_ko="요덕 비밀", confidentiality=Confidentiality.CONFIDENTIAL)
    custodian = user_in(roles.CUSTODIAN)
    results = services.search(user=custodian, query="요덕")
    entry = services.SearchLog.objects.get()
    assert (results.total, entry.matched, entry.restricted) == (5, 5, 1)


# --- The organization facet ------------------------------------------------------------


def test_the_organization_facet_counts_the_violations_the_user_may_open(as_role):
    ministry, police = factories.OrganizationFactory(), factories.OrganizationFactory()
    shown = factories.ViolationFactory(description_ko="요덕 구타")
    factories.InvolvementFactory(violation=shown, perpetrator_organization=ministry)
    factories.InvolvementFactory(violation=shown, perpetrator_organization=police)
    hidden = factories.ViolationFactory(
        description_ko="요덕 구금",
        victim=factories.PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL),
    )
    factories.InvolvementFactory(violation=hidden, perpetrator_organization=police)
    researcher = user_in(roles.RESEARCHER)
    found = services.search(user=researcher, query="요덕")
    assert found.total == 1
    assert sorted(found.facets["organization"]) == sorted(
        [(ministry.pk, ministry.name_en, 1), (police.pk, police.name_en, 1)]
    )
    custodian = services.search(user=user_in(roles.CUSTODIAN), query="요덕")
    assert {v: n for v, _l, n in custodian.facets["organization"]} == {
        ministry.pk: 1,
        police.pk: 2,
    }
    client = as_role(roles.RESEARCHER)
    narrowed = client.get(SEARCH, {"q": "요덕", "organization": police.pk})
    assert [h.document.record_id for h in narrowed.context["results"].hits] == [shown.pk]
    assert "Perpetrator organization" in narrowed.content.decode()


# --- The bigram index on SQLite ----------------------------------------------------------


def test_the_bigram_expression_narrows_by_the_korean_words_only():
    assert matching.bigram_expression("요덕수용소 labour") == '(("요덕 덕수 수용 용소"))'
    assert matching.bigram_expression("요 labour") is None  # nothing the index can narrow
    assert matching.bigram_expression("고문 요덕") == '(("고문")) AND (("요덕"))'


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "sqlite",
    reason="the FTS5 index is SQLite's (PostgreSQL has its GIN)",
)
def test_on_sqlite_a_korean_word_is_found_from_the_fts_index_and_kept_in_step():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = factories.EventFactory(title_ko="요덕수용소에서")
    factories.TestimonyFactory(transcript="집결소로 이송")
    researcher = user_in(roles.RESEARCHER)
    with CaptureQueriesContext(connection) as captured:
        assert services.search(user=researcher, query="수용").total == 1
        assert services.search(user=researcher, query="집결").total == 1
    sql = " ".join(query["sql"] for query in captured)
    assert "research_staffdocument_fts MATCH" in sql
    assert "research_stafftranscript_fts MATCH" in sql
    # The substring still decides: bigrams in sequence across two words are not a match.
    factories.EventFactory(title_ko="요덕 덕수")
    assert services.search(user=researcher, query="요덕수").total == 1
    event.title_ko = "다른 곳"
    event.save()
    assert services.search(user=researcher, query="수용").total == 0
    event.delete()
    assert services.search(user=researcher, query="다른").total == 0
