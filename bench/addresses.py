"""Addresses for bench/load.py: the reader's pages (`browse`), the mix of groups
(`mixed`), and public searches: a long tail, and never-seen ones.

Two groups of `/cases/` addresses (parameters `q`, `kind`, `year_from`,
`year_to`, `sort`, `page` and the facets of each kind):

- `tail(vocabulary, count, seed)`: `count` distinct addresses, the same for the
  same vocabulary and seed. load.py requests each once before the timed run
  (a long tail whose head was warmed), then wrk rotates over all of them.
- `fresh_parts(vocabulary, seed)`: stems (words, kind, facets, sort) and
  period suffixes (`&year_from=A&year_to=B`); bench/fresh.lua joins stem
  `i mod S` to suffix `(i div S) mod P`, i counting up from a start, so that
  each request of a run is an address never requested before, as long as the
  run asks for fewer than S x P.

The two never meet: a tail address's period, if it has both bounds, spans a
multiple of five years (`year_to - year_from`), a fresh address's never does,
and every fresh address has both bounds.

`vocabulary()` reads the words and facet values from the database (Django set
up): the words of published titles, and every facet value that published
entries carry, from the published copy (tables `public_entry`, `public_key`) if
it holds entries, else from the private record's public records and reference
tables. The phrases `seed_scale` writes are added to the words, so that a
database of scale data alone still has varied words. Everything else here is
plain Python.
"""

import random
import re
from urllib.parse import quote

KINDS = ("events", "violations", "testimonies", "crossings")
# Share of each kind among the generated addresses (most searches are of events).
KIND_WEIGHTS = (45, 25, 15, 15)
SORTS = ("relevance", "newest", "oldest", "code")
VIOLATION_FACETS = (
    "type",
    "province",
    "county",
    "facility",
    "organization",
    "sex",
    "age",
    "knowledge",
    "sources",
)
FACETS = {
    "events": VIOLATION_FACETS,
    "violations": VIOLATION_FACETS,
    "testimonies": ("knowledge",),
    "crossings": ("outcome", "transit", "province"),
}
ENTRY_KINDS = {
    "event": "events",
    "violation": "violations",
    "testimony": "testimonies",
    "crossing": "crossings",
}
# The order of the parameters in an address (the cache keys sort them anyway).
ORDER = ("kind", "q", *dict.fromkeys(f for fs in FACETS.values() for f in fs))
ORDER += ("year_from", "year_to", "sort", "page")
SPAN = 5  # tail periods span a multiple of this many years, fresh ones never do
DEFAULT_YEARS = (1990, 2020)
HANGUL = re.compile(r"[가-힣]")
WORD = re.compile(r"[가-힣]{2,}|[A-Za-z][A-Za-z'-]{3,}")
# Not searched for by anyone: the mark of synthetic data and the commonest words.
STOP = {
    "synthetic", "demo", "record", "account", "scale", "real", "from", "with", "into",
    "after", "that", "this", "were", "their", "during", "through", "about", "under",
    "합성", "예시", "자료", "실제", "증언", "아님", "대량",
}  # fmt: skip
MARK = re.compile(r"^\s*\[[^\]]*\]\s*")  # "[Synthetic demo record, ...] "


def vocabulary(limit=400):
    """Words and facet values of the database (needs Django set up)."""
    from public.models import Entry

    if Entry.objects.exists():
        titles, facets, years = _from_copy(limit)
        source = "published copy (public_entry, public_key)"
    else:
        titles, facets, years = _from_record(limit)
        source = "private record (.public() and reference tables)"
    from cases import scale

    words_ko, words_en = words(titles + scale.PHRASES_KO + scale.PHRASES_EN)
    return {
        "source": source,
        "words_ko": words_ko,
        "words_en": words_en,
        "facets": facets,
        "years": years,
    }


def _from_copy(limit):
    from public.models import Entry, Key

    titles = []
    for kind in ENTRY_KINDS:
        rows = Entry.objects.filter(kind=kind).order_by("code")
        for title_en, title_ko in rows.values_list("title_en", "title_ko")[:limit]:
            titles += [title_en, title_ko]
    facets = {kind: {} for kind in KINDS}
    pairs = Key.objects.values_list("entry__kind", "facet", "value").distinct()
    for entry_kind, facet, value in pairs.order_by("entry__kind", "facet", "value"):
        kind = ENTRY_KINDS.get(entry_kind)
        if kind and facet in FACETS[kind]:
            facets[kind].setdefault(facet, []).append(value)
    return titles, facets, _years(Entry.objects.values_list("order_date", flat=True))


def _from_record(limit):
    from cases.corroboration import AGE_GROUPS, SOURCE_COUNTS
    from cases.models import (
        BorderCrossing,
        Event,
        Facility,
        Knowledge,
        Organization,
        Place,
        Sex,
        Testimony,
        ViolationType,
    )

    titles = []
    for model in (Event, Testimony):
        rows = model.objects.public().order_by("code")
        for title_en, title_ko in rows.values_list("title_en", "title_ko")[:limit]:
            titles += [title_en, title_ko]
    acts = {
        "type": list(ViolationType.objects.values_list("code", flat=True)),
        "province": _places(Place, Place.Level.PROVINCE),
        "county": _places(Place, Place.Level.COUNTY),
        "facility": list(Facility.objects.values_list("code", flat=True)),
        "organization": list(Organization.objects.values_list("code", flat=True)),
        "sex": [value for value, _label in Sex.choices],
        "age": list(AGE_GROUPS),
        "knowledge": [value for value, _label in Knowledge.choices],
        "sources": list(SOURCE_COUNTS),
    }
    facets = {
        "events": acts,
        "violations": acts,
        "testimonies": {"knowledge": acts["knowledge"]},
        "crossings": {
            "outcome": [value for value, _label in BorderCrossing.Outcome.choices],
            "transit": _places(Place, Place.Level.COUNTRY),
            "province": acts["province"],
        },
    }
    return titles, facets, _years(Event.objects.public().values_list("earliest_date", flat=True))


