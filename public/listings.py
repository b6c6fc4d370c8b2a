"""Published records on a facility's or an organization's page, grouped by
violation type and by period, with the public citations behind them.

Everything here reads entries of the published copy (public/models.py): what
their API data (`data`, built by the public serializers) and their public bounds
hold, nothing else. Each group's count is exact, as the search's facet counts are
(docs/publication-policy.md, "Small cells", "What it does not cover"), and counted
in SQL; a group lists its first LISTED records and links to the case search for the
rest, so that a camp with tens of thousands of published acts makes a page of a
few hundred rows in a fixed number of queries. No person is counted.
"""

from django.db.models import Count, F, IntegerField, Value, Window
from django.db.models.functions import Cast, ExtractYear, RowNumber
from django.urls import reverse
from django.utils.translation import gettext as _

from core.languages import localized, stored
from public.models import Key, Kind, Option
from public.search import _code_order

# Entry fields a listing reads (with `.only()`): never the search columns.
FIELDS = (
    "kind",
    "code",
    "parent_code",
    "title_en",
    "title_ko",
    "title_ja",
    "when_en",
    "when_ko",
    "when_ja",
    "earliest",
    "is_synthetic",
    "data",
)
# Periods are years while the dated records lie within this many years; beyond,
# spans of SPAN years (1995 to 1999, shown with an en dash).
YEARS_SHOWN_ONE_BY_ONE = 10
SPAN = 5
# Records a group lists; its count and a link to the case search tell of the rest.
LISTED = 20


def record_url(entry):
    """A violation is shown on its event's page, at its anchor."""
    if entry.kind == Kind.VIOLATION:
        return reverse("cases:event", args=[entry.parent_code]) + f"#{entry.code}"
    return reverse("cases:event", args=[entry.code])


def row(entry):
    """What a listing shows of one entry, in the active language."""
    data = stored(entry.data) if entry.data else {}
    kind_of_act = data.get("violation_type") or {}
    return {
        "code": entry.code,
        "kind": entry.kind,
        "url": record_url(entry),
        "title": localized(entry, "title"),
        "when": localized(entry, "when"),
        "year": entry.earliest.year if entry.earliest else None,
        "is_synthetic": entry.is_synthetic,
        "type_code": kind_of_act.get("code", ""),
        "type_name": kind_of_act.get("name", ""),
        "perpetrators": data.get("perpetrators") or [],
        "sources": data.get("sources") or [],
    }


def year_counts(entries):
    """{(kind, year or None): number of entries that began that year}: one query."""
    rows = (
        entries.order_by()
        .annotate(year=ExtractYear("earliest"))
        .values_list("kind", "year")
        .annotate(n=Count("pk"))
    )
    return {(kind, year): n for kind, year, n in rows}


def first_of_each(entries, partition):
    """The first LISTED entries (oldest first) of each value of `partition`, as
    listing rows: one query, whatever the number of entries."""
    ranked = entries.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[partition],
            order_by=[F("earliest").asc(nulls_last=True), F("code").asc()],
        )
    )
    listed = ranked.filter(rank__lte=LISTED).only(*FIELDS)
    return [row(entry) for entry in listed.order_by(F("earliest").asc(nulls_last=True), "code")]


def period_of(step):
    """The first year of an entry's period, as SQL (NULL for an undated entry)."""
    year = ExtractYear("earliest")
    if step == 1:
        return year
    # Integer division on both databases (years are positive).
    return Cast(year / Value(step), IntegerField()) * Value(step)


def by_type(violations):
    """[{code, name, count, records}] of the violations by top-level type of the
    taxonomy (a code without a dot: each violation has one, as the search's `type`
    facet keys it), in the taxonomy's order, at most LISTED records each: three
    queries, whatever the number of violations."""
    keys = Key.objects.filter(facet="type", entry__in=violations).exclude(value__contains=".")
    counts = dict(keys.values_list("value").annotate(n=Count("entry")).order_by())
    ranked = keys.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("value")],
            order_by=[F("entry__earliest").asc(nulls_last=True), F("entry__code").asc()],
        )
    ).filter(rank__lte=LISTED)
    listed = {}
    rows = ranked.select_related("entry").only("value", *(f"entry__{f}" for f in FIELDS))
    for key in rows.order_by(F("entry__earliest").asc(nulls_last=True), "entry__code"):
        listed.setdefault(key.value, []).append(row(key.entry))
    names = {o.value: o.label() for o in Option.objects.filter(facet="type", value__in=counts)}
    groups = [
        {"code": code, "name": names.get(code, code), "count": n, "records": listed.get(code, [])}
        for code, n in counts.items()
    ]
    return sorted(groups, key=lambda group: _code_order(group["code"]))


def period_step(years):
    """1 (each year) or SPAN (spans of years), from the years records began in."""
    years = [year for year in years if year is not None]
    if not years or max(years) - min(years) < YEARS_SHOWN_ONE_BY_ONE:
        return 1
    return SPAN


def period_key(year, step):
    return None if year is None else year - year % step


def period_label(year, step):
    if year is None:
        return _("date unknown")
    if step == 1:
        return str(year)
    start = year - year % step
    return f"{start}\u2013{start + step - 1}"


def period_table(counts, kinds):
    """(step, [(label, first year, count of each kind)]), oldest first, the undated
    last, from `year_counts`. A record that lasted years is counted once, in the
    period it began."""
    step = period_step(year for _kind, year in counts)
    table = {}
    for (kind, year), n in counts.items():
        if kind in kinds:
            table.setdefault(period_key(year, step), [0] * len(kinds))[kinds.index(kind)] += n
    keys = sorted(table, key=lambda key: (key is None, key or 0))
    return step, [(period_label(key, step), key, *table[key]) for key in keys]


def by_period(entries, step, counts, kind):
    """[{label, year, count, records}] of `entries` of one kind by period, oldest
    first (at most LISTED records each): one query."""
    listed = {}
    for item in first_of_each(entries, period_of(step)):
        listed.setdefault(period_key(item["year"], step), []).append(item)
    _step, table = period_table(counts, [kind])
    return [
        {
            "label": label,
            "year": year,
            "last_year": None if year is None else year + step - 1,
            "count": n,
            "records": listed.get(year, []),
        }
        for label, year, n in table
    ]


def cited_sources(rows):
    """The public citations behind the listed rows (a public document with a citation:
    the API's `source_title`, never a source's internal description), each once,
    as the event page shows them: "publisher, citation (year)"."""
    found = {}
    for item in rows:
        for support in item["sources"]:
            title = support.get("source_title")
            if not title:
                continue
            text = title
            if support.get("source_publisher"):
                text = f"{support['source_publisher']}, {text}"
            if support.get("source_year"):
                text = f"{text} ({support['source_year']})"
            found.setdefault(
                text,
                {
                    "label": text,
                    "url": support.get("source_address") or "",
                    "language": script_language(text),
                },
            )
    return sorted(found.values(), key=lambda source: source["label"])


def script_language(text):
    """The language a name or citation is marked with, from its script (the copy
    does not say): Hangul is Korean, Chinese characters Chinese, any other
    (romanized) text English, so that a page marks each in its own language."""
    if any("\uac00" <= c <= "\ud7a3" for c in text):
        return "ko"
    if any("\u4e00" <= c <= "\u9fff" for c in text):
        return "zh"
    return "en"


def aliases(text):
    """[(name, language)] of a reference row's other names, one a line."""
    names = (line.strip() for line in (text or "").splitlines())
    return [(name, script_language(name)) for name in names if name]
