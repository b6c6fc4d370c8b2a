"""Public case pages: the search, the case pages and the violation counts.

Every record comes through a queryset that starts from `.public()` (those of
`cases.api_views` for the case pages); a code that is not public is a 404, like
one that does not exist.

The data of the search and case pages (counts, results, facets, records) is
cached per process under the token of the case data, the query and the language
(nkdb/caching.py); the HTML is rendered for each request, as it carries the
visitor's CSRF token, except the search page's facets and results, which are
rendered without the request and cached with the data.
"""

import math

from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from cases import aggregates, search
from cases.api_views import (
    crossings_queryset,
    events_queryset,
    supporting_information,
    testimonies_queryset,
)
from cases.filters import FILTERS, SORTS, facet_counts
from cases.models import BorderCrossing, Event, Testimony, Violation
from cases.serializers import public_place
from nkdb.caching import CASES, query_key, reads_revision, remember
from nkdb.throttling import SearchRateThrottle, throttled

PAGE_SIZE = 20


def _violation_results():
    return Violation.objects.public().select_related("violation_type", "event")


# A result shows a record's own fields only (`_result`): none of the related lists
# the API nests, which would be fetched, cached and unpickled for nothing.
KINDS = {
    "events": (Event, Event.objects.public, _("Events")),
    "violations": (Violation, _violation_results, _("Violations")),
    "testimonies": (Testimony, Testimony.objects.public, _("Testimonies")),
    "crossings": (BorderCrossing, BorderCrossing.objects.public, _("Border crossings")),
}
API_LISTS = {
    "events": "event-list",
    "violations": "violation-list",
    "testimonies": "testimony-list",
    "crossings": "bordercrossing-list",
}
FACET_LABELS = {
    "type": _("Violation type"),
    "province": _("Province"),
    "county": _("County or city"),
    "facility": _("Facility"),
    "organization": _("Perpetrator organization"),
    "sex": _("Victim's sex"),
    "age": _("Victim's age at the time"),
    "knowledge": _("How the source knows"),
    "sources": _("Corroborating sources"),
    "outcome": _("Outcome"),
    "transit": _("Transit country"),
}


def _query(params, **changes):
    """The query string with some parameters changed (None removes one) and the page reset."""
    data = {k: v for k, v in params.items() if k != "page"}
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return "?" + urlencode(data)


def _is_korean(request):
    return (request.LANGUAGE_CODE or "").startswith("ko")


def _pick(request, record, field, query=""):
    """The visitor's language, else the other; in results, the one that matches."""
    korean, english = getattr(record, f"{field}_ko", ""), getattr(record, f"{field}_en", "")
    first, second = (korean, english) if _is_korean(request) else (english, korean)
    words = search.terms(query)

    def matches(text):
        return any(word in (text or "").lower() for word in words)

    if words and not matches(first) and matches(second):
        return second
    return first or second


def _result(request, kind, record, query):
    """One search result: a link, a highlighted title and an excerpt."""
    if kind == "events":
        title, text = (
            _pick(request, record, "title", query),
            _pick(request, record, "description", query),
        )
        url = reverse("cases:event", args=[record.code])
    elif kind == "violations":
        title = f"{record.violation_type.name}: {record.event.title}"
        text = _pick(request, record, "description", query)
        url = reverse("cases:event", args=[record.event.code]) + f"#{record.code}"
    elif kind == "testimonies":
        title, text = (
            _pick(request, record, "title", query),
            _pick(request, record, "public_summary", query),
        )
        url = reverse("cases:testimony", args=[record.code])
    else:
        title = f"{record.get_outcome_display()}: {record.crossing_point}"
        text = _pick(request, record, "description", query)
        url = reverse("cases:crossing", args=[record.code])
    return {
        "record": record,
        "url": url,
        "title": search.highlight(title, query),
        "excerpt": search.highlight(text, query, length=240),
        # Looked up here: a name the record lacks costs the template a dir() of it.
        "when": getattr(record, "period_display", None) or record.crossing_date_display,
    }


