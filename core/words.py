"""Search words, in Korean and English: the tokens stored in a record's search
columns and the queries over them, for any model with the columns `search_text`,
`search_tokens` and (PostgreSQL) `search_vector`. Pure text and query helpers,
reading no model: cases/search.py fills the private records' columns (and says
why they are built so), public/ searches the published copy.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex
from django.utils.html import escape
from django.utils.safestring import mark_safe

# A token is a run of Hangul syllables or a run of other letters and digits.
TOKEN = re.compile(r"[가-힣]+|[^\W_가-힣]+")


def _is_hangul(token):
    return "가" <= token[0] <= "힣"


def bigrams(run):
    return [run[i : i + 2] for i in range(len(run) - 1)] or [run]


def normal(text):
    """Lowercased, in Unicode's composed form (NFC): Hangul typed or stored as
    separate jamo (NFD, as some Mac input gives it) is the same word."""
    return unicodedata.normalize("NFC", text or "").lower()


def tokens(text):
    """Words as they are; Hangul runs as overlapping bigrams, in order."""
    out = []
    for token in TOKEN.findall(normal(text)):
        out.extend(bigrams(token) if _is_hangul(token) else [token])
    return out


# --- Querying ----------------------------------------------------------------


class StoredVector(Func):
    """The `search_vector` column of the table whose `search_tokens` is at hand."""

    output_field = SearchVectorField()

    def __init__(self):
        super().__init__(F("search_tokens"))

    def as_sql(self, compiler, connection, **extra_context):
        # search_tokens resolved to a column with its table's alias (in a join, a
        # subquery): the vector is the column beside it, written as Col writes one.
        tokens = self.get_source_expressions()[0]
        names = (tokens.alias, "search_vector") if tokens.alias else ("search_vector",)
        return ".".join(map(compiler.quote_name_unless_alias, names)), []


def terms(query):
    """The query's words, lowercased and composed (NFC), in order."""
    return TOKEN.findall(normal(query))


def tsquery(query):
    """A to_tsquery expression, or None when a term is a single Hangul syllable
    (bigrams cannot find it; it needs a substring scan)."""
    parts = []
    for term in terms(query):
        if _is_hangul(term):
            if len(term) < 2:
                return None
            parts.append("(" + " <-> ".join(bigrams(term)) + ")")
        else:
            parts.append(f"{term}:*")
    return " & ".join(parts) or None


def _ts_query(query):
    """The SearchQuery for the GIN index, or None where substrings are matched."""
    expression = tsquery(query) if connection.vendor == "postgresql" else None
    if expression is None:
        return None
    return SearchQuery(expression, config="simple", search_type="raw")


def _rank(words, ts_query):
    if ts_query is not None:
        return SearchRank(StoredVector(), ts_query)
    # The earlier the first word appears (titles come first), the better.
    return -StrIndex(F("search_text"), Value(words[0]))


def search(queryset, query):
    """Records matching every word of the query, annotated with `search_rank`
    (higher is better). An empty query returns the queryset unchanged."""
    words = terms(query)
    if not words:
        return queryset
    ts_query = _ts_query(query)
    if ts_query is not None:
        queryset = queryset.alias(search_vector=StoredVector()).filter(search_vector=ts_query)
    else:
        condition = Q()
        for word in words:
            condition &= Q(search_text__contains=word)
        queryset = queryset.filter(condition)
    return queryset.annotate(search_rank=_rank(words, ts_query))


def id_in(ids):
    """The records whose id is in `ids` (one array parameter on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,)))
    return Q(pk__in=ids)


def by_ids(queryset, ids, query=""):
    """The records of `ids`, found by a search for `query` earlier in the request:
    ranked like search(), without matching the words again."""
    queryset = queryset.filter(id_in(ids))
    words = terms(query)
    if not words:
        return queryset
    return queryset.annotate(search_rank=_rank(words, _ts_query(query)))


def is_short(query):
    """A query with a one-syllable Korean word: slow on large data, worth a hint."""
    return any(_is_hangul(t) and len(t) < 2 for t in terms(query))


def highlight(text, query, length=None):
    """Escaped text with the query's words wrapped in <mark>; cut to about `length`
    characters around the first match when it is longer."""
    text = text or ""
    words = sorted(set(terms(query)), key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
    if length and len(text) > length:
        match = pattern.search(text) if pattern else None
        start = max(0, match.start() - length // 3) if match else 0
        end = start + length
        text = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    if not pattern:
        return escape(text)
    out, position = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece is escaped above)
