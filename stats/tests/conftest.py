import itertools
from pathlib import Path

import pytest

from core.testing import rolled_back
from stats.services import statistics_import
from stats.shipped import SHIPPED_DIR, load_shipped_statistics

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def arrivals(db):
    """The MOU arrivals series, loaded from the shipped file."""
    statistics_import(format="mou-arrivals", path=SHIPPED_DIR / "mou_defector_arrivals_by_year.csv")


@pytest.fixture
def unhcr(db):
    statistics_import(
        format="unhcr-curated", path=SHIPPED_DIR / "unhcr_prk_origin_by_asylum_country.csv"
    )


def pytest_collection_modifyitems(items):
    """In each module, the tests on the shipped figures last: they share one load,
    which the tests before them must not see."""
    # Only within each run of one module's tests: pytest-django has already put
    # the transactional tests last, and that order must stay.
    runs = [list(run) for _path, run in itertools.groupby(items, key=lambda item: item.path)]
    items[:] = [
        item
        for run in runs
        for item in sorted(run, key=lambda item: "shipped" in item.fixturenames)
    ]


@pytest.fixture(scope="module")
def _shipped_for_the_module(django_db_setup, django_db_blocker):
    # Loading takes seconds: once per module, in a transaction rolled back after
    # it; each test runs in a savepoint inside it (as cases' `bootstrapped`).
    with django_db_blocker.unblock(), rolled_back():
        yield load_shipped_statistics()


@pytest.fixture
def shipped(_shipped_for_the_module, db):
    """Every shipped figure, loaded the way bootstrap loads them."""
    return _shipped_for_the_module
