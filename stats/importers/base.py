"""What every reader shares: the error type, the parsed-row shape, CSV helpers."""

import csv
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from stats.models import DIMENSIONS, Status, default_period_label

SMALL_COUNT_NOTE = (
    "Published as 5: UNHCR appears to publish small counts as 5, so read it as "
    "“5 or fewer” (not confirmed in UNHCR's documentation)."
)


class StatsImportError(Exception):
    """A file that cannot be imported; names the file, line, column and reason."""

    def __init__(self, path, reason, *, line=None, column=None):
        self.path = Path(path)
        self.line = line
        self.column = column
        self.reason = reason
        where = [str(self.path.name)]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {reason}")


@dataclass
class DatasetSpec:
    slug: str
    publisher: str
    title: str
    edition: str
    address: str
    classification: str
    source_key: str = ""
    licence: str = ""
    description: str = ""
    caveat: str = ""
    retrieved: datetime.date | None = None  # only when the file states it
    # The same text in Korean, and how the figures were compiled (the "About the
    # data" page): written by hand for the curated files.
    publisher_ko: str = ""
    title_ko: str = ""
    edition_ko: str = ""
    description_ko: str = ""
    caveat_ko: str = ""
    caveat_ids: list = field(default_factory=list)  # stats.caveats identifiers
    compiled_from: str = ""
    compiled_from_ko: str = ""

    def fields(self):
        return {k: v for k, v in self.__dict__.items() if k != "slug"}


@dataclass
class Row:
    """One published cell, with where it came from for error messages."""

    dataset: str
    measure: str
    period_end: int
    value: int | None
    line: int
    column: str
    period_start: int | None = None
    period_label: str = ""
    status: str = Status.REPORTED
    origin: str = ""
    origin_name: str = ""
    destination: str = ""
    destination_name: str = ""
    sex: str = ""
    age_band: str = ""
    education: str = ""
    occupation: str = ""
    province: str = ""
    region: str = ""
    category_ko: str = ""
    note: str = ""
    note_ko: str = ""
    source: str = ""

    def __post_init__(self):
        # TextChoices members hash by name, not value: keep plain strings so
        # keys match the ones read back from the database.
        for name in ("measure", "status", "sex"):
            setattr(self, name, str(getattr(self, name)))
        if not self.period_label:
            self.period_label = default_period_label(self.period_start, self.period_end)

    KEY_FIELDS = ("measure", "period_end", "period_label", "origin", "destination", *DIMENSIONS)
    VALUE_FIELDS = (
        "period_start", "origin_name", "destination_name", "category_ko", "value", "status",
        "note", "note_ko", "source",
    )  # fmt: skip

    def key(self):
        return tuple(getattr(self, name) for name in self.KEY_FIELDS)


@dataclass
class Parsed:
    datasets: list[DatasetSpec] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def numbered_rows(path, *, delimiter=","):
    """Yield (line number where the record starts, cells) for a UTF-8 CSV file."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            start = 1
            try:
                for cells in reader:
                    yield start, cells
                    start = reader.line_num + 1
            except csv.Error as exc:
                raise StatsImportError(path, f"not valid CSV ({exc})", line=start) from exc
    except UnicodeDecodeError as exc:
        raise StatsImportError(path, "not UTF-8 text") from exc
    except FileNotFoundError as exc:
        raise StatsImportError(path, "no such file") from exc


def read_dicts(path, required):
    """The rows of a CSV with a header line, as (line, dict); checks the header."""
    rows = numbered_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise StatsImportError(path, "the file is empty", line=1) from None
    header = [name.strip() for name in header]
    missing = [name for name in required if name not in header]
    if missing:
        raise StatsImportError(path, f"header lacks the column(s) {', '.join(missing)}", line=1)
    for line, cells in data_rows(rows, header, path):
        yield line, dict(zip(header, cells, strict=True))


def data_rows(rows, header, path):
    """(line, cells) of the non-blank rows, each checked to have the header's width."""
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            # The first column without its field, or the first field without a column.
            position = min(len(cells), len(header)) + 1
            name = header[position - 1].strip() if position <= len(header) else "none"
            raise StatsImportError(
                path,
                f"expected {len(header)} fields, found {len(cells)}",
                line=line,
                column=f"{position} ({name})",
            )
        yield line, cells


_THOUSANDS = re.compile(r"^\d{1,3}(?:[ ,\u00a0]\d{3})+$")


def parse_count(text, *, path, line, column, missing=("",)):
    """A published count as an int, or None for a cell the publisher left empty."""
    text = (text or "").strip()
    if text in missing:
        return None
    if _THOUSANDS.match(text):
        text = re.sub(r"[ ,\u00a0]", "", text)
    if re.fullmatch(r"\d+(?:\.0+)?", text):
        return int(text.split(".")[0])
    raise StatsImportError(
        path, f"{text!r} is not a whole number of people", line=line, column=column
    )


def parse_year(text, *, path, line, column, required=True):
    text = (text or "").strip()
    if not text and not required:
        return None
    if re.fullmatch(r"(1[89]|20)\d\d", text):
        return int(text)
    raise StatsImportError(path, f"{text!r} is not a year", line=line, column=column)
