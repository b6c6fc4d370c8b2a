"""Proceedings and interventions on the public site: the list of published
proceedings with their counts by forum and by outcome, and one page each, read
from the published copy alone (entries of kind `proceeding`, cases/entries.py).

Every count is of the proceedings the same page lists one by one with their
codes, so it is exact, as the facility pages' counts are
(docs/publication-policy.md, "Small cells"); no person is counted. The API's
counts (public/api.py) are these.
"""

from django.db.models import F
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from core.languages import localized, stored
from public import caching
from public.models import Entry, Kind, Option

FORUM, OUTCOME = "forum", "proc_outcome"
# The API's and the page's dimensions: {name: (the data's key, the options' facet)}.
DIMENSIONS = {"forum": ("forum", FORUM), "outcome": ("outcome", OUTCOME)}


def rows():
    """The published proceedings in the page's language, newest first: one query."""
    entries = Entry.objects.of(Kind.PROCEEDING).only(
        "code", "data", "when_en", "when_ko", "when_ja"
    )
    found = []
    # Undated last on either database (PostgreSQL sorts nulls first when descending).
    for entry in entries.order_by(F("order_date").desc(nulls_last=True), "code"):
        data = stored(entry.data)
        found.append(
            {
                **data,
                "when": localized(entry, "when"),
                "url": reverse("cases:proceeding", args=[entry.code]),
            }
        )
    return found


def counted(proceedings, dimension):
    """[{value, label, count}] of one dimension, values without a proceeding left
    out, in the order of the choices (the copy's options: one query). The label is
    the one the entries carry, in the page's language."""
    key, facet = DIMENSIONS[dimension]
    numbers, labels = {}, {}
    for proceeding in proceedings:
        value = proceeding[key]
        numbers[value] = numbers.get(value, 0) + 1
        labels[value] = proceeding[f"{key}_name"]
    positions = dict(
        Option.objects.filter(facet=facet, value__in=list(numbers)).values_list("value", "position")
    )
    order = sorted(numbers, key=lambda value: (positions.get(value, len(positions)), value))
    return [{"value": v, "label": labels[v], "count": numbers[v]} for v in order]


def index_context():
    """Three queries on the copy whatever the number of proceedings."""
    proceedings = rows()
    return {
        "proceedings": proceedings,
        "total": len(proceedings),
        "by_forum": counted(proceedings, "forum"),
        "by_outcome": counted(proceedings, "outcome"),
    }


def filtered(context, forum, outcome):
    """The list with only the proceedings before `forum` with `outcome` (an unknown
    value filters nothing); the counts stay those of every proceeding."""
    forum = forum if forum in {f["value"] for f in context["by_forum"]} else ""
    outcome = outcome if outcome in {o["value"] for o in context["by_outcome"]} else ""
    shown = [
        p
        for p in context["proceedings"]
        if (not forum or p["forum"] == forum) and (not outcome or p["outcome"] == outcome)
    ]
    return {**context, "proceedings": shown, "forum": forum, "outcome": outcome}


def proceeding_index(request):
    context = caching.remember(request, ["proceedings"], index_context)
    forum, outcome = request.GET.get("forum", ""), request.GET.get("outcome", "")
    return render(request, "cases/proceedings.html", filtered(context, forum, outcome))


def proceeding_detail(request, code):
    entry = Entry.objects.filter(kind=Kind.PROCEEDING, code=code).only("page").first()
    if entry is None:
        raise Http404
    return render(request, "cases/proceeding.html", stored(entry.page))
