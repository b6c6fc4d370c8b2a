"""Full-text search over published cases, in Korean and English.

Each searchable record stores two columns, computed here when it is saved and in
bulk by `manage.py rebuild_search`:

- `search_text`: its public text (titles, public summaries, descriptions),
  lowercased. SQLite, and PostgreSQL for one-syllable Korean queries, match
  substrings of it.
- `search_tokens`: the same text as tokens: English and other words as they are,
  each run of Hangul as overlapping character bigrams (요덕수용소 -> 요덕 덕수 수용
  용소). On PostgreSQL, `search_vector` stores `to_tsvector('simple',
  search_tokens)` and a GIN index over it answers a query's bigrams joined by the
  phrase operator `<->`, which finds a Korean word anywhere, particles attached or
  not (see docs/SEARCH.md).

`search_vector` is a generated column that migration 0011 adds on PostgreSQL only,
outside the models' state: PostgreSQL computes it on every write, nothing Django
writes lists it (saves, imports, COPY in cases/scale.py, historical records), and
SQLite, which matches substrings, never has it. Queries name it with StoredVector
(core/words.py). A stored column, not an index over the expression: PostgreSQL
rechecks every candidate row of a phrase query, and with an expression index it
recomputed to_tsvector from the text for each (1.6 s of 1.63 s for 강제북송 at
1,000,000 violations).

The words and the queries over these columns (tokens, search, highlight) are
in core/words.py, shared with the public search; here, what reads the private
records: their fields, the rebuild, and the counts at scale.

Only the fields listed in DOCUMENT_FIELDS ever reach a search column: never a
transcript, internal notes, or anything from Identity.
"""

from django.db import transaction
from django.db.models import IntegerField
from django.db.models.functions import Mod

from core.words import normal, tokens

DOCUMENT_FIELDS = {
    "event": ["code", "title_en", "title_ko", "description_en", "description_ko"],
    "violation": [
        "code",
        "violation_type__name_en",
        "violation_type__name_ko",
        "description_en",
        "description_ko",
    ],
    "testimony": ["code", "title_en", "title_ko", "public_summary_en", "public_summary_ko"],
    "bordercrossing": ["code", "crossing_point", "description_en", "description_ko"],
}
SEARCH_FIELDS = ["search_text", "search_tokens"]
COUNT_CAP = 10_000


def _value(record, path):
    value = record
    for name in path.split("__"):
        value = getattr(value, name, None)
        if value is None:
            return ""
    return str(value)


def document(record):
    """The public text of a record, one field per line."""
    fields = DOCUMENT_FIELDS[record._meta.model_name]
    return "\n".join(v for v in (_value(record, f) for f in fields) if v)


def fill(record):
    """Set a record's search columns from its public fields."""
    text = document(record)
    record.search_text = normal(text)
    record.search_tokens = " ".join(tokens(text))


def rebuild(model, batch_size=1000, progress=None):
    """Recompute the search columns of every row of a model; returns the count.

    `progress(done)`, if given, is called after each batch (a job or a progress bar).
    """
    related = {f.split("__")[0] for f in DOCUMENT_FIELDS[model._meta.model_name] if "__" in f}
    queryset = model._default_manager.select_related(*related).order_by("pk")
    batch, count = [], 0
    for record in queryset.iterator(chunk_size=batch_size):
        fill(record)
        batch.append(record)
        if len(batch) >= batch_size:
            _write(model, batch)
            count, batch = count + len(batch), []
            if progress is not None:
                progress(count)
    if batch:
        _write(model, batch)
    count += len(batch)
    if progress is not None:
        progress(count)
    return count


def _write(model, batch):
    with transaction.atomic():
        model._default_manager.bulk_update(batch, SEARCH_FIELDS)


# --- Counting ----------------------------------------------------------------


def capped_count(queryset, cap=None):
    """(count, capped): counts exactly up to `cap` (COUNT_CAP) and stops there."""
    cap = COUNT_CAP if cap is None else cap
    count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


# Above COUNT_CAP matches, counts are estimated from a fixed sample: the records
# whose id is a multiple of SAMPLE_EVERY (a partial index on PostgreSQL reads it
# directly, cases/migrations/0009). Ids are given in order of entry, not by
# content, so the sample is spread over every kind of record.
SAMPLE_EVERY = 100


def sample(queryset):
    bucket = Mod("pk", SAMPLE_EVERY, output_field=IntegerField())
    return queryset.alias(sample_bucket=bucket).filter(sample_bucket=0)


def estimate(sampled_count):
    """A count in the sample scaled up, to two significant figures."""
    total = sampled_count * SAMPLE_EVERY
    return round(total, 2 - len(str(total))) if total >= 100 else total


def sampled_ids(queryset):
    """The ids of these records in the sample, if they say there are more records
    than COUNT_CAP (else None: count them)."""
    sampled = list(sample(queryset).order_by().values_list("pk", flat=True))
    return sampled if len(sampled) * SAMPLE_EVERY > COUNT_CAP else None


def count_or_estimate(queryset):
    """(count, how, ids): exact up to COUNT_CAP, else estimated from the sample,
    else capped. `how` is "exact", "estimated" or "capped" (the sample is too
    small to say).

    `ids` are the ids of the records counted: all of them when exact, those in the
    sample when estimated, None when capped. A search page selects the records
    again by these ids rather than by its words and filters, which it then
    evaluates once per request (the text match costs most at scale).
    """
    sampled = sampled_ids(queryset)
    if sampled is not None:
        return estimate(len(sampled)), "estimated", sampled
    ids = list(queryset.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
    if len(ids) > COUNT_CAP:
        return COUNT_CAP, "capped", None
    return len(ids), "exact", ids
