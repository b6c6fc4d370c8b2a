"""How the cells of an imported spreadsheet become values: records by their
code (looked up in chunks), integers and ISO dates without the general parsers,
and the loader that reads a file's records at once (cases/resources.py)."""

import contextlib
import datetime
import re

from django.db import models
from django.db.models import (
    prefetch_related_objects,
)
from django.utils.translation import gettext as _
from import_export import fields, widgets
from import_export.instance_loaders import BaseInstanceLoader

NUL = "\x00"
LOOKUP_CHUNK = 2000


def change_reason():
    return _("Imported from a spreadsheet")


def cell_text(value):
    """A cell as the text it shows: a spreadsheet may hand back a number typed in a
    text column as an int or a float (1975.0), which reads as "1975"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def one_line_ending(text):
    """A text with its line breaks as "\n": an XLSX (XML) reads "\r\n", which a
    browser sends from a text area, back as "\n"."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def same_text(value, stored):
    """Whether a cell's text is the stored text, whatever its line breaks."""
    return isinstance(stored, str) and one_line_ending(value) == one_line_ending(stored)


def code_of(value):
    return cell_text(value).strip()


def codes_in(values):
    """The distinct codes of a column, to look up: not empty, and without the NUL
    character, which no stored code holds and PostgreSQL refuses in a query."""
    return sorted(code for code in {code_of(value) for value in values} if code and NUL not in code)


def chunked(items, size=LOOKUP_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class CodeLookupWidget(widgets.ForeignKeyWidget):
    """A link written as the other record's code, read from a dictionary filled once
    per import (`load`) instead of one query per row."""

    def __init__(self, model):
        super().__init__(model, "code")
        self.found = None

    def load(self, values):
        self.found = {}
        for chunk in chunked(codes_in(values)):
            records = self.model._default_manager.filter(code__in=chunk)
            self.found.update((record.code, record) for record in records)

    def clean(self, value, row=None, **kwargs):
        code = code_of(value)
        if not code:
            return None
        if self.found is None:
            return super().clean(code, row, **kwargs)
        if code not in self.found:
            raise ValueError(
                _("There is no %(kind)s with the code %(code)s.")
                % {"kind": self.model._meta.verbose_name, "code": code}
            )
        return self.found[code]


class DigitsWidget(widgets.IntegerWidget):
    """IntegerWidget, reading plain digits directly: its locale-aware reading
    (formats.sanitize_separators, 10 µs a cell) only for anything else, and what
    is no number refused as the cell's error (not an error of the whole row)."""

    def clean(self, value, row=None, **kwargs):
        if type(value) is str and value.isascii() and value.isdigit():
            return int(value)
        try:
            return super().clean(value, row, **kwargs)
        except ArithmeticError:  # decimal.InvalidOperation
            message = models.IntegerField.default_error_messages["invalid"]
            raise ValueError(message % {"value": value}) from None


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class IsoDateWidget(widgets.DateWidget):
    """DateWidget, reading YYYY-MM-DD directly when that is its first format, as
    strptime() would (7 µs a cell); anything else through its formats in turn.
    An XLSX date cell reads back as a datetime at midnight: its day, as Django's
    DateField reads it, or it would compare unequal to the stored date."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if type(value) is str and self.formats[0] == "%Y-%m-%d" and ISO_DATE.fullmatch(value):
            with contextlib.suppress(ValueError):  # no such day: the formats say so
                return datetime.date.fromisoformat(value)
        return super().clean(value, row, **kwargs)


class TextWidget(widgets.CharWidget):
    """CharWidget, reading a number a spreadsheet made of a text cell as its text."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = cell_text(value)
        return super().clean(value, row, **kwargs)


FASTER_WIDGETS = {
    widgets.IntegerWidget: DigitsWidget,
    widgets.DateWidget: IsoDateWidget,
    widgets.CharWidget: TextWidget,
}


def by_code(model, name, **kwargs):
    return fields.Field(attribute=name, column_name=name, widget=CodeLookupWidget(model), **kwargs)


def read_only(name):
    return fields.Field(attribute=name, column_name=name, readonly=True)


class CodeField(fields.Field):
    """The stable code: kept as given, or a new one when the cell is empty."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        code = code_of(row.get(self.column_name))
        if code:
            instance.code = code


def reading(resource, headers):
    """The queryset an import reads its records with (locked FOR UPDATE in a real
    import, so no one changes them before it commits), and the links to prefetch:
    those the rows do not set, read for the search columns, and all for the preview."""
    queryset = resource.get_queryset().order_by("pk")
    if resource.locks_records():
        queryset = queryset.select_for_update(of=("self",))
    links = [name for name in resource.linked_fields() if resource.previews or name not in headers]
    return queryset, links


class RecordLoader(BaseInstanceLoader):
    """The file's existing records, read by code before the first row."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.records = {}
        headers = (dataset.headers if dataset is not None else None) or []
        if "code" not in headers:
            return
        queryset, links = reading(resource, headers)
        for chunk in chunked(codes_in(dataset["code"])):
            records = list(queryset.filter(code__in=chunk))
            prefetch_related_objects(records, *links)
            self.records.update((record.code, record) for record in records)

    def get_instance(self, row):
        return self.records.get(code_of(row.get("code")))
