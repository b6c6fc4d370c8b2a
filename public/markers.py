"""The case map: published events and facilities as GeoJSON markers, and its page,
read from the published copy.

Each event's point was computed by the publication (public/points.py: never finer
than its location precision, never finer than the province when a living person is
involved) and stored on its entry. The map filters entries as the case search does
(public/search.py), groups them by point in SQL, and sends grid clusters when more
than POINT_LIMIT events lie in the box.
"""

from django.conf import settings
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.caching import KnownParametersMixin
from core.languages import localized
from public import points
from public.models import Entry, Option, Reference
from public.search import SearchForm, api_parameters, matching

POINT_LIMIT = 300  # individual events are sent when at most this many are in the box
MAX_ZOOM = 18


def filtered_events(params):
    """Public events filtered like the case search, so that the map matches it."""
    form = SearchForm(params, "events")
    if not form.is_valid():
        return Entry.objects.none()
    return matching(form).order_by()


def event_points(entries):
    """[(Located or None, count)]: how many events share each stored point, in one query."""
    groups = entries.values_list("latitude", "longitude", "precision", "coarsened").annotate(
        n=Count("*")
    )
    return [
        (None if latitude is None else points.Located(latitude, longitude, precision, coarsened), n)
        for latitude, longitude, precision, coarsened, n in groups
    ]


def _labels(facet):
    return {option.value: option.label() for option in Option.objects.filter(facet=facet)}


def _event_features(entries, bbox, precisions):
    rows = entries.exclude(latitude=None)
    if bbox is not None:
        west, south, east, north = bbox
        rows = rows.filter(
            longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north
        )
    features = []
    for entry in rows.order_by("code")[:POINT_LIMIT]:
        title, when = localized(entry, "title"), localized(entry, "when")
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [entry.longitude, entry.latitude]},
                "properties": {
                    "kind": "event",
                    "code": entry.code,
                    "title": title,
                    "synthetic": entry.is_synthetic,
                    "period": when or _("date unknown"),
                    "precision": entry.precision,
                    "precision_display": precisions.get(entry.precision, entry.precision),
                    "coarsened": entry.coarsened,
                    "url": reverse("cases:event", args=[entry.code]),
                },
            }
        )
    return features


def facility_features(bbox, precisions):
    kinds, features = _labels("facility_kind"), []
    for reference in Reference.objects.filter(list="facility").order_by("code"):
        data = reference.data
        precision = data.get("location_precision")
        if data.get("latitude") is None or precision not in points.DECIMALS:
            continue
        point = points.shown(data["latitude"], data["longitude"], precision)
        if not points.inside(bbox, point):
            continue
        name = localized(data, "name")
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point.longitude, point.latitude]},
                "properties": {
                    "kind": "facility",
                    "code": reference.code,
                    "title": name,
                    "facility_kind": kinds.get(data.get("kind"), data.get("kind")),
                    "precision": precision,
                    "precision_display": precisions.get(precision, precision),
                    "url": f"{reverse('cases:search')}?{urlencode({'facility': reference.code})}",
                    "page_url": reverse("cases:facility", args=[reference.code]),
                },
            }
        )
    return features


def marker_layer(params):
    """The markers for a bounding box, a zoom level and the case-search filters."""
    bbox = points.parse_bbox(params.get("bbox"))
    try:
        zoom = min(max(int(params.get("zoom", 5)), 0), MAX_ZOOM)
    except ValueError:
        zoom = 5
    entries = filtered_events(params)
    grouped = event_points(entries)
    shown = [(p, n) for p, n in grouped if p is not None and points.inside(bbox, p)]
    total = sum(n for _p, n in shown)
    unmapped = sum(n for p, n in grouped if p is None)
    precisions = _labels("precision")
    if total <= POINT_LIMIT:
        mode, features = "points", _event_features(entries, bbox, precisions)
    else:
        mode, features = "clusters", points.cluster(shown, zoom)
    if params.get("facilities", "1") != "0":
        features += facility_features(bbox, precisions)
    return {
        "type": "FeatureCollection",
        "mode": mode,
        "total": total,
        "unmapped": unmapped,
        "point_limit": POINT_LIMIT,
        "notes": [
            _(
                "Points are never more precise than a record's location precision, and "
                "events involving a living person are never shown more precisely than "
                "the province."
            )
        ],
        "features": features,
    }


class MarkerView(KnownParametersMixin, APIView):
    """Published events (and facilities) as GeoJSON points for the case map.

    Public records only, filtered like the case search (`type`, `province`,
    `year_from`, `year_to`, and the search's other facets) and by `bbox`
    (west,south,east,north). When more than `point_limit` events lie in the box,
    the response holds grid clusters (`kind=cluster`, `count`) for the `zoom` level
    instead of events (`mode` says which). An event's point is rounded to its
    location precision, and events involving a living person are never shown more
    precisely than the province (`coarsened`).
    """

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    query_parameters = sorted(api_parameters("events") | {"bbox", "zoom", "facilities"})

    @extend_schema(
        parameters=[
            OpenApiParameter("bbox", str, description="west,south,east,north in degrees"),
            OpenApiParameter(
                "zoom",
                {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM},
                description=f"Map zoom level (0-{MAX_ZOOM}), sizes clusters",
            ),
            OpenApiParameter("type", str, description="Violation type code, e.g. V04"),
            OpenApiParameter("province", str, description="ISO 3166-2 code, e.g. KP-09"),
            OpenApiParameter("year_from", {"type": "integer", "minimum": 1, "maximum": 9999}),
            OpenApiParameter("year_to", {"type": "integer", "minimum": 1, "maximum": 9999}),
            OpenApiParameter("facilities", str, enum=["0", "1"], description="Include facilities"),
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        refuse_invalid(request.query_params)
        return Response(marker_layer(request.query_params))


def refuse_invalid(params):
    """A 400 naming what is wrong, as the other API addresses answer: the map page
    sends only valid values, a client may not."""
    errors = {}
    form = SearchForm(params, "events", strict=True, refuse_reversed=False)
    if not form.is_valid():
        errors.update(
            {
                name: [e["message"] for e in listed]
                for name, listed in form.errors.get_json_data().items()
            }
        )
    zoom = params.get("zoom")
    if zoom is not None and not (zoom.isascii() and zoom.isdigit() and int(zoom) <= MAX_ZOOM):
        errors["zoom"] = [_("A whole number from 0 to %(max)d.") % {"max": MAX_ZOOM}]
    if params.get("facilities") not in (None, "0", "1"):
        errors["facilities"] = [_("Unknown value. Accepted: %(accepted)s.") % {"accepted": "0, 1"}]
    if errors:
        raise ValidationError(errors)


def case_map_page(request):
    """Where things happened: published events and facilities on a map."""

    def choices(facet, condition):
        options = Option.objects.filter(facet=facet).order_by("value")
        return [
            {"code": option.value, "name": option.label()}
            for option in options
            if condition(option.value)
        ]

    values = {key: request.GET.get(key, "") for key in ("type", "province", "year_from", "year_to")}
    query = urlencode({k: v for k, v in values.items() if v})
    search = reverse("cases:search")
    context = {
        "types": choices("type", lambda code: "." not in code),
        "provinces": choices("province", lambda code: code.startswith("KP-")),
        "values": values,
        "api_url": reverse("cases-markers"),
        "boundaries_url": reverse("stats-api:maps-boundaries", args=["korea"]),
        "search_url": f"{search}?{query}" if query else search,
        "search_base": search,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_tab": "cases",
    }
    return render(request, "maps/cases.html", context)
