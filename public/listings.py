"""Published records listed one by one on a facility's or an organization's page,
grouped by violation type and by period, with the public citations behind them.

Everything here reads entries of the published copy (public/models.py) already
fetched by the caller: what their API data (`data`, built by the public
serializers) and their public bounds hold, nothing else. Each group's count is the
number of records it lists with their codes, so it is exact, as the search's facet
counts are (docs/publication-policy.md, "Small cells", "What it does not cover").
No person is counted.
"""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from public.models import Kind
from public.search import _code_order

# Entry fields a listing reads (with `.only()`): never the search columns.
FIELDS = (
    "kind",
    "code",
    "parent_code",
    "title_en",
    "title_ko",
    "when_en",
    "when_ko",
    "earliest",
    "is_synthetic",
    "data",
)
# Periods are years while the dated records lie within this many years; beyond,
# spans of SPAN years (1995 to 1999, shown with an en dash).
YEARS_SHOWN_ONE_BY_ONE = 10
SPAN = 5


def language():
    return "ko" if (get_language() or "").startswith("ko") else "en"


def record_url(entry):
    """A violation is shown on its event's page, at its anchor."""
    if entry.kind == Kind.VIOLATION:
        return reverse("cases:event", args=[entry.parent_code]) + f"#{entry.code}"
    return reverse("cases:event", args=[entry.code])


def row(entry):
    """What a listing shows of one entry, in the active language."""
    lang = language()
    data = (entry.data or {}).get(lang) or {}
    other = "en" if lang == "ko" else "ko"
    kind_of_act = data.get("violation_type") or {}
    return {
        "code": entry.code,
        "kind": entry.kind,
        "url": record_url(entry),
        "title": getattr(entry, f"title_{lang}") or getattr(entry, f"title_{other}"),
        "when": getattr(entry, f"when_{lang}") or getattr(entry, f"when_{other}"),
        "year": entry.earliest.year if entry.earliest else None,
        "is_synthetic": entry.is_synthetic,
        "type_code": kind_of_act.get("code", ""),
        "type_name": kind_of_act.get("name", ""),
        "perpetrators": data.get("perpetrators") or [],
        "sources": data.get("sources") or [],
    }


def by_type(rows):
    """[{code, name, count, records}] of violations, in the taxonomy's order."""
    groups = {}
    for item in rows:
        group = groups.setdefault(
            item["type_code"], {"code": item["type_code"], "name": item["type_name"], "records": []}
        )
        group["records"].append(item)
    ordered = sorted(groups.values(), key=lambda group: _code_order(group["code"]))
    for group in ordered:
        group["count"] = len(group["records"])
    return ordered


def period_step(rows):
    """1 (each year) or SPAN (spans of years), from the years of the rows."""
    years = [item["year"] for item in rows if item["year"] is not None]
    if not years or max(years) - min(years) < YEARS_SHOWN_ONE_BY_ONE:
        return 1
    return SPAN


def period_label(year, step):
    if year is None:
        return _("date unknown")
    if step == 1:
        return str(year)
    start = year - year % step
    return f"{start}\u2013{start + step - 1}"


def by_period(rows, step):
    """[{label, count, records}], oldest first, the undated last. A record that
    lasted years is counted once, in the period it began."""
    groups = {}
    for item in rows:
        key = None if item["year"] is None else item["year"] - item["year"] % step
        groups.setdefault(key, []).append(item)
    keys = sorted(groups, key=lambda key: (key is None, key or 0))
    return [
        {"label": period_label(key, step), "count": len(groups[key]), "records": groups[key]}
        for key in keys
    ]


def period_table(events, violations):
    """[(label, events, violations)] over one scale of periods for both lists."""
    step = period_step([*events, *violations])
    counted = {}
    for column, rows in enumerate((events, violations)):
        for group in by_period(rows, step):
            counted.setdefault(group["label"], [0, 0])[column] = group["count"]
    order = by_period([*events, *violations], step)
    return step, [(group["label"], *counted[group["label"]]) for group in order]


def cited_sources(rows):
    """The public citations behind the rows (a public document with a citation:
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


def name(data, korean):
    """A reference row's name in the page's language, or in the other when it has none."""
    first, second = ("name_ko", "name_en") if korean else ("name_en", "name_ko")
    return data.get(first) or data.get(second) or ""
