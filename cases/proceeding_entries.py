"""A proceeding's entry in the published copy (cases/entries.py builds the rest).

Its title is its forum and kind, its date the year it was submitted (to the year,
as every published date: cases/disclosure.py), its text the public summary. Its
page and the API read its `data`, the public serializer's fields
(cases/serializers.py, ProceedingSerializer): nothing else of it is copied.
"""

import datetime

from cases import dates, serializers
from cases.disclosure import public_year
from cases.entry_text import in_each_language, label, picked, set_in_each


def entry(entry, record):
    """Fill `entry` (a new Entry of the record) from a public proceeding."""
    year, precision = public_year(record.submitted_on, record.submitted_on_precision)
    set_in_each(entry, "title", lambda: f"{label(record, 'forum')}: {label(record, 'kind')}")
    entry.text_en, entry.text_ko = record.summary_en, record.summary_ko
    set_in_each(entry, "when", lambda: dates.display(year, precision))
    earliest, latest = dates.bounds(year, precision)
    entry.earliest = earliest and datetime.date(earliest.year, 1, 1)
    entry.latest = latest and datetime.date(latest.year, 12, 31)
    entry.order_date = entry.earliest
    entry.search_text = entry.search_tokens = ""  # not in the case search
    return entry


def on_event_page(event):
    """The public proceedings an event's page lists, in the active language."""
    return [
        {
            "code": link.proceeding.code,
            "title": f"{label(link.proceeding, 'forum')}: {label(link.proceeding, 'kind')}",
            "outcome": label(link.proceeding, "outcome"),
            "when": str(dates.display(*_submitted(link.proceeding))),
            "summary": picked(link.proceeding, "summary"),
        }
        for link in event.public_proceeding_links
    ]


def _submitted(proceeding):
    return public_year(proceeding.submitted_on, proceeding.submitted_on_precision)


def pages(records):
    """What each proceeding's page shows, by language: the public serializer's
    fields, as the API would (the one list of what is public of a proceeding)."""
    return in_each_language(
        records,
        lambda record: {
            "proceeding": dict(
                serializers.ProceedingSerializer(record, context={"request": None}).data
            ),
            "when": str(dates.display(*_submitted(record))),
            "summary": picked(record, "summary"),
        },
    )
