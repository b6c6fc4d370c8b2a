"""Ready-made series for the charts, shared by the API and the pages.

Each function takes one Dataset (never a mix of editions) and makes one query.
Anything computed here rather than published is listed in `computed`, and
measures are kept in separate columns, never added together.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from stats.countries import country_name
from stats.models import Dataset, Measure, Observation, Sex, Status

# A web address in a row's source, as stats.models.ADDRESS_PATTERN reads them.
WEB_ADDRESS = re.compile(r"https?://[^\s;()]+")
DEFAULT_DATASETS = {
    "arrivals": "mou-arrivals",
    "unhcr": "unhcr-rpkg-2025-12-1",
    "emigrant_stock": "undesa-ims-2020",
    "profile": "mou-profile-2024",
}
PROFILE_DIMENSIONS = {
    "age_band": (Measure.ARRIVALS, _("Age at entry")),
    "education": (Measure.ARRIVALS, _("Education in North Korea")),
    "occupation": (Measure.ARRIVALS, _("Occupation in North Korea")),
    "province": (Measure.ARRIVALS, _("Province of origin in North Korea")),
    "region": (Measure.RESIDENTS, _("Region of residence in South Korea")),
}
SEX_COLUMNS = {Sex.MALE: "male", Sex.FEMALE: "female", Sex.BOTH: "total"}


@dataclass
class Series:
    dataset: Dataset
    columns: list  # (key, label) in display order
    rows: list = field(default_factory=list)
    computed: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # caveats beyond the dataset's own
    years: list = field(default_factory=list)  # the years one may choose from, if any
    year: int | None = None

    @property
    def caveats(self):
        return [c for c in [self.dataset.caveat_display, *self.notes] if c]

    def row_sources(self):
        """(row label, [web addresses]) of the rows confirmed elsewhere than the
        dataset's address: the pages a reader can open. The whole trail (notes,
        repository commits) stays in the API's and the CSV's row_source."""
        key = self.columns[0][0]
        found = []
        for row in self.rows:
            links = [
                link.rstrip(".,")
                for link in WEB_ADDRESS.findall(row.get("row_source", ""))
                if link.rstrip(".,") not in self.dataset.address
            ]
            if links:
                found.append((_cell(row, key), links))
        return found

    def table(self):
        """Rows as display strings in column order; small cells read "≤5"."""
        return [[_cell(row, key) for key, _label in self.columns] for row in self.rows]

    def chart(self, kind, label_key, series, *, limit=None, stacked=False):
        """A chart description for static/js/stats-charts.js.

        `series` is a list of (column key, label) or (key, label, options)."""
        rows = self.rows[:limit] if limit else self.rows
        spans = [
            row.get("period_start", row.get("period_end")) != row.get("period_end") for row in rows
        ]
        datasets = []
        for key, label, *options in series:
            options = dict(*options)
            data, apart = [row.get(key) for row in rows], []
            if options.get("type") == "line" and any(spans):
                # A span ("1999-2001") is no point of the yearly trend: the line breaks
                # there, and the span's own value is drawn apart, as a marker.
                apart = [value if span else None for value, span in zip(data, spans, strict=True)]
                data = [None if span else value for value, span in zip(data, spans, strict=True)]
            if any(value is not None for value in data):
                datasets.append({"key": key, "label": str(label), "data": data, **options})
            if any(value is not None for value in apart):
                span_label = _("%(label)s, periods of several years") % {"label": label}
                datasets.append(
                    {
                        "key": f"{key}_spans",
                        "label": str(span_label),
                        "data": apart,
                        **options,
                        "points_only": True,
                    }
                )
        return {
            "kind": kind,
            "stacked": stacked,
            "labels": [str(row[label_key]) for row in rows],
            "spans": spans,
            "datasets": datasets,
        }


def _cell(row, key):
    value = row.get(key)
    if value is None:
        return "\u2013"
    if key == "year" or isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = f"{value:,}"
    if row.get(f"{key}_status") == Status.SMALL:
        return f"≤{text}"
    return text


def _add_source(row, dataset, obs):
    """Adds the observation's source to the row's `row_source`, when it is not the dataset's."""
    source = dataset.row_source(obs.source)
    if source and source not in row["row_source"]:
        row["row_source"] = f"{row['row_source']} ; {source}" if row["row_source"] else source


def arrivals_by_sex(dataset):
    """Arrivals per period as male, female and total, with the female share.

    Spans ("up to 1998", "1999-2001") stay one row each.
    """
    rows = {}
    for obs in Observation.objects.for_series(dataset, Measure.ARRIVALS, by=["sex"]):
        row = rows.setdefault(
            (obs.period_end, obs.period_label),
            {
                "period": obs.period_label,
                "period_display": str(obs.period_display),
                "period_start": obs.period_start,
                "period_end": obs.period_end,
                "male": None,
                "female": None,
                "total": None,
                "female_share": None,
                "note": obs.note_display,
                "row_source": "",
            },
        )
        row[SEX_COLUMNS[obs.sex]] = obs.value
        _add_source(row, dataset, obs)
    for row in rows.values():
        if row["female"] is not None and row["total"]:
            row["female_share"] = round(100 * row["female"] / row["total"], 1)
    return Series(
        dataset=dataset,
        columns=[
            ("period_display", _("Period")),
            ("male", _("Male")),
            ("female", _("Female")),
            ("total", _("Total")),
            ("female_share", _("Female share (%)")),
        ],
        rows=list(rows.values()),
        computed=["female_share"],
        notes=[_("The female share is female ÷ total, computed here.")],
    )


