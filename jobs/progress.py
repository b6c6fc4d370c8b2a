"""Progress, as long work reports it: `progress(done, total)` callbacks.

Long functions (an import, `cases.search.rebuild`, backups) call an optional
`progress(done, total)`; a background job saves it for the admin page, and a
command draws it as a bar.
"""

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


@contextmanager
def progress_bar(command, options, *, desc, unit="rows", unit_scale=False):
    """Yields `progress(done, total)` that draws a bar on the command's standard
    error when it is a terminal or with --progress; silent otherwise (tests, cron)."""
    if not (options.get("progress") or command.stderr.isatty()):
        yield lambda done, total=None: None
        return
    # The raw stream: the command's wrapper would end every write with a newline.
    bar = tqdm(desc=desc, unit=unit, unit_scale=unit_scale, file=command.stderr._out)

    def progress(done, total=None):
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        bar.close()