# Anything else in the address (a tracker's tag, a cache-buster) is dropped by a
# redirect, so that it can neither reach the cached page nor make a new entry.
SEARCH_PARAMETERS = {"kind", "page"}.union(*(f.base_filters for f in FILTERS.values()))


@throttled(SearchRateThrottle)
@reads_revision(CASES)
def case_search(request):
    if not SEARCH_PARAMETERS.issuperset(request.GET):
        known = request.GET.copy()
        for name in set(known) - SEARCH_PARAMETERS:
            del known[name]
        return redirect(f"{request.path}?{known.urlencode()}" if known else request.path)
    context = remember(request, CASES, ["search", query_key(request)], lambda: _search(request))
    return render(request, "cases/search.html", context)


def _search(request):
    """The search page's context: it depends on the query and the language only."""
    kind = request.GET.get("kind", "events")
    if kind not in KINDS:
        kind = "events"
    model, queryset, _label = KINDS[kind]
    params = request.GET.copy()
    params["kind"] = kind
    filterset = FILTERS[model](request.GET, queryset=queryset())
    records = filterset.qs if filterset.is_valid() else queryset().none()
    # The words and filters are evaluated here, once: the page and the facets
    # select the records counted by their ids.
    count, counted, ids = search.count_or_estimate(records)
    if counted == "exact":
        records = FILTERS[model](request.GET, queryset=queryset(), ids=ids).qs
    estimated = counted == "estimated"
    # Ranking scores every match: above RANK_CAP matches the newest come first instead.
    too_many = estimated or count > search.RANK_CAP
    unranked = too_many and "search_rank" in records.query.annotations
    unranked = unranked and request.GET.get("sort", "relevance") == "relevance"
    if unranked:
        records = records.order_by(*model._meta.ordering)
    pages = max(1, math.ceil(count / PAGE_SIZE))
    page = request.GET.get("page", "1")
    page = min(max(int(page), 1), pages) if page.isascii() and page.isdigit() else 1
    offset = (page - 1) * PAGE_SIZE
    query = request.GET.get("q", "")
    results = [
        _result(request, kind, record, query) for record in records[offset : offset + PAGE_SIZE]
    ]
    facets = []
    all_facets = facet_counts(
        model,
        request.GET,
        model.objects.public(),
        estimated=estimated,
        ids=ids,
        places=filterset.places,
    )
    for name, (options, facet_estimated) in all_facets.items():
        selected = request.GET.get(name)
        facets.append(
            {
                "name": name,
                "label": FACET_LABELS[name],
                "estimated": facet_estimated,
                "clear": _query(params, **{name: None}) if selected else None,
                "options": [
                    {
                        "value": value,
                        "label": label,
                        "count": n,
                        "selected": str(value) == selected,
                        "url": _query(params, **{name: value}),
                    }
                    for value, label, n in options
                ],
            }
        )
    # The API refuses a parameter it does not read (another kind's facet, say).
    export = urlencode({k: v for k, v in params.items() if k in FILTERS[model].base_filters})
    api = reverse(f"cases-api:{API_LISTS[kind]}")
    context = {
        "kind": kind,
        "kinds": [
            (key, label, _query({"q": query}, kind=key)) for key, (_m, _q, label) in KINDS.items()
        ],
        # Facet choices travel with a new search from the form.
        "hidden": [
            (k, v)
            for k, v in params.items()
            if k not in {"kind", "q", "year_from", "year_to", "page"}
        ],
        "query": query,
        "short_query": search.is_short(query),
        "results": results,
        "count": count,
        "capped": counted == "capped",
        "estimated": estimated,
        "unranked": unranked,
        "sample_percent": 100 // search.SAMPLE_EVERY,
        "count_cap": search.COUNT_CAP,
        "rank_cap": search.RANK_CAP,
        "page": page,
        "first_number": offset + 1,
        "pages": pages,
        "previous": _query(params, page=page - 1) if page > 1 else None,
        "next": _query(params, page=page + 1) if page < pages else None,
        "facets": facets,
        "sorts": [(key, label, _query(params, sort=key)) for key, label in SORTS.items()],
        "sort": request.GET.get("sort", ""),
        "csv_url": f"{api}?{export}&format=csv&page_size=1000",
        "json_url": f"{api}?{export}&format=json&page_size=1000",
    }
    # The facets and results (most of the rendering) depend on nothing else
    # either: rendered here, without the request, so that no visitor's CSRF token
    # or user can be in them, they are cached with the data.
    context["listing"] = render_to_string("cases/_listing.html", context)
    return context


