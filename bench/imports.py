"""Import rates through the spreadsheet resources (issue 8): rows per second.

For persons, events and violations: a synthetic CSV of N rows (flagged
`is_synthetic`, codes from a seeded generator), imported as a dry run, for real
(new rows), again unchanged (every row skipped), and again with every row
changed (updates), by a user in the researcher role, with the admin's options
(transactions, rollback on validation errors). Each is repeated with fresh codes
and the median reported. After each import the history rows are counted: one
per created or changed record, none for an unchanged one or a dry run. The
records stay in the database, flagged synthetic.

Beside the rates, the CPU time per row of this process and of the PostgreSQL
process serving it (read from /proc when the server runs on this machine): other
processes' load does not inflate them as it does the rates, and the import
alternates between the two, so 1000 / (their sum) estimates the rows per second
of an idle machine.

    DATABASE_URL=postgres://... .venv/bin/python bench/imports.py --rows 10000

`measure_imports(rows)` returns the same figures as a list of dicts, for
bench/run_benchmarks.py (Django set up by the caller).
"""

import argparse
import csv
import io
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("persons", "events", "violations")
MODES = ("dry run", "new", "unchanged", "changed")


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nkdb.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "k" * 40)
    if "IDENTITY_KEYS" not in os.environ:
        from cryptography.fernet import Fernet

        os.environ["IDENTITY_KEYS"] = Fernet.generate_key().decode()
    if "OTP_KEYS" not in os.environ:
        from cryptography.fernet import Fernet

        os.environ["OTP_KEYS"] = Fernet.generate_key().decode()
    import django

    django.setup()


def researcher():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cases import roles

    roles.ensure_roles()
    user, _ = get_user_model().objects.get_or_create(username="bench-importer")
    user.groups.add(Group.objects.get(name=roles.RESEARCHER))
    return user


def day(rng):
    return f"{rng.randint(1995, 2020)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def csv_rows(kind, rows, rng, refs, changed=False):
    """Header and rows of a synthetic file; `changed` alters one text column of each row."""
    from cases.models import new_code

    mark = " (revised)" if changed else ""
    if kind == "persons":
        header = ["code", "pseudonym", "sex", "birth_year", "birth_year_is_approximate"]
        header += ["origin_place", "occupation_in_north", "education_in_north", "is_synthetic"]
        make = lambda n: [  # noqa: E731
            new_code("P", rng),
            f"Bench witness {n}{mark}",
            rng.choice(["female", "female", "male", "unknown"]),
            rng.randint(1940, 2005),
            rng.choice([0, 1]),
            rng.choice(refs["provinces"]),
            rng.choice(["worker", "unemployed", "service", "unknown"]),
            rng.choice(["secondary", "primary", "unknown"]),
            1,
        ]
    elif kind == "events":
        header = ["code", "title_en", "title_ko", "description_en", "start_date"]
        header += ["start_precision", "place", "is_synthetic"]
        make = lambda n: [  # noqa: E731
            new_code("E", rng),
            f"Bench event {n}{mark}",
            f"벤치 사건 {n}",
            f"[Synthetic] Detention after a forced return, number {n}{mark}.",
            day(rng),
            "day",
            rng.choice(refs["provinces"]),
            1,
        ]
    else:
        header = ["code", "event", "violation_type", "victim", "victim_age", "start_date"]
        header += ["start_precision", "place", "description_en", "description_ko", "is_synthetic"]
        make = lambda n: [  # noqa: E731
            new_code("A", rng),
            rng.choice(refs["events"]),
            rng.choice(refs["types"]),
            rng.choice(refs["persons"]),
            rng.randint(15, 70),
            day(rng),
            "day",
            rng.choice(refs["provinces"]),
            f"[Synthetic] Beaten during interrogation, number {n}{mark}.",
            f"[합성] 조사 중 구타 {n}",
            1,
        ]
    state = rng.getstate()
    body = [make(n) for n in range(rows)]
    rng.setstate(state)  # the changed file reuses the same codes and choices
    return header, body


def to_dataset(header, body):
    import tablib

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(body)
    return tablib.Dataset().load(buffer.getvalue(), format="csv")


