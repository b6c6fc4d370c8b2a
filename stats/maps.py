"""Map layers: the published figures merged into Natural Earth boundaries.

Boundaries come from `fixtures/geo/` (derived once, see its README). Figures come
from `stats.series`, one dataset (one edition) per layer, never mixed. Every layer
names its dataset, edition and source address, and carries the caveats that must
be shown next to its figures.
"""

import csv
import json
from functools import cache

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from stats import series
from stats.countries import country_name
from stats.models import Classification, Dataset, Status

GEO_DIR = settings.BASE_DIR / "fixtures" / "geo"
# The provinces' Japanese names, from the reference data's file (Natural Earth's
# derived boundaries carry English and Korean names only).
PLACES_FILE = settings.BASE_DIR / "fixtures" / "reference" / "places.csv"

# The two province layers: which breakdown of which edition, shown on which country.
PROVINCE_LAYERS = {
    "origin": {
        "dimension": "province",
        "country": "KP",
        "classification": Classification.DEFECTOR_ARRIVALS,
        "default": "mou-profile-2024",
    },
    "residence": {
        "dimension": "region",
        "country": "KR",
        "classification": Classification.DEFECTOR_RESIDENTS,
        "default": "mou-residents-2024",
    },
}

# The publishers' category labels, as imported, to ISO 3166-2 codes. A category
# covering two divisions lists both.
CATEGORY_CODES = {
    # North Korea (province of origin)
    "pyongyang": ["KP-01"],
    "south pyongan": ["KP-02"],
    "south phyongan": ["KP-02"],
    "north pyongan": ["KP-03"],
    "north phyongan": ["KP-03"],
    "chagang": ["KP-04"],
    "chagang (jagang)": ["KP-04"],
    "jagang": ["KP-04"],
    "south hwanghae": ["KP-05"],
    "north hwanghae": ["KP-06"],
    "kangwon": ["KP-07"],
    "south hamgyong": ["KP-08"],
    "north hamgyong": ["KP-09"],
    "ryanggang": ["KP-10"],
    "yanggang": ["KP-10"],
    "rason": ["KP-13"],
    "nampo": ["KP-14"],
    "nampho": ["KP-14"],
    "kaesong": ["KP-15"],
    # South Korea (region of residence)
    "seoul": ["KR-11"],
    "busan": ["KR-26"],
    "daegu": ["KR-27"],
    "incheon": ["KR-28"],
    "gwangju": ["KR-29"],
    "daejeon": ["KR-30"],
    "ulsan": ["KR-31"],
    "gyeonggi": ["KR-41"],
    "gangwon": ["KR-42"],
    "north chungcheong": ["KR-43"],
    "south chungcheong": ["KR-44"],
    "south chungcheong incl. sejong": ["KR-44", "KR-50"],
    "north jeolla": ["KR-45"],
    "south jeolla": ["KR-46"],
    "north gyeongsang": ["KR-47"],
    "south gyeongsang": ["KR-48"],
    "jeju": ["KR-49"],
    "sejong": ["KR-50"],
}
# Divisions Natural Earth draws no polygon for, and the polygon that contains them.
POLYGON_HOST = {"KP-14": "KP-02", "KP-15": "KP-06"}
NO_POLYGON_NAMES = {"KP-14": ("Nampho", "남포특별시"), "KP-15": ("Kaesong", "개성시")}

FLOW_ORIGIN = "PRK"
FLOW_CLASSIFICATIONS = (Classification.UNHCR_POPULATIONS, Classification.MIGRANT_STOCK)
FLOW_MEASURES = ("refugees", "asylum_seekers")


def _korean():
    return (get_language() or "").startswith("ko")


def _japanese():
    return (get_language() or "").startswith("ja")


@cache
def japanese_names():
    """{ISO 3166-2 code: Japanese name} of the North and South Korean provinces."""
    with PLACES_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name_ja"] for row in csv.DictReader(handle) if row["name_ja"]}


@cache
def _load(name):
    return json.loads((GEO_DIR / name).read_text(encoding="utf-8"))


def korea_boundaries(country):
    """Natural Earth admin-1 features of one country (KP or KR), keyed by ISO 3166-2."""
    features = _load("korea-admin1.geojson")["features"]
    return {f["id"]: f for f in features if f["properties"]["iso_a2"] == country}


def world_boundaries():
    return {f["id"]: f for f in _load("world-countries.geojson")["features"]}


def dataset_info(dataset):
    return {
        "slug": dataset.slug,
        "publisher": dataset.publisher_display,
        "title": dataset.title_display,
        "edition": dataset.edition_display,
        "address": dataset.address,
        "licence": dataset.licence,
        "retrieved": dataset.retrieved.isoformat() if dataset.retrieved else None,
        "citation": dataset.citation(),
        "classification": dataset.classification,
        "classification_display": str(dataset.get_classification_display()),
    }


def province_editions(layer):
    spec = PROVINCE_LAYERS[layer]
    editions = Dataset.objects.by_classification(spec["classification"]).filter(
        **{f"observations__{spec['dimension']}__gt": ""}
    )
    return list(editions.distinct())


