"""The staff search at scale: a rare word, a common word, a common word narrowed by a facet.

    .venv/bin/python bench/staff_search.py [--documents 200000] [--repeat 7]
    .venv/bin/python bench/staff_search.py --violations 1000000 --repeat 20 \
        --database-url postgres://postgres@127.0.0.1:55480/nkdb [--reuse]

Builds a throwaway SQLite database in a temporary directory (or uses
--database-url or DATABASE_URL: a throwaway database only, it is written to),
migrates it, loads the reference data and the roles, then writes the records and
their staff documents directly (no ORM objects, no signals): in batches of plain
INSERTs on SQLite, with COPY on PostgreSQL, whose non-unique indexes are dropped
for the load and built after it. With --reuse, a database this script has filled
before is measured again without writing.

- --documents N: 40 % persons, 50 % events, 10 % testimonies;
- --violations N (the issue's scale, as cases/scale.py's proportions): N
  violations, N/10 testimonies, 3N/10 events and N/2 persons;
- every testimony with a transcript of about 1,000 characters;
- one record in 50 confidential (found by custodians only; a confidential
  person's testimonies and violations too);
- the text, in the records' own fields (a person's notes, an event's, a
  violation's and a testimony's Korean description or summary) and in their
  documents, from a fixed vocabulary: the rare word (요덕) in one record in 400,
  the common word (고문) in about one in ten, and in the transcripts likewise.

Then `research.services.search` (the whole of the page's work: matching, scope,
total, facets, the page, snippets, and the custodian's log) is timed --repeat
times per word and role, after a warm-up: median, 95th percentile and slowest,
printed as a Markdown table. With --recall, each exact total is compared with a
substring count (strpos) over the records' own fields that the index searches,
scoped by the role's rules written out in SQL here, and an estimated one with
that count over the sample (PostgreSQL).
"""

import argparse
import atexit
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RARE, COMMON = "요덕", "고문"
FILLER = (
    "보위부 조사 과정에서 구타를 당했다 국경 경비대에 체포되어 집결소로 이송되었다 "
    "가족과 함께 두만강을 건넜다 식량 배급이 끊긴 뒤 장마당에서 일했다 "
    "interrogated by the security ministry detained at the holding centre"
)
BATCH = 5_000
FLUSH = 50_000  # documents held in memory before they are written


def setup(args):
    work = Path(tempfile.mkdtemp(prefix="nkdb-staff-search-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        # The published copy beside it (nkdb -> nkdb_public), unless given.
        os.environ.setdefault("PUBLIC_DATABASE_URL", args.database_url + "_public")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    os.environ.setdefault("PUBLIC_DATABASE_URL", f"sqlite:///{work / 'public.sqlite3'}")
    # Production-like settings (DEBUG off, throwaway keys), as run_benchmarks.py.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nkdb.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "k" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    from cryptography.fernet import Fernet

    for name in ("IDENTITY_KEYS", "OTP_KEYS"):
        os.environ.setdefault(name, Fernet.generate_key().decode())
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cases.reference import load_reference_data
    from cases.roles import ensure_roles

    load_reference_data()
    ensure_roles()
    return work


def text(rng, count):
    words = rng.choices(FILLER.split(), k=count)
    if rng.random() < 1 / 400:
        words.insert(rng.randrange(len(words) + 1), RARE + "에서")
    if rng.random() < 1 / 10:
        words.insert(rng.randrange(len(words) + 1), COMMON + "을")
    return " ".join(words)


def insert(model, columns, rows):
    """Write rows: COPY on PostgreSQL, plain multi-row INSERTs elsewhere; the
    columns not given take their field's default (or NULL, or an empty value)."""
    from django.db import connection, transaction

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rest = [f for f in fields if f.column not in columns]
    filler = tuple(_empty(f, connection) for f in rest)
    columns = [*columns, *(f.column for f in rest)]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Foreign keys checked row by row, not millions queued to the commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + filler)
            return
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 (model names)
                [row + filler for row in rows[start : start + BATCH]],
            )


