import re

from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from stats import series
from stats.caveats import CAVEATS, caveat_text
from stats.models import Classification, Dataset

MALE_FEMALE = [("male", _("Male")), ("female", _("Female"))]


def _csv_url(name, **params):
    query = urlencode({**{k: v for k, v in params.items() if v is not None}, "format": "csv"})
    return f"{reverse(f'stats-api:{name}')}?{query}"


def _choose(datasets, slug, default):
    """The dataset asked for in the query string, else the default, else the first."""
    by_slug = {d.slug: d for d in datasets}
    return by_slug.get(slug) or by_slug.get(default) or (datasets[0] if datasets else None)


def _year(request):
    value = request.GET.get("year", "")
    return int(value) if value.isascii() and value.isdigit() else None


def overview(request):
    datasets = Dataset.objects.with_observation_counts()
    return render(request, "stats/overview.html", {"datasets": datasets})


def arrivals(request):
    dataset = Dataset.objects.filter(slug=series.DEFAULT_DATASETS["arrivals"]).first()
    context = {"dataset": dataset}
    if dataset:
        result = series.arrivals_by_sex(dataset)
        chart = result.chart(
            "bar",
            "period_display",
            [
                *MALE_FEMALE,
                ("female_share", _("Female share (%)"), {"type": "line", "axis": "share"}),
            ],
            stacked=True,
        )
        context.update(
            series=result, chart=chart, csv_url=_csv_url("series-arrivals", dataset=dataset.slug)
        )
    return render(request, "stats/arrivals.html", context)


def profile(request):
    arrivals_editions = list(
        Dataset.objects.by_classification(Classification.DEFECTOR_ARRIVALS).exclude(
            slug=series.DEFAULT_DATASETS["arrivals"]
        )
    )
    resident_editions = list(Dataset.objects.by_classification(Classification.DEFECTOR_RESIDENTS))
    dataset = _choose(arrivals_editions, request.GET.get("dataset"), "mou-profile-2024")
    residents = _choose(resident_editions, request.GET.get("residents"), "mou-residents-2024")
    sections = []
    dimensions = [(dataset, d) for d in ("age_band", "education", "occupation", "province")]
    for edition, dimension in [*dimensions, (residents, "region")]:
        if edition is None:
            continue
        result = series.arrival_profile(edition, dimension=dimension)
        if not result.rows:
            continue
        has_sexes = any(row["male"] is not None for row in result.rows)
        bars = MALE_FEMALE if has_sexes else [("total", _("Total"))]
        sections.append(
            {
                "dimension": dimension,
                "title": series.PROFILE_DIMENSIONS[dimension][1],
                "series": result,
                "chart": result.chart("hbar", "label", bars),
                "csv_url": _csv_url("series-profile", dataset=edition.slug, dimension=dimension),
            }
        )
    context = {
        "dataset": dataset,
        "residents": residents,
        "arrivals_editions": arrivals_editions,
        "resident_editions": resident_editions,
        "sections": sections,
    }
    return render(request, "stats/profile.html", context)


def unhcr(request):
    dataset = Dataset.objects.filter(slug=series.DEFAULT_DATASETS["unhcr"]).first()
    context = {"dataset": dataset}
    if dataset:
        by_year = series.unhcr_by_year(dataset)
        by_country = series.unhcr_by_country(dataset, year=_year(request))
        measures = [("refugees", _("Refugees")), ("asylum_seekers", _("Asylum-seekers"))]
        context.update(
            by_year=by_year,
            by_year_chart=by_year.chart("bar", "year", measures),
            by_year_csv=_csv_url("series-unhcr-by-year", dataset=dataset.slug),
            by_country=by_country,
            by_country_chart=by_country.chart("hbar", "country_name", measures),
            by_country_csv=_csv_url(
                "series-unhcr-by-country", dataset=dataset.slug, year=by_country.year
            ),
        )
    return render(request, "stats/unhcr.html", context)


CHART_LIMIT = 15


def emigrant_stock(request):
    editions = list(Dataset.objects.by_classification(Classification.MIGRANT_STOCK))
    dataset = _choose(
        editions, request.GET.get("dataset"), series.DEFAULT_DATASETS["emigrant_stock"]
    )
    context = {"dataset": dataset, "editions": editions, "chart_limit": CHART_LIMIT}
    if dataset:
        result = series.emigrant_stock(dataset, year=_year(request))
        context.update(
            series=result,
            chart=result.chart(
                "hbar", "destination_name", [("total", _("Total"))], limit=CHART_LIMIT
            ),
            csv_url=_csv_url("series-emigrant-stock", dataset=dataset.slug, year=result.year),
        )
    return render(request, "stats/emigrant_stock.html", context)


# A repository at a commit, as the compilation trail names it ("github:owner/repo@sha").
REPOSITORY_AT_COMMIT = re.compile(r"github:([\w.-]+/[\w.-]+)@([0-9a-f]{7,40})")


def _trail_html(text):
    """The compilation trail with its repositories and web addresses as links."""

    def link(match):
        if match.group(1):
            url = f"https://github.com/{match.group(1)}/tree/{match.group(2)}"
            return str(format_html('<a href="{}">{}</a>', url, match.group(0)))
        return str(format_html('<a href="{}">{}</a>', match.group(3), match.group(3)))

    pattern = re.compile(rf"{REPOSITORY_AT_COMMIT.pattern}|(https?://[^\s;()]+[^\s;().,])")
    return mark_safe(pattern.sub(link, str(escape(text))))  # noqa: S308 (escaped above)


def about(request):
    """Where each dataset's figures were compiled from, the checks and the corrections,
    and every caveat with its identifier (as the rows cite them)."""
    datasets = [
        {"dataset": dataset, "compiled_from": _trail_html(dataset.compiled_from_display)}
        for dataset in Dataset.objects.all()
    ]
    caveats = [(ident, caveat_text(ident)) for ident in CAVEATS]
    return render(request, "stats/about.html", {"datasets": datasets, "caveats": caveats})