def choose_dataset(editions, slug, default):
    by_slug = {d.slug: d for d in editions}
    return by_slug.get(slug) or by_slug.get(default) or (editions[0] if editions else None)


def _display(value):
    return "\u2013" if value is None else f"{value:,}"


def _sum(values):
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return sum(values)


def _feature_name(feature):
    props = feature["properties"]
    if _japanese() and props["iso_3166_2"] in japanese_names():
        return japanese_names()[props["iso_3166_2"]]
    return (props["name_ko"] if _korean() and props.get("name_ko") else None) or props["name_en"]


def _japanese_label(label, codes):
    """A category's Japanese name on a Japanese page when it names one province."""
    if _japanese() and len(codes) == 1 and codes[0] in japanese_names():
        return japanese_names()[codes[0]]
    return label


def province_layer(layer, dataset):
    """A FeatureCollection of one country's divisions with one edition's figures.

    A division's value is the figure of the published category that names it. A
    division without a polygon of its own (Nampho, Kaesong) is shown inside the
    polygon that contains it; that polygon's value is then the sum of the published
    figures it holds, marked `computed`, and each figure is listed in `parts`.
    """
    spec = PROVINCE_LAYERS[layer]
    result = series.arrival_profile(dataset, dimension=spec["dimension"])
    boundaries = korea_boundaries(spec["country"])
    has_sexes = any(row["male"] is not None or row["female"] is not None for row in result.rows)

    table, unmapped, parts_by_polygon = [], [], {}
    for row in result.rows:
        codes = CATEGORY_CODES.get(row["category"].strip().lower(), [])
        entry = {
            "category": row["category"],
            "category_ko": row["category_ko"],
            "label": _japanese_label(row["label"], codes),
            "codes": codes,
            "male": row["male"],
            "female": row["female"],
            "total": row["total"],
            "note": row["note"],
        }
        for key in ("male", "female", "total"):
            entry[f"{key}_display"] = _display(row[key])
        table.append(entry)
        polygons = sorted({POLYGON_HOST.get(code, code) for code in codes} & set(boundaries))
        entry["shown_in"] = polygons
        if not polygons:
            unmapped.append(entry)
        for polygon in polygons:
            parts_by_polygon.setdefault(polygon, []).append(entry)

    notes, shared_notes = [], set()
    features = []
    for code, boundary in sorted(boundaries.items()):
        parts = parts_by_polygon.get(code, [])
        name = _feature_name(boundary)
        hosted = [c for c, host in POLYGON_HOST.items() if host == code]
        feature_notes = []
        for guest in hosted:
            guest_name = japanese_names()[guest] if _japanese() else None
            guest_name = guest_name or NO_POLYGON_NAMES[guest][1 if _korean() else 0]
            if any(guest in p["codes"] for p in parts):
                text = _(
                    "%(city)s (%(code)s) has no boundary of its own in Natural Earth; its "
                    "figure is shown with %(province)s, which contains it."
                ) % {"city": guest_name, "code": guest, "province": name}
            else:
                text = _(
                    "%(city)s (%(code)s) lies inside %(province)s on this map; this table "
                    "publishes no figure for it."
                ) % {"city": guest_name, "code": guest, "province": name}
            feature_notes.append(text)
            notes.append(text)
        for part in parts:
            shared = [c for c in part["codes"] if c != code and c in boundaries]
            if shared:
                names = ", ".join(_feature_name(boundaries[c]) for c in shared)
                text = _("The published figure “%(label)s” also covers %(others)s.") % {
                    "label": part["label"],
                    "others": names,
                }
                feature_notes.append(text)
                shared_notes.add(
                    _("The published figure “%(label)s” covers %(codes)s.")
                    % {"label": part["label"], "codes": ", ".join(part["codes"])}
                )
        if not parts:
            feature_notes.append(_("No figure is published for this division in this table."))
        properties = {
            "code": code,
            "name": name,
            "name_en": boundary["properties"]["name_en"],
            "name_ko": boundary["properties"]["name_ko"],
            "male": _sum(p["male"] for p in parts),
            "female": _sum(p["female"] for p in parts),
            "total": _sum(p["total"] for p in parts),
            "computed": len(parts) > 1,
            "parts": [
                {k: p[k] for k in ("label", "codes", "male", "female", "total")} for p in parts
            ],
            "notes": feature_notes,
        }
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": properties,
                "geometry": boundary["geometry"],
            }
        )

    notes.extend(sorted(shared_notes))
    if unmapped:
        notes.append(
            _("Not on the map (no matching division): %(labels)s.")
            % {"labels": ", ".join(e["label"] for e in unmapped)}
        )
    measure_label = series.PROFILE_DIMENSIONS[spec["dimension"]][1]
    return {
        "type": "FeatureCollection",
        "layer": layer,
        "country": spec["country"],
        "dimension": spec["dimension"],
        "title": str(measure_label),
        "dataset": dataset_info(dataset),
        "period": result.rows[0]["period"] if result.rows else "",
        "has_sexes": has_sexes,
        "caveats": [c for c in [dataset.caveat_display, *notes] if c],
        "table": table,
        "features": features,
    }


