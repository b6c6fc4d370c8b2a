"""Rows of the published copy, written directly, as the publication would write them.

`keys` is {facet: value or [values]}: hierarchies are given flattened, as the
publication flattens them (`type_keys` helps).
"""

import datetime
import itertools

from core.words import tokens
from public.models import Entry, Key, Option

_numbers = itertools.count(1)
PREFIXES = {"event": "EV", "violation": "VI", "testimony": "TE", "crossing": "BC"}


def type_keys(code):
    """2.1.3 -> ["2", "2.1", "2.1.3"]: a type is found by its categories too."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def entry(kind="event", *, code=None, year=None, keys=None, **fields):
    """An entry of the copy with its search columns and keys. `year` dates it to
    that whole year (earliest, latest and order date)."""
    number = next(_numbers)
    fields.setdefault("record_id", number)
    fields.setdefault("title_en", f"{kind} {number}")
    if year is not None:
        fields.setdefault("earliest", datetime.date(year, 1, 1))
        fields.setdefault("latest", datetime.date(year, 12, 31))
        fields.setdefault("order_date", datetime.date(year, 1, 1))
        fields.setdefault("when_en", str(year))
        fields.setdefault("when_ko", f"{year}년")
    code = code or f"{PREFIXES[kind]}-{number:05d}"
    if kind == "violation":
        fields.setdefault("parent_code", f"EV-P{number:05d}")
    text = "\n".join(
        value
        for value in (
            code,
            fields.get("title_en", ""),
            fields.get("title_ko", ""),
            fields.get("text_en", ""),
            fields.get("text_ko", ""),
        )
        if value
    )
    created = Entry.objects.create(
        kind=kind,
        code=code,
        search_text=text.lower(),
        search_tokens=" ".join(tokens(text)),
        **fields,
    )
    rows = []
    for facet, values in (keys or {}).items():
        for value in [values] if isinstance(values, str) else values:
            rows.append(Key(entry=created, facet=facet, value=value))
    Key.objects.bulk_create(rows)
    return created


def option(facet, value, label_en, label_ko="", position=0):
    return Option.objects.create(
        facet=facet, value=value, label_en=label_en, label_ko=label_ko, position=position
    )
