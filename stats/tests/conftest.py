from pathlib import Path

import pytest

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


@pytest.fixture
def shipped(db):
    """Every shipped figure, loaded the way bootstrap loads them."""
    return load_shipped_statistics()
