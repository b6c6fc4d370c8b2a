"""The staff search at scale: a rare word, a common word, a common word narrowed by a facet.

    .venv/bin/python bench/staff_search.py [--documents 200000] [--repeat 7]

Builds a throwaway SQLite database in a temporary directory (or uses DATABASE_URL:
a throwaway copy only, it is written to), migrates it, loads the reference data
and the roles, then writes N staff documents and their records directly, in
batches of plain INSERTs (no ORM objects, no signals: seed_scale's records cost a
second per few hundred on SQLite, this a second per tens of thousands):

- 40 % persons, 50 % events, 10 % testimonies with a transcript of about 1,000
  characters (the issue's proportion: 100,000 testimonies to a million records);
- one record in 50 confidential (found by custodians only);
- text from a fixed vocabulary: the rare word (구금환경) in one document in 400,
  the common word (고문) in one in five, in the document or the transcript.

Then `research.services.search` (the whole of the page's work: matching, scope,
total, facets, the page, snippets, and the custodian's log) is timed --repeat
times per word and role, after a warm-up. Printed as a Markdown table.
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

RARE, COMMON = "구금환경", "고문"
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
        words.insert(rng.randrange(len(words) + 1), RARE + "이")
    if rng.random() < 1 / 10:  # with the transcripts' share, one document in five
        words.insert(rng.randrange(len(words) + 1), COMMON + "을")
    return " ".join(words)


def insert(model, columns, rows):
    """Plain multi-row INSERTs through the connection (either vendor); the columns
    not given take their field's default (or NULL, or an empty value)."""
    from django.db import connection, transaction

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rest = [f for f in fields if f.column not in columns]
    filler = tuple(_empty(f, connection) for f in rest)
    columns = [*columns, *(f.column for f in rest)]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with transaction.atomic(), connection.cursor() as cursor:
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


def seed(count, seed=1):
    """Records and their documents; returns the seconds taken."""
    from django.db.models import Max

    from cases.models import Confidentiality, Event, Person, Place, Testimony
    from core.words import normal, tokens
    from research.models import StaffDocument

    assert not Person.objects.exists(), "a database without case records, please"

    started = time.monotonic()
    rng = random.Random(seed)
    places = list(Place.objects.values_list("pk", flat=True)) or [None]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    persons, events = count * 4 // 10, count // 2
    testimonies = count - persons - events
    kinds = [("person", persons), ("event", events), ("testimony", testimonies)]

    def confidentiality():
        return Confidentiality.CONFIDENTIAL if rng.random() < 1 / 50 else Confidentiality.STANDARD

    def stamp(n):
        return now - timedelta(minutes=n)

    person_rows = [
        (n, f"BP{n:07d}", stamp(n), stamp(n), f"P{n}", "", confidentiality(), "draft")
        for n in range(1, persons + 1)
    ]
    insert(
        Person,
        [
            "id",
            "code",
            "created_at",
            "updated_at",
            "pseudonym",
            "notes",
            "confidentiality",
            "status",
        ],
        person_rows,
    )
    event_rows = [
        (n, f"BE{n:07d}", stamp(n), stamp(n), f"Event {n}", "", "", "", confidentiality(), "draft")
        for n in range(1, events + 1)
    ]
    insert(
        Event,
        [
            *("id", "code", "created_at", "updated_at", "title_en", "title_ko"),
            *("description_en", "description_ko", "confidentiality", "status"),
        ],
        event_rows,
    )
    testimony_rows = [
        (
            *(n, f"BT{n:07d}", stamp(n), stamp(n), rng.randint(1, persons), "", "", f"T {n}"),
            *("", "", "", "", "", confidentiality(), "draft"),
        )
        for n in range(1, testimonies + 1)
    ]
    insert(
        Testimony,
        [
            *("id", "code", "created_at", "updated_at", "interviewee_id", "interviewer"),
            *("interview_country", "title_en", "title_ko", "public_summary_en"),
            *("public_summary_ko", "transcript", "consent_method", "confidentiality", "status"),
        ],
        testimony_rows,
    )

    # The reference data's sources are indexed already: the documents follow them.
    documents, transcripts = [], []
    pk = StaffDocument.objects.aggregate(last=Max("pk"))["last"] or 0
    for kind, size in kinds:
        for record_id in range(1, size + 1):
            pk += 1
            body = text(rng, 12)
            year = rng.randint(1990, 2023)
            documents.append(
                (
                    *(pk, kind, record_id, f"B{kind[0].upper()}{record_id:07d}", body[:60]),
                    *(rng.choice(("draft", "in_review", "published")), year // 10 * 10),
                    *(rng.choice(places), None, None, stamp(rng.randrange(count))),
                    *(body, normal(body), " ".join(tokens(body))),
                )
            )
            if kind == "testimony":
                transcript = text(rng, 120)
                transcripts.append(
                    (pk, transcript, normal(transcript), " ".join(tokens(transcript)))
                )
            if len(documents) >= FLUSH:
                _write_documents(documents, transcripts)
                documents, transcripts = [], []
    _write_documents(documents, transcripts)
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
    function()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    setup(args)

    from django.db import connection

    from cases import roles
    from cases.tests.factories import UserFactory
    from research import services

    seconds = seed(args.documents)
    print(f"{args.documents:,} documents written in {seconds:.0f} s ({connection.vendor})")
    users = {
        "researcher": UserFactory(username="bench-researcher", roles=[roles.RESEARCHER]),
        "custodian": UserFactory(username="bench-custodian", roles=[roles.CUSTODIAN]),
    }
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
    print(
        f"\n{args.documents:,} documents, {platform.python_implementation()} "
        f"{platform.python_version()}, {connection.vendor}, {os.cpu_count()} cores, "
        f"median and slowest of {args.repeat} runs of research.services.search\n"
    )
    print("| Search | Role | Total | Median | Slowest |")
    print("|---|---|---|---|---|")
    for label, query, filters in cases:
        for role, user in users.items():
            results = services.search(user=user, query=query, filters=filters)
            total = f"{results.total:,}" + ("" if results.exact else f" ({results.how})")
            median, slowest = timed(
                lambda user=user, query=query, filters=filters: services.search(
                    user=user, query=query, filters=filters
                ),
                args.repeat,
            )
            print(f"| {label} | {role} | {total} | {median:.0f} ms | {slowest:.0f} ms |")


if __name__ == "__main__":
    main()
