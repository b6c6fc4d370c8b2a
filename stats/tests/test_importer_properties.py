"""Fuzzed statistics files: every importer either imports cleanly or raises its own
StatsImportError, and a failed import writes nothing (hypothesis)."""

import hashlib
import tempfile
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stats.importers import READERS, StatsImportError
from stats.models import Dataset, Observation
from stats.services import statistics_import
from stats.shipped import SHIPPED_DIR

SAMPLES = Path(__file__).parent / "samples"

# One real file per layout, cut to its first lines to keep each example fast.
SEEDS = {
    "mou-arrivals": SHIPPED_DIR / "mou_defector_arrivals_by_year.csv",
    "mou-breakdowns": SHIPPED_DIR / "mou_defector_breakdowns.csv",
    "unhcr-curated": SHIPPED_DIR / "unhcr_prk_origin_by_asylum_country.csv",
    "bilateral-curated": SHIPPED_DIR / "bilateral_emigrant_stock_from_prk.csv",
    "unhcr-export": SAMPLES / "unhcr_rdf_2024.csv",
    "wb-matrix-2013": SAMPLES / "wb_matrix_2013.csv",
    "undesa-2019": SAMPLES / "undesa_ims_2019.csv",
    "undesa-2020": SAMPLES / "undesa_ims_2020.csv",
}
SEED_LINES = 25

FUZZ = settings(
    max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", 12)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def test_every_importer_is_fuzzed():
    assert set(SEEDS) == set(READERS)


def seed_text(fmt):
    with SEEDS[fmt].open(encoding="utf-8-sig", newline="") as handle:
        return "".join(handle.readlines()[:SEED_LINES])


# Characters a spreadsheet export can plausibly carry, garbled.
cell_text = st.text(
    alphabet=st.sampled_from(list('0123456789,.;\t"\n\r -~abcXYZ가나다…\u00a0\ufeff')),
    max_size=20,
)


@st.composite
def mutated(draw, text):
    """The seed file with one of a few kinds of damage."""
    lines = text.splitlines(keepends=True)
    kind = draw(st.sampled_from(["splice", "drop", "duplicate", "truncate", "garbage"]))
    if kind == "splice":
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 30)))
        return text[:start] + draw(cell_text) + text[end:]
    if kind == "drop" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        return "".join(lines[:i] + lines[i + 1 :])
    if kind == "duplicate" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        return "".join(lines[: i + 1] + lines[i:])
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    return draw(st.text(max_size=200))


def snapshot():
    """A checksum of every stored figure and dataset."""
    digest = hashlib.sha256()
    for row in Observation.objects.order_by("pk").values_list():
        digest.update(repr(row).encode())
    for row in Dataset.objects.order_by("pk").values_list():
        digest.update(repr(row).encode())
    return digest.hexdigest()


def import_all_or_nothing(fmt, content):
    """Import `content`; on failure nothing may have changed. Rolled back afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.csv"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        with transaction.atomic():
            before = snapshot()
            try:
                statistics_import(format=fmt, path=path)
            except StatsImportError as error:
                assert str(error).startswith("upload.csv")
                assert snapshot() == before, "a failed import wrote something"
            transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_unmodified_seed_imports(fmt):
    import_all_or_nothing(fmt, seed_text(fmt))


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_damaged_file_imports_cleanly_or_fails_with_the_importers_error(fmt):
    @FUZZ
    @given(content=mutated(seed_text(fmt)))
    def check(content):
        import_all_or_nothing(fmt, content)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_random_bytes_fail_with_the_importers_error(fmt):
    @FUZZ
    @given(content=st.binary(max_size=300))
    def check(content):
        import_all_or_nothing(fmt, content)

    check()


@pytest.mark.django_db
def test_a_bad_row_late_in_a_good_file_writes_nothing():
    """The last row is invalid: the rows before it, already saved in the
    transaction, are rolled back with it."""
    text = seed_text("unhcr-curated")
    lines = text.splitlines(keepends=True)
    bad = lines[-1].split(",")
    bad[5] = "-3"
    content = "".join([*lines[:-1], ",".join(bad)])
    before = snapshot()
    with pytest.raises(StatsImportError):
        statistics_import(format="unhcr-curated", path=_write(content))
    assert snapshot() == before


def _write(content):
    folder = Path(tempfile.mkdtemp())
    path = folder / "upload.csv"
    path.write_text(content, encoding="utf-8")
    return path
