"""The staff search's matching, scoping and counting: which documents match the
words, which of them a user may open, and how many (exactly, or from the sample).

Scoping is decided here at every search, from the records themselves: a document
is found only if its record is one `cases.access.admin_records` lets the user see
on the record's own admin page (confidential records, and the records of a
confidential person, for custodians only), and a transcript is searched only
where the testimony's page would show it (`cases.access.shows_transcript`:
sensitive testimonies' transcripts for custodians only).

Matching is core/words.py's, as the public search's: every word of the query, a
Hangul word as its bigrams in sequence (PostgreSQL, GIN index over the stored
vector) or as a substring (SQLite, over the candidates of its FTS5 bigram index).
A record matches when all the words are in its text or all are in its (readable)
transcript. research/services.py builds the page, the facets, the log and the
export from what is found here.
"""

from functools import cached_property

from django.db import connection
from django.db.models import Exists, IntegerField, OuterRef, Q, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Mod

from cases import search as search_counts
from cases.access import admin_records, sees_restricted
from cases.models import Confidentiality, Involvement, Testimony
from core import words
from research.index import MODELS
from research.models import Kind, StaffDocument, StaffTranscript

FILTERS = ("kind", "status", "decade", "entered_by", "place", "facility", "organization")


# --- Scoping -------------------------------------------------------------------------


def visible_kinds(user):
    return [kind for kind, model in MODELS.items() if user.has_perm(f"cases.view_{kind}")]


def scoped(user, *, scope_of=None):
    """The documents of records `user` may open in the admin. `scope_of` applies
    another user's confidentiality rules (the log's count of restricted matches)."""
    scope_of = scope_of or user
    allowed = Q(pk__in=[])
    for kind in visible_kinds(user):
        if sees_restricted(scope_of):
            allowed |= Q(kind=kind)
            continue
        # Correlated (EXISTS): the records of the matches are looked up by key,
        # rather than every record of the kind read to hash them.
        records = MODELS[kind]._default_manager.filter(pk=OuterRef("record_id"))
        allowed |= Q(kind=kind) & Q(Exists(admin_records(records, scope_of)))
    return StaffDocument.objects.filter(allowed)


def readable_transcripts(user):
    """The transcripts whose testimony page shows them to `user` (access.shows_transcript)."""
    transcripts = StaffTranscript.objects.all()
    if sees_restricted(user):
        return transcripts
    standard = Confidentiality.STANDARD
    # Correlated, by key: the testimonies of the transcripts at hand, not a list of
    # every readable testimony built first.
    readable = Testimony.objects.filter(
        pk=OuterRef("document__record_id"),
        confidentiality=standard,
        interviewee__confidentiality=standard,
        consent_withdrawn_on__isnull=True,
    )
    return transcripts.filter(Exists(readable))


def clean_filters(filters):
    return {k: v for k, v in (filters or {}).items() if k in FILTERS and v not in (None, "")}


def narrowed(queryset, filters, prefix=""):
    """`queryset` (of documents, or of rows whose `prefix` leads to one) narrowed
    by the filters: the document's own columns, and the organization of a
    violation's perpetrators."""
    for name, value in clean_filters(filters).items():
        if name == "organization":
            involved = Involvement.objects.filter(perpetrator_organization=value)
            queryset = queryset.filter(
                **{f"{prefix}kind": Kind.VIOLATION},
                **{f"{prefix}record_id__in": involved.values("violation_id")},
            )
        else:
            queryset = queryset.filter(**{f"{prefix}{name}": value})
    return queryset


def _hangul(term):
    return "가" <= term[0] <= "힣"


def bigram_expression(query):
    """An FTS5 expression every match of `query` satisfies: its Korean words of two
    syllables or more as phrases of their bigrams (and their other spellings and
    names, as words.expand gives them); None if it has none."""
    groups = []
    for group in words.expand(query):
        alternatives = []
        for alternative in group:
            phrases = [
                '"' + " ".join(words.bigrams(term)) + '"'
                for term in alternative
                if _hangul(term) and len(term) > 1
            ]
            if not phrases:
                break  # an alternative the index cannot narrow: nor the group
            alternatives.append(" AND ".join(phrases))
        else:
            groups.append("(" + " OR ".join(f"({a})" for a in alternatives) + ")")
    return " AND ".join(groups) or None


def searched(queryset, query):
    """words.search over the documents or transcripts; on SQLite, over the
    candidates of their bigram index only (research/migrations/0003), where the
    substring match then decides exactly as over the whole table."""
    expression = bigram_expression(query) if connection.vendor == "sqlite" else None
    if expression is not None:
        fts = f"{queryset.model._meta.db_table}_fts"
        # The table's name is ours; the words are a parameter.
        sql = f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s"  # noqa: S608
        candidates = RawSQL(sql, (expression,))  # noqa: S611
        queryset = queryset.filter(pk__in=candidates)
    return words.search(queryset, query)


