"""The statistics maps: GeoJSON endpoints and the two map pages."""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BAD_REQUEST
from core.caching import KnownParametersMixin
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


def _choice(request, name, accepted, default):
    """The parameter's value, its default when absent; anything else is a 400."""
    value = request.query_params.get(name)
    if value is None:
        return default
    if value not in accepted:
        message = _("Unknown value. Accepted: %(accepted)s.") % {"accepted": ", ".join(accepted)}
        raise ValidationError({name: [message]})
    return value


def _edition(request, editions, default):
    """The edition asked for, else the default; never another one in its place."""
    slug = request.query_params.get("dataset")
    if slug is not None and slug not in {d.slug for d in editions}:
        message = _("No such dataset. Datasets: %(slugs)s.") % {
            "slugs": ", ".join(d.slug for d in editions)
        }
        raise NotFound(message)
    dataset = maps.choose_dataset(editions, slug, default)
    if dataset is None:
        raise NotFound(_("No dataset with these figures is loaded."))
    return dataset


def _year_param(request):
    value = request.query_params.get("year")
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        raise ValidationError({"year": [_("A year, such as 2020.")]})
    return int(value)


MAP_DATASET_PARAM = OpenApiParameter(
    "dataset",
    str,
    description="Dataset identifier (one edition); defaults to the one shown. One without "
    "these figures is a 404 naming those that have them.",
)
MAP_RESPONSES = {
    (200, "application/json"): OpenApiTypes.OBJECT,
    400: BAD_REQUEST,
    404: OpenApiResponse(
        description="No such dataset, or no figures for that year; the answer names those "
        "there are."
    ),
}


class ProvinceMapView(KnownParametersMixin, APIView):
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
    query_parameters = ["layer", "dataset"]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "layer",
                str,
                enum=list(maps.PROVINCE_LAYERS),
                default="origin",
                description="Another value is a 400 naming the accepted ones.",
            ),
            MAP_DATASET_PARAM,
        ],
        responses=MAP_RESPONSES,
    )
    def get(self, request):
        layer = _choice(request, "layer", list(maps.PROVINCE_LAYERS), "origin")
        dataset = _edition(
            request, maps.province_editions(layer), maps.PROVINCE_LAYERS[layer]["default"]
        )
        return Response(maps.province_layer(layer, dataset))


class FlowMapView(KnownParametersMixin, APIView):
    """Countries of the world with the figures of one edition and one year, and flow
    lines (LineString features, `kind=flow`) from North Korea to each destination.

    UNHCR datasets give refugees and asylum-seekers, kept apart (`measure` chooses
    which one sizes the flows); UN DESA and World Bank datasets give the emigrant
    stock (male, female, total). Editions are never mixed.
    """

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    query_parameters = ["dataset", "year", "measure"]

    @extend_schema(
        parameters=[
            MAP_DATASET_PARAM,
            OpenApiParameter(
                "year",
                int,
                description="Year; defaults to the latest. A year the edition lacks is a 404 "
                "naming the years it has.",
            ),
            OpenApiParameter(
                "measure",
                str,
                enum=[*maps.FLOW_MEASURES, "total"],
                description="refugees (default) or asylum_seekers for UNHCR figures, total "
                "for migrant stock; one the edition lacks is a 404 naming those it has.",
            ),
        ],
        responses=MAP_RESPONSES,
    )
    def get(self, request):
        dataset = _edition(request, maps.flow_editions(), maps.series.DEFAULT_DATASETS["unhcr"])
        year = _year_param(request)
        measure = request.query_params.get("measure")
        result = maps.flow_layer(dataset, year=year, measure=measure or "refugees")
        if measure is not None and measure not in result["measures"]:
            # One of the schema's measures, not this edition's: no figures, as a year it lacks.
            message = _("No figures for %(measure)s in %(dataset)s. Measures: %(measures)s.") % {
                "measure": measure,
                "dataset": dataset.slug,
                "measures": ", ".join(result["measures"]),
            }
            raise NotFound(message)
        if year is not None and year != result["year"]:
            message = _("No figures for %(year)d in %(dataset)s. Years: %(years)s.") % {
                "year": year,
                "dataset": dataset.slug,
                "years": ", ".join(map(str, result["years"])) or "\u2013",
            }
            raise NotFound(message)
        return Response(result)


BOUNDARY_FILES = {"korea": "korea-admin1.geojson", "world": "world-countries.geojson"}


@extend_schema(exclude=True)
@cache_control(public=True, max_age=60 * 60 * 24)
def boundaries(request, name):
    """The derived Natural Earth boundaries (fixtures/geo/), without figures."""
    if name not in BOUNDARY_FILES:
        raise Http404
    if request.GET:  # as the API's other addresses: nothing is silently ignored
        message = _("Unknown query parameter. This address accepts: %(known)s.") % {
            "known": "\u2013"
        }
        return JsonResponse({key: [message] for key in sorted(request.GET)}, status=400)
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
        query = {"dataset": dataset.slug, "measure": data["measure"]}
        if data["year"] is not None:  # an edition without figures has no year to ask for
            query["year"] = data["year"]
        context.update(
            data=data,
            api_url=f"{reverse('stats-api:maps-flows')}?{urlencode(query)}",
        )
    return render(request, "maps/flows.html", context)
