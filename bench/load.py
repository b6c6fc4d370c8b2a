"""Load test on loopback: Gunicorn (gunicorn.conf.py) under wrk, 32 connections.

    DATABASE_URL=postgres://... .venv/bin/python bench/load.py \\
        [--duration 60] [--groups stats,lists,pages,search,mixed] [--output docs/load.md]
        [--no-stats-cache] [--no-case-cache]

Starts Gunicorn in production mode (DEBUG off, throwaway keys, static files
collected into a temporary directory and served by WhiteNoise) on a free port
of 127.0.0.1, checks that every address answers 200, warms up, then runs wrk
(bench/load.lua rotates through each group's addresses) for each group:

  stats   the statistics API: series, observation lists, datasets
  lists   the case lists: /api/cases/events/ and /cases/ with a few filters
  pages   case pages /cases/events/<code>/ for real public codes from the database
  search  /cases/ with Korean and English words
  mixed   all of these at once (40% pages, 30% stats, 20% lists, 10% search)

Anonymous API throttling (API_ANON_RATE) is raised for the run, and said so.
Prints a Markdown table (--output appends it to a file) and exits nonzero if any
request failed: a status other than 2xx/3xx, a socket error or a timeout.
wrk is installed from Debian's packages if missing.
"""

import argparse
import base64
import datetime
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "load.lua"
ANON_RATE = "1000000/second"  # the window is one second, so the throttle's history stays short
APPLICATION_NAME = "nkdb-load"
DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"

STATS = [
    "/api/stats/series/arrivals/",
    "/api/stats/series/unhcr-by-year/",
    "/api/stats/series/unhcr-by-country/?year=2020",
    "/api/stats/series/emigrant-stock/",
    "/api/stats/series/profile/?dimension=education",
    "/api/stats/series/profile/?dimension=province",
    "/api/stats/observations/",
    "/api/stats/observations/?dataset=mou-arrivals",
    "/api/stats/observations/?measure=refugees&page=2",
    "/api/stats/observations/?year=2020&sex=total",
    "/api/stats/datasets/",
    "/api/stats/datasets/mou-arrivals/",
]
LISTS = [
    "/api/cases/events/",
    "/api/cases/events/?page=2",
    "/api/cases/events/?type=V04",
    "/api/cases/events/?province=KP-02",
    "/api/cases/events/?year_from=2000&year_to=2010",
    "/cases/",
    "/cases/?type=V04",
    "/cases/?kind=violations&province=KP-02",
    "/cases/?kind=violations&sex=female",
]
SEARCH = [f"/cases/?q={quote(word)}" for word in ["보위부", "탈북", "interrogation"]] + [
    f"/cases/?type=V09&q={quote('강제북송')}"
]
MIXED_SHARES = {"pages": 4, "stats": 3, "lists": 2, "search": 1}
GROUP_NAMES = {
    "stats": "statistics API",
    "lists": "case lists",
    "pages": "case pages",
    "search": "text search",
    "mixed": "mixed",
}
TARGETS = {"stats": 250, "lists": 250}  # requests per second (issue 8)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per group (60)")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of wrk per group before")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=10, help="wrk's timeout per request (s)")
    parser.add_argument("--groups", default="stats,lists,pages,search,mixed")
    parser.add_argument("--codes", type=int, default=200, help="case pages to rotate through")
    parser.add_argument("--workers", type=int, help="Gunicorn processes (WEB_CONCURRENCY)")
    parser.add_argument("--threads", type=int, help="threads per process (GUNICORN_THREADS)")
    parser.add_argument("--worker-class", help="sync or gthread (GUNICORN_WORKER_CLASS)")
    parser.add_argument("--output", help="append the results table to this file")
    parser.add_argument(
        "--no-stats-cache", action="store_true", help="for comparison: no statistics API cache"
    )
    parser.add_argument(
        "--no-case-cache",
        action="store_true",
        help="for comparison: no cache of the case API and the case pages' data",
    )
    args = parser.parse_args()
    groups = [g for g in args.groups.split(",") if g]
    unknown = set(groups) - set(GROUP_NAMES)
    if unknown:
        parser.error(f"unknown groups {sorted(unknown)}; choose from {', '.join(GROUP_NAMES)}")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("warning: DATABASE_URL is not PostgreSQL: the figures mean little", file=sys.stderr)

    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="nkdb-load-"))
    env = production_env(work, args)
    print(f"API_ANON_RATE={ANON_RATE} for this run (anonymous API throttling raised)")
    print("collecting static files into", work / "static")
    manage(env, "collectstatic", "--noinput", "-v0")
    size, codes = database_facts(env, args.codes)
    paths = {"stats": STATS, "lists": LISTS, "search": SEARCH}
    paths["pages"] = [f"/cases/events/{quote(code)}/" for code in codes]
    paths["mixed"] = mixed(paths)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server, log = start_gunicorn(env, port, work)
    try:
        wait_until_ready(base, server, log)
        config = server_config(env)
        print(f"Gunicorn on {base}: {config}")
        failures = preflight(base, {p for g in groups for p in paths[g]})
        if failures:
            for path, status in sorted(failures.items())[:20]:
                print(f"  {status}  {path}", file=sys.stderr)
            sys.exit(f"{len(failures)} address(es) did not answer 200 before the run")
        results = {}
        for group in groups:
            listing = work / f"{group}.txt"
            listing.write_text("\n".join(paths[group]) + "\n")
            if args.warmup:
                run_wrk(wrk, base, listing, args, args.warmup)
                wait_until_idle(env)
            print(f"{GROUP_NAMES[group]}: {args.duration} s at {args.connections} connections")
            results[group] = run_wrk(wrk, base, listing, args, args.duration)
            print("  " + summary_line(results[group]))
            drained = wait_until_idle(env)
            if drained > 2:
                print(f"  waited {drained:.0f} s for the requests left over to finish")
    finally:
        stop(server)
    timeouts = log.read_text().count("WORKER TIMEOUT")
    table = report(results, paths, args, size, config, timeouts)
    print()
    print(table)
    if args.output:
        with open(args.output, "a", encoding="utf-8") as out:
            out.write("\n" + table)
    shutil.rmtree(work, ignore_errors=True)
    failed = [g for g, r in results.items() if errors(r)]
    if failed or timeouts:
        sys.exit(f"errors in: {', '.join(failed) or 'none'}; worker timeouts: {timeouts}")