def _unhcr_observations(dataset, origin):
    qs = Observation.objects.for_series(
        dataset, [Measure.REFUGEES, Measure.ASYLUM_SEEKERS], by=()
    ).order_by("period_end", "destination", "measure")
    return qs.filter(origin=origin) if origin else qs


def unhcr_by_year(dataset, *, origin="PRK"):
    """Refugees and asylum-seekers per year, each summed over countries of asylum.

    Years without any published row are absent, not zero. Cells published as 5
    ("5 or fewer") are counted in `*_small_cells`, since a sum of them is not exact.
    """
    rows = {}
    for obs in _unhcr_observations(dataset, origin):
        row = rows.setdefault(
            obs.period_end,
            {
                "year": obs.period_end,
                "refugees": 0,
                "refugees_small_cells": 0,
                "asylum_seekers": 0,
                "asylum_seekers_small_cells": 0,
                "countries": set(),
                "row_source": "",
            },
        )
        row[obs.measure] += obs.value or 0
        _add_source(row, dataset, obs)
        row[f"{obs.measure}_small_cells"] += obs.status == Status.SMALL
        row["countries"].add(obs.destination)
    for row in rows.values():
        row["countries"] = len(row["countries"])
    return Series(
        dataset=dataset,
        columns=[
            ("year", _("Year")),
            ("refugees", _("Refugees")),
            ("refugees_small_cells", _("of which cells published as 5 (≤5)")),
            ("asylum_seekers", _("Asylum-seekers")),
            ("asylum_seekers_small_cells", _("of which cells published as 5 (≤5)")),
            ("countries", _("Countries of asylum")),
        ],
        rows=list(rows.values()),
        computed=["refugees", "asylum_seekers", "countries"],
        notes=[
            _(
                "Yearly figures are sums over countries of asylum, computed here; a sum that "
                "includes cells published as 5 may be a few people too high."
            )
        ],
    )


def unhcr_by_country(dataset, *, year=None, origin="PRK"):
    """Refugees and asylum-seekers by country of asylum for one year (default: the latest)."""
    by_year = {}
    for obs in _unhcr_observations(dataset, origin):
        row = by_year.setdefault(obs.period_end, {}).setdefault(
            obs.destination,
            {
                "year": obs.period_end,
                "country": obs.destination,
                "country_name": country_name(obs.destination, obs.destination_name),
                "refugees": None,
                "refugees_status": "",
                "asylum_seekers": None,
                "asylum_seekers_status": "",
                "row_source": "",
            },
        )
        row[obs.measure] = obs.value
        row[f"{obs.measure}_status"] = obs.status
        _add_source(row, dataset, obs)
    years = sorted(by_year)
    if year not in by_year:
        year = years[-1] if years else None
    rows = sorted(
        by_year.get(year, {}).values(),
        key=lambda r: (-(r["refugees"] or 0), -(r["asylum_seekers"] or 0), r["country_name"]),
    )
    return Series(
        dataset=dataset,
        columns=[
            ("country_name", _("Country of asylum")),
            ("refugees", _("Refugees")),
            ("asylum_seekers", _("Asylum-seekers")),
        ],
        rows=rows,
        years=years,
        year=year,
    )


def emigrant_stock(dataset, *, year=None, origin="PRK"):
    """Migrant stock from `origin` by destination for one year of one edition."""
    by_year = {}
    qs = Observation.objects.for_series(dataset, Measure.MIGRANT_STOCK, by=["sex"]).filter(
        origin=origin
    )
    for obs in qs:
        row = by_year.setdefault(obs.period_end, {}).setdefault(
            obs.destination,
            {
                "year": obs.period_end,
                "destination": obs.destination,
                "destination_name": country_name(obs.destination, obs.destination_name),
                "male": None,
                "female": None,
                "total": None,
                "row_source": "",
            },
        )
        row[SEX_COLUMNS[obs.sex]] = obs.value
        _add_source(row, dataset, obs)
    years = sorted(by_year)
    if year not in by_year:
        year = years[-1] if years else None
    rows = sorted(
        by_year.get(year, {}).values(), key=lambda r: (-(r["total"] or 0), r["destination_name"])
    )
    return Series(
        dataset=dataset,
        columns=[
            ("destination_name", _("Destination")),
            ("male", _("Male")),
            ("female", _("Female")),
            ("total", _("Total")),
        ],
        rows=rows,
        years=years,
        year=year,
    )


def arrival_profile(dataset, *, dimension):
    """One breakdown (age, education, occupation, province or region) of one edition,
    in the publisher's order of categories."""
    measure, label = PROFILE_DIMENSIONS[dimension]
    korean = (get_language() or "").startswith("ko")
    rows = {}
    # Rows not broken down by the dimension (another table's totals) are no category.
    qs = (
        Observation.objects.for_series(dataset, measure, by=[dimension, "sex"])
        .exclude(**{dimension: ""})
        .order_by("pk")
    )
    for obs in qs:
        category = getattr(obs, dimension)
        row = rows.setdefault(
            category,
            {
                "category": category,
                "category_ko": obs.category_ko,
                "label": obs.category_ko if korean and obs.category_ko else category,
                "period": obs.period_label,
                "male": None,
                "female": None,
                "total": None,
                "note": obs.note_display,
                "row_source": "",
            },
        )
        row[SEX_COLUMNS[obs.sex]] = obs.value
        row["note"] = row["note"] or obs.note_display
        _add_source(row, dataset, obs)
    return Series(
        dataset=dataset,
        columns=[
            ("label", label),
            ("male", _("Male")),
            ("female", _("Female")),
            ("total", _("Total")),
        ],
        rows=list(rows.values()),
    )
