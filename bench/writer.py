"""A researcher saving a draft: edits one draft testimony's title every few seconds.

    .venv/bin/python bench/writer.py [--interval 2]

Run by bench/load.py (`--writer`) beside each group's timed run, in the same
environment as the server. Each edit is what the admin does: in
`transaction.atomic()`, `Testimony.objects.filter(status="draft").first()`, a new
`title_en`, `save()`. If there is no draft testimony, one synthetic draft (and a
synthetic person, its interviewee) is created first, marked `is_synthetic`. A
draft is not public: an edit changes nothing the public may see.

Runs until SIGTERM or SIGINT, then prints one line of JSON: the number of edits,
of failed edits (the error of the first), the slowest edit, and the draft's code.
"""

import argparse
import datetime
import json
import re
import signal
import sys
import time

SUFFIX = re.compile(r" \(bench edit \d+\)$")


def edit_draft(number):
    """One edit of the first draft testimony's English title; returns its code."""
    from django.db import transaction

    from cases.models import Testimony

    with transaction.atomic():
        draft = Testimony.objects.filter(status="draft").first()
        if draft is None:
            draft = synthetic_draft()
        base = SUFFIX.sub("", draft.title_en)[:270]
        draft.title_en = f"{base} (bench edit {number})"
        draft.save()
    return draft.code


def synthetic_draft():
    from cases.models import Person, Testimony

    person = Person.objects.create(pseudonym="Benchmark witness", is_synthetic=True)
    return Testimony.objects.create(
        interviewee=person,
        interview_date=datetime.date(2015, 6, 1),
        interview_country="KR",
        title_en="[Synthetic benchmark record] Draft testimony",
        is_synthetic=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between edits (2)")
    args = parser.parse_args()
    import django

    django.setup()
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    print("ready", flush=True)  # Django is set up: load.py starts the run now
    edits, failures, slowest, code, first_error = 0, 0, 0.0, None, None
    next_at = time.monotonic()
    while not stopping:
        start = time.monotonic()
        try:
            code = edit_draft(edits + failures + 1)
            edits += 1
        except Exception as exc:  # counted and reported; the run goes on
            failures += 1
            first_error = first_error or f"{type(exc).__name__}: {exc}"
        slowest = max(slowest, time.monotonic() - start)
        next_at += args.interval
        while not stopping and time.monotonic() < next_at:
            time.sleep(min(0.1, max(0.0, next_at - time.monotonic())))
    print(
        json.dumps(
            {
                "edits": edits,
                "failures": failures,
                "first_error": first_error,
                "slowest_ms": round(slowest * 1000, 1),
                "code": code,
            }
        ),
        flush=True,
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
