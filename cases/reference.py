"""Loading the shipped reference data: countries, provinces, the violation
taxonomy, perpetrator organizations and detention facilities.

Each loader upserts by code and saves a row only when something changed, so
`bootstrap` can run any number of times and leaves the database (and its
history) as it was the second time.
"""

import csv
import gettext
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pycountry
from babel import Locale
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from cases import copying
from cases.models import Facility, LocationPrecision, Organization, Place, Source, ViolationType

REFERENCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "reference"

# Korean country names from pycountry's catalogue are the formal ones; these
# are the names Korean readers use.
KOREAN_COUNTRY_NAMES = {"KP": "북한", "KR": "대한민국", "RU": "러시아", "LA": "라오스"}


class ReferenceDataError(ValueError):
    """A shipped file is wrong: says which file, line and column, and why."""

    def __init__(self, path, line, column, reason):
        self.path, self.line, self.column, self.reason = path, line, column, reason
        super().__init__(f"{Path(path).name}, line {line}, column {column!r}: {reason}")


@dataclass
class LoadReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: int = 0

    def __str__(self):
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {self.unchanged} unchanged"
        )


def upsert(model, report, code, values, *, path=None, line=None):
    """Create or update the row with this code; save only if a value differs.

    A place or facility from the shipped files is approved: the files are
    reviewed where they are kept, in the repository."""
    if model in (Place, Facility):
        values = {**values, "approved": True}
    instance = model.objects.filter(code=code).first()
    if instance is None:
        instance = model(code=code, **values)
        changed = ["code"]
    else:
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        for name in changed:
            setattr(instance, name, values[name])
    if not changed:
        report.unchanged += 1
        return instance
    try:
        instance.full_clean()
    except ValidationError as error:
        column, messages = next(iter(error.message_dict.items()))
        raise ReferenceDataError(path or model.__name__, line, column, " ".join(messages)) from None
    (report.created if instance.pk is None else report.updated).append(code)
    instance.save()
    return instance


