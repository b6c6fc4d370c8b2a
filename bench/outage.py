"""Database outage drill: stop PostgreSQL under load, start it again, check the site.

    .venv/bin/python bench/outage.py [--port 55440] [--outage 5]

Starts its own PostgreSQL (a fresh PGDATA under /tmp, loopback only), migrates
it, serves the site with `manage.py runserver --noreload`, and runs a bounded
load on loopback: page and API readers, a writer that saves one Person at a
time, and an importer that imports 30-row spreadsheets (django-import-export,
one transaction each). Then it stops PostgreSQL for a few seconds and starts it
again. It passes when:

- no response is a 500 or carries a traceback; while the database is down the
  site answers 503 with its "Briefly unavailable" page (JSON on the API) and a
  Retry-After header;
- the site recovers by itself: every request in the last seconds answers 200,
  with the same server process, which is never restarted;
- no committed write is lost: every Person whose save returned is there;
- no import is half-applied: each spreadsheet's 30 rows are all there or none,
  and all there when the import reported success.

Prints a summary and exits 1 on any failure. Needs the PostgreSQL server
binaries (Debian's postgresql package); as root it runs them as `postgres`.
"""

import argparse
import contextlib
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
ROWS_PER_IMPORT = 30


def batch_codes(prefix):
    return [f"{prefix}{row:03d}" for row in range(ROWS_PER_IMPORT)]


def pg_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        sys.exit("PostgreSQL server binaries not found (apt-get install postgresql)")
    return found[-1]


def as_postgres(command, **kwargs):
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603


class Server:
    """A private PostgreSQL on loopback."""

    def __init__(self, port):
        self.port = port
        self.bin = pg_bin()
        self.data = tempfile.mkdtemp(prefix="nkdb-outage-pg.")
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
        as_postgres(
            [
                *(f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "-E", "UTF8"),
                *("--locale=C.UTF-8", "-A", "trust"),
            ]
        )

    def start(self):
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        as_postgres(
            [
                *(f"{self.bin}/pg_ctl", "-D", self.data, "-o", options, "-w"),
                *("-l", f"{self.data}/log", "start"),
            ]
        )

    def stop(self):
        as_postgres([f"{self.bin}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"])

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.data, ignore_errors=True)


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


