"""The public case search, reading the published copy only (public/search.py).

The page's data (counts, results, facets, and the listing rendered without the
request) is cached under the copy's generation (public/caching.py); the page
around it is rendered for each request, as it carries the visitor's CSRF token.
"""

import json
import math

from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from core import words
from core.languages import language
from core.throttling import SearchRateThrottle, throttled
from public import caching
from public.search import (
    FACET_LABELS,
    FACETS,
    KINDS,
    SEARCH_PARAMETERS,
    SORTS,
    SearchForm,
    api_parameters,
    facet_counts,
    found,
    kind_counts,
    kind_of,
    labelled,
)

PAGE_SIZE = 20
API_LISTS = {
    "events": "event-list",
    "violations": "violation-list",
    "testimonies": "testimony-list",
    "crossings": "bordercrossing-list",
}
# Facets whose values have a page of their own (public/facilities.py,
# public/perpetrators.py): (the value's page, the index).
FACET_PAGES = {
    "facility": ("cases:facility", "cases:facilities"),
    "organization": ("cases:perpetrator", "cases:perpetrators"),
}
# The fields of the form shown again beside it, not as hidden choices.
FORM_FIELDS = {"kind", "q", "year_from", "year_to", "page"}


def _query(params, **changes):
    """The query string with some parameters changed (None removes one) and the page reset."""
    data = {k: v for k, v in params.items() if k != "page"}
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return "?" + urlencode(data)


def _pick(request, entry, field, query="", names=None):
    """The visitor's language, else English, else Korean; in results, the first
    that matches."""
    codes = dict.fromkeys([language(), "en", "ko"])
    texts = [text for text in (getattr(entry, f"{field}_{code}", "") for code in codes) if text]
    terms = words.expanded_terms(query, names)

    def matches(text):
        return any(term in words.normal(text) for term in terms)

    matching = [text for text in texts if matches(text)] if terms else []
    return (matching or texts or [""])[0]


def entry_url(entry):
    """A violation is shown on its event's page, at its anchor."""
    if entry.kind == "violation":
        return reverse("cases:event", args=[entry.parent_code]) + f"#{entry.code}"
    name = {"event": "event", "testimony": "testimony", "crossing": "crossing"}[entry.kind]
    return reverse(f"cases:{name}", args=[entry.code])


def _result(request, entry, query, names):
    title = _pick(request, entry, "title", query, names)
    text = _pick(request, entry, "text", query, names)
    return {
        "record": entry,
        "url": entry_url(entry),
        "title": words.highlight(title, query, names=names),
        "excerpt": words.highlight(text, query, length=240, names=names),
        "when": _pick(request, entry, "when"),
    }


@throttled(SearchRateThrottle)
def case_search(request):
    if not SEARCH_PARAMETERS.issuperset(request.GET):
        # A tracker's tag or a cache-buster can neither reach the page nor make
        # a new cache entry.
        known = request.GET.copy()
        for name in set(known) - SEARCH_PARAMETERS:
            del known[name]
        return redirect(f"{request.path}?{known.urlencode()}" if known else request.path)
    # Hangul typed as separate jamo (NFD) is the same query, and the same entry.
    asked = json.dumps(
        sorted((k, [words.normal_case(v) for v in vs]) for k, vs in request.GET.lists())
    )
    context = caching.remember(request, ["search", asked], lambda: search_context(request))
    return render(request, "cases/search.html", context)


def _facet_pages(name, selected, listed):
    """The page of the value chosen (one the facet lists: any other text may be
    typed in the address) and the index, for a facet that has them."""
    if name not in FACET_PAGES:
        return {}
    page, index = FACET_PAGES[name]
    chosen = reverse(page, args=[selected]) if selected in listed else None
    return {"page": chosen, "index": reverse(index)}


def _without(data, errors):
    """The parameters without those in error (both years when they are reversed)."""
    kept = data.copy()
    for name in errors:
        for parameter in ("year_from", "year_to") if name == NON_FIELD_ERRORS else (name,):
            kept.pop(parameter, None)
    return kept


def search_context(request):
    """The search page's data: it depends on the query and the language only."""
    kind = kind_of(request.GET)
    params = request.GET.copy()
    params["kind"] = kind
    query = request.GET.get("q", "")
    asked = SearchForm(request.GET, kind, strict=True)
    form = asked
    if not asked.is_valid():
        # The page says what was wrong and shows the search without it.
        form = SearchForm(_without(request.GET, asked.errors), kind, strict=True)
    valid = form.is_valid()
    if valid:
        entries = found(form)
        count = entries.count()
    else:
        entries, count = None, 0
    pages = max(1, math.ceil(count / PAGE_SIZE))
    page = request.GET.get("page", "1")
    page = min(max(int(page), 1), pages) if page.isascii() and page.isdigit() else 1
    offset = (page - 1) * PAGE_SIZE
    results = []
    if count:
        page_entries = entries[offset : offset + PAGE_SIZE]
        results = [_result(request, e, query, form.names) for e in page_entries]
    counts = facet_counts(form) if valid else {facet: {} for facet in FACETS[kind]}
    facets = []
    for name, options in labelled(counts).items():
        selected = request.GET.get(name)
        facets.append(
            {
                "name": name,
                "label": FACET_LABELS[name],
                "estimated": False,
                "clear": _query(params, **{name: None}) if selected else None,
                **_facet_pages(name, selected, {value for value, _label, _n in options}),
                "options": [
                    {
                        "value": value,
                        "label": label,
                        "count": n,
                        "selected": value == selected,
                        "url": _query(params, **{name: value}),
                    }
                    for value, label, n in options
                ],
            }
        )
    # The API refuses a parameter it does not read (another kind's facet, say).
    export = urlencode({k: v for k, v in params.items() if k in api_parameters(kind)})
    api = reverse(f"cases-api:{API_LISTS[kind]}")
    # Each tab's count for the words alone, as its link gives them.
    tab_counts = kind_counts(form.cleaned_data.get("q", ""), form.names) if valid else {}
    kinds = [
        (key, label, _query({"q": query}, kind=key), tab_counts.get(key))
        for key, (_k, label) in KINDS.items()
    ]
    context = {
        "kind": kind,
        "kinds": kinds,
        # Facet choices travel with a new search from the form.
        "hidden": [(k, v) for k, v in params.items() if k not in FORM_FIELDS],
        "query": query,
        # With no result here, the kinds the words do find, each with its link.
        "elsewhere": [(label, url, n) for key, label, url, n in kinds if key != kind and n]
        if not count and query
        else [],
        "short_query": words.is_short(query),
        "errors": [
            (asked.fields[name].label if name in asked.fields else "", message)
            for name, messages in asked.errors.items()
            for message in messages
        ],
        "results": results,
        "count": count,
        # Counts over the copy are exact: nothing is estimated, capped or left unranked.
        "capped": False,
        "estimated": False,
        "unranked": False,
        "page": page,
        "first_number": offset + 1,
        "pages": pages,
        "previous": _query(params, page=page - 1) if page > 1 else None,
        "next": _query(params, page=page + 1) if page < pages else None,
        "facets": facets,
        "active_filters": sum(1 for facet in facets if facet["clear"]),
        "sorts": [(key, label, _query(params, sort=key)) for key, label in SORTS.items()],
        "sort": request.GET.get("sort", ""),
        "csv_url": f"{api}?{export}&format=csv&page_size=1000",
        "json_url": f"{api}?{export}&format=json&page_size=1000",
    }
    # Rendered without the request, so that no visitor's CSRF token or user can
    # be in it: it is cached with the data.
    context["listing"] = render_to_string("cases/_listing.html", context)
    return context
