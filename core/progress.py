"""Progress, as long work reports it: `progress(done, total)` callbacks.

Long functions (an import, `cases.search.rebuild`, backups) call an optional
`progress(done, total)`; a background job saves it for the admin page, and a
command draws it as a bar.
"""

import threading
import time
from contextlib import contextmanager

from tqdm import tqdm

# A job saves its progress every this many rows, or this many seconds, whichever first.
PROGRESS_EVERY = 500
PROGRESS_SECONDS = 2.0


class Throttle:
    """Passes `progress(done, total)` on only now and then, so saving it costs little."""

    def __init__(self, report, *, every=None, seconds=None):
        self.report = report
        self.every = every if every is not None else PROGRESS_EVERY
        self.seconds = seconds if seconds is not None else PROGRESS_SECONDS
        self.reported, self.at = 0, time.monotonic()

    def __call__(self, done, total=None):
        now = time.monotonic()
        if done - self.reported >= self.every or now - self.at >= self.seconds:
            self.report(done, total)
            self.reported, self.at = done, now


def add_progress_argument(parser):
    parser.add_argument(
        "--progress",
        action="store_true",
        help="Show a progress bar even when standard error is not a terminal.",
    )


def _shows_progress(command, options):
    """With --progress, or when standard error is a terminal: silent in tests and cron."""
    return options.get("progress") or command.stderr.isatty()


def _tqdm(command, **kwargs):
    # The raw stream: the command's wrapper would end every write with a newline.
    return tqdm(file=command.stderr._out, **kwargs)


@contextmanager
def progress_bar(command, options, *, desc, unit="rows", unit_scale=False):
    """Yields `progress(done, total)`, drawn as a bar on the command's standard error."""
    if not _shows_progress(command, options):
        yield lambda done, total=None: None
        return
    bar = _tqdm(command, desc=desc, unit=unit, unit_scale=unit_scale)

    def progress(done, total=None):
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        bar.close()


@contextmanager
def elapsed_bar(command, options, *, desc):
    """For work that cannot tell how far it is: the time it has taken so far."""
    if not _shows_progress(command, options):
        yield
        return
    bar = _tqdm(command, desc=desc, bar_format="{desc}: {elapsed}")
    stop = threading.Event()

    def tick():
        while not stop.wait(0.5):
            bar.refresh()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()
        bar.close()