class Load:
    """Bounded load; every outcome is recorded with its time."""

    PATHS = ["/cases/", "/stats/", "/api/cases/events/", "/api/stats/datasets/"]

    def __init__(self, base):
        self.base = base
        self.stop = threading.Event()
        self.responses = []  # (time, path, status, problem)
        self.saved = []  # codes of Persons whose save returned
        self.imports = []  # (batch prefix, reported success)
        self.errors = Counter()
        self.lock = threading.Lock()

    def reader(self, offset):
        n = offset
        while not self.stop.is_set():
            path = self.PATHS[n % len(self.PATHS)]
            n += 1
            problem = ""
            try:
                with urllib.request.urlopen(self.base + path, timeout=10) as response:  # noqa: S310
                    status, body, headers = response.status, response.read(), response.headers
            except urllib.error.HTTPError as error:
                status, body, headers = error.code, error.read(), error.headers
            except OSError as error:
                status, body, headers = 0, str(error).encode(), {}
            text = body.decode(errors="replace")
            if "Traceback" in text:
                problem = "traceback"
            if status == 503:
                if not headers.get("Retry-After"):
                    problem = "503 without Retry-After"
                elif path.startswith("/api/") and '"detail"' not in text:
                    problem = "API 503 without a JSON detail"
                elif not path.startswith("/api/") and "Briefly unavailable" not in text:
                    problem = "503 without the page"
            with self.lock:
                self.responses.append((time.monotonic(), path, status, problem))
            time.sleep(0.05)

    def writer(self):
        from django.db import close_old_connections

        from cases.models import Person

        n = 0
        while not self.stop.is_set():
            close_old_connections()
            try:
                person = Person.objects.create(pseudonym=f"outage writer {n}")
            except Exception as error:
                self.errors[f"writer: {type(error).__name__}: {str(error)[:90]}"] += 1
                time.sleep(0.2)
                continue
            self.saved.append(person.code)
            n += 1
            time.sleep(0.02)

    def importer(self):
        import tablib
        from django.db import close_old_connections

        from cases.resources import PersonResource

        batch = 0
        while not self.stop.is_set():
            close_old_connections()
            prefix = f"P-B{batch:03d}"
            data = tablib.Dataset(
                *[[code, f"imported {batch}/{code}"] for code in batch_codes(prefix)],
                headers=["code", "pseudonym"],
            )
            try:
                result = PersonResource().import_data(
                    data, use_transactions=True, rollback_on_validation_errors=True
                )
                ok = not result.has_errors() and not result.has_validation_errors()
            except Exception as error:
                self.errors[f"importer: {type(error).__name__}"] += 1
                ok = False
            self.imports.append((prefix, ok))
            batch += 1
            time.sleep(0.1 if ok else 0.3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=55440, help="PostgreSQL port")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds without the database")
    parser.add_argument("--before", type=float, default=4.0)
    parser.add_argument("--after", type=float, default=8.0)
    options = parser.parse_args()

    pg = Server(options.port)
    site = None
    try:
        pg.start()
        as_postgres(
            [
                *(f"{pg.bin}/createdb", "-h", "127.0.0.1", "-p", str(options.port)),
                *("-U", "postgres", "nkdb"),
            ]
        )
        # The published copy on the same server, so that the outage takes both down.
        as_postgres(
            [
                *(f"{pg.bin}/createdb", "-h", "127.0.0.1", "-p", str(options.port)),
                *("-U", "postgres", "nkdb_public"),
            ]
        )
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{options.port}/nkdb",
            "PUBLIC_DATABASE_URL": f"postgres://postgres@127.0.0.1:{options.port}/nkdb_public",
            "DEBUG": "1",  # a traceback page would show: the check is stricter, not looser
            "API_ANON_RATE": "1000000/minute",
            "SEARCH_RATE": "1000000/minute",  # the drill is about outages, not throttles
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "CRITICAL",
        }
        os.environ.update(env)
        for database in ("default", "public"):
            subprocess.run(  # noqa: S603
                [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0", "--database", database],
                cwd=ROOT,
                env=env,
                check=True,
            )
        web_port = free_port()
        site = subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{web_port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{web_port}"
        wait_for(base + "/cases/")

        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nkdb.settings")
        import django

        django.setup()

        load = Load(base)
        workers = [threading.Thread(target=load.reader, args=(i,)) for i in range(4)]
        workers += [threading.Thread(target=load.writer), threading.Thread(target=load.importer)]
        for worker in workers:
            worker.start()
        time.sleep(options.before)
        down_at = time.monotonic()
        pg.stop()
        time.sleep(options.outage)
        pg.start()
        up_at = time.monotonic()
        time.sleep(options.after)
        load.stop.set()
        for worker in workers:
            worker.join(timeout=30)
        return report(load, down_at, up_at, site, options)
    finally:
        if site is not None:
            site.terminate()
            site.wait(timeout=10)
        pg.remove()


def report(load, down_at, up_at, site, options):
    from django.db import close_old_connections

    from cases.models import Person

    close_old_connections()
    failures = []
    statuses = Counter(status for _, _, status, _ in load.responses)
    during = Counter(s for t, _, s, _ in load.responses if down_at <= t <= up_at)
    problems = [(p, s, why) for _, p, s, why in load.responses if why]
    if statuses.get(500):
        failures.append(f"{statuses[500]} responses were 500")
    if problems:
        failures.append(f"{len(problems)} bad responses, e.g. {problems[:3]}")
    unexpected = set(statuses) - {200, 503}
    if unexpected:
        failures.append(f"unexpected statuses {sorted(unexpected)}")
    if not during.get(503):
        failures.append("no 503 while the database was down")
    tail = [s for t, _, s, _ in load.responses if t >= up_at + options.after - 3]
    if not tail or set(tail) != {200}:
        failures.append(f"not recovered in the last 3 s: {Counter(tail)}")
    if site.poll() is not None:
        failures.append("the site process died")
    stored = set(Person.objects.filter(code__in=load.saved).values_list("code", flat=True))
    lost = [code for code in load.saved if code not in stored]
    if lost:
        failures.append(f"{len(lost)} committed writes lost: {lost[:5]}")
    half, missing = [], []
    for prefix, ok in load.imports:
        # The exact codes, not a prefix: a writer's random code (P- and eight
        # characters) can start with a batch's prefix, and did once in CI.
        count = Person.objects.filter(code__in=batch_codes(prefix)).count()
        if count not in (0, ROWS_PER_IMPORT):
            half.append((prefix, count))
        if ok and count != ROWS_PER_IMPORT:
            missing.append(prefix)
    if half:
        failures.append(f"half-applied imports: {half}")
    if missing:
        failures.append(f"imports reported done but absent: {missing}")
    first_ok_after = min(
        (t for t, _, s, _ in load.responses if t > up_at and s == 200), default=None
    )
    summary = {
        "requests": len(load.responses),
        "statuses": dict(sorted(statuses.items())),
        "statuses_while_down": dict(sorted(during.items())),
        "outage_seconds": round(up_at - down_at, 1),
        "first_200_after_restart_seconds": (
            round(first_ok_after - up_at, 2) if first_ok_after else None
        ),
        "writes_committed": len(load.saved),
        "writes_lost": len(lost),
        "imports": len(load.imports),
        "imports_complete": sum(
            1
            for prefix, _ in load.imports
            if Person.objects.filter(code__startswith=prefix).count() == ROWS_PER_IMPORT
        ),
        "imports_half_applied": len(half),
        "errors_seen_by_writers": dict(load.errors),
        "result": "PASS" if not failures else "FAIL",
        "failures": failures,
    }
    print(json.dumps(summary, indent=2))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
