"""The statistics maps: GeoJSON endpoints and the two map pages."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from stats import maps


def _year(value):
    return int(value) if value and value.isascii() and value.isdigit() else None


def _province_dataset(layer, slug):
    editions = maps.province_editions(layer)
    return editions, maps.choose_dataset(editions, slug, maps.PROVINCE_LAYERS[layer]["default"])


def _flow_dataset(slug):
    editions = maps.flow_editions()
    default = maps.series.DEFAULT_DATASETS["unhcr"]
    return editions, maps.choose_dataset(editions, slug, default)


class ProvinceMapView(APIView):
    """North Korea's provinces with arrivals by province of origin (`layer=origin`), or
    South Korea's regions with where North Koreans live (`layer=residence`), as GeoJSON.

    One edition per response. Each feature's properties hold the published figures
    (male, female, total where published) and notes; divisions without a Natural
    Earth polygon (Nampho KP-14, Kaesong KP-15) are shown in the province that
    contains them (`parts`, `computed`). The collection names its dataset, edition,
    source address and the caveats to show next to the figures, and `table` lists
    every published category.
    """

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("layer", str, enum=list(maps.PROVINCE_LAYERS), default="origin"),
            OpenApiParameter("dataset", str, description="Dataset identifier (one edition)"),
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        layer = request.query_params.get("layer", "origin")
        if layer not in maps.PROVINCE_LAYERS:
            layer = "origin"
        _editions, dataset = _province_dataset(layer, request.query_params.get("dataset"))
        if dataset is None:
            raise NotFound("No dataset with these figures is loaded.")
        return Response(maps.province_layer(layer, dataset))


class FlowMapView(APIView):
    """Countries of the world with the figures of one edition and one year, and flow
    lines (LineString features, `kind=flow`) from North Korea to each destination.

    UNHCR datasets give refugees and asylum-seekers, kept apart (`measure` chooses
    which one sizes the flows); UN DESA and World Bank datasets give the emigrant
    stock (male, female, total). Editions are never mixed.
    """

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("dataset", str, description="Dataset identifier (one edition)"),
            OpenApiParameter("year", int, description="Year; defaults to the latest"),
            OpenApiParameter("measure", str, enum=list(maps.FLOW_MEASURES)),
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        _editions, dataset = _flow_dataset(request.query_params.get("dataset"))
        if dataset is None:
            raise NotFound("No dataset with these figures is loaded.")
        result = maps.flow_layer(
            dataset,
            year=_year(request.query_params.get("year")),
            measure=request.query_params.get("measure", "refugees"),
        )
        return Response(result)


BOUNDARY_FILES = {"korea": "korea-admin1.geojson", "world": "world-countries.geojson"}


@extend_schema(exclude=True)
@cache_control(public=True, max_age=60 * 60 * 24)
def boundaries(request, name):
    """The derived Natural Earth boundaries (fixtures/geo/), without figures."""
    if name not in BOUNDARY_FILES:
        raise Http404
    path = maps.GEO_DIR / BOUNDARY_FILES[name]
    return HttpResponse(path.read_bytes(), content_type="application/geo+json")


def _map_context():
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


def provinces_page(request):
    """Where they come from and where they settle: the two province maps."""
    sections = []
    for layer, param in (("origin", "dataset"), ("residence", "residents")):
        editions, dataset = _province_dataset(layer, request.GET.get(param))
        if dataset is None:
            continue
        data = maps.province_layer(layer, dataset)
        query = urlencode({"layer": layer, "dataset": dataset.slug})
        sections.append(
            {
                "layer": layer,
                "param": param,
                "editions": editions,
                "dataset": dataset,
                "data": data,
                "api_url": f"{reverse('stats-api:maps-provinces')}?{query}",
            }
        )
    context = {"sections": sections, "map_tab": "provinces", **_map_context()}
    return render(request, "maps/provinces.html", context)


def flows_page(request):
    """Where they went: flows from North Korea to each destination country."""
    editions, dataset = _flow_dataset(request.GET.get("dataset"))
    context = {"editions": editions, "dataset": dataset, "map_tab": "flows", **_map_context()}
    if dataset is not None:
        data = maps.flow_layer(
            dataset, year=_year(request.GET.get("year")), measure=request.GET.get("measure", "")
        )
        query = {"dataset": dataset.slug, "year": data["year"], "measure": data["measure"]}
        context.update(
            data=data,
            api_url=f"{reverse('stats-api:maps-flows')}?{urlencode(query)}",
        )
    return render(request, "maps/flows.html", context)
