"""Search text, Korean bigram tokens, highlighting and capped counts."""

import pytest
from django.core.management import call_command
from django.db import connection

from cases import models as case_models
from cases import search
from cases.models import Event
from cases.tests.factories import (
    BorderCrossingFactory,
    EventFactory,
    TestimonyFactory,
    ViolationFactory,
    ViolationTypeFactory,
)
from core import words

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bigram index exists on PostgreSQL only"
)


def test_hangul_runs_become_overlapping_bigrams_and_words_stay_whole():
    expected = ["요덕", "덕수", "수용", "용소", "yodok", "camp"]
    assert words.tokens("요덕수용소 Yodok camp") == expected


def test_a_korean_query_becomes_a_phrase_of_bigrams():
    assert words.tsquery("보위부 detention") == "(보위 <-> 위부) & detention:*"


def test_a_one_syllable_query_has_no_tsquery_and_is_flagged_short():
    assert words.tsquery("북") is None
    assert words.is_short("북")
    assert not words.is_short("탈북")


def test_query_operators_never_reach_tsquery():
    assert words.tsquery("a & !b | c:* <-> (d)") == "a:* & b:* & c:* & d:*"


def test_the_document_lists_only_public_fields():
    for fields in search.DOCUMENT_FIELDS.values():
        assert not {"transcript", "notes", "interviewer", "consent_method"} & set(fields)
        assert not any(field.startswith(("identity", "interviewee", "person")) for field in fields)


@pytest.mark.django_db
def test_the_transcript_never_reaches_the_search_columns():
    testimony = TestimonyFactory(title_en="Title", transcript="SECRETWORD 비밀녹취")
    testimony.refresh_from_db()
    assert "secretword" not in testimony.search_text
    assert "비밀" not in testimony.search_tokens
    assert "title" in testimony.search_text


@pytest.mark.django_db
def test_search_columns_follow_a_save_with_update_fields():
    event = EventFactory(title_en="Before")
    event.title_en = "After"
    event.save(update_fields=["title_en"])
    event.refresh_from_db()
    assert "after" in event.search_text and "before" not in event.search_text


@pytest.mark.django_db
def test_rebuild_recomputes_every_row():
    event = EventFactory(title_ko="강제북송")
    Event.objects.filter(pk=event.pk).update(search_text="", search_tokens="")
    call_command("rebuild_search", stdout=open("/dev/null", "w"))  # noqa: SIM115
    event.refresh_from_db()
    assert "강제북송" in event.search_text
    assert "강제 제북 북송" in event.search_tokens


@pytest.mark.django_db
class TestKoreanSearch:
    @pytest.fixture
    def events(self):
        return {
            "bowibu": EventFactory(title_ko="회령 보위부에서 조사"),
            "repatriation": EventFactory(title_ko="중국에서 강제북송된 후"),
            "torture": EventFactory(description_ko="예심 중 고문을 당했다"),
            "english": EventFactory(title_en="Detention by the Ministry of State Security"),
        }

    def found(self, query):
        return set(words.search(Event.objects.all(), query).values_list("title_en", "title_ko"))

    def codes(self, query):
        return set(words.search(Event.objects.all(), query).values_list("code", flat=True))

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("보위부", {"bowibu"}),
            ("강제북송", {"repatriation"}),
            ("북송", {"repatriation"}),
            ("고문", {"torture"}),
            ("회령 보위부", {"bowibu"}),
            ("detention", {"english"}),
            ("DETENT", {"english"}),
            ("보위부 detention", set()),
        ],
    )
    def test_finds_korean_and_english_words_and_parts_of_words(self, events, query, expected):
        assert self.codes(query) == {events[name].code for name in expected}

    def test_a_one_syllable_query_falls_back_to_a_substring_match(self, events):
        assert events["repatriation"].code in self.codes("송")

    def test_results_are_ranked(self, events):
        EventFactory(title_en="Other", description_ko="보위부 " * 5)
        ranked = words.search(Event.objects.all(), "보위부").order_by("-search_rank")
        assert all(hasattr(event, "search_rank") for event in ranked)

    def test_an_empty_query_changes_nothing(self, events):
        assert words.search(Event.objects.all(), "  ").count() == 4

    def test_violations_are_found_by_their_type_name(self):
        violation_type = ViolationTypeFactory(name_ko="강제북송 및 처벌")
        violation = ViolationFactory(violation_type=violation_type)
        queryset = words.search(type(violation).objects.all(), "강제북송")
        assert list(queryset) == [violation]


