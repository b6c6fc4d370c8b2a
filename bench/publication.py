"""Two timings of the publication, through the running site (Gunicorn on loopback).

    DATABASE_URL=... PUBLIC_DATABASE_URL=... .venv/bin/python bench/publication.py \\
        [--repeat 3] [--limit 30]

Starts Gunicorn in production mode as bench/load.py does (gunicorn.conf.py, DEBUG
off, throwaway keys, the shared public cache in a directory of this run unless
REDIS_URL is set) and, beside it, **one background worker**
(`manage.py db_worker --queue-name '*'`, django-tasks, polling every second, its
default): the publication is applied to the published copy by that worker, as in
production. Then, from this process (Django set up with the same settings):

(a) **/cases/counts/ after a draft edit.** /cases/counts/ is requested until
    cached (the median of the last three of six requests is printed), then one
    draft testimony's title is saved (bench/writer.py's edit: the ORM, as the
    admin does), then the first /cases/counts/ after it is timed. --repeat times.
    A draft is not public: ideally the edit costs the public page nothing.
(b) **Publishing to visible.** A reviewer (the account `bench-reviewer`, made if
    missing, in the reviewer role) publishes one event in review with
    `cases.services.record_publish` (a draft or returned event is first submitted
    for review if none in review can be published). Then `/cases/?q=<code>` is
    requested every 100 ms until its result list links the event (limit
    --limit s); the time is counted from the commit of the publication. Printed
    beside it: when the entry appeared in the published copy (the worker's
    work), and how long the publication's own transaction took. Then the first
    /cases/counts/ after the publication is timed (the cache's generation moved).

What it does not measure: anything under load (one request at a time, nothing
else running), and the worker's interval is part of (b).

It writes to the database: draft title edits, one event published, the reviewer
account. Use a throwaway copy of the data.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import load
import writer

POLL = 0.1  # seconds between requests while waiting for the published record
REVIEWER = "bench-reviewer"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="draft edits timed in (a)")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds to wait in (b)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="nkdb-publication-"))
    options = argparse.Namespace(
        no_stats_cache=False, no_case_cache=False, workers=None, threads=None, worker_class=None
    )
    env = load.production_env(work, options)
    print("collecting static files into", work / "static")
    load.manage(env, "collectstatic", "--noinput", "-v0")
    setup_django(env, work)

    port = load.free_port()
    base = f"http://127.0.0.1:{port}"
    server, log = load.start_gunicorn(env, port, work)
    worker = start_worker(env, work)
    try:
        load.wait_until_ready(base, server, log)
        print(f"Gunicorn on {base}: {load.server_config(env)}")
        print(f"background worker: manage.py db_worker --queue-name '*' (pid {worker.pid})")
        counts_after_edit(base, args.repeat)
        publish_to_visible(base, args.limit, worker)
    finally:
        stop_worker(worker)
        load.stop(server)
    shutil.rmtree(work, ignore_errors=True)


def setup_django(env, work):
    os.environ.update(env)
    sys.path[:0] = [str(work), str(load.ROOT)]
    import django

    django.setup()


def start_worker(env, work):
    command = [sys.executable, str(load.ROOT / "manage.py"), "db_worker", "--queue-name", "*"]
    with open(work / "worker.log", "w") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=out)  # noqa: S603


def stop_worker(worker):
    load.stop(worker)  # SIGTERM, then kill after 40 s


def get(url):
    """(seconds, body) of one GET."""
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (loopback)
        body = response.read().decode("utf-8", "replace")
    return time.perf_counter() - start, body


def counts_after_edit(base, repeat):
    print("\n(a) /cases/counts/: cached, then the first request after one draft edit")
    firsts = []
    for number in range(1, repeat + 1):
        times = [get(base + "/cases/counts/")[0] for _ in range(6)]
        cached = statistics.median(times[-3:])
        code = writer.edit_draft(number)
        first, _ = get(base + "/cases/counts/")
        firsts.append(first)
        print(
            f"  {number}: cached {cached * 1000:.1f} ms; draft {code} edited;"
            f" first after the edit {first * 1000:.1f} ms"
        )
    print(
        f"  first after a draft edit, median of {repeat}: {statistics.median(firsts) * 1000:.1f} ms"
    )


def reviewer_account():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cases import roles

    user, created = get_user_model().objects.get_or_create(username=REVIEWER)
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name=roles.REVIEWER))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def publish_one(reviewer):
    """Publish one event that is not public yet; returns (event, seconds of the call)."""
    from django.core.exceptions import ValidationError

    from cases import services
    from cases.models import Event, WorkflowStatus

    waiting = Event.objects.filter(status=WorkflowStatus.IN_REVIEW).order_by("pk")
    others = Event.objects.filter(
        status__in=[WorkflowStatus.DRAFT, WorkflowStatus.RETURNED]
    ).order_by("pk")
    for event in [*waiting[:50], *others[:50]]:
        try:
            if event.status != WorkflowStatus.IN_REVIEW:
                services.record_submit_for_review(record=event, by=reviewer, comment="benchmark")
            start = time.perf_counter()
            services.record_publish(record=event, by=reviewer, comment="benchmark")
            return event, time.perf_counter() - start
        except ValidationError:
            continue
    sys.exit("no event could be published (none in review or draft passes the checks)")


def publish_to_visible(base, limit, worker):
    from public.models import Entry

    print("\n(b) publishing an event until its code is found by /cases/?q=<code>")
    reviewer = reviewer_account()
    event, call = publish_one(reviewer)
    committed = time.perf_counter()
    code = event.code
    url = f"{base}/cases/?q={quote(code)}"
    print(f"  published {code} by {REVIEWER}: record_publish {call * 1000:.0f} ms, commit included")
    visible = in_copy = None
    while time.perf_counter() - committed < limit:
        now = time.perf_counter() - committed
        if in_copy is None and Entry.objects.filter(code=code).exists():
            in_copy = now
        _, body = get(url)
        if visible is None and (f"/{code}/" in body or f"#{code}" in body):
            visible = time.perf_counter() - committed
        if visible is not None and in_copy is not None:
            break
        if worker.poll() is not None:
            print(f"  the background worker stopped (exit {worker.returncode})")
        time.sleep(POLL)
    for label, value in [
        ("in the published copy (worker)", in_copy),
        (f"visible at {url}", visible),
    ]:
        found = f"after {value:.2f} s" if value is not None else f"not within {limit:g} s"
        print(f"  {label}: {found}")
    if visible is not None and (in_copy is None or visible < in_copy):
        print("  (found before the copy had it: this /cases/ reads the private database)")
    if visible is None:
        sys.exit(1)
    # The publication moved the copy's generation: nothing cached before it is used.
    first, _ = get(base + "/cases/counts/")
    print(f"  first /cases/counts/ after the publication: {first * 1000:.1f} ms")


if __name__ == "__main__":
    main()