def _places(place, level):
    return list(place.objects.filter(level=level).order_by("code").values_list("code", flat=True))


def _years(dates):
    """The years of the periods searched: from the 5th to the 95th percentile of
    these dates (most periods asked for hold records), at least SPAN + 1 years."""
    dates = dates.exclude(**{dates._fields[0]: None}).order_by(dates._fields[0])
    count = dates.count()
    if not count:
        return list(DEFAULT_YEARS)
    low, high = dates[count * 5 // 100].year, dates[count * 95 // 100].year
    return [low, max(high, low + SPAN + 1)]


def words(texts):
    """Distinct search words in Korean and English from these texts, most frequent
    first (ties in alphabetical order): the synthetic mark and common words left out."""
    counts = {}
    for text in texts:
        for word in WORD.findall(MARK.sub("", text or "")):
            word = word.lower()
            if word not in STOP:
                counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=lambda w: (-counts[w], w))
    korean = [w for w in ranked if HANGUL.match(w)]
    return korean, [w for w in ranked if not HANGUL.match(w)]


def path(params):
    query = "&".join(f"{name}={quote(str(params[name]))}" for name in ORDER if name in params)
    return f"/cases/?{query}"


def _stem(rng, vocab):
    """Kind, words, facets and sort of one address (no period, no page)."""
    kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
    params = {"kind": kind}
    if rng.random() < 0.7:
        pool = vocab["words_ko"] if rng.random() < 0.5 else vocab["words_en"]
        pool = pool or vocab["words_ko"] or vocab["words_en"]
        if pool:
            # Mostly the commoner words, now and then a rare one (a real tail).
            chosen = [_skewed(rng, pool) for _ in range(1 if rng.random() < 0.8 else 2)]
            params["q"] = " ".join(dict.fromkeys(chosen))
    available = {f: v for f, v in vocab["facets"].get(kind, {}).items() if v}
    if available and (rng.random() < 0.5 or "q" not in params):
        for facet in rng.sample(sorted(available), k=min(len(available), _facet_count(rng))):
            params[facet] = rng.choice(available[facet])
    if rng.random() < 0.25:
        params["sort"] = rng.choice(SORTS[1:])
    return params


def _skewed(rng, pool):
    return pool[min(int(rng.expovariate(1 / max(len(pool) / 4, 1))), len(pool) - 1)]


def _facet_count(rng):
    return 1 if rng.random() < 0.75 else 2


def tail(vocab, count=400, seed=1):
    """`count` distinct addresses: words, facets, periods, sorts, later pages."""
    rng = random.Random(f"tail-{seed}")
    low, high = vocab["years"]
    found = {}
    attempts = 0
    while len(found) < count:
        attempts += 1
        if attempts > count * 50:
            raise ValueError(f"only {len(found)} distinct addresses from this vocabulary")
        params = _stem(rng, vocab)
        if rng.random() < 0.3:
            start = rng.randint(low, high)
            if rng.random() < 0.7:
                params["year_from"] = start
                # Both bounds: a span of a multiple of SPAN years (see the docstring).
                params["year_to"] = start + SPAN * rng.randint(0, 3)
            else:
                params[rng.choice(("year_from", "year_to"))] = start
        if rng.random() < 0.2:
            params["page"] = rng.randint(2, 5)
        found.setdefault(path(params), None)
    return list(found)


def fresh_parts(vocab, seed=1, stems=300):
    """(stems, suffixes) for bench/fresh.lua: address i is stems[i % S] +
    suffixes[(i // S) % P], distinct for i < S * P."""
    rng = random.Random(f"fresh-{seed}")
    found = {}
    attempts = 0
    while len(found) < stems and attempts < stems * 50:
        attempts += 1
        found.setdefault(path(_stem(rng, vocab)), None)
    low, high = vocab["years"]
    suffixes = [
        f"&year_from={start}&year_to={end}"
        for start in range(low, high + 1)
        for end in range(start + 1, high + 1)
        if (end - start) % SPAN
    ]
    rng.shuffle(suffixes)
    return list(found), suffixes


def fresh_address(stems, suffixes, index):
    """Address number `index` of the fresh space, as bench/fresh.lua builds it."""
    index %= len(stems) * len(suffixes)
    return stems[index % len(stems)] + suffixes[(index // len(stems)) % len(suffixes)]


# --- The reader's pages and the mix -----------------------------------------------

MIXED_SHARES = {"pages": 4, "stats": 3, "lists": 2, "search": 1}
COUNT_DIMENSIONS = ("type", "year", "province", "sex", "age")


def browse(event_codes, others):
    """The reader's pages beyond the search (group browse), for real public codes."""
    out = ["/cases/facilities/", "/cases/perpetrators/", "/cases/proceedings/"]
    for rows in COUNT_DIMENSIONS:
        for cols in ("", *COUNT_DIMENSIONS):
            if cols != rows:
                for measure in ("violations", "victims"):
                    out.append(f"/cases/counts/?rows={rows}&cols={cols}&measure={measure}")
    for kind, codes in others.items():
        out += [f"/cases/{kind}/{quote(code)}/" for code in codes]
    out += [f"/cases/events/{quote(code)}/pdf/" for code in event_codes[:20]]
    return out


def mixed(paths):
    out = []
    for group, share in MIXED_SHARES.items():
        listing = paths[group]
        out += [listing[i % len(listing)] for i in range(share * 10)]
    # Interleave, so that each connection meets every kind.
    return [out[(i * 37) % len(out)] for i in range(len(out))]
