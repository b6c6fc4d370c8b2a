"""The case map: published events and facilities as GeoJSON markers, and its page.

Only `Event.objects.public()` reaches the map. An event has no point of its own:
it is shown at its facility's point, else at its place's point (or the nearest
enclosing place that has one). Two rules keep a point from saying more than the
record does:

* a point is never more precise than its location precision (coordinates are
  rounded to it, see DECIMALS);
* an event involving a living person (a victim of one of its acts, or the
  interviewee of a testimony behind it, with `Person.is_alive` true or not
  recorded) is never shown more precisely than the county: a finer point falls
  back to the enclosing county's or province's point, else is rounded to
  county size (0.1°).

It scales by grouping in SQL: the point of an event depends only on its place,
its facility and whether it involves a living person, so one grouped query gives
how many matching events share each point, however many events there are.
Zoomed out, those groups are merged into grid clusters; individual events are
sent only when few enough (POINT_LIMIT) lie in the requested box.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import dates
from cases.filters import EventFilter
from cases.models import (
    Event,
    Facility,
    Information,
    LocationPrecision,
    Person,
    Place,
    Violation,
    ViolationType,
)

P = LocationPrecision
# Finest first. UNKNOWN is not on this scale: a point of unknown precision is
# never shown, and the enclosing place's point is used instead.
RANK = {P.EXACT: 0, P.APPROXIMATE: 1, P.LOCALITY: 2, P.COUNTY: 3, P.PROVINCE: 4, P.COUNTRY: 5}
# Decimal places a point of each precision is rounded to (0.0001° ≈ 11 m, 0.01° ≈ 1 km,
# 0.1° ≈ 11 km). A country-level point is too vague to place an event on a map.
DECIMALS = {P.EXACT: 4, P.APPROXIMATE: 2, P.LOCALITY: 2, P.COUNTY: 1, P.PROVINCE: 1}
LIVING_FINEST = P.COUNTY
POINT_LIMIT = 300  # individual events are sent when at most this many are in the box
CLUSTER_PIXELS = 64  # grid cell size on screen when clustering
MAX_ZOOM = 18


@dataclass(frozen=True)
class Located:
    latitude: float
    longitude: float
    precision: str
    coarsened: bool = False


def _candidates(facility, place):
    """(latitude, longitude, precision) from the most specific to the least."""
    out = []
    if facility is not None and facility.latitude is not None:
        out.append((facility.latitude, facility.longitude, facility.location_precision))
    place = place or (facility.place if facility is not None else None)
    seen = set()
    while place is not None and place.pk not in seen:
        seen.add(place.pk)
        if place.latitude is not None:
            out.append((place.latitude, place.longitude, place.location_precision))
        place = place.parent
    return out


def _shown(latitude, longitude, precision, coarsened=False):
    digits = DECIMALS[precision]
    return Located(
        round(float(latitude), digits), round(float(longitude), digits), precision, coarsened
    )


def locate(facility, place, *, living):
    """The point an event may be shown at, or None.

    `living`: the event involves a living person (or one whose status is not
    recorded), so nothing finer than the county is shown.
    """
    finest = RANK[LIVING_FINEST] if living else 0
    candidates = [c for c in _candidates(facility, place) if c[2] in RANK]
    if not candidates or candidates[0][2] not in DECIMALS:
        return None  # no point, or only a country-level one: too vague for the map
    latitude, longitude, precision = candidates[0]
    if RANK[precision] >= finest:
        return _shown(latitude, longitude, precision)
    coarser = next(
        (c for c in candidates[1:] if c[2] in DECIMALS and RANK[c[2]] >= finest),
        None,
    )
    if coarser is not None:
        return _shown(*coarser, coarsened=True)
    return _shown(latitude, longitude, LIVING_FINEST, coarsened=True)


def living_condition():
    """An event involves a living person, or one whose status is not recorded.

    The definition of Event.involves_living, which cases.publication stores. It
    looks at every related record, published or not: it only ever makes a point
    coarser, never shows anything. Three EXISTS, each served by an index (the
    violations of the event, the information on it, the information on its acts).
    """
    alive = Q(is_alive=True) | Q(is_alive__isnull=True)
    persons = Person.objects.filter(alive)
    victims = Violation.objects.filter(event=OuterRef("pk"), victim__in=persons)
    witnesses = Information.objects.filter(testimony__interviewee__in=persons)
    return (
        Exists(victims)
        | Exists(witnesses.filter(event=OuterRef("pk")))
        | Exists(witnesses.filter(violation__event=OuterRef("pk")))
    )


# --- Filters -------------------------------------------------------------------


def filtered_events(params):
    """Public events filtered like the case search, so the map matches it."""
    filterset = EventFilter(params, queryset=Event.objects.public())
    if not filterset.is_valid():
        return Event.objects.none()
    return filterset.qs


# --- Links ---------------------------------------------------------------------


def event_url(code):
    """The public case page if the case pages (issue 5) define one, else the search."""
    for name in ("cases:event-detail", "cases:event"):
        try:
            return reverse(name, kwargs={"code": code})
        except NoReverseMatch:
            continue
    return f"{search_url()}?{urlencode({'q': code})}"


def search_url():
    for name in ("cases:search", "cases:index", "cases:event-list"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/cases/"


# --- The layer -----------------------------------------------------------------


def parse_bbox(value):
    """west,south,east,north in degrees, or None."""
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except (AttributeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)) or south > north:
        return None
    return max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0)


def _inside(bbox, point):
    if bbox is None:
        return True
    west, south, east, north = bbox
    return west <= point.longitude <= east and south <= point.latitude <= north


def _load_places(ids):
    return Place.objects.filter(pk__in=ids).select_related(
        "parent", "parent__parent", "parent__parent__parent"
    )


def _load_facilities(ids):
    return Facility.objects.filter(pk__in=ids).select_related(
        "place", "place__parent", "place__parent__parent", "place__parent__parent__parent"
    )


def event_points(events):
    """{(place_id, facility_id, living): (Located or None, count)} in three queries."""
    # COUNT(*), not COUNT(id): the partial index cases_event_public_map holds the
    # three grouped columns but not id, so only COUNT(*) lets the unfiltered map
    # be an index-only scan instead of reading the whole (wide) table.
    groups = list(
        events.order_by()
        .values_list("place_id", "facility_id", "involves_living")
        .annotate(n=Count("*"))
    )
    places = {p.pk: p for p in _load_places({g[0] for g in groups if g[0]})}
    facilities = {f.pk: f for f in _load_facilities({g[1] for g in groups if g[1]})}
    return {
        (place_id, facility_id, living): (
            locate(facilities.get(facility_id), places.get(place_id), living=living),
            n,
        )
        for place_id, facility_id, living, n in groups
    }


def _cluster(located, zoom):
    """Merge (point, count) pairs into grid cells about CLUSTER_PIXELS wide."""
    cell = 360.0 / (256 * 2**zoom) * CLUSTER_PIXELS
    cells = {}
    for point, n in located:
        key = (math.floor(point.longitude / cell), math.floor(point.latitude / cell))
        c = cells.setdefault(key, {"n": 0, "lat": 0.0, "lon": 0.0})
        c["n"] += n
        c["lat"] += point.latitude * n
        c["lon"] += point.longitude * n
    return [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(c["lon"] / c["n"], 4), round(c["lat"] / c["n"], 4)],
            },
            "properties": {"kind": "cluster", "count": c["n"]},
        }
        for c in sorted(cells.values(), key=lambda c: -c["n"])
    ]


def _event_features(events, points, bbox):
    """The individual events of the groups whose point is in the box."""
    keys = [key for key, (point, _n) in points.items() if point and _inside(bbox, point)]
    if not keys:
        return []
    condition = Q()
    for place_id, facility_id, _living in keys:
        condition |= Q(place_id=place_id, facility_id=facility_id)
    rows = (
        events.filter(condition)
        .only(
            "code",
            "title_en",
            "title_ko",
            "is_synthetic",
            "place_id",
            "facility_id",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "involves_living",
        )
        .order_by("code")[: POINT_LIMIT + 1]
    )
    features = []
    for event in rows:
        point, _n = points.get(
            (event.place_id, event.facility_id, event.involves_living), (None, 0)
        )
        if point is None or not _inside(bbox, point):
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point.longitude, point.latitude]},
                "properties": {
                    "kind": "event",
                    "code": event.code,
                    "title": event.title,
                    "synthetic": event.is_synthetic,
                    "period": str(
                        dates.display(event.start_date, event.start_precision)
                        if event.start_date
                        else _("date unknown")
                    ),
                    "precision": point.precision,
                    "precision_display": str(P(point.precision).label),
                    "coarsened": point.coarsened,
                    "url": event_url(event.code),
                },
            }
        )
    return features[:POINT_LIMIT]


def facility_features(bbox):
    features = []
    for facility in Facility.objects.exclude(latitude=None).order_by("code"):
        if facility.location_precision not in DECIMALS:
            continue
        point = _shown(facility.latitude, facility.longitude, facility.location_precision)
        if not _inside(bbox, point):
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point.longitude, point.latitude]},
                "properties": {
                    "kind": "facility",
                    "code": facility.code,
                    "title": facility.name,
                    "facility_kind": str(facility.get_kind_display()),
                    "precision": point.precision,
                    "precision_display": str(P(point.precision).label),
                    "url": f"{search_url()}?{urlencode({'facility': facility.code})}",
                },
            }
        )
    return features


def marker_layer(params):
    """The markers for a bounding box, a zoom level and the case-search filters."""
    bbox = parse_bbox(params.get("bbox"))
    try:
        zoom = min(max(int(params.get("zoom", 5)), 0), MAX_ZOOM)
    except ValueError:
        zoom = 5
    events = filtered_events(params)
    points = event_points(events)
    inside = [(p, n) for p, n in points.values() if p is not None and _inside(bbox, p)]
    total = sum(n for _p, n in inside)
    unmapped = sum(n for p, n in points.values() if p is None)
    if total <= POINT_LIMIT:
        mode, features = "points", _event_features(events, points, bbox)
    else:
        mode, features = "clusters", _cluster(inside, zoom)
    if params.get("facilities", "1") != "0":
        features += facility_features(bbox)
    return {
        "type": "FeatureCollection",
        "mode": mode,
        "total": total,
        "unmapped": unmapped,
        "point_limit": POINT_LIMIT,
        "notes": [
            str(
                _(
                    "Points are never more precise than a record's location precision, and "
                    "events involving a living person are never shown more precisely than "
                    "the county."
                )
            ),
        ],
        "features": features,
    }


class MarkerView(APIView):
    """Published events (and facilities) as GeoJSON points for the case map.

    Public records only (`Event.objects.public()`), filtered like the case search
    (`type`, `province`, `year_from`, `year_to`, and the search's other facets) and
    by `bbox` (west,south,east,north). When more than `point_limit` events lie in the
    box, the response holds grid clusters (`kind=cluster`, `count`) for the `zoom`
    level instead of events (`mode` says which). An event's point is rounded to its
    location precision, and events involving a living person are never shown more
    precisely than the county (`coarsened`).
    """

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("bbox", str, description="west,south,east,north in degrees"),
            OpenApiParameter("zoom", int, description="Map zoom level (0-18), sizes clusters"),
            OpenApiParameter("type", str, description="Violation type code, e.g. V04"),
            OpenApiParameter("province", str, description="ISO 3166-2 code, e.g. KP-09"),
            OpenApiParameter("year_from", int),
            OpenApiParameter("year_to", int),
            OpenApiParameter("facilities", str, enum=["0", "1"], description="Include facilities"),
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        return Response(marker_layer(request.query_params))


def case_map_page(request):
    """Where things happened: published events and facilities on a map."""
    types = ViolationType.objects.filter(parent=None).order_by("code")
    provinces = Place.objects.filter(level=Place.Level.PROVINCE, code__startswith="KP-")
    values = {key: request.GET.get(key, "") for key in ("type", "province", "year_from", "year_to")}
    query = urlencode({k: v for k, v in values.items() if v})
    context = {
        "types": types,
        "provinces": provinces.order_by("code"),
        "values": values,
        "api_url": reverse("cases-markers"),
        "boundaries_url": reverse("stats-api:maps-boundaries", args=["korea"]),
        "search_url": f"{search_url()}?{query}" if query else search_url(),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_tab": "cases",
    }
    return render(request, "maps/cases.html", context)
