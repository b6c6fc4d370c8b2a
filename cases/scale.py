"""Synthetic data at scale, for benchmarks (`manage.py seed_scale`).

Ten times NKDB's size is about 500,000 persons, 100,000 testimonies, 300,000
events, 1,000,000 violations and 50,000 border crossings. Every row is flagged
`is_synthetic` and its text says so. The shape follows real testimony
databases: most people come from North Hamgyong and Ryanggang, a few violation
types dominate, and dates cluster after 1995.

Rows are built as model instances (so codes, period bounds and search columns
come from the same code as a normal save) and written in batches: with COPY on
PostgreSQL, with bulk_create elsewhere. Non-unique indexes are dropped before
the load and rebuilt after it. History is not written for this data: it is a
benchmark fixture, never edited, and never mixed with real records.
"""

import datetime
import random
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from cases import publication, search
from cases.dates import DatePrecision
from cases.models import (
    BorderCrossing,
    Confidentiality,
    ConsentScope,
    CrossingLeg,
    Event,
    Facility,
    Information,
    Involvement,
    Knowledge,
    Organization,
    Person,
    Place,
    Reliability,
    Sex,
    Testimony,
    Violation,
    ViolationType,
    WorkflowStatus,
    new_code,
)

BATCH = 10_000
LOADED_MODELS = [Person, Testimony, Event, Violation, Involvement, Information]
LOADED_MODELS += [BorderCrossing, CrossingLeg]

ORIGIN_WEIGHTS = {"KP-09": 40, "KP-10": 25, "KP-08": 8, "KP-04": 5, "KP-03": 5, "KP-02": 5}
ORIGIN_WEIGHTS |= {"KP-01": 3, "KP-05": 2, "KP-06": 2, "KP-07": 2, "KP-13": 2, "KP-14": 1}
STATUS_WEIGHTS = {WorkflowStatus.PUBLISHED: 70, WorkflowStatus.IN_REVIEW: 10}
STATUS_WEIGHTS |= {WorkflowStatus.DRAFT: 15, WorkflowStatus.RETURNED: 5}
CONSENT_WEIGHTS = {ConsentScope.FULL: 40, ConsentScope.ANONYMISED: 35}
CONSENT_WEIGHTS |= {ConsentScope.INTERNAL: 15, ConsentScope.NONE: 10}

# Phrases that a testimony database is full of, in both languages, so that the
# search benchmarks meet realistic text (common words, particles attached).
PHRASES_KO = [
    "보위부에서 조사를 받았다",
    "강제북송 후 집결소에 수감되었다",
    "요덕수용소에 대한 소문을 들었다",
    "교화소에서 강제노동을 하였다",
    "공개처형을 목격하였다",
    "장마당에서 장사를 하다가 단속되었다",
    "두만강을 건너 중국으로 탈북하였다",
    "중국 공안에 체포되어 북송되었다",
    "고문과 구타를 당하였다",
    "식량난으로 가족이 굶주렸다",
    "여행증명서 없이 이동하였다",
    "연좌제로 가족이 추방되었다",
    "예심 과정에서 자백을 강요당했다",
    "브로커의 도움으로 라오스를 거쳐 태국에 도착하였다",
]
PHRASES_EN = [
    "was questioned by the state security department",
    "was forcibly repatriated and held in a holding centre",
    "heard about the Yodok political prison camp",
    "was made to do forced labour in a reform-through-labour camp",
    "witnessed a public execution in the market square",
    "was arrested by Chinese public security",
    "crossed the Tumen River into China",
    "was beaten during interrogation",
    "the family went hungry during the food shortage",
    "travelled without a permit and was punished",
    "relatives were banished under collective punishment",
    "reached Thailand through Laos with the help of a broker",
]
SYNTHETIC_EN = "[Synthetic scale record] "
SYNTHETIC_KO = "[합성 대량 자료] "