def flow_editions():
    return list(Dataset.objects.filter(classification__in=FLOW_CLASSIFICATIONS))


def _representative_point(geometry):
    """The centre of the bounding box of a geometry's largest ring: a simple anchor
    for a flow line (good enough at world scale)."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    ring = max((p[0] for p in polygons), key=len)
    lons = [pt[0] for pt in ring]
    lats = [pt[1] for pt in ring]
    return [round((min(lons) + max(lons)) / 2, 2), round((min(lats) + max(lats)) / 2, 2)]


# Anchors where the bounding-box centre falls far from where people live.
FLOW_ANCHORS = {
    "PRK": [126.5, 39.5],
    "USA": [-98.0, 39.0],
    "RUS": [40.0, 55.7],
    "CAN": [-79.4, 45.0],
    "FRA": [2.4, 46.6],
    "NOR": [10.7, 60.5],
    "NZL": [174.8, -41.0],
}


def _anchor(code, geometry):
    return FLOW_ANCHORS.get(code) or _representative_point(geometry)


def flow_layer(dataset, *, year=None, measure="refugees"):
    """Destination countries of one edition and one year, with flow lines from North Korea.

    UNHCR datasets give refugees and asylum-seekers (kept apart; `measure` chooses
    which one sizes the flows); migrant-stock datasets give male, female and total.
    """
    is_unhcr = dataset.classification == Classification.UNHCR_POPULATIONS
    if is_unhcr:
        result = series.unhcr_by_country(dataset, year=year, origin=FLOW_ORIGIN)
        if measure not in FLOW_MEASURES:
            measure = "refugees"
        code_key, name_key = "country", "country_name"
    else:
        result = series.emigrant_stock(dataset, year=year, origin=FLOW_ORIGIN)
        measure = "total"
        code_key, name_key = "destination", "destination_name"

    world = world_boundaries()
    rows = {}
    for row in result.rows:
        figures = (
            {
                "refugees": row["refugees"],
                "refugees_small": row["refugees_status"] == Status.SMALL,
                "asylum_seekers": row["asylum_seekers"],
                "asylum_seekers_small": row["asylum_seekers_status"] == Status.SMALL,
            }
            if is_unhcr
            else {"male": row["male"], "female": row["female"], "total": row["total"]}
        )
        displays = {
            f"{key}_display": ("≤" if figures.get(f"{key}_small") else "") + _display(value)
            for key, value in figures.items()
            if not key.endswith("_small")
        }
        rows[row[code_key]] = {
            "code": row[code_key],
            "name": row[name_key],
            "value": row.get(measure),
            "on_map": row[code_key] in world,
            **figures,
            **displays,
        }

    source = dataset_info(dataset)
    features = []
    origin = world[FLOW_ORIGIN]
    origin_point = _anchor(FLOW_ORIGIN, origin["geometry"])
    for code, boundary in world.items():
        row = rows.get(code)
        properties = {
            "kind": "country",
            "code": code,
            "name": row["name"] if row else country_name(code, boundary["properties"]["name"]),
            "is_origin": code == FLOW_ORIGIN,
            "value": row["value"] if row else None,
            "figures": row,
        }
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": properties,
                "geometry": boundary["geometry"],
            }
        )
    for code, row in rows.items():
        if not row["on_map"] or row["value"] in (None, 0) or code == FLOW_ORIGIN:
            continue
        features.append(
            {
                "type": "Feature",
                "id": f"flow-{code}",
                "properties": {
                    "kind": "flow",
                    "code": code,
                    "name": row["name"],
                    "value": row["value"],
                    "figures": row,
                },
                "geometry": {
                    "type": "LineString",
                    "coordinates": [origin_point, _anchor(code, world[code]["geometry"])],
                },
            }
        )
    caveats = [c for c in [dataset.caveat_display, *result.notes] if c]
    if not is_unhcr:
        caveats.append(
            _(
                "Estimates of people born in North Korea include large stocks in Central Asia "
                "and Russia that probably reflect how those countries record ethnic Koreans, "
                "not recent escapees (not verified). Editions revise past years: compare "
                "editions with care."
            )
        )
    missing = [r["name"] for r in rows.values() if not r["on_map"] and r["value"]]
    if missing:
        caveats.append(
            _("No boundary at this map's scale, so shown only in the table: %(names)s.")
            % {"names": ", ".join(sorted(missing))}
        )
    return {
        "type": "FeatureCollection",
        "dataset": source,
        "measure": measure,
        "measures": list(FLOW_MEASURES) if is_unhcr else ["total"],
        "year": result.year,
        "years": result.years,
        "origin": {"code": FLOW_ORIGIN, "point": origin_point},
        "caveats": caveats,
        "table": sorted(rows.values(), key=lambda r: (-(r["value"] or 0), r["name"])),
        "features": features,
    }