def read_rows(path, required_columns):
    """Yield (line number, row) from a CSV file, checking its header first."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(required_columns) - set(reader.fieldnames or [])
        if missing:
            raise ReferenceDataError(path, 1, ", ".join(sorted(missing)), "column missing")
        for row in reader:
            yield reader.line_num, {key: (value or "").strip() for key, value in row.items()}


def decimal_or_none(path, line, column, text):
    if not text:
        return None
    try:
        return Decimal(text).quantize(Decimal("0.00001"))
    except InvalidOperation:
        raise ReferenceDataError(path, line, column, f"{text!r} is not a number") from None


def choice(path, line, column, text, choices, default=None):
    if not text and default is not None:
        return default
    if text not in choices.values:
        allowed = ", ".join(choices.values)
        raise ReferenceDataError(path, line, column, f"{text!r} is not one of: {allowed}")
    return text


def aliases(text):
    """`;`-separated names in the CSV, one per line in the database."""
    return "\n".join(name.strip() for name in text.split(";") if name.strip())


def by_code(model, path, line, column, code):
    if not code:
        return None
    try:
        return model.objects.get(code=code)
    except model.DoesNotExist:
        raise ReferenceDataError(path, line, column, f"no {model.__name__} {code!r}") from None


@copying.applied_at_the_end()
def load_countries():
    report = LoadReport()
    korean = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ko"])
    japanese = Locale("ja").territories
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        values = {
            "level": Place.Level.COUNTRY,
            "parent": None,
            "name_en": english,
            "name_ko": KOREAN_COUNTRY_NAMES.get(country.alpha_2, korean.gettext(country.name)),
            "name_ja": japanese.get(country.alpha_2, ""),
            "iso_alpha3": country.alpha_3,
        }
        upsert(Place, report, country.alpha_2, values)
    return report


@copying.applied_at_the_end()
def load_places(path=REFERENCE_DIR / "places.csv"):
    report = LoadReport()
    columns = ["code", "parent_code", "level", "name_en", "name_ko", "aliases", "latitude"]
    for line, row in read_rows(path, [*columns, "longitude", "location_precision"]):
        values = {
            "parent": by_code(Place, path, line, "parent_code", row["parent_code"]),
            "level": choice(path, line, "level", row["level"], Place.Level),
            "name_en": row["name_en"],
            "name_ko": row["name_ko"],
            "name_ja": row.get("name_ja") or "",  # optional column
            "aliases": aliases(row["aliases"]),
            "latitude": decimal_or_none(path, line, "latitude", row["latitude"]),
            "longitude": decimal_or_none(path, line, "longitude", row["longitude"]),
            "location_precision": choice(
                path,
                line,
                "location_precision",
                row["location_precision"],
                LocationPrecision,
                default=LocationPrecision.UNKNOWN,
            ),
        }
        upsert(Place, report, row["code"], values, path=path, line=line)
    return report


@copying.applied_at_the_end()
def load_violation_types(path=REFERENCE_DIR / "violation_types.csv"):
    report = LoadReport()
    columns = ["code", "parent_code", "name_en", "name_ko", "right_affected"]
    for line, row in read_rows(path, [*columns, "crime_against_humanity", "description_en"]):
        if row["crime_against_humanity"] not in ("yes", "no"):
            raise ReferenceDataError(path, line, "crime_against_humanity", "must be yes or no")
        values = {
            "parent": by_code(ViolationType, path, line, "parent_code", row["parent_code"]),
            "name_en": row["name_en"],
            "name_ko": row["name_ko"],
            "name_ja": row.get("name_ja") or "",  # optional column
            "right_affected": row["right_affected"],
            "crime_against_humanity": row["crime_against_humanity"] == "yes",
            "description_en": row["description_en"],
        }
        upsert(ViolationType, report, row["code"], values, path=path, line=line)
    return report


@copying.applied_at_the_end()
def load_organizations(path=REFERENCE_DIR / "organizations.csv"):
    report = LoadReport()
    columns = ["code", "parent_code", "name_en", "name_ko", "country", "kind", "aliases", "notes"]
    for line, row in read_rows(path, columns):
        values = {
            "parent": by_code(Organization, path, line, "parent_code", row["parent_code"]),
            "name_en": row["name_en"],
            "name_ko": row["name_ko"],
            "name_ja": row.get("name_ja") or "",  # optional column
            "country": row["country"],
            "kind": choice(path, line, "kind", row["kind"], Organization.Kind),
            "aliases": aliases(row["aliases"]),
            "notes": row["notes"],
        }
        upsert(Organization, report, row["code"], values, path=path, line=line)
    return report


def facility_source(row):
    """The public report a facility row cites, created once and shared."""
    if not row["source_title"]:
        return None
    year = int(row["source_year"]) if row["source_year"] else None
    source = Source.objects.filter(
        title=row["source_title"], publisher=row["source_publisher"], published_year=year
    ).first()
    if source is None:
        kind = Source.Kind.UN_REPORT if "A/HRC" in row["source_title"] else Source.Kind.NGO_REPORT
        source = Source.objects.create(
            kind=kind,
            title=row["source_title"],
            public_citation=row["source_title"],  # published reports, cited as titled
            language="en",  # every shipped report is in English
            publisher=row["source_publisher"],
            published_year=year,
            url=row["source_url"],
        )
    return source


@copying.applied_at_the_end()
def load_facilities(path=REFERENCE_DIR / "facilities.csv"):
    report = LoadReport()
    columns = ["code", "kind", "name_en", "name_ko", "aliases", "province_code"]
    columns += ["latitude", "longitude", "location_precision", "status", "notes"]
    columns += ["source_title", "source_publisher", "source_year", "source_url"]
    for line, row in read_rows(path, columns):
        values = {
            "kind": choice(path, line, "kind", row["kind"], Facility.Kind),
            "name_en": row["name_en"],
            "name_ko": row["name_ko"],
            "name_ja": row.get("name_ja") or "",  # optional column
            "aliases": aliases(row["aliases"]),
            "place": by_code(Place, path, line, "province_code", row["province_code"]),
            "latitude": decimal_or_none(path, line, "latitude", row["latitude"]),
            "longitude": decimal_or_none(path, line, "longitude", row["longitude"]),
            "location_precision": choice(
                path, line, "location_precision", row["location_precision"], LocationPrecision
            ),
            "status": choice(
                path,
                line,
                "status",
                row["status"],
                Facility.Status,
                default=Facility.Status.UNKNOWN,
            ),
            "source": facility_source(row),
            "notes": row["notes"],
        }
        upsert(Facility, report, row["code"], values, path=path, line=line)
    return report


@transaction.atomic
def load_reference_data():
    """Load every shipped reference file, in dependency order. All or nothing."""
    with copying.applied_at_the_end():
        return {
            "countries": load_countries(),
            "provinces": load_places(),
            "violation types": load_violation_types(),
            "organizations": load_organizations(),
            "facilities": load_facilities(),
        }