@dataclass
class Sizes:
    violations: int

    @property
    def persons(self):
        return self.violations // 2

    @property
    def testimonies(self):
        return max(1, self.violations // 10)

    @property
    def events(self):
        return max(1, self.violations * 3 // 10)

    @property
    def crossings(self):
        return max(1, self.violations // 20)


class ScaleGenerator:
    def __init__(self, seed, report):
        self.rng = random.Random(seed)
        self.report = report
        self.codes = {}  # prefix: the codes taken, in the database and in this load
        self.now = timezone.now()
        provinces = {p.code: p for p in Place.objects.filter(level=Place.Level.PROVINCE)}
        self.origins = [provinces[code] for code in ORIGIN_WEIGHTS if code in provinces]
        self.origin_weights = [ORIGIN_WEIGHTS[p.code] for p in self.origins]
        self.settlements = [p for code, p in provinces.items() if code.startswith("KR-")]
        self.countries = {p.code: p for p in Place.objects.filter(level=Place.Level.COUNTRY)}
        leaves = list(ViolationType.objects.filter(parent__isnull=False).order_by("code"))
        self.types = leaves or list(ViolationType.objects.all())
        # A few types dominate: weights fall off as 1/rank over a shuffled order.
        self.rng.shuffle(self.types)
        self.type_weights = [1 / rank for rank in range(1, len(self.types) + 1)]
        self.organizations = list(Organization.objects.all())
        self.facilities = list(Facility.objects.all())
        if not (self.origins and self.types and self.countries):
            raise ValueError("Reference data is missing: run `python manage.py bootstrap` first.")

    # --- values ------------------------------------------------------------

    def pick(self, weights):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def publication(self):
        confidentiality = Confidentiality.STANDARD
        if self.rng.random() < 0.08:
            confidentiality = Confidentiality.RESTRICTED
        return {
            "code": "",
            "status": self.pick(STATUS_WEIGHTS),
            "confidentiality": confidentiality,
            "is_synthetic": True,
            "created_at": self.now,
            "updated_at": self.now,
        }

    def year(self):
        # Dates cluster after 1995: the famine and the years of mass crossings.
        if self.rng.random() < 0.85:
            return self.rng.randint(1995, 2020)
        return self.rng.randint(1970, 1994)

    def text(self, phrases, count):
        return " ".join(self.rng.choice(phrases) for _ in range(count))

    def stamp(self, instance, prefix):
        # Eight characters of 32 make a collision likely among a million codes
        # (and possible with the demo data's): draw again until the code is free.
        taken = self.codes.get(prefix)
        if taken is None:
            manager = type(instance)._base_manager
            taken = self.codes[prefix] = set(manager.values_list("code", flat=True))
        code = new_code(prefix, rng=self.rng)
        while code in taken:
            code = new_code(prefix, rng=self.rng)
        taken.add(code)
        instance.code = code
        if hasattr(instance, "set_period_bounds"):
            instance.set_period_bounds()
        if hasattr(instance, "set_name_key"):
            instance.set_name_key()
        if hasattr(instance, "search_text"):
            search.fill(instance)
        return instance

    # --- rows --------------------------------------------------------------

    def persons(self, ids):
        for pk in ids:
            yield self.stamp(
                Person(
                    pk=pk,
                    pseudonym=f"Scale {pk}",
                    sex=Sex.FEMALE if self.rng.random() < 0.7 else Sex.MALE,
                    birth_year=self.rng.randint(1940, 2005),
                    origin_place=self.rng.choices(self.origins, self.origin_weights)[0],
                    is_alive=self.rng.random() < 0.9,
                    **self.publication(),
                ),
                "P",
            )

    def testimonies(self, ids, person_ids):
        for pk in ids:
            interviewed = datetime.date(self.rng.randint(2000, 2025), self.rng.randint(1, 12), 1)
            consent = self.pick(CONSENT_WEIGHTS)
            yield self.stamp(
                Testimony(
                    pk=pk,
                    interviewee_id=self.rng.choice(person_ids),
                    interview_date=interviewed,
                    interview_country="KR",
                    title_en=SYNTHETIC_EN + self.text(PHRASES_EN, 1),
                    title_ko=SYNTHETIC_KO + self.text(PHRASES_KO, 1),
                    public_summary_en=self.text(PHRASES_EN, 4),
                    public_summary_ko=self.text(PHRASES_KO, 4),
                    knowledge=Knowledge.EXPERIENCED,
                    consent_scope=consent,
                    consent_given_on=None if consent == ConsentScope.NONE else interviewed,
                    start_date=datetime.date(self.year(), 1, 1),
                    start_precision=DatePrecision.YEAR,
                    **self.publication(),
                ),
                "T",
            )

    def events(self, ids):
        for pk in ids:
            origin = self.rng.choices(self.origins, self.origin_weights)[0]
            yield self.stamp(
                Event(
                    pk=pk,
                    title_en=SYNTHETIC_EN + self.text(PHRASES_EN, 1),
                    title_ko=SYNTHETIC_KO + self.text(PHRASES_KO, 1),
                    description_en=self.text(PHRASES_EN, 2),
                    description_ko=self.text(PHRASES_KO, 3),
                    start_date=datetime.date(self.year(), self.rng.randint(1, 12), 1),
                    start_precision=self.rng.choice([DatePrecision.YEAR, DatePrecision.MONTH]),
                    place=origin,
                    facility=self.rng.choice(self.facilities)
                    if self.facilities and self.rng.random() < 0.2
                    else None,
                    **self.publication(),
                ),
                "E",
            )

    def violations(self, ids, event_ids, person_ids):
        for pk in ids:
            violation_type = self.rng.choices(self.types, self.type_weights)[0]
            yield self.stamp(
                Violation(
                    pk=pk,
                    event_id=self.rng.choice(event_ids),
                    violation_type=violation_type,
                    victim_id=self.rng.choice(person_ids),
                    victim_age=self.rng.randint(10, 70),
                    start_date=datetime.date(self.year(), 1, 1),
                    start_precision=DatePrecision.YEAR,
                    description_en=self.text(PHRASES_EN, 1),
                    description_ko=self.text(PHRASES_KO, 1),
                    **self.publication(),
                ),
                "A",
            )

    def involvements(self, ids, violation_ids):
        for pk, violation_id in zip(ids, violation_ids, strict=True):
            yield Involvement(
                pk=pk,
                violation_id=violation_id,
                perpetrator_organization=self.rng.choice(self.organizations),
            )

    def information(self, ids, event_ids, testimony_ids):
        for pk, event_id in zip(ids, event_ids, strict=True):
            yield Information(
                pk=pk,
                event_id=event_id,
                testimony_id=self.rng.choice(testimony_ids),
                knowledge=self.rng.choice(Knowledge.values),
                reliability=self.rng.choice(Reliability.values),
            )

    def crossings(self, ids, person_ids):
        for pk in ids:
            outcome = self.rng.choices(
                BorderCrossing.Outcome.values, weights=[60, 5, 10, 15, 5, 5]
            )[0]
            crossed = datetime.date(self.year(), self.rng.randint(1, 12), 1)
            yield self.stamp(
                BorderCrossing(
                    pk=pk,
                    person_id=self.rng.choice(person_ids),
                    crossing_date=crossed,
                    crossing_date_precision=DatePrecision.MONTH,
                    crossing_point=self.rng.choice(["Tumen River", "Yalu River"]),
                    outcome=outcome,
                    settlement_place=self.rng.choice(self.settlements)
                    if outcome == BorderCrossing.Outcome.REACHED_SOUTH_KOREA
                    else None,
                    description_en=self.text(PHRASES_EN, 1),
                    description_ko=self.text(PHRASES_KO, 1),
                    **self.publication(),
                ),
                "B",
            )

    def legs(self, start_pk, crossing_ids):
        pk = start_pk
        for crossing_id in crossing_ids:
            route = ["CN"] + (
                [self.rng.choice(["LA", "TH", "MN", "VN"])] if self.rng.random() < 0.6 else []
            )
            for order, country in enumerate(route, start=1):
                yield CrossingLeg(
                    pk=pk, crossing_id=crossing_id, order=order, country=self.countries[country]
                )
                pk += 1


# --- writing -----------------------------------------------------------------


def next_id(model):
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def write(model, instances, report):
    """Write instances in batches; COPY on PostgreSQL."""
    fields = model._meta.concrete_fields
    started, total, batch = time.monotonic(), 0, []
    for instance in instances:
        batch.append(instance)
        if len(batch) >= BATCH:
            total += _write_batch(model, fields, batch)
            batch = []
            report(model, total, time.monotonic() - started)
    if batch:
        total += _write_batch(model, fields, batch)
    report(model, total, time.monotonic() - started, done=True)
    return total


def _write_batch(model, fields, batch):
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(batch, batch_size=500)
        return len(batch)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for instance in batch:
            copy.write_row(
                [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]
            )
    return len(batch)


def _secondary_indexes(tables):
    """Definitions of the non-unique indexes on these tables (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
            [list(tables)],
        )
        return cursor.fetchall()


def _reset_sequences(models):
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (table names from models)
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


@transaction.atomic
def seed_scale(*, violations, seed=1, report=lambda *args, **kwargs: None):
    """Add synthetic data of the given size; returns the rows written per model."""
    sizes = Sizes(violations)
    generator = ScaleGenerator(seed, report)
    postgres = connection.vendor == "postgresql"
    tables = [model._meta.db_table for model in LOADED_MODELS]
    indexes = _secondary_indexes(tables) if postgres else []
    if postgres:
        with connection.cursor() as cursor:
            # Check foreign keys row by row rather than queueing millions of
            # deferred checks until the commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")

    first = {model: next_id(model) for model in LOADED_MODELS}
    person_ids = list(range(first[Person], first[Person] + sizes.persons))
    testimony_ids = list(range(first[Testimony], first[Testimony] + sizes.testimonies))
    event_ids = list(range(first[Event], first[Event] + sizes.events))
    violation_ids = list(range(first[Violation], first[Violation] + sizes.violations))
    crossing_ids = list(range(first[BorderCrossing], first[BorderCrossing] + sizes.crossings))
    counts = {}
    counts["persons"] = write(Person, generator.persons(person_ids), report)
    counts["testimonies"] = write(
        Testimony, generator.testimonies(testimony_ids, person_ids), report
    )
    counts["events"] = write(Event, generator.events(event_ids), report)
    counts["violations"] = write(
        Violation, generator.violations(violation_ids, event_ids, person_ids), report
    )
    involvement_ids = range(first[Involvement], first[Involvement] + len(violation_ids))
    counts["involvements"] = write(
        Involvement, generator.involvements(involvement_ids, violation_ids), report
    )
    information_ids = range(first[Information], first[Information] + len(event_ids))
    counts["information"] = write(
        Information, generator.information(information_ids, event_ids, testimony_ids), report
    )
    counts["border crossings"] = write(
        BorderCrossing, generator.crossings(crossing_ids, person_ids), report
    )
    counts["legs"] = write(CrossingLeg, generator.legs(first[CrossingLeg], crossing_ids), report)

    if postgres:
        started = time.monotonic()
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)
        report("indexes", len(indexes), time.monotonic() - started, done=True)
        _reset_sequences(LOADED_MODELS)
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    # COPY and bulk_create send no signals: compute the stored publication flags
    # (and rebuild the published copy).
    started = time.monotonic()
    changed = publication.refresh_everything()
    report("records made public", changed, time.monotonic() - started, done=True)
    return counts


def vacuum(report=lambda *args, **kwargs: None):
    """VACUUM ANALYZE the loaded tables (PostgreSQL, outside a transaction): sets
    the visibility map, so the facets' covering indexes give index-only scans."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    started = time.monotonic()
    tables = [model._meta.db_table for model in LOADED_MODELS]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    report("vacuum", len(tables), time.monotonic() - started, done=True)
