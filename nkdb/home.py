"""The home page: the data's story, each section with its figure and a finding.

Each figure is a series of stats/series.py, the one its statistics page draws, and
each finding is computed from it here: no number is written in a template, and a
section whose figures are not loaded says so. The case counts read the published
copy. This module sits above both apps (nkdb), the only place that may read both.
"""

from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from public.models import Entry, Kind
from stats import series
from stats.models import Dataset

# The figures on a phone: the first rows only, the full page has the rest.
HOME_ROWS = 8


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _flows_map(dataset_slug):
    return f"{reverse('stats:maps-flows')}?{urlencode({'dataset': dataset_slug})}"


def _numbers(**values):
    """Numbers as the page shows them: grouped thousands, one decimal for shares."""
    return {
        key: f"{value:,}" if isinstance(value, int) else f"{value:.1f}"
        for key, value in values.items()
    }


def where_people_went(dataset):
    result = series.emigrant_stock(dataset)
    rows = [row for row in result.rows if row["total"] is not None]
    if not rows:
        return None
    first, total = rows[0], sum(row["total"] for row in rows)
    values = {"year": result.year, "country": first["destination_name"]}
    finding = _(
        "In %(year)s the largest number of people born in North Korea and living abroad "
        "was counted in %(country)s: %(count)s of the %(total)s counted in all destinations."
    ) % (values | _numbers(count=first["total"], total=total))
    return {
        "series": result,
        "chart": result.chart("hbar", "destination_name", [("total", _("Total"))], limit=HOME_ROWS),
        "finding": finding,
    }


def refugee_status(dataset):
    by_year = series.unhcr_by_year(dataset)
    by_country = series.unhcr_by_country(dataset)
    if not by_year.rows or not by_country.rows:
        return None
    latest = by_year.rows[-1]
    first = by_country.rows[0]
    if latest["refugees_small_cells"]:
        # Cells published as 5 mean "5 or fewer": their sum is an upper bound.
        finding = _(
            "In %(year)s UNHCR counted at most %(refugees)s refugees from North Korea in "
            "%(countries)s countries; the largest country of asylum was %(country)s, with "
            "%(count)s."
        )
    else:
        finding = _(
            "In %(year)s UNHCR counted %(refugees)s refugees from North Korea in %(countries)s "
            "countries; the largest country of asylum was %(country)s, with %(count)s."
        )
    finding = finding % (
        {"year": latest["year"], "country": first["country_name"]}
        | _numbers(
            refugees=latest["refugees"],
            countries=latest["countries"],
            count=first["refugees"] or 0,
        )
    )
    measures = [("refugees", _("Refugees")), ("asylum_seekers", _("Asylum-seekers"))]
    return {"series": by_year, "chart": by_year.chart("bar", "year", measures), "finding": finding}


def arrivals(dataset):
    result = series.arrivals_by_sex(dataset)
    rows = [row for row in result.rows if row["female_share"] is not None]
    if not rows:
        return None
    latest = rows[-1]
    finding = _(
        "In %(year)s, %(total)s North Koreans arrived in the South; %(share)s %% of them "
        "were women."
    ) % (
        {"year": latest["period_display"]}
        | _numbers(total=latest["total"], share=latest["female_share"])
    )
    chart = result.chart(
        "bar",
        "period_display",
        [
            ("male", _("Male")),
            ("female", _("Female")),
            ("female_share", _("Female share (%)"), {"type": "line", "axis": "share"}),
        ],
        stacked=True,
    )
    return {"series": result, "chart": chart, "finding": finding}


def _largest(result):
    """The largest category of a profile and its share of the categories' total."""
    rows = [row for row in result.rows if row["total"] is not None]
    whole = sum(row["total"] for row in rows)
    if not whole:
        return None, None
    largest = max(rows, key=lambda row: row["total"])
    return largest, _percent(largest["total"], whole)


def origin(dataset):
    result = series.arrival_profile(dataset, dimension="province")
    largest, share = _largest(result)
    if largest is None:
        return None
    finding = _(
        "%(province)s is the province of origin of the largest group of arrivals: "
        "%(count)s, %(share)s %% of those whose province is known."
    ) % ({"province": largest["label"]} | _numbers(count=largest["total"], share=share))
    chart = result.chart("hbar", "label", [("total", _("Total"))])
    return {"series": result, "chart": chart, "finding": finding}


def profile(dataset):
    result = series.arrival_profile(dataset, dimension="occupation")
    largest, share = _largest(result)
    if largest is None:
        return None
    values = {"group": largest["label"]} | _numbers(count=largest["total"], share=share)
    if share > 50:
        finding = _(
            "The largest group by occupation in the North is “%(group)s”: %(count)s, "
            "%(share)s %% of arrivals, a majority."
        )
    else:
        finding = _(
            "The largest group by occupation in the North is “%(group)s”: %(count)s, "
            "%(share)s %% of arrivals, the largest group but not a majority."
        )
    chart = result.chart("hbar", "label", [("total", _("Total"))])
    return {"series": result, "chart": chart, "finding": finding % values}


def testimonies():
    counts = dict(
        Entry.objects.filter(kind__in=[Kind.TESTIMONY, Kind.VIOLATION, Kind.EVENT])
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    if not counts:
        return None
    finding = ngettext(
        "%(testimonies)s testimony is published, describing %(violations)s violations "
        "in %(events)s events.",
        "%(testimonies)s testimonies are published, describing %(violations)s violations "
        "in %(events)s events.",
        counts.get(Kind.TESTIMONY, 0),
    ) % _numbers(
        testimonies=counts.get(Kind.TESTIMONY, 0),
        violations=counts.get(Kind.VIOLATION, 0),
        events=counts.get(Kind.EVENT, 0),
    )
    return {"finding": finding}


SECTIONS = {
    "where_people_went": (where_people_went, "emigrant_stock"),
    "refugee_status": (refugee_status, "unhcr"),
    "arrivals": (arrivals, "arrivals"),
    "origin": (origin, "profile"),
    "profile": (profile, "profile"),
}


def home(request):
    slugs = series.DEFAULT_DATASETS
    datasets = {d.slug: d for d in Dataset.objects.filter(slug__in=list(slugs.values()))}
    context = {}
    for name, (build, dataset_key) in SECTIONS.items():
        dataset = datasets.get(slugs[dataset_key])
        context[name] = build(dataset) if dataset else None
    context["testimonies"] = testimonies()
    context["flows_emigrants"] = _flows_map(slugs["emigrant_stock"])
    context["flows_refugees"] = _flows_map(slugs["unhcr"])
    return render(request, "home.html", context)
