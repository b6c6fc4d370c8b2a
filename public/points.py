"""Where the case map may show an event: the pure rules, with no database.

An event has no point of its own: it is shown at its facility's point, else at its
place's point (or the nearest enclosing place that has one). Two rules keep a
point from saying more than the record does:

* a point is never more precise than its location precision (coordinates are
  rounded to it, see DECIMALS);
* an event involving a living person is never shown more precisely than the
  province, as its place is published (cases.disclosure.public_place): a finer
  point falls back to the enclosing province's point, else is rounded to 0.1°.
  "Living" is decided from published records alone (cases.markers.living_condition):
  unless the public record shows every victim of its public acts and every witness
  behind it recorded deceased, the event counts as involving a living person.

The publication computes each event's point with `locate` (cases/entries.py) and
stores it in the copy; the map (public/markers.py) groups and clusters the stored
points. The precisions are the values of cases.models.LocationPrecision.
"""

import math
from dataclasses import dataclass

EXACT, APPROXIMATE, LOCALITY = "exact", "approximate", "locality"
COUNTY, PROVINCE, COUNTRY = "county", "province", "country"
# Finest first. "unknown" is not on this scale: a point of unknown precision is
# never shown, and the enclosing place's point is used instead.
RANK = {EXACT: 0, APPROXIMATE: 1, LOCALITY: 2, COUNTY: 3, PROVINCE: 4, COUNTRY: 5}
# Decimal places a point of each precision is rounded to (0.0001° ≈ 11 m, 0.01° ≈ 1 km,
# 0.1° ≈ 11 km). A country-level point is too vague to place an event on a map.
DECIMALS = {EXACT: 4, APPROXIMATE: 2, LOCALITY: 2, COUNTY: 1, PROVINCE: 1}
LIVING_FINEST = PROVINCE
CLUSTER_PIXELS = 64  # grid cell size on screen when clustering


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


def shown(latitude, longitude, precision, coarsened=False):
    digits = DECIMALS[precision]
    return Located(
        round(float(latitude), digits), round(float(longitude), digits), precision, coarsened
    )


def locate(facility, place, *, living):
    """The point an event may be shown at, or None.

    `living`: the event involves a living person (or one whose status is not
    recorded), so nothing finer than the province is shown.
    """
    finest = RANK[LIVING_FINEST] if living else 0
    candidates = [c for c in _candidates(facility, place) if c[2] in RANK]
    if not candidates or candidates[0][2] not in DECIMALS:
        return None  # no point, or only a country-level one: too vague for the map
    latitude, longitude, precision = candidates[0]
    if RANK[precision] >= finest:
        return shown(latitude, longitude, precision)
    coarser = next(
        (c for c in candidates[1:] if c[2] in DECIMALS and RANK[c[2]] >= finest),
        None,
    )
    if coarser is not None:
        return shown(*coarser, coarsened=True)
    return shown(latitude, longitude, LIVING_FINEST, coarsened=True)


def parse_bbox(value):
    """west,south,east,north in degrees, or None."""
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except (AttributeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)) or south > north:
        return None
    return max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0)


def inside(bbox, point):
    if bbox is None:
        return True
    west, south, east, north = bbox
    return west <= point.longitude <= east and south <= point.latitude <= north


def cluster(located, zoom):
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
