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
from django.db.models.functions import Coalesce, NullIf, StrIndex
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


# British and American spellings of the words the records use: a query in one
# finds the records written in the other. Each group is searched as one word.
SPELLINGS = [
    ("labour", "labor"),
    ("labourer", "laborer"),
    ("labourers", "laborers"),
    ("organisation", "organization"),
    ("organisations", "organizations"),
    ("organised", "organized"),
    ("defence", "defense"),
    ("offence", "offense"),
    ("offences", "offenses"),
    ("centre", "center"),
    ("centres", "centers"),
    ("behaviour", "behavior"),
    ("neighbour", "neighbor"),
    ("neighbours", "neighbors"),
    ("honour", "honor"),
    ("rumour", "rumor"),
    ("rumours", "rumors"),
    ("programme", "program"),
    ("travelled", "traveled"),
    ("travelling", "traveling"),
    ("jewellery", "jewelry"),
    ("criticised", "criticized"),
    ("recognised", "recognized"),
    ("apologise", "apologize"),
    ("mobilisation", "mobilization"),
    # Romanizations of North Korean names in both systems the sources use.
    ("phyongan", "pyongan"),
    ("phyongyang", "pyongyang"),
    ("ryanggang", "yanggang"),
]


def korean_short_name(name):
    """함경북도 -> 함북, 평안남도 -> 평남: the short form Korean writers use for a
    province whose name is a pair of towns and a direction; None for the others."""
    if len(name) == 4 and name.endswith("도") and name[2] in "남북":
        return name[0] + name[2]
    return None


def name_table(pairs):
    """{phrase: alternatives} from (English name, Korean name[, Japanese name])
    tuples, where a phrase and each alternative are tuples of terms: every name of
    a place finds the records that use any other (China / 중국 / 中国, North Hamgyong
    / 함경북도 / 함북 / 咸鏡北道)."""
    groups = {}
    for english, korean, *others in pairs:
        names = [english, korean, korean_short_name(korean or ""), *others]
        phrases = {tuple(terms(n)) for n in names if n}
        phrases.discard(())
        group = groups.setdefault(frozenset(phrases), set())
        group.update(phrases)
    table = {}
    for group in groups.values():
        for phrase in group:
            table.setdefault(phrase, set()).update(group)
    return {phrase: sorted(group) for phrase, group in table.items()}


def _spelling_table():
    table = {}
    for group in SPELLINGS:
        for word in group:
            table[(word,)] = sorted({(w,) for w in group})
    return table


SPELLING_TABLE = _spelling_table()


def expand(query, names=None):
    """The query as groups of alternatives: every group must match, any of its
    alternatives may, and an alternative is a tuple of terms that must all match.
    A name (of `names`, from name_table) or a spelling is replaced by its
    alternatives, the longest phrase first."""
    table = {**SPELLING_TABLE, **(names or {})}
    longest = max((len(phrase) for phrase in table), default=1)
    words = terms(query)
    groups, position = [], 0
    while position < len(words):
        for size in range(min(longest, len(words) - position), 0, -1):
            phrase = tuple(words[position : position + size])
            if phrase in table:
                groups.append([tuple(a) for a in table[phrase]])
                position += size
                break
        else:
            groups.append([(words[position],)])
            position += 1
    return groups


def _ts_term(term):
    if _is_hangul(term):
        if len(term) < 2:
            return None
        return "(" + " <-> ".join(bigrams(term)) + ")"
    return f"{term}:*"


def tsquery(query, names=None):
    """A to_tsquery expression, or None when a term is a single Hangul syllable
    (bigrams cannot find it; it needs a substring scan)."""
    parts = []
    for group in expand(query, names):
        alternatives = []
        for alternative in group:
            pieces = [_ts_term(term) for term in alternative]
            if None in pieces:
                return None
            alternatives.append(pieces[0] if len(pieces) == 1 else f"({' & '.join(pieces)})")
        parts.append(alternatives[0] if len(alternatives) == 1 else f"({' | '.join(alternatives)})")
    return " & ".join(parts) or None


def _ts_query(query, names=None):
    """The SearchQuery for the GIN index, or None where substrings are matched."""
    expression = tsquery(query, names) if connection.vendor == "postgresql" else None
    if expression is None:
        return None
    return SearchQuery(expression, config="simple", search_type="raw")


def _rank(groups, ts_query):
    if ts_query is not None:
        return SearchRank(StoredVector(), ts_query)
    # The earlier the first word (or the first of its alternatives found) appears
    # (titles come first), the better.
    found = [NullIf(StrIndex(F("search_text"), Value(a[0])), 0) for a in groups[0]]
    return -(Coalesce(*found, 0) if len(found) > 1 else found[0])


def search(queryset, query, names=None):
    """Records matching every word of the query (or one of its other spellings or
    names, see expand), annotated with `search_rank` (higher is better). An empty
    query returns the queryset unchanged."""
    groups = expand(query, names)
    if not groups:
        return queryset
    ts_query = _ts_query(query, names)
    if ts_query is not None:
        queryset = queryset.alias(search_vector=StoredVector()).filter(search_vector=ts_query)
    else:
        condition = Q()
        for group in groups:
            either = Q()
            for alternative in group:
                both = Q()
                for term in alternative:
                    both &= Q(search_text__contains=term)
                either |= both
            condition &= either
        queryset = queryset.filter(condition)
    return queryset.annotate(search_rank=_rank(groups, ts_query))


def id_in(ids, field="pk"):
    """The records whose id (or `field`) is in `ids` (one array parameter on
    PostgreSQL)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", (ids,))})
    return Q(**{f"{field}__in": ids})


def by_ids(queryset, ids, query=""):
    """The records of `ids`, found by a search for `query` earlier in the request:
    ranked like search(), without matching the words again."""
    queryset = queryset.filter(id_in(ids))
    groups = expand(query)
    if not groups:
        return queryset
    return queryset.annotate(search_rank=_rank(groups, _ts_query(query)))


def expanded_terms(query, names=None):
    """Every term of the query and of its alternatives."""
    return [term for group in expand(query, names) for a in group for term in a]


def normal_case(text):
    """The text composed (NFC), its case kept: what highlight() marks."""
    return unicodedata.normalize("NFC", text or "")


def is_short(query):
    """A query with a one-syllable Korean word: slow on large data, worth a hint."""
    return any(_is_hangul(t) and len(t) < 2 for t in terms(query))


def highlight(text, query, length=None, names=None):
    """Escaped text with the query's words (and their other spellings and names)
    wrapped in <mark>; cut to about `length` characters around the first match
    when it is longer."""
    text = normal_case(text)
    words = sorted(set(expanded_terms(query, names)), key=len, reverse=True)
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