def measure_imports(rows=10_000, repeat=3, kinds=KINDS, progress=print):
    """Median rows/s per kind and mode; one dict per (kind, mode)."""
    from cases.models import Event, Person, Place, Violation, ViolationType
    from cases.resources import EventResource, PersonResource, ViolationResource

    models = {"persons": Person, "events": Event, "violations": Violation}
    resources = {"persons": PersonResource, "events": EventResource}
    resources["violations"] = ViolationResource
    user = researcher()
    provinces = list(
        Place.objects.filter(code__startswith="KP-", level="province").values_list(
            "code", flat=True
        )
    )
    types = list(ViolationType.objects.filter(parent__isnull=False).values_list("code", flat=True))
    samples = {(kind, mode): [] for kind in kinds for mode in MODES}
    cpu = {(kind, mode): [] for kind in kinds for mode in MODES}
    server = {(kind, mode): [] for kind in kinds for mode in MODES}
    for rep in range(repeat):
        refs = {"provinces": provinces, "types": types}
        codes = {}
        # Violations need persons and events: import those first, even if not measured.
        for kind in ("persons", "events", "violations"):
            if kind == "violations" and "violations" not in kinds:
                continue
            model, resource = models[kind], resources[kind]
            rng = random.Random(f"{kind}-{rep}-{time.time_ns()}")
            header, body = csv_rows(kind, rows, rng, refs)
            new, changed = (
                to_dataset(header, body),
                to_dataset(*csv_rows(kind, rows, rng, refs, True)),
            )
            codes[kind] = [row[0] for row in body]
            for mode, dataset, dry_run, expected in (
                ("dry run", new, True, {}),
                ("new", new, False, {"+": rows}),
                ("unchanged", new, False, {}),
                ("changed", changed, False, {"~": rows}),
            ):
                history = history_types(model)
                server_started = server_cpu()
                started, cpu_started = time.perf_counter(), time.process_time()
                result = resource().import_data(
                    dataset,
                    dry_run=dry_run,
                    use_transactions=True,
                    rollback_on_validation_errors=True,
                    user=user,
                )
                seconds = time.perf_counter() - started
                cpu_seconds = time.process_time() - cpu_started
                server_seconds = server_cpu()
                if server_started is not None and server_seconds is not None:
                    server_seconds -= server_started
                assert not result.has_errors(), [e.error for e in result.base_errors][:3]
                assert not result.has_validation_errors(), result.invalid_rows[:3]
                written = {
                    k: v - history.get(k, 0)
                    for k, v in history_types(model).items()
                    if v != history.get(k, 0)
                }
                assert written == expected, (kind, mode, written, expected)
                if kind in kinds:
                    samples[kind, mode].append(rows / seconds)
                    cpu[kind, mode].append(1000 * cpu_seconds / rows)
                    if server_seconds is not None:
                        server[kind, mode].append(1000 * server_seconds / rows)
                    progress(
                        f"  {kind:10} {mode:9} {rows / seconds:8,.0f} rows/s ({seconds:.2f} s)"
                    )
            refs[kind] = codes[kind]
    return [
        {
            "kind": kind,
            "mode": mode,
            "rows": rows,
            "median_rows_per_s": statistics.median(values),
            "min_rows_per_s": min(values),
            "max_rows_per_s": max(values),
            "runs": len(values),
            # This process's own CPU per row: what the machine's load cannot inflate,
            # and its database server process's (PostgreSQL on this machine only).
            "python_cpu_ms_per_row": statistics.median(cpu[kind, mode]),
            "database_cpu_ms_per_row": (
                statistics.median(server[kind, mode]) if server[kind, mode] else None
            ),
        }
        for (kind, mode), values in samples.items()
    ]


def server_cpu():
    """CPU seconds the PostgreSQL process serving this connection has used, when it
    runs on this machine (read from /proc); None otherwise."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command name
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def history_types(model):
    from django.db.models import Count

    counts = model.history.values("history_type").annotate(n=Count("pk")).order_by()
    return {row["history_type"]: row["n"] for row in counts}


def render(results, args):
    from django.db import connection

    from cases.models import Event, Person, Violation

    sizes = ", ".join(
        f"{m.objects.count():,} {m._meta.verbose_name_plural}" for m in (Person, Event, Violation)
    )
    lines = [
        f"Data after the run: {sizes} ({connection.vendor}).",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}.",
        f"Command: `{' '.join(sys.argv)}`",
        "",
        "| kind | import | rows | median rows/s | min | max | runs | Python CPU ms/row "
        "| database CPU ms/row |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        database = r["database_cpu_ms_per_row"]
        database = "n/a" if database is None else f"{database:.2f}"
        lines.append(
            f"| {r['kind']} | {r['mode']} | {r['rows']:,} | {r['median_rows_per_s']:,.0f} "
            f"| {r['min_rows_per_s']:,.0f} | {r['max_rows_per_s']:,.0f} | {r['runs']} "
            f"| {r['python_cpu_ms_per_row']:.2f} | {database} |"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="comma-separated: " + ", ".join(KINDS)
    )
    parser.add_argument("--output", help="also write the table to this file")
    args = parser.parse_args()
    setup()
    kinds = tuple(k for k in args.kinds.split(",") if k)
    results = measure_imports(args.rows, args.repeat, kinds)
    report = render(results, args)
    print(report)
    if args.output:
        Path(args.output).write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
