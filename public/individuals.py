"""Individual perpetrators on the public site, read from the published copy.

An individual is named only after a reviewer's decision (the naming, decided in
the curation site). The copy keys each published act of an individual perpetrator
`individual` = the naming's code, or UNNAMED while not named; the name is in the
act's own data (its API `perpetrators`) and nowhere else, so a withdrawal, which
rewrites those acts, takes it from every page.

The perpetrator index counts the published violations of individuals not named,
without a name, and lists the named ones; a named individual's page lists their
published violations by type and period, as an organization's page does.
"""

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from core.languages import stored
from public import caching, listings
from public.models import Entry, Key, Kind, Option

UNNAMED = "unnamed"  # as the publication keys it


def _keys():
    return Key.objects.filter(facet="individual", entry__kind=Kind.VIOLATION)


def _name(entry, code):
    """The individual's published name, as the act's data in the page's language holds it."""
    data = stored(entry.data) if entry.data else {}
    for perpetrator in data.get("perpetrators") or []:
        if perpetrator.get("individual") == code:
            return perpetrator.get("individual_name") or ""
    return ""


def index_summary():
    """{unnamed: violations of individuals not named, named: [{code, name, url,
    count}]}: two queries, whatever the number of records."""
    counts = dict(_keys().values_list("value").annotate(n=Count("entry")).order_by())
    unnamed = counts.pop(UNNAMED, 0)
    named = []
    if counts:
        first = (
            _keys()
            .filter(value__in=sorted(counts))
            .annotate(
                rank=Window(RowNumber(), partition_by=[F("value")], order_by=[F("entry__code")])
            )
            .filter(rank=1)
            .select_related("entry")
            .only("value", "entry__data")
        )
        named = [
            {
                "code": key.value,
                "name": _name(key.entry, key.value),
                "url": reverse("cases:perpetrator-person", args=[key.value]),
                "count": counts[key.value],
            }
            for key in first
        ]
    return {"unnamed": unnamed, "named": sorted(named, key=lambda row: (row["name"], row["code"]))}


def individual_detail(request, code):
    context = caching.remember(request, ["individual", code], lambda: detail_context(code))
    if context is None:
        raise Http404
    return render(request, "cases/perpetrator_person.html", context)


def detail_context(code):
    """The page's data, or None unless a published violation names this
    individual. Six queries on the copy whatever the number of records."""
    if code == UNNAMED:
        return None
    attributed = Key.objects.filter(facet="individual", value=code).values("entry")
    violations = Entry.objects.filter(kind=Kind.VIOLATION, pk__in=attributed)
    first = violations.only("data").order_by("code").first()
    if first is None:
        return None
    name = _name(first, code)
    degrees = {o.value: o.label() for o in Option.objects.filter(facet="degree")}
    counts = listings.year_counts(violations)
    _step, periods = listings.period_table(counts, [Kind.VIOLATION])
    types = listings.by_type(violations)
    for item in (item for group in types for item in group["records"]):
        item["attributed"] = [
            {"name": name, "url": "", "degree": degrees.get(p.get("degree"), "")}
            for p in item["perpetrators"]
            if p.get("individual") == code
        ]
    return {
        "code": code,
        "name": name,
        "violation_count": sum(group["count"] for group in types),
        "types": types,
        "periods": [(label, n) for label, _year, n in periods],
        # The approved name is in the acts' search columns (cases/entries.py).
        "search_violations": reverse("cases:search")
        + "?"
        + urlencode({"kind": "violations", "q": name}),
    }
