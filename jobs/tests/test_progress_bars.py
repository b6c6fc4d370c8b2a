"""The long commands draw a progress bar with --progress (or on a terminal), and
write nothing to standard error otherwise."""

import io

import pytest
from django.core.management import call_command

from cases.tests import factories
from core.progress import Throttle
from stats.shipped import SHIPPED_DIR

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "command",
    [
        ["rebuild_search"],
        ["rotate_identity_key"],
        ["import_stats", "mou-arrivals", str(SHIPPED_DIR / "mou_defector_arrivals_by_year.csv")],
    ],
)
def test_a_bar_only_when_asked_for(command):
    factories.EventFactory()
    factories.IdentityFactory()
    out, err = run(*command)
    assert out and err == ""
    out, err = run(*command, "--progress")
    assert out and err.strip()


def test_rebuild_search_counts_up_to_the_total():
    factories.EventFactory.create_batch(3)
    _, err = run("rebuild_search", "--progress")
    assert "3/3" in err


def test_the_throttle_passes_progress_on_every_n_items():
    seen = []
    throttle = Throttle(lambda done, total: seen.append(done), every=10, seconds=3600)
    for done in range(1, 26):
        throttle(done, 25)
    assert seen == [10, 20]