def text_matches(query, filters=None, *, sample=False):
    """{id: (updated_at as text, *ROW_COLUMNS)} of the documents whose own text
    has every word of `query` (from the bigram index: GIN on PostgreSQL, FTS5 on
    SQLite; a substring scan for the rest), before any scoping; with `sample`, of
    those in the sample only (from the sample's own GIN index on PostgreSQL,
    migration 0004). The row is read with the match: the heap is read for it
    anyway."""
    documents = narrowed(StaffDocument.objects.all(), filters)
    if sample:
        documents = in_sample(documents, "pk")
    documents = searched(documents, query).annotate(at=_text("updated_at"))
    return {row[1]: row for row in _raw(documents.values_list("at", *ROW_COLUMNS))}


def _text(column):
    """A timestamp as text: the timestamps of thousands of matches are only
    compared, and parsing each into a datetime cost more than reading it (about a
    fifth of a search of 5,000 matches). Both vendors write them in one time zone
    and one ISO form, which sorts as the timestamps do."""
    return Cast(column, output_field=TextField())


def _raw(queryset):
    """The rows of a values_list queryset without Django's converters."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def matched_rows(user, query, filters=None, *, scope_of=None, in_text=None, sample=False):
    """The ROW_COLUMNS of the documents whose text, or readable transcript, has
    every word of `query`, narrowed by `filters`, newest first, before any
    scoping; with `sample`, of those in the sample only. `in_text`: the text's
    matches, if already found (text_matches, with the same `sample`)."""
    found = text_matches(query, filters, sample=sample) if in_text is None else dict(in_text)
    transcripts = narrowed(readable_transcripts(scope_of or user), filters, "document__")
    if sample:
        transcripts = in_sample(transcripts, "document_id")
    transcripts = searched(transcripts, query).annotate(at=_text("document__updated_at"))
    columns = ["at", "document_id", *(f"document__{column}" for column in ROW_COLUMNS[1:])]
    found.update((row[1], row) for row in _raw(transcripts.values_list(*columns)))
    return [row[1:] for row in sorted(found.values(), key=lambda row: row[:2], reverse=True)]


def matched_ids(user, query, filters=None, *, scope_of=None):
    """The ids of matched_rows."""
    return [row[0] for row in matched_rows(user, query, filters, scope_of=scope_of)]


def matching(user, query, filters=None, *, scope_of=None, ids=None):
    """The documents `user` may open whose text, or readable transcript, has every
    word of `query`, narrowed by `filters`; none for an empty query.

    The words are matched first, by id (`matched_ids`, or `ids` if given), and the
    scope applied to those ids: PostgreSQL then checks the records of the matches
    only, rather than scanning every document against the scope."""
    documents = scoped(user, scope_of=scope_of)
    if not words.terms(query):
        return documents.none()
    if ids is None:
        ids = matched_ids(user, query, filters, scope_of=scope_of)
    documents = narrowed(documents.filter(words.id_in(ids)), filters)
    return documents.order_by("-updated_at", "-pk")


# --- Counting at scale -----------------------------------------------------------------
#
# As the public search counts (cases/search.py): exactly up to COUNT_CAP visible
# matches; above it, estimated from the fixed sample of the documents whose id is
# a multiple of SAMPLE_EVERY, and the facets counted over that sample. The scope
# is then checked for the sample and for the page only, never for every match.

FACET_COLUMNS = ("kind", "status", "decade", "entered_by_id", "place_id", "facility_id")
ROW_COLUMNS = ("pk", *FACET_COLUMNS, "record_id")
CHUNK = 20_000  # ids per query: far below SQLite's limit of bound parameters


def visible_rows(user, matches, *, limit=None, scope_of=None, first=CHUNK, read=True):
    """The ROW_COLUMNS of the documents of `matches` (ids, read here; or, with
    `read` False, their rows already read) that `user` may open, in their order,
    at most `limit`: checked chunk by chunk (the first of `first`, then larger),
    so that a page of a common word checks its first matches only."""
    rows, start, size = [], 0, max(first, 1)
    # The kinds the user may view are checked here, not in SQL: given a choice of
    # the kind's index and the key, SQLite reads every document of the kind.
    kinds = set(visible_kinds(user))
    while start < len(matches) and (limit is None or len(rows) < limit):
        part = matches[start : start + size]
        if read:
            found = StaffDocument.objects.filter(words.id_in(part)).values_list(*ROW_COLUMNS)
            found = {row[0]: row for row in found}
            part = [found[pk] for pk in part if pk in found]
        part = [row for row in part if row[1] in kinds]
        allowed = _openable(scope_of or user, part)
        rows.extend(row for row in part if row[0] in allowed)
        start, size = start + size, min(size * 4, CHUNK)
    return rows if limit is None else rows[:limit]


def _openable(user, rows):
    """The ids of the documents among `rows` (ROW_COLUMNS) whose records `user` may
    open: the records looked up by key, one query per kind among them (as `scoped`
    decides, without asking a database planner to choose between the key and the
    kind)."""
    if sees_restricted(user):
        return {row[0] for row in rows}
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row[1], {})[row[-1]] = row[0]
    allowed = set()
    for kind, documents in by_kind.items():
        records = MODELS[kind]._default_manager.filter(words.id_in(list(documents)))
        openable = admin_records(records, user).order_by().values_list("pk", flat=True)
        allowed.update(documents[pk] for pk in openable)
    return allowed


def in_sample(queryset, column):
    """The rows of `queryset` whose document (its id in `column`) is in the sample."""
    bucket = Mod(column, search_counts.SAMPLE_EVERY, output_field=IntegerField())
    return queryset.alias(sample_bucket=bucket).filter(sample_bucket=0)


class TextMatches:
    """The documents whose own text has the words (the scope does not change
    them), read once per search for the search and its log: those in the sample
    first, and all of them only when the sample says they are few."""

    def __init__(self, query, filters):
        self.query, self.filters = query, filters

    @cached_property
    def sample(self):
        return text_matches(self.query, self.filters, sample=True)

    @cached_property
    def all(self):
        return text_matches(self.query, self.filters)


def counted(user, query, filters, text, *, scope_of=None):
    """(total, how, rows): how many matches the user may open, and the rows to
    count the facets from. `how` is "exact" (rows: all of them, newest first),
    "estimated" (from the sample: rows, the sample's), or "capped" (more than
    COUNT_CAP though the sample says fewer: rows, the sample's). `text`: the
    TextMatches of `query` and `filters`.

    The sample's matches are taken in SQL first (the matching documents whose id
    is a multiple of SAMPLE_EVERY): above the cap, nothing reads every match."""
    cap = search_counts.COUNT_CAP
    rows = matched_rows(user, query, filters, scope_of=scope_of, in_text=text.sample, sample=True)
    sample = visible_rows(user, rows, scope_of=scope_of, read=False)
    if len(sample) * search_counts.SAMPLE_EVERY > cap:
        return search_counts.estimate(len(sample)), "estimated", sample
    rows = matched_rows(user, query, filters, scope_of=scope_of, in_text=text.all)
    rows = visible_rows(user, rows, limit=cap + 1, scope_of=scope_of, read=False)
    if len(rows) > cap:
        return cap, "capped", sample
    return len(rows), "exact", rows


def newest_matches(user, query, filters, limit):
    """(ids, more): the ids of the newest documents whose text, or readable
    transcript, has the words, newest first, before any scoping (at least `limit`
    of them unless there are fewer), and whether there may be more.

    The documents and the transcripts are each read newest first, `limit` at
    most: PostgreSQL walks the documents' order and checks the words of each by
    key, so that a page of a common word reads about as many rows as it shows,
    times the word's rarity. The transcripts are read whoever may read them (a
    condition on the testimonies would lead the planner to sort every match
    first), and those the user may not read dropped here; the merged list then
    holds only what is newer than the last row of a list that reached `limit`."""
    documents = narrowed(StaffDocument.objects.all(), filters)
    own = searched(documents, query).order_by("-updated_at", "-pk")
    own = list(own.values_list("updated_at", "pk")[:limit])
    transcripts = narrowed(StaffTranscript.objects.all(), filters, "document__")
    transcripts = searched(transcripts, query).order_by("-document__updated_at", "-document_id")
    transcripts = list(transcripts.values_list("document__updated_at", "document_id")[:limit])
    readable = {pk for _at, pk in transcripts}
    if readable and not sees_restricted(user):
        readable = readable_transcripts(user).filter(words.id_in(list(readable), "document_id"))
        readable = set(readable.values_list("document_id", flat=True))
    found = sorted({*own, *(row for row in transcripts if row[1] in readable)}, reverse=True)
    full = [rows[-1] for rows in (own, transcripts) if len(rows) == limit]
    if full:
        found = [row for row in found if row >= max(full)]
    return [pk for _at, pk in found], bool(full)


class Walk:
    """The visible ids of a search over the cap, read a page at a time for the
    Paginator from the newest matches (newest_matches): only as many matches are
    read and checked as the page needs."""

    def __init__(self, user, query, filters, total):
        self.user, self.query, self.filters, self.total = user, query, filters, total

    def count(self):
        return min(self.total, search_counts.COUNT_CAP)

    def __getitem__(self, part):
        stop = part.stop or self.count()
        limit, more = 2 * stop, True
        while more:
            ids, more = newest_matches(self.user, self.query, self.filters, limit)
            rows = visible_rows(self.user, ids, limit=stop)
            if len(rows) >= stop:
                break
            limit *= 4
        return [row[0] for row in rows[part.start : stop]]
