"""Rows without a code, matched on a natural key (issue 21, item 3).

A row without a code used to create a record every time the file was imported.
Now each resource names the columns that say which record a row means
(`natural_key`, listed in docs/imports.md): a code-less row whose key is that of
one record updates (or skips) that record, and the preview says which record it
matched and on what; a key no record has makes a new record. Never a silent
duplicate, so a row is refused, with the reason, when:

- another code-less row of the file has the same key (they would be one record);
- several records have its key (the row must say which, by its code);
- the record it matches is named by its code on another line of the file;
- the record it matches is restricted and the importer does not see restricted
  records (the refusal does not name it).

The keys are compared as the records store them: links by record, texts as
they are but for their line breaks ("\r\n" is "\n"), dates as typed (a date is
stored at the first day of its precision, and a row with a date its precision
would move is refused anyway).
Records are read before the first row, one query per `CHUNK` distinct keys.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from cases.import_widgets import chunked, code_of, one_line_ending, reading
from cases.models import Confidentiality
from core.spreadsheets import unescape_cell

# Keys per query: an OR of this many ANDs stays far below SQLite's expression depth.
CHUNK = 100


def key_text(model, names):
    """The key's columns as the user knows them: 'pseudonym, year of birth, place of origin'."""
    labels = [model._meta.get_field(name).verbose_name for name in names]
    return format_lazy("{}" + ", {}" * (len(labels) - 1), *labels)


class NaturalKeys:
    """The records the code-less rows of a file mean, found before the first row."""

    def __init__(self, resource, dataset):
        self.model = resource._meta.model
        self.names = resource.natural_key
        self.fields = [resource.fields[name] for name in self.names]
        self.columns = [self.model._meta.get_field(name) for name in self.names]
        self.sees_all = resource.sees_all
        self.description = key_text(self.model, self.names)
        headers = dataset.headers or []
        self.keys, self.lines, self.named = {}, defaultdict(list), {}
        for number, values in enumerate(dataset, 1):
            row = dict(zip(headers, values, strict=False))
            code = code_of(row.get("code"))
            if code:
                self.named.setdefault(code, number)
                continue
            key = self.key_of(row)
            self.keys[number] = key
            if key is not None:
                self.lines[key].append(number)
        self.records = defaultdict(list)
        if self.lines:
            self.read(resource, headers)

    def key_of(self, row):
        """The row's key, or None when a cell of it cannot be read (the import says why)."""
        key = []
        for field, column in zip(self.fields, self.columns, strict=True):
            if field.column_name not in row:
                value = column.get_default()
            else:
                cell = {field.column_name: unescape_cell(row[field.column_name])}
                try:
                    value = field.clean(cell)
                except (ValueError, ValidationError, KeyError):
                    return None
            key.append(self.comparable(value))
        return tuple(key)

    @staticmethod
    def comparable(value):
        if isinstance(value, models.Model):
            return value.pk
        if isinstance(value, str):
            return one_line_ending(value)
        return value

    def stored_key(self, record):
        return tuple(self.comparable(getattr(record, column.attname)) for column in self.columns)

    def read(self, resource, headers):
        queryset, links = reading(resource, headers)
        for chunk in chunked(self.lines, CHUNK):
            condition = Q()
            for key in chunk:
                condition |= Q(
                    *(
                        Q(**{f"{column.attname}__isnull": True})
                        if value is None
                        else Q(**{column.attname: value})
                        for column, value in zip(self.columns, key, strict=True)
                        # A text with line breaks may be stored with others: compared below.
                        if not (isinstance(value, str) and "\n" in value)
                    )
                )
            records = list(queryset.filter(condition))
            models.prefetch_related_objects(records, *links)
            for record in records:
                self.records[self.stored_key(record)].append(record)

    def match(self, number):
        """The record line `number` (without a code) means, None for a new one, or
        a ValidationError saying why the line is refused."""
        key = self.keys.get(number)
        if key is None:
            return None
        shared = {"key": self.description}
        lines = self.lines[key]
        if len(lines) > 1:
            message = _(
                "Lines %(lines)s have no code and the same %(key)s: they would be one "
                "record. Give each row its code, or keep only one of them."
            ) % {**shared, "lines": ", ".join(str(line) for line in lines)}
            raise ValidationError({"code": [message]})
        records = self.records.get(key, [])
        visible = [
            r for r in records if self.sees_all or r.confidentiality == Confidentiality.STANDARD
        ]
        if len(records) > 1:
            message = _(
                "This row has no code, and %(count)d records have its %(key)s "
                "(%(codes)s): write the code of the one it means in the “code” column."
            ) % {**shared, "count": len(records), "codes": ", ".join(r.code for r in visible)}
            raise ValidationError({"code": [message]})
        if not records:
            return None
        (record,) = records
        if not visible:
            message = (
                _(
                    "This row has no code and its %(key)s are those of a restricted record; "
                    "only a custodian may import it."
                )
                % shared
            )
            raise ValidationError({"code": [message]})
        if record.code in self.named:
            message = _(
                "This row has no code and its %(key)s are those of %(code)s, which line "
                "%(line)d names by its code: keep only one of the two rows."
            ) % {**shared, "code": record.code, "line": self.named[record.code]}
            raise ValidationError({"code": [message]})
        return record


def matched_on(record, description):
    """What the preview says of a row matched on its key."""
    return _("%(code)s, matched on its %(key)s") % {"code": record.code, "key": description}