def _empty(field, connection):
    if field.has_default():
        return field.get_db_prep_save(field.get_default(), connection)
    if field.null:
        return None
    internal = field.get_internal_type()
    if internal in ("BooleanField",):
        return False
    if "Integer" in internal or internal in ("FloatField", "DecimalField"):
        return 0
    if internal == "JSONField":
        return "{}"
    return ""


def sizes(args):
    """{kind: records} for the options given."""
    if args.violations:
        n = args.violations
        return {"person": n // 2, "event": n * 3 // 10, "violation": n, "testimony": n // 10}
    n = args.documents
    persons, events = n * 4 // 10, n // 2
    return {"person": persons, "event": events, "testimony": n - persons - events}


TABLES = ("cases_person", "cases_event", "cases_violation", "cases_testimony")
TABLES += ("research_staffdocument", "research_stafftranscript")


def _secondary_indexes():
    """(name, definition) of the non-unique indexes of the tables written (PostgreSQL)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
            [list(TABLES)],
        )
        return cursor.fetchall()


def seed(counts, seed=1):
    """Records and their documents; returns the seconds taken."""
    from django.db import connection
    from django.db.models import Max

    from cases.models import (
        Confidentiality,
        Event,
        Person,
        Place,
        Testimony,
        Violation,
        ViolationType,
    )
    from core.words import normal, tokens
    from research.models import StaffDocument

    assert not Person.objects.exists(), "a database without case records, please"

    started = time.monotonic()
    postgres = connection.vendor == "postgresql"
    indexes = _secondary_indexes() if postgres else []
    with connection.cursor() as cursor:
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    rng = random.Random(seed)
    places = list(Place.objects.values_list("pk", flat=True)) or [None]
    types = list(ViolationType.objects.values_list("pk", "name_ko", "name_en"))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    persons = counts["person"]
    bodies = {}  # kind: [text of each record], written to its document next

    def confidentiality():
        return Confidentiality.CONFIDENTIAL if rng.random() < 1 / 50 else Confidentiality.STANDARD

    def stamp(n):
        return now - timedelta(minutes=n)

    def body(kind, n):
        words = text(rng, 12)
        bodies.setdefault(kind, []).append(words)
        return words

    insert(
        Person,
        [*("id", "code", "created_at", "updated_at", "pseudonym", "notes"), "confidentiality"],
        [
            (n, f"BP{n:07d}", stamp(n), stamp(n), f"P{n}", body("person", n), confidentiality())
            for n in range(1, persons + 1)
        ],
    )
    insert(
        Event,
        [*("id", "code", "created_at", "updated_at", "title_en", "description_ko")],
        [
            (n, f"BE{n:07d}", stamp(n), stamp(n), f"Event {n}", body("event", n))
            for n in range(1, counts["event"] + 1)
        ],
    )
    kinds_of_violations = []
    for start in range(1, counts.get("violation", 0) + 1, FLUSH):
        rows = []
        for n in range(start, min(start + FLUSH, counts["violation"] + 1)):
            kind = rng.choice(types)
            kinds_of_violations.append(kind[1:])
            rows.append(
                (
                    *(n, f"BA{n:07d}", stamp(n), stamp(n), rng.randint(1, counts["event"])),
                    *(kind[0], rng.randint(1, persons), body("violation", n), confidentiality()),
                )
            )
        insert(
            Violation,
            [
                *("id", "code", "created_at", "updated_at", "event_id", "violation_type_id"),
                *("victim_id", "description_ko", "confidentiality"),
            ],
            rows,
        )
    transcripts = {}
    testimony_rows = []
    for n in range(1, counts["testimony"] + 1):
        transcripts[n] = text(rng, 120)
        testimony_rows.append(
            (
                *(n, f"BT{n:07d}", stamp(n), stamp(n), rng.randint(1, persons), f"T {n}"),
                *(body("testimony", n), transcripts[n], confidentiality()),
            )
        )
    insert(
        Testimony,
        [
            *("id", "code", "created_at", "updated_at", "interviewee_id", "title_en"),
            *("public_summary_ko", "transcript", "confidentiality"),
        ],
        testimony_rows,
    )
    del testimony_rows

    # The documents, as research/index.py would write them: the code, then the
    # record's searched fields (index.FIELDS) that are not empty, one a line.
    # The reference data's sources are indexed already: the documents follow them.
    titles = {
        "person": lambda n: [f"P{n}"],
        "event": lambda n: [f"Event {n}"],
        "violation": lambda n: list(kinds_of_violations[n - 1]),
        "testimony": lambda n: [f"T {n}"],
    }
    documents, written = [], []
    pk = StaffDocument.objects.aggregate(last=Max("pk"))["last"] or 0
    for kind, size in counts.items():
        for record_id in range(1, size + 1):
            pk += 1
            fields = [f for f in titles[kind](record_id) if f]
            code = f"B{'A' if kind == 'violation' else kind[0].upper()}{record_id:07d}"
            document = "\n".join([code, *fields, bodies[kind][record_id - 1]])
            year = rng.randint(1990, 2023)
            documents.append(
                (
                    *(pk, kind, record_id, code, fields[0][:300]),
                    *(rng.choice(("draft", "in_review", "published")), year // 10 * 10),
                    *(rng.choice(places), None, None, stamp(rng.randrange(sum(counts.values())))),
                    *(document, normal(document), " ".join(tokens(document))),
                )
            )
            if kind == "testimony":
                words = transcripts[record_id]
                written.append((pk, words, normal(words), " ".join(tokens(words))))
            if len(documents) >= FLUSH:
                _write_documents(documents, written)
                documents, written = [], []
        bodies.pop(kind)
    _write_documents(documents, written)
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        if postgres:
            for table in TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
                cursor.execute(f"VACUUM ANALYZE {table}")
    return time.monotonic() - started


def _write_documents(documents, transcripts):
    from research.models import StaffDocument, StaffTranscript

    insert(
        StaffDocument,
        [
            *("id", "kind", "record_id", "code", "title", "status", "decade", "place_id"),
            *("facility_id", "entered_by_id", "updated_at", "body", "search_text"),
            "search_tokens",
        ],
        documents,
    )
    insert(StaffTranscript, ["document_id", "body", "search_text", "search_tokens"], transcripts)


def timed(function, repeat):
    """(median, 95th percentile, slowest) in ms of `repeat` runs after a warm-up."""
    function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    p95 = statistics.quantiles(ordered, n=20, method="inclusive")[-1] if repeat > 1 else ordered[0]
    return statistics.median(ordered), p95, ordered[-1]


# --- Recall: a substring count over the records, scoped in SQL here ----------------

# The fields research/index.py searches, per table, and the person whose
# confidentiality hides a record from researchers (cases/access.py, written out).
SEARCHED = {
    "person": ("cases_person", ["code", "pseudonym", "notes"], None),
    "event": (
        "cases_event",
        ["code", "title_ko", "title_en", "description_ko", "description_en"],
        None,
    ),
    "violation": (
        "cases_violation r JOIN cases_violationtype t ON t.id = r.violation_type_id",
        ["code", "t.name_ko", "t.name_en", "description_ko", "description_en"],
        "victim_id",
    ),
    "testimony": (
        "cases_testimony",
        ["code", "title_ko", "title_en", "public_summary_ko", "public_summary_en"],
        "interviewee_id",
    ),
}


def substring_count(word, restricted, place=None, sample=None):
    """Records with `word` in a searched field, or in a transcript the role reads,
    counted straight from the records (PostgreSQL); `sample`: only those whose
    document is in the 1-in-`sample` sample."""
    from django.db import connection

    counted = 0
    for kind, (table, columns, owner) in SEARCHED.items():
        if " " not in table:
            table = f"{table} r"
        columns = [c if "." in c else f"r.{c}" for c in columns]
        found = " OR ".join(f"strpos(lower({c}), %s) > 0" for c in columns)
        params = [word] * len(columns)
        if kind == "testimony":
            readable = "TRUE"
            if not restricted:
                readable = (
                    "r.confidentiality = 'standard' AND r.consent_withdrawn_on IS NULL AND "
                    "(SELECT confidentiality FROM cases_person WHERE id = r.interviewee_id) "
                    "= 'standard'"
                )
            found += f" OR ({readable} AND strpos(lower(r.transcript), %s) > 0)"
            params.append(word)
        scope = "TRUE"
        if not restricted:
            scope = "r.confidentiality <> 'confidential'"
            if owner:
                scope += (
                    f" AND NOT EXISTS (SELECT 1 FROM cases_person p WHERE p.id = r.{owner} "  # noqa: S608
                    "AND p.confidentiality = 'confidential')"
                )
        document = "d.kind = %s AND d.record_id = r.id"
        params.append(kind)
        if place is not None:
            document += " AND d.place_id = %s"
            params.append(place)
        if sample:
            document += f" AND d.id %% {int(sample)} = 0"
        sql = (
            f"SELECT count(*) FROM {table} WHERE ({found}) AND {scope} "  # noqa: S608
            f"AND EXISTS (SELECT 1 FROM research_staffdocument d WHERE {document})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            counted += cursor.fetchone()[0]
    return counted


def recall(results, word, role, place):
    """'equal' or what differs: the search's total against the substring count."""
    from cases import search as search_counts

    restricted = role == "custodian"
    if results.exact:
        expected = substring_count(word, restricted, place)
        return f"{expected:,} by substring: " + (
            "equal" if expected == results.total else "DIFFERS"
        )
    sample = substring_count(word, restricted, place, sample=search_counts.SAMPLE_EVERY)
    estimate = search_counts.estimate(sample)
    verdict = "equal" if estimate == results.total else "DIFFERS"
    return f"{sample:,} in the sample by substring, so {estimate:,}: {verdict}"


def load():
    return os.getloadavg()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--violations", type=int, help="the issue's shape, see above")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", help="a throwaway database (it is written to)")
    parser.add_argument("--reuse", action="store_true", help="measure the data already there")
    parser.add_argument("--recall", action="store_true", help="check totals by substring")
    args = parser.parse_args()
    setup(args)

    from django.db import connection

    from cases import roles
    from cases.models import Person
    from cases.tests.factories import UserFactory
    from research import services

    counts = sizes(args)
    if args.reuse and Person.objects.exists():
        print(f"reusing {Person.objects.count():,} persons ({connection.vendor})")
    else:
        seconds = seed(counts)
        print(f"{counts} and their documents written in {seconds:.0f} s ({connection.vendor})")
    users = {}
    for role, group in (("researcher", roles.RESEARCHER), ("custodian", roles.CUSTODIAN)):
        existing = UserFactory._meta.model.objects.filter(username=f"bench-{role}").first()
        users[role] = existing or UserFactory(username=f"bench-{role}", roles=[group])
    place = (
        services.StaffDocument.objects.exclude(place=None)
        .values_list("place_id", flat=True)
        .first()
    )
    cases = [
        ("rare word", RARE, {}),
        ("common word", COMMON, {}),
        ("common word, one place chosen", COMMON, {"place": place}),
    ]
    documents = services.StaffDocument.objects.count()
    print(
        f"\n{documents:,} documents ({counts}), {platform.python_implementation()} "
        f"{platform.python_version()}, {connection.vendor}, {os.cpu_count()} cores, "
        f"median, 95th percentile and slowest of {args.repeat} runs of "
        "research.services.search\n"
    )
    print("| Search | Role | Total | Median | p95 | Slowest | Load |")
    print("|---|---|---|---|---|---|---|")
    checks = []
    for label, query, filters in cases:
        for role, user in users.items():
            results = services.search(user=user, query=query, filters=filters)
            total = f"{results.total:,}" + ("" if results.exact else f" ({results.how})")
            median, p95, slowest = timed(
                lambda user=user, query=query, filters=filters: services.search(
                    user=user, query=query, filters=filters
                ),
                args.repeat,
            )
            print(
                f"| {label} | {role} | {total} | {median:.0f} ms | {p95:.0f} ms "
                f"| {slowest:.0f} ms | {load():.2f} |",
                flush=True,
            )
            if args.recall and connection.vendor == "postgresql":
                checks.append(f"{label}, {role}: {total}; " + recall(
                    results, query, role, filters.get("place")))  # fmt: skip
    for line in checks:
        print(line)


if __name__ == "__main__":
    main()
