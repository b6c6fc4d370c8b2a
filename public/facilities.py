"""Detention facilities on the public site: their index and one page each, read
from the published copy alone.

A facility is a row of the public reference list (its name, kind, other names,
place and point, as the public API serves them); what the page says of it beyond
that are the published events and violations the copy keys to it (the search's
`facility` facet), listed with their codes, grouped by violation type and period
(public/listings.py), and the public citations behind them. The province is the
facility's published place or the province above it, never finer; the point is
rounded to its location precision (public/points.py). Each page's data is kept
under the copy's generation (public/caching.py).
"""

from django.conf import settings
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from core.languages import localized
from public import caching, listings, points
from public.models import Entry, Key, Kind, Option, Reference

LEVEL_PROVINCE, LEVEL_COUNTRY = "province", "country"
KINDS_FACET = "facility_kind"


def _places():
    """{code: data} of the published places: one query."""
    return dict(Reference.objects.filter(list="place").values_list("code", "data"))


def province_of(place_code, places):
    """The province a published place lies in (itself if it is one), or None: a
    facility placed only in a country has no province."""
    seen = set()
    while place_code and place_code in places and place_code not in seen:
        seen.add(place_code)
        data = places[place_code]
        if data.get("level") == LEVEL_PROVINCE:
            return place_code
        place_code = data.get("parent")
    return None


def _options(*facets):
    return {(o.facet, o.value): o for o in Option.objects.filter(facet__in=list(facets))}


# --- The index -------------------------------------------------------------------


def facility_index(request):
    # The whole list is cached once per generation and language and filtered here:
    # whatever is typed in the address makes no new cache entry.
    context = caching.remember(request, ["facilities"], index_context)
    kind, province = request.GET.get("kind", ""), request.GET.get("province", "")
    return render(request, "cases/facilities.html", filtered(context, kind, province))


def filtered(context, kind, province):
    """The index with only the facilities of `kind` in `province` (an unknown value
    filters nothing, and the form shows "All")."""
    kind = kind if kind in {value for value, _label in context["kinds"]} else ""
    province = province if province in {value for value, _name in context["provinces"]} else ""
    shown = [
        f
        for f in context["facilities"]
        if (not kind or f["kind"] == kind) and (not province or f["province"] == province)
    ]
    return {**context, "facilities": shown, "kind": kind, "province": province}


def index_context():
    """Every facility of the reference list with its kind, province and counts of
    published records there. Four queries whatever the number of facilities or
    records."""
    places = _places()
    options = _options(KINDS_FACET)
    counts = {}
    rows = (
        Key.objects.filter(facet="facility", entry__kind__in=[Kind.EVENT, Kind.VIOLATION])
        .values_list("value", "entry__kind")
        .annotate(n=Count("entry"))
        .order_by()
    )
    for code, entry_kind, n in rows:
        counts.setdefault(code, {})[entry_kind] = n
    facilities = []
    for code, data in Reference.objects.filter(list="facility").values_list("code", "data"):
        province_code = province_of(data.get("place"), places)
        option = options.get((KINDS_FACET, data.get("kind")))
        facilities.append(
            {
                "code": code,
                "url": reverse("cases:facility", args=[code]),
                "name": localized(data, "name"),
                "kind": data.get("kind"),
                "kind_label": option.label() if option else data.get("kind"),
                "position": option.position if option else 99,
                "province": province_code,
                "province_name": localized(places[province_code], "name") if province_code else "",
                "events": counts.get(code, {}).get(Kind.EVENT, 0),
                "violations": counts.get(code, {}).get(Kind.VIOLATION, 0),
            }
        )
    facilities.sort(key=lambda f: (f["position"], f["name"], f["code"]))
    kinds = sorted(
        {(f["position"], f["kind"], f["kind_label"]) for f in facilities}, key=lambda k: k[0]
    )
    provinces = sorted(
        {(f["province"], f["province_name"]) for f in facilities if f["province"]},
        key=lambda p: p[0],
    )
    return {
        "facilities": facilities,
        "total": len(facilities),
        "kinds": [(value, label) for _position, value, label in kinds],
        "provinces": provinces,
    }