def ensure_wrk():
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: apt-get install wrk (as root)")
    print("== installing wrk from Debian's packages")
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=apt)  # noqa: S607
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=apt)  # noqa: S607
    return shutil.which("wrk")


def production_env(work, args):
    """DEBUG off, throwaway secrets for loopback, static files in `work`."""
    # STATIC_ROOT is fixed in nkdb/settings.py: a one-line settings module moves it.
    settings = (
        f"from nkdb.settings import *  # noqa: F403\nSTATIC_ROOT = {str(work / 'static')!r}\n"
    )
    for name, off in [("stats", args.no_stats_cache), ("cases", args.no_case_cache)]:
        if off:
            settings += f'CACHES["{name}"] = {{"BACKEND": "{DUMMY_CACHE}"}}\n'
    (work / "load_settings.py").write_text(settings)
    env = {
        **os.environ,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "PYTHONPATH": os.pathsep.join([str(work), str(ROOT)]),
        "SECRET_KEY": base64.urlsafe_b64encode(os.urandom(48)).decode(),
        "IDENTITY_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "OTP_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "BACKUP_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, no proxy in front
        "API_ANON_RATE": ANON_RATE,
        "SEARCH_RATE": ANON_RATE,  # the search throttle (per address) raised likewise
        "LOG_LEVEL": "WARNING",
        # Names the server's connections, so that wait_until_idle() can find them.
        "DATABASE_URL": with_application_name(os.environ.get("DATABASE_URL", "")),
    }
    for flag, name in [
        ("workers", "WEB_CONCURRENCY"),
        ("threads", "GUNICORN_THREADS"),
        ("worker_class", "GUNICORN_WORKER_CLASS"),
    ]:
        if getattr(args, flag):
            env[name] = str(getattr(args, flag))
    return env


def with_application_name(url):
    if not url.startswith("postgres"):
        return url
    return f"{url}{'&' if '?' in url else '?'}application_name={APPLICATION_NAME}"


def wait_until_idle(env, seconds=600):
    """Requests left over from a group (wrk does not wait for them) still run in the
    database: wait until none does, so that they do not slow the next group down."""
    if not env["DATABASE_URL"].startswith("postgres"):
        return 0
    import psycopg

    start = time.monotonic()
    query = "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND state = 'active'"
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        while time.monotonic() - start < seconds:
            if connection.execute(query, [APPLICATION_NAME]).fetchone()[0] == 0:
                break
            time.sleep(1)
    return time.monotonic() - start


def manage(env, *command):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], env=env, check=True)  # noqa: S603