@postgresql_only
@pytest.mark.django_db
def test_postgresql_matches_the_stored_vector_not_a_substring_scan():
    EventFactory(title_ko="요덕수용소")
    sql = str(words.search(Event.objects.all(), "요덕").query)
    assert '"cases_event"."search_vector" @@' in sql and "to_tsvector" not in sql
    assert words.search(Event.objects.all(), "덕수용").count() == 1


# The staff search's own index (research/): every record, for staff only.
STAFF_INDEX = ("staffdocument", "stafftranscript")


@postgresql_only
@pytest.mark.django_db
def test_postgresql_has_the_gin_indexes_over_the_stored_vectors_of_public_records():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%search_gin'"
        )
        indexes = dict(cursor.fetchall())
    public = {f"cases_{m}_search_gin" for m in search.DOCUMENT_FIELDS}
    assert set(indexes) == public | {f"research_{table}_search_gin" for table in STAFF_INDEX}
    assert all("gin (search_vector) WHERE is_public" in indexes[name] for name in public), indexes


@postgresql_only
@pytest.mark.django_db
def test_only_the_searchable_tables_store_a_vector_and_no_history_does():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'search_vector'"
        )
        tables = {row[0] for row in cursor.fetchall()}
    assert tables == {f"cases_{m}" for m in search.DOCUMENT_FIELDS} | {
        f"research_{table}" for table in STAFF_INDEX
    }


def stored_vector(record):
    """The stored vector, and whether it is the one its tokens give now."""
    table = record._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT search_vector::text, search_vector = to_tsvector('simple', search_tokens) "  # noqa: S608 (a model's table)
            f"FROM {table} WHERE id = %s",
            [record.pk],
        )
        return cursor.fetchone()


TEXT_FIELDS = {
    EventFactory: "title_ko",
    ViolationFactory: "description_ko",
    TestimonyFactory: "public_summary_ko",
    BorderCrossingFactory: "description_ko",
}


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize("factory", list(TEXT_FIELDS))
def test_the_stored_vector_follows_saves_and_rebuilds(factory):
    field = TEXT_FIELDS[factory]
    record = factory(**{field: "강제북송"})
    setattr(record, field, "요덕수용소")
    record.save()
    vector, current = stored_vector(record)
    assert current and "'요덕'" in vector and "'북송'" not in vector
    type(record).objects.filter(pk=record.pk).update(search_text="", search_tokens="")
    assert stored_vector(record) == ("", True)
    call_command("rebuild_search", stdout=open("/dev/null", "w"))  # noqa: SIM115
    vector, current = stored_vector(record)
    assert current and "'요덕'" in vector


def test_highlight_escapes_before_marking():
    html = words.highlight("<b>보위부</b> & co", "보위부")
    assert html == "&lt;b&gt;<mark>보위부</mark>&lt;/b&gt; &amp; co"


def test_highlight_cannot_be_tricked_by_a_query_that_looks_like_html():
    html = words.highlight("a <script> b", "script")
    assert "<script>" not in html and "<mark>script</mark>" in html


def test_highlight_cuts_long_text_around_the_first_match():
    html = words.highlight("x" * 500 + " 고문 " + "y" * 500, "고문", length=100)
    assert "<mark>고문</mark>" in html and html.startswith("…") and len(html) < 140


@pytest.mark.django_db
def test_counts_stop_at_the_cap():
    TestimonyFactory.create_batch(3)
    assert search.capped_count(case_models.Testimony.objects.all(), cap=2) == (2, True)
    assert search.capped_count(case_models.Testimony.objects.all(), cap=5) == (3, False)