# --- One facility ------------------------------------------------------------------


def facility_detail(request, code):
    tiles = [settings.MAP_TILE_URL, settings.MAP_TILE_ATTRIBUTION]
    context = caching.remember(request, ["facility", code, *tiles], lambda: page_context(code))
    if context is None:
        raise Http404
    return render(request, "cases/facility.html", context)


def page_context(code):
    """The page's data and its body, rendered without the request (so that no
    visitor's CSRF token is in it) and cached with the data: rendering the
    grouped lists cost more than reading them."""
    context = detail_context(code)
    if context is None:
        return None
    context["tile_url"] = settings.MAP_TILE_URL
    context["tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
    context["body"] = render_to_string("cases/_facility.html", context)
    return context


def location(data, places, labels):
    """Where the page and its map show the facility: its own point rounded to its
    precision, else its published place's (or the nearest place above with one);
    None when neither has a point precise enough for a map."""
    candidates = [(data.get("latitude"), data.get("longitude"), data.get("location_precision"))]
    place_code, seen = data.get("place"), set()
    while place_code in places and place_code not in seen:
        seen.add(place_code)
        place = places[place_code]
        candidates.append(
            (place.get("latitude"), place.get("longitude"), place.get("location_precision"))
        )
        place_code = place.get("parent")
    for latitude, longitude, precision in candidates:
        if latitude is not None and precision in points.DECIMALS:
            point = points.shown(latitude, longitude, precision)
            option = labels.get(("precision", precision))
            return {
                "latitude": point.latitude,
                "longitude": point.longitude,
                "precision": precision,
                "precision_label": option.label() if option else precision,
                "zoom": 9 if points.RANK[precision] <= points.RANK[points.LOCALITY] else 6,
            }
    return None


def detail_context(code):
    """The page's data, or None for a code not in the reference list. Eight queries
    on the copy whatever the number of records."""
    reference = Reference.objects.filter(list="facility", code=code).values_list("data").first()
    if reference is None:
        return None
    (data,) = reference
    places = _places()
    labels = _options(KINDS_FACET, "precision")
    records = Entry.objects.with_key("facility", code)
    events = records.filter(kind=Kind.EVENT)
    violations = records.filter(kind=Kind.VIOLATION)
    counts = listings.year_counts(records.filter(kind__in=[Kind.EVENT, Kind.VIOLATION]))
    step, periods = listings.period_table(counts, [Kind.EVENT, Kind.VIOLATION])
    event_periods = listings.by_period(events, step, counts, Kind.EVENT)
    types = listings.by_type(violations)
    province = province_of(data.get("place"), places)
    place = places.get(data.get("place"))
    kind = labels.get((KINDS_FACET, data.get("kind")))
    search = reverse("cases:search")
    return {
        "code": code,
        "name": localized(data, "name"),
        "name_en": data.get("name_en") or "",
        "name_ko": data.get("name_ko") or "",
        "kind_label": kind.label() if kind else data.get("kind"),
        "kind_url": reverse("cases:facilities") + "?" + urlencode({"kind": data.get("kind")}),
        "aliases": listings.aliases(data.get("aliases")),
        "place_name": localized(place, "name") if place else "",
        "province_name": localized(places[province], "name") if province else "",
        "province_url": reverse("cases:facilities") + "?" + urlencode({"province": province})
        if province
        else "",
        "location": location(data, places, labels),
        "boundaries_url": reverse("stats-api:maps-boundaries", args=["korea"]),
        "event_count": sum(group["count"] for group in event_periods),
        "violation_count": sum(group["count"] for group in types),
        "event_periods": event_periods,
        "types": types,
        "periods": [
            (label, n_events, n_violations) for label, _y, n_events, n_violations in periods
        ],
        "sources": listings.cited_sources(
            [item for group in [*event_periods, *types] for item in group["records"]]
        ),
        "search_events": f"{search}?{urlencode({'kind': 'events', 'facility': code})}",
        "search_violations": f"{search}?{urlencode({'kind': 'violations', 'facility': code})}",
    }
