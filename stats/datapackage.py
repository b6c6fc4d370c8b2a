"""Each dataset as a Frictionless data package: `datapackage.json` and one CSV.

The CSV holds every published figure of the dataset, one per row, in the
columns the observations API gives; the descriptor names the publisher's page,
the licence, the edition, the caveats and the type of each column, and says that
an empty cell is a figure the publisher did not report (never zero).
"""

import csv
import io

from django.utils import translation

from stats.caveats import CAVEATS
from stats.models import Measure, Observation, Status

# (column, Table Schema type, description, constraints)
FIELDS = [
    ("dataset", "string", "Dataset identifier (one edition).", {"required": True}),
    ("measure", "string", "What is counted.", {"enum": list(Measure.values)}),
    ("period_label", "string", "The period as published.", {"required": True}),
    ("period_start", "integer", "First year; empty for an open span such as up to 1998.", {}),
    ("period_end", "integer", "Last year; equal to the first for a single year.", {}),
    ("origin", "string", "Country of origin, ISO 3166-1 alpha-3 or the publisher's code.", {}),
    ("origin_name", "string", "Country of origin as published.", {}),
    ("destination", "string", "Country of asylum, residence or destination (alpha-3).", {}),
    ("destination_name", "string", "Destination as published.", {}),
    ("sex", "string", "male or female; empty for both sexes.", {"enum": ["male", "female"]}),
    ("age_band", "string", "Age band; empty when not broken down by age.", {}),
    ("education", "string", "Education in North Korea; empty when not broken down.", {}),
    ("occupation", "string", "Occupation in North Korea; empty when not broken down.", {}),
    ("province", "string", "Province of origin in North Korea; empty when not broken down.", {}),
    ("region", "string", "Region of residence in South Korea; empty when not broken down.", {}),
    ("category_ko", "string", "The publisher's Korean label of the category.", {}),
    ("value", "integer", "The published figure; empty when not reported.", {"minimum": 0}),
    (
        "status",
        "string",
        "reported, not_reported, small or estimated.",
        {"enum": list(Status.values)},
    ),
    ("note", "string", "Note on this figure (English).", {}),
    ("note_ko", "string", "Note on this figure (Korean).", {}),
    ("source", "string", "Where this row was confirmed, when more specific.", {}),
]
COLUMNS = [name for name, *_rest in FIELDS]

LICENCES = {
    "CC BY 4.0": {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0",
    },
}


def rows(dataset):
    """The dataset's figures as CSV cells (strings; "" for an absent value), one query."""
    qs = Observation.objects.for_dataset(dataset).canonical_order().values_list(*COLUMNS[1:])
    for values in qs:
        yield [dataset.slug, *("" if value is None else str(value) for value in values)]


def csv_text(dataset):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(dataset))
    return out.getvalue()


def descriptor(dataset, *, csv_url):
    """The `datapackage.json` of `dataset`, its resource at `csv_url`."""
    with translation.override("en"):
        citation_en = dataset.citation()
    with translation.override("ko"):
        citation_ko = dataset.citation()
    package = {
        "profile": "tabular-data-package",
        "name": dataset.slug,
        "title": f"{dataset.title} ({dataset.edition})",
        "description": dataset.description,
        "homepage": dataset.address,
        "sources": [
            {
                "title": f"{dataset.publisher}, {dataset.title}, {dataset.edition}",
                "path": dataset.address,
            }
        ],
        "edition": dataset.edition,
        "family": dataset.family,
        "retrieved": dataset.retrieved.isoformat() if dataset.retrieved else None,
        "citation": {"en": citation_en, "ko": citation_ko},
        "caveats": [
            {"id": ident, "en": english, "ko": korean}
            for ident in dataset.caveat_ids
            for english, korean in [CAVEATS[ident]]
        ],
        "resources": [
            {
                "name": "observations",
                "path": csv_url,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {
                            "name": name,
                            "type": kind,
                            "description": description,
                            **({"constraints": constraints} if constraints else {}),
                        }
                        for name, kind, description, constraints in FIELDS
                    ],
                    "missingValues": [""],
                },
            }
        ],
    }
    licence = LICENCES.get(dataset.licence)
    if licence:
        package["licenses"] = [licence]
    elif dataset.licence:
        package["licenses"] = [{"name": "other", "title": dataset.licence}]
    return package
