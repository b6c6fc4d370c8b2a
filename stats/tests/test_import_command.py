"""import_stats: one transaction, dry runs, re-imports in place, errors with line and column."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from stats.models import Dataset, Observation
from stats.shipped import SHIPPED_DIR

ARRIVALS = SHIPPED_DIR / "mou_defector_arrivals_by_year.csv"


def run(*args):
    out = StringIO()
    call_command("import_stats", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_then_reimport_updates_in_place():
    assert "created 78, updated 0, left unchanged 0" in run("mou-arrivals", str(ARRIVALS))
    assert "created 0, updated 0, left unchanged 78" in run("mou-arrivals", str(ARRIVALS))
    assert Observation.objects.count() == 78


@pytest.mark.django_db
def test_reimport_of_a_revised_file_updates_the_figure(tmp_path):
    run("mou-arrivals", str(ARRIVALS))
    revised = tmp_path / "revised.csv"
    text = ARRIVALS.read_text(encoding="utf-8")
    # 2025 was corrected from 224 (26 M) to 223 (25 M); undo the correction.
    revised.write_text(text.replace("2025,2025,2025,25,198,223,88.8,9593,24944,34537",
                                    "2025,2025,2025,26,198,224,88.4,9594,24944,34538"),
                       encoding="utf-8")  # fmt: skip
    assert "created 0, updated 2, left unchanged 76" in run("mou-arrivals", str(revised))
    total = Observation.objects.get(period_label="2025", sex="")
    assert total.value == 224
    assert Observation.objects.count() == 78


@pytest.mark.django_db
def test_dry_run_reports_and_changes_nothing():
    output = run("mou-arrivals", str(ARRIVALS), "--dry-run")
    assert "would be created 78" in output
    assert Observation.objects.count() == 0
    assert Dataset.objects.count() == 0


@pytest.mark.django_db
def test_bad_file_names_line_and_column_and_changes_nothing(tmp_path):
    run("mou-arrivals", str(ARRIVALS))
    before = list(Observation.objects.order_by("pk").values_list("pk", "value", "note"))
    bad = tmp_path / "arrivals.csv"
    lines = ARRIVALS.read_text(encoding="utf-8").splitlines(keepends=True)
    # Line 3 is fine but changed (so a partial import would show); line 20 is broken.
    lines[2] = lines[2].replace("j-clawson stores it as year=2001", "a changed note")
    lines[19] = lines[19].replace("2018,2018,2018,168,", "2018,2018,2018,1G8,")
    bad.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CommandError, match=r"arrivals\.csv, line 20, column male: '1G8' is not"):
        run("mou-arrivals", str(bad))
    assert list(Observation.objects.order_by("pk").values_list("pk", "value", "note")) == before


@pytest.mark.django_db
def test_a_late_database_error_rolls_back_the_whole_file(tmp_path):
    bad = tmp_path / "arrivals.csv"
    shutil.copy(ARRIVALS, bad)
    with bad.open("a", encoding="utf-8") as handle:
        handle.write("2026,2026,2026,1,1,2,50.0,,,,no,src,\n2026,2026,2026,1,1,2,50.0,,,,no,src,\n")
    with pytest.raises(
        CommandError, match=r"line 29, column male: the same figure again \(first on line 28\)"
    ):
        run("mou-arrivals", str(bad))
    # The dataset row was written before the duplicate was found: rolled back too.
    assert Dataset.objects.count() == 0
    assert Observation.objects.count() == 0


@pytest.mark.django_db
def test_unknown_format_and_missing_file_exit_non_zero(tmp_path):
    with pytest.raises(CommandError):
        run("no-such-format", str(ARRIVALS))
    with pytest.raises(CommandError, match="no such file"):
        run("mou-arrivals", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_wrong_header_is_rejected_at_line_1(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("year,male\n2009,662\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"x\.csv, line 1: header lacks the column\(s\) period_label"
    ):
        run("mou-arrivals", str(bad))


@pytest.mark.django_db
def test_a_figure_the_publisher_withdrew_is_reported_and_removed_only_when_asked(tmp_path):
    """Issue 20, finding 5: a revised file without a figure left it stored, unreported."""
    run("mou-arrivals", str(ARRIVALS))
    revised = tmp_path / "revised.csv"
    lines = ARRIVALS.read_text(encoding="utf-8").splitlines(keepends=True)
    revised.write_text("".join(line for line in lines if not line.startswith("2025,")))

    dry = run("mou-arrivals", str(revised), "--dry-run", "--apply-withdrawals")
    assert "left unchanged 75; withdrawn 3, would be removed;" in dry
    assert "  withdrawn: mou-arrivals arrivals 2025 female: 198 (reported)" in dry
    kept = run("mou-arrivals", str(revised))
    assert "withdrawn 3, kept (--apply-withdrawals removes them)" in kept
    assert Observation.objects.filter(period_label="2025").count() == 3

    removed = run("mou-arrivals", str(revised), "--apply-withdrawals")
    assert "withdrawn 3, were removed" in removed
    assert not Observation.objects.filter(period_label="2025").exists()
    assert "none withdrawn" in run("mou-arrivals", str(revised))


@pytest.mark.django_db
def test_an_import_of_one_origin_withdraws_nothing_of_the_others():
    from stats.tests.conftest import SAMPLES

    run("unhcr-export", str(SAMPLES / "unhcr_rdf_2024.csv"))
    assert "none withdrawn" in run(
        "unhcr-export", str(SAMPLES / "unhcr_rdf_2024.csv"), "--origin", "PRK"
    )
