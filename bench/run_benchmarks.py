"""Benchmarks against the SQL floor.

Each endpoint is requested in-process (Django's test client, production
settings: DEBUG off), many times after a warm-up; beside it, the same SQL it ran
is executed directly through the database cursor: the floor. The ratio of the
two is what the application adds on top of the database.

    DATABASE_URL=postgres://... .venv/bin/python bench/run_benchmarks.py \
        [--seed-scale 1000000] [--repeat 50] [--output docs/benchmarks.md]

The database must be migrated and bootstrapped; --seed-scale N first loads N
synthetic violations (and times it). Results are printed and, with --output,
written as a Markdown table with the data size, the machine and the command.
"""

import argparse
import io
import os
import platform
import shlex
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Production-like settings: DEBUG off, no throttling of the benchmark client.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nkdb.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "k" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("API_ANON_RATE", "1000000000/minute")
os.environ.setdefault("SEARCH_RATE", "1000000000/minute")
if "IDENTITY_KEYS" not in os.environ:
    from cryptography.fernet import Fernet

    os.environ["IDENTITY_KEYS"] = Fernet.generate_key().decode()
if "OTP_KEYS" not in os.environ:
    from cryptography.fernet import Fernet

    os.environ["OTP_KEYS"] = Fernet.generate_key().decode()

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if "--cache-off" in sys.argv:
    # Set before any cache is opened: every request of the case pages and API is
    # then a miss, as the first one after a write.
    settings.CACHES["public"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from cases.models import BorderCrossing, Event, Person, Testimony, Violation  # noqa: E402


def percentiles(samples):
    ordered = sorted(samples)
    cuts = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
    return statistics.median(ordered), cuts[94], cuts[98]


def timed(function, repeat, warmup):
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def floor_of(statements):
    """The captured SQL, run again directly: what the database alone costs."""

    def run():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()

    return run


def capture(function):
    """Run `function`, returning the SQL statements (with parameters) it executed.

    An execute wrapper, not CaptureQueriesContext: the test client's request
    signals reset `connection.queries`, which left the floor empty (0 queries)."""
    statements = []

    def record(execute, sql, params, many, context):
        if not sql.startswith(("SAVEPOINT", "RELEASE")):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = function()
    return result, statements


def endpoint(client, url, repeat, warmup):
    response, statements = capture(lambda: client.get(url))
    assert response.status_code == 200, (url, response.status_code)
    size = len(response.content)
    timing = timed(lambda: client.get(url), repeat, warmup)
    floor = timed(floor_of(statements), repeat, warmup)
    return {"timing": timing, "floor": floor, "queries": len(statements), "bytes": size}


def admin_client():
    """A client logged in to the admin as a superuser with a verified second factor."""
    from django.contrib.auth import get_user_model
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user, _created = get_user_model().objects.get_or_create(
        username="benchmark-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="benchmark", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed-scale", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--output")
    parser.add_argument(
        "--only",
        help="run only the measurements whose name contains one of these (comma-separated)",
    )
    parser.add_argument("--skip-import", action="store_true", help="leave out the import rates")
    parser.add_argument(
        "--cache-off",
        action="store_true",
        help="the case pages' and API's cache replaced by a dummy: every request a miss",
    )
    args = parser.parse_args()

    print("collectstatic, bootstrap ...", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    extra = {}
    if args.seed_scale:
        started = time.perf_counter()
        call_command("seed_scale", violations=args.seed_scale)
        extra["seed_scale"] = time.perf_counter() - started
    started = time.perf_counter()
    call_command("bootstrap", stdout=io.StringIO())
    extra["bootstrap (second run, loaded database)"] = time.perf_counter() - started

    event = Event.objects.public().order_by("pk").first()
    client = Client()
    targets = {
        "search: facets only": "/cases/?type=V04",
        "search: Korean substring (보위부)": "/cases/?q=보위부",
        "search: two-syllable Korean (탈북)": "/cases/?q=탈북",
        "search: English word": "/cases/?q=interrogation",
        "search: facets and text": "/cases/?type=V09&q=강제북송",
        "search: deep page": "/cases/?page=200",
        "case page": f"/cases/events/{event.code}/",
        "statistics series (arrivals)": "/api/stats/series/arrivals/",
        "observations list": "/api/stats/observations/",
        "events API list": "/api/cases/events/",
        "marker GeoJSON, North Korea viewport": "/api/cases/markers/?bbox=124,37.5,131,43&zoom=7",
        "marker GeoJSON, years 2000-2010": (
            "/api/cases/markers/?bbox=124,37.5,131,43&zoom=7&year_from=2000&year_to=2010"
        ),
    }
    from cases.models import ViolationType

    category = ViolationType.objects.get(code="V04")
    admin_targets = {
        "admin changelist: violations, filtered": (
            f"/admin/cases/violation/?status__exact=published"
            f"&violation_type__parent__id__exact={category.pk}"
        ),
    }
    targets.update(admin_targets)
    if args.only:
        wanted = [part.strip() for part in args.only.split(",")]
        targets = {name: url for name, url in targets.items() if any(w in name for w in wanted)}
    results = {}
    for number, (name, url) in enumerate(targets.items(), 1):
        # Progress before each endpoint: a slow one can take minutes at full scale.
        print(f"[{number}/{len(targets)}] {name}: {url} ...", end=" ", flush=True)
        started = time.perf_counter()
        as_who = admin_client() if name in admin_targets else client
        results[name] = endpoint(as_who, url, args.repeat, args.warmup)
        median, p95, _p99 = (1000 * v for v in results[name]["timing"])
        floor = 1000 * results[name]["floor"][0]
        print(
            f"median {median:.1f} ms, p95 {p95:.1f} ms, floor {floor:.1f} ms, "
            f"{results[name]['queries']} queries ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    if not args.skip_import:
        from imports import measure_imports  # bench/imports.py

        for row in measure_imports(rows=args.import_rows, repeat=3):
            label = f"import {args.import_rows:,} {row['kind']} ({row['mode']})"
            extra[label] = row["median_rows_per_s"]
            print(label, f"{extra[label]:,.0f} rows/s", flush=True)

    report = render(results, extra, args)
    print(report)
    if args.output:
        Path(args.output).write_text(report, encoding="utf-8")


def render(results, extra, args):
    sizes = {
        model.__name__: model.objects.count()
        for model in (Person, Testimony, Event, Violation, BorderCrossing)
    }
    lines = [
        "| measurement | median ms | p95 ms | p99 ms | SQL floor median ms | ratio | queries "
        "| bytes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        median, p95, p99 = (1000 * v for v in r["timing"])
        floor = 1000 * r["floor"][0]
        ratio = median / floor if floor else float("inf")
        lines.append(
            f"| {name} | {median:.1f} | {p95:.1f} | {p99:.1f} | {floor:.1f} | {ratio:.1f} "
            f"| {r['queries']} | {r['bytes']:,} |"
        )
    for name, value in extra.items():
        unit = "rows/s" if "import" in name else "s"
        lines.append(f"| {name} | {value:,.1f} {unit} | | | | | | |")
    header = [
        f"Data: {', '.join(f'{n:,} {m}' for m, n in sizes.items())} ({connection.vendor}).",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}.",
        f"Command: `{shlex.join(sys.argv)}` (repeat {args.repeat}, warm-up {args.warmup}).",
        "",
    ]
    return "\n".join(header + lines) + "\n"


if __name__ == "__main__":
    main()
