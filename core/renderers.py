import csv
import io
import itertools

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from core.spreadsheets import escape_cell

# A series' source, repeated on each of its rows: (CSV column, field of the dataset).
SOURCE_COLUMNS = (
    ("dataset", "slug"),
    ("dataset_publisher", "publisher"),
    ("dataset_title", "title"),
    ("dataset_edition", "edition"),
    ("dataset_address", "address"),
    ("dataset_licence", "licence"),
    ("dataset_retrieved", "retrieved"),
    ("citation", "citation"),
)


class CSVRenderer(BaseRenderer):
    """Flat CSV of a list, a paginated list, or a series (its rows plus the source
    of every row, so a figure never travels without its dataset and edition)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, dict) and "rows" in data:
            source = {column: data["dataset"][key] for column, key in SOURCE_COLUMNS}
            rows = [{**row, **source} for row in data["rows"]]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data]
        header = []
        for row in rows:
            header.extend(key for key in row if key not in header)
        return "".join(csv_text(header, rows)).encode(self.charset)


def csv_text(header, rows, chunk=500):
    """The CSV of the rows (dicts) under the header, in pieces of `chunk` rows: the
    one writer of the API's CSV, whole (CSVRenderer) or streamed (`streamed_csv`)."""
    out = io.StringIO()
    # A byte-order mark first, or Excel reads the UTF-8 (Korean) as a legacy code page.
    out.write("\ufeff")
    # Texts a spreadsheet would run as formulas are escaped (core/spreadsheets.py).
    csv.writer(out, lineterminator="\n").writerow([escape_cell(key) for key in header])
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    for n, row in enumerate(rows, start=1):
        writer.writerow({key: escape_cell(value) for key, value in row.items()})
        if n % chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


class _StreamedCSV(StreamingHttpResponse):
    """Closes the database cursor with the response: the server closes a response
    when its body is sent or its client has gone. Left to the garbage collector,
    the cursor would be closed at any moment, possibly in the middle of another
    query on the same connection, where psycopg's connection lock makes the
    process wait forever (seen on PostgreSQL)."""

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self._records = records

    def close(self):
        try:
            self._records.close()
        finally:
            super().close()


def streamed_csv(records, filename, *, row):
    """A whole list as CSV, written as it is read: `records` from a QuerySet's
    `.iterator()` are never all in memory, and `row` makes each one a CSV row (a
    dict). Its columns are the first row's, as CSVRenderer's are when all rows
    have the same keys. No ETag (the body is not known until it is sent) and never
    cached (docs/api.md, "Bulk pulls").

    The first row is read here, so that the query runs, and may fail, before
    the answer starts."""
    rows = (row(record) for record in records)
    first = next(rows, None)
    header = list(first) if first is not None else []
    rows = itertools.chain([first] if first is not None else [], rows)
    response = _StreamedCSV(
        (text.encode("utf-8") for text in csv_text(header, rows)),
        content_type="text/csv; charset=utf-8",
        records=records,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _flat(value):
    if isinstance(value, dict):
        return value.get("code", value.get("testimony")) or next(iter(value.values()), "")
    return value


class FlatCSVRenderer(CSVRenderer):
    """CSV with nested objects reduced to their code and lists joined by "; ".

    Shared by the case API (public/api.py) and its counts:
    here, beside CSVRenderer, as it reads no model."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            data = {"results": [self.flatten(row) for row in data["results"]]}
        return super().render(data, accepted_media_type, renderer_context)

    @staticmethod
    def flatten(row):
        flat = {}
        for key, value in row.items():
            if isinstance(value, list):
                flat[key] = "; ".join(str(_flat(item) or "") for item in value)
            else:
                flat[key] = _flat(value)
        return flat