def _get(queryset, code):
    record = queryset.filter(code=code).first()
    if record is None:
        raise Http404
    return record


@reads_revision(CASES)
def event_detail(request, code):
    context = remember(request, CASES, ["event", code], lambda: _event(request, code))
    return render(request, "cases/event.html", context)


def _event(request, code):
    event = _get(events_queryset(), code)
    # One query for the sources of every violation (only public ones are shown).
    sources = {}
    for information in supporting_information().filter(violation__event=event):
        sources.setdefault(information.violation_id, []).append(information)
    for violation in event.public_violations:
        violation.sources = sources.get(violation.pk, [])
        violation.shown_place = public_place(violation.place)
        violation.description = _pick(request, violation, "description")
    context = {
        "event": event,
        "event_place": public_place(event.place),
        "title": _pick(request, event, "title"),
        "description": _pick(request, event, "description"),
        "sources": event.public_information,
    }
    return context


def violation_detail(request, code):
    violation = _get(Violation.objects.public().select_related("event"), code)
    return redirect(reverse("cases:event", args=[violation.event.code]) + f"#{violation.code}")


@reads_revision(CASES)
def testimony_detail(request, code):
    context = remember(request, CASES, ["testimony", code], lambda: _testimony(request, code))
    return render(request, "cases/testimony.html", context)


def _testimony(request, code):
    testimony = _get(testimonies_queryset(), code)
    crossings = list(crossings_queryset().filter(testimony=testimony))
    events = list(Event.objects.public().filter(information__testimony=testimony).distinct())
    context = {
        "testimony": testimony,
        "title": _pick(request, testimony, "title"),
        "summary": _pick(request, testimony, "public_summary"),
        "events": events,
        "crossings": crossings,
    }
    return context


@reads_revision(CASES)
def crossing_detail(request, code):
    context = remember(request, CASES, ["crossing", code], lambda: _crossing(request, code))
    return render(request, "cases/crossing.html", context)


def _crossing(request, code):
    crossing = _get(crossings_queryset(), code)
    context = {
        "crossing": crossing,
        "departure": public_place(crossing.departure_place),
        "settlement": public_place(crossing.settlement_place),
        "description": _pick(request, crossing, "description"),
    }
    return context


@reads_revision(CASES)
def counts(request):
    rows = request.GET.get("rows", "type")
    cols = request.GET.get("cols", "year")
    if rows not in aggregates.DIMENSIONS:
        rows = "type"
    if cols not in aggregates.DIMENSIONS or cols == rows:
        cols = None
    # Aggregates over every public act take seconds at scale: kept until the next
    # write, under the table's dimensions (not the address, which any parameter
    # added would make new).
    context = remember(request, CASES, ["counts", rows, cols or ""], lambda: _counts(rows, cols))
    return render(request, "cases/counts.html", context)


def _counts(rows, cols):
    by = ",".join(d for d in aggregates.DIMENSIONS if d in (rows, cols))
    return {
        "table": aggregates.Aggregates().table(rows, cols),
        "dimensions": aggregates.DIMENSIONS,
        "rows": rows,
        "cols": cols or "",
        "threshold": aggregates.THRESHOLD,
        "csv_url": reverse("cases-api:aggregates") + "?" + urlencode({"by": by, "format": "csv"}),
    }