def database_facts(env, count):
    """The data size, and `count` public event codes spread over the table."""
    script = (
        "import json\n"
        "from cases.models import Event, Violation\n"
        "public = Event.objects.public()\n"
        f"codes = list(public.order_by('?').values_list('code', flat=True)[:{count}])\n"
        "size = {'violations': Violation.objects.count(), 'public_events': public.count()}\n"
        "print(json.dumps({'size': size, 'codes': codes}))\n"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", script],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    facts = json.loads(out.strip().splitlines()[-1])
    if not facts["codes"]:
        sys.exit("no public events in the database: run bootstrap and seed_scale first")
    return facts["size"], facts["codes"]


def mixed(paths):
    out = []
    for group, share in MIXED_SHARES.items():
        listing = paths[group]
        out += [listing[i % len(listing)] for i in range(share * 10)]
    # Interleave, so that each connection meets every kind.
    return [out[(i * 37) % len(out)] for i in range(len(out))]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, port, work):
    log = work / "gunicorn.log"
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "nkdb.wsgi",
        "--config", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
    ]  # fmt: skip
    with open(log, "w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)  # noqa: S603
    return server, log


def wait_until_ready(base, server, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"Gunicorn stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/api/stats/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    stop(server)
    sys.exit(f"Gunicorn did not answer within {seconds} s:\n{log.read_text()[-3000:]}")


def server_config(env):
    sys.path[:0] = [str(ROOT)]
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        namespace = {}
        exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102
    finally:
        os.environ.clear()
        os.environ.update(saved)
    threads = f" x {namespace['threads']} threads" if namespace["worker_class"] == "gthread" else ""
    return f"{namespace['workers']} {namespace['worker_class']} workers{threads}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def preflight(base, paths):
    """Every address answers 200 (not a redirect): also warms each one once."""
    opener = urllib.request.build_opener(NoRedirect)
    failures, times = {}, {}
    for path in sorted(paths):
        start = time.perf_counter()
        try:
            with opener.open(base + path, timeout=120) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
        times[path] = time.perf_counter() - start
        if status != 200:
            failures[path] = status
    slowest = sorted(times, key=times.get, reverse=True)[:5]
    print("one request each, the slowest: " + ", ".join(f"{p} {times[p]:.2f} s" for p in slowest))
    return failures


def run_wrk(wrk, base, listing, args, duration):
    command = [
        wrk, f"--threads={args.wrk_threads}", f"--connections={args.connections}",
        f"--duration={duration}s", f"--timeout={min(args.timeout, duration)}s",
        "--script", str(LUA),
        base, "--", str(listing),
    ]  # fmt: skip
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    return json.loads(out.strip().splitlines()[-1])


def errors(result):
    """Failed requests; no request finished at all counts as one."""
    names = ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts")
    return sum(result[name] for name in names) + (result["requests"] == 0)


def rate(result):
    return result["requests"] / (result["duration_us"] / 1e6)


def summary_line(result):
    return (
        f"{rate(result):.0f} req/s, p50 {result['p50_us'] / 1000:.0f} ms, "
        f"p99 {result['p99_us'] / 1000:.0f} ms, errors {errors(result)}"
    )


def report(results, paths, args, size, config, timeouts):
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    load = os.getloadavg()
    lines = [
        f"Load test, {now}: {size['violations']:,} violations ({size['public_events']:,} public"
        f" events), PostgreSQL; Gunicorn {config}; wrk {args.connections} connections,"
        f" {args.wrk_threads} threads, {args.duration} s per group after {args.warmup} s of"
        f" warm-up, timeout {args.timeout} s; API_ANON_RATE={ANON_RATE}"
        f"{'; statistics API cache off' if args.no_stats_cache else ''}"
        f"{'; case cache off' if args.no_case_cache else ''}. {platform.system()}"
        f" {platform.machine()}, {os.cpu_count()} cores, load average before the table"
        f" {load[0]:.1f}. Gunicorn worker timeouts: {timeouts}.",
        "",
        "| group | addresses | requests | req/s | p50 ms | p90 ms | p99 ms | max ms"
        " | non-2xx/3xx | socket errors (connect/read/write/timeout) | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for group, r in results.items():
        target = TARGETS.get(group)
        verdict = (
            (f"≥ {target}/s: " + ("met" if rate(r) >= target else "**missed**")) if target else ""
        )
        sockets = f"{r['connect_errors']}/{r['read_errors']}/{r['write_errors']}/{r['timeouts']}"
        lines.append(
            f"| {GROUP_NAMES[group]} | {len(set(paths[group]))} | {r['requests']:,}"
            f" | {rate(r):,.0f} | {r['p50_us'] / 1000:,.0f} | {r['p90_us'] / 1000:,.0f}"
            f" | {r['p99_us'] / 1000:,.0f} | {r['max_us'] / 1000:,.0f} | {r['status_errors']}"
            f" | {sockets} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def stop(server):
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # Gunicorn's graceful shutdown
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
