"""Readers for the publishers' own layouts, on the small sample files in samples/."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from stats.importers import publishers
from stats.importers.base import StatsImportError
from stats.models import Dataset, Measure, Observation, Sex, Status
from stats.tests.conftest import SAMPLES


def cells(parsed, **match):
    return {
        (r.measure, r.period_end, r.origin, r.destination, r.sex): r
        for r in parsed.rows
        if all(getattr(r, k) == v for k, v in match.items())
    }


def test_unhcr_2024_export_skips_the_preamble_and_reads_its_metadata():
    parsed = publishers.read_unhcr_export(SAMPLES / "unhcr_rdf_2024.csv")
    (spec,) = parsed.datasets
    assert spec.edition == "Refugee Data Finder export, last updated 13 June 2024"
    assert spec.licence == "CC BY 4.0"
    assert "unhcr.org/refugee-statistics/download" in spec.address
    rows = cells(parsed)
    canada = rows[(Measure.REFUGEES, 2022, "PRK", "CAN", "")]
    assert (canada.value, canada.status, canada.line) == (88, Status.REPORTED, 16)
    small = rows[(Measure.ASYLUM_SEEKERS, 2022, "PRK", "CAN", "")]
    assert (small.value, small.status) == (5, Status.SMALL)
    assert "5 or fewer" in small.note
    # '-' (not applicable) gives no figure at all.
    assert not [r for r in parsed.rows if r.measure == Measure.OTHER_PROTECTION]
    # The 2024 layout's extra columns are read as their own measures.
    assert {r.measure for r in parsed.rows} >= {Measure.HOST_COMMUNITY, Measure.OTHERS_OF_CONCERN}


def test_unhcr_export_non_iso_codes_are_kept_and_explained():
    rows = cells(publishers.read_unhcr_export(SAMPLES / "unhcr_rdf_2024.csv"))
    stateless = rows[(Measure.STATELESS, 2023, "XXA", "TUR", "")]
    assert stateless.value == 120 and "not an ISO 3166 code" in stateless.note
    assert stateless.destination_name == "Türkiye"
    unknown = rows[(Measure.ASYLUM_SEEKERS, 2023, "UNK", "DEU", "")]
    assert unknown.value == 41 and unknown.origin_name == "Unknown"
    assert rows[(Measure.REFUGEES, 2023, "TIB", "IND", "")].value == 7200


def test_unhcr_2023_export_without_preamble_and_origin_filter():
    parsed = publishers.read_unhcr_export(SAMPLES / "unhcr_rdf_2023.csv", origin="PRK")
    assert {r.origin for r in parsed.rows} == {"PRK"}
    assert {r.measure for r in parsed.rows} == {
        Measure.REFUGEES, Measure.ASYLUM_SEEKERS, Measure.IDPS, Measure.STATELESS,
    }  # fmt: skip
    assert cells(parsed)[(Measure.REFUGEES, 2021, "PRK", "GBR", "")].value == 450
    assert parsed.datasets[0].slug == "unhcr-rdf-undated-2021"


@pytest.mark.django_db
def test_an_export_s_dataset_is_named_by_its_contents_not_its_file_name(tmp_path):
    """Issue 20, finding 6: the same file under two names became two datasets, its
    address was the local file name and its caveats the curated DPRK file's."""
    text = (SAMPLES / "unhcr_rdf_2023.csv").read_text(encoding="utf-8")
    for name in ("population.csv", "copy of population.csv"):
        (tmp_path / name).write_text(text, encoding="utf-8")
        call_command("import_stats", "unhcr-export", str(tmp_path / name), stdout=StringIO())
    (dataset,) = Dataset.objects.all()
    assert dataset.slug == "unhcr-rdf-undated-2021"
    assert "population" not in dataset.address + dataset.edition
    assert dataset.address == "https://www.unhcr.org/refugee-statistics/download"
    assert dataset.licence == ""  # a file without a preamble states none
    assert "1994" not in dataset.caveat and "5 or fewer" in dataset.caveat
    only_prk = publishers.read_unhcr_export(tmp_path / "population.csv", origin="PRK")
    assert only_prk.datasets[0].slug == dataset.slug


def test_an_export_s_caveats_are_its_own(tmp_path):
    (spec,) = publishers.read_unhcr_export(SAMPLES / "unhcr_rdf_2024.csv").datasets
    assert "Figures are test data" in spec.caveat  # the file's own disclaimer
    assert "1997" not in spec.caveat and "North Koreans in South Korea" in spec.caveat
    assert spec.address == "https://www.unhcr.org/refugee-statistics/download"
    header, prk, _prk, afg = (SAMPLES / "unhcr_rdf_2023.csv").read_text("utf-8").splitlines()
    gap = tmp_path / "population.csv"
    gap.write_text("\n".join([header, prk, afg.replace("2021,", "2019,", 1)]), encoding="utf-8")
    (spec,) = publishers.read_unhcr_export(gap).datasets
    assert "The file has no rows for 2020: those years are missing, not zero." in spec.caveat
    assert spec.edition == "Refugee Data Finder export without preamble, 2019\u20132021"
    gap.write_text("\n".join([header, afg]), encoding="utf-8")
    (spec,) = publishers.read_unhcr_export(gap).datasets
    assert "North Koreans" not in spec.caveat and "missing" not in spec.caveat


def test_unhcr_export_with_a_renamed_column_is_rejected(tmp_path):
    bad = tmp_path / "population.csv"
    text = (SAMPLES / "unhcr_rdf_2023.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("Asylum-seekers", "Asylum seekers"), encoding="utf-8")
    with pytest.raises(StatsImportError, match=r"population\.csv, line 1, column 7: expected"):
        publishers.read_unhcr_export(bad)


@pytest.mark.parametrize(
    ("drop", "message"),
    [
        (
            ',"Others of concern"',
            r"line 15, column 12: expected 'Others of concern' .*found nothing",
        ),
        (',"Host Community"', r"line 15, column 11: expected 'Host Community', found 'Others of"),
    ],
)
def test_a_header_with_a_column_missing_names_it(tmp_path, drop, message):
    """Issue 20, finding 8: "line 15: expected 10 or 12 columns, found 11" named none."""
    bad = tmp_path / "population.csv"
    text = (SAMPLES / "unhcr_rdf_2024.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace(drop, "", 1), encoding="utf-8")
    with pytest.raises(StatsImportError, match=message):
        publishers.read_unhcr_export(bad)


def test_a_row_with_a_field_missing_names_the_column(tmp_path):
    bad = tmp_path / "population.csv"
    lines = (SAMPLES / "unhcr_rdf_2023.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0]
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        StatsImportError, match=r"line 2, column 10 \(Stateless persons\): expected"
    ):
        publishers.read_unhcr_export(bad)


def test_unhcr_export_bad_value_names_line_and_column(tmp_path):
    bad = tmp_path / "population.csv"
    text = (SAMPLES / "unhcr_rdf_2024.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("30,41,0", "30,4 1,0"), encoding="utf-8")
    with pytest.raises(StatsImportError) as error:
        publishers.read_unhcr_export(bad)
    assert str(error.value).startswith(
        "population.csv, line 19, column 7 (Asylum-seekers): '4 1' is not a whole number"
    )


def test_world_bank_matrix_reads_origins_down_destinations_across():
    parsed = publishers.read_wb_matrix_2013(SAMPLES / "wb_matrix_2013.csv")
    rows = cells(parsed)
    assert rows[(Measure.MIGRANT_STOCK, 2013, "PRK", "KAZ", "")].value == 146487
    assert rows[(Measure.MIGRANT_STOCK, 2013, "KAZ", "RUS", "")].value == 2500000
    # A published zero stays a zero; aggregates ("Other South") are not countries.
    assert rows[(Measure.MIGRANT_STOCK, 2013, "PRK", "KOR", "")].value == 0
    assert not [r for r in parsed.rows if "" in (r.origin, r.destination)]
    assert len(parsed.rows) == 8
    only_prk = publishers.read_wb_matrix_2013(SAMPLES / "wb_matrix_2013.csv", origin="PRK")
    assert {r.origin for r in only_prk.rows} == {"PRK"}


WORLD_BANK_NAMES = {
    "St. Kitts and Nevis": "KNA", "St. Lucia": "LCA", "St. Vincent and the Grenadines": "VCT",
    "St. Martin (French part)": "MAF", "Lao PDR": "LAO", "Iran, Islamic Rep.": "IRN",
    "Venezuela, RB": "VEN", "Micronesia, Fed. Sts.": "FSM", "Cote d'Ivoire": "CIV",
    "Curacao": "CUW", "Faeroe Islands": "FRO", "Macedonia, FYR": "MKD", "Korea, Dem. Rep.": "PRK",
    "Korea, Rep.": "KOR", "Kyrgyz Republic": "KGZ", "Slovak Republic": "SVK",
    "Egypt, Arab Rep.": "EGY",
    "Yemen, Rep.": "YEM", "Congo, Dem. Rep.": "COD", "Gambia, The": "GMB", "Cabo Verde": "CPV",
    "Hong Kong SAR, China": "HKG", "Macao SAR, China": "MAC", "West Bank and Gaza": "PSE",
    "Virgin Islands (U.S.)": "VIR", "Sint Maarten (Dutch part)": "SXM", "Channel Islands": "CHI",
    "Kosovo": "XKX", "Taiwan, China": "TWN", "Holy See": "VAT", "St. Helena": "SHN",
    "St. Pierre and Miquelon": "SPM", "Wallis and Futuna Islands": "WLF", "Reunion": "REU",
}  # fmt: skip


@pytest.mark.parametrize(("name", "code"), WORLD_BANK_NAMES.items())
def test_the_world_bank_s_own_country_names_are_read(name, code):
    """Issue 20, finding 7: the matrix's names were refused as unknown countries."""
    assert publishers.country_code(name) == code


def test_a_matrix_with_the_world_bank_s_names_imports(tmp_path):
    names = list(WORLD_BANK_NAMES)
    header = "\t".join(["Destination country (across)-Source country (down)", *names])
    line = "\t".join(["Korea, Dem. Rep.", *(str(i) for i in range(len(names)))])
    path = tmp_path / "matrix.txt"
    path.write_text(f"{header}\n{line}\n", encoding="utf-8")
    parsed = publishers.read_wb_matrix_2013(path)
    assert {r.destination: r.value for r in parsed.rows} == {
        code: i for i, code in enumerate(WORLD_BANK_NAMES.values())
    }


def test_world_bank_matrix_saved_with_commas_is_rejected(tmp_path):
    bad = tmp_path / "matrix.csv"
    text = (SAMPLES / "wb_matrix_2013.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("\t", ","), encoding="utf-8")
    with pytest.raises(
        StatsImportError, match=r"matrix\.csv, line 1, column 1: expected the corner"
    ):
        publishers.read_wb_matrix_2013(bad)


def test_world_bank_matrix_unknown_country_names_its_column(tmp_path):
    bad = tmp_path / "matrix.csv"
    text = (SAMPLES / "wb_matrix_2013.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("Uzbekistan", "Uzbekstan"), encoding="utf-8")
    with pytest.raises(
        StatsImportError, match=r"line 1, column 4: unknown country name 'Uzbekstan'"
    ):
        publishers.read_wb_matrix_2013(bad)


def test_undesa_2019_wide_layout():
    parsed = publishers.read_undesa_2019(SAMPLES / "undesa_ims_2019.csv", origin="PRK")
    rows = cells(parsed)
    assert rows[(Measure.MIGRANT_STOCK, 2015, "PRK", "AUT", "")].value == 2687
    assert rows[(Measure.MIGRANT_STOCK, 2019, "PRK", "KAZ", "")].value == 64370
    assert len(parsed.rows) == 3
    everything = publishers.read_undesa_2019(SAMPLES / "undesa_ims_2019.csv")
    # '..' and empty cells are absent; the "Other" origin is not a country.
    assert {(r.origin, r.destination, r.period_end) for r in everything.rows} == {
        ("PRK", "AUT", 2015), ("KAZ", "AUT", 2015), ("PRK", "KAZ", 2019), ("PRK", "RUS", 2019),
        ("KAZ", "RUS", 2019),
    }  # fmt: skip


def test_undesa_2020_long_layout_by_sex():
    parsed = publishers.read_undesa_2020(SAMPLES / "undesa_ims_2020.csv")
    rows = cells(parsed, origin="PRK")
    assert rows[(Measure.MIGRANT_STOCK, 2020, "PRK", "KAZ", Sex.BOTH)].value == 64829
    assert rows[(Measure.MIGRANT_STOCK, 2020, "PRK", "KAZ", Sex.MALE)].value == 33389
    assert rows[(Measure.MIGRANT_STOCK, 2020, "PRK", "KAZ", Sex.FEMALE)].value == 31440
    assert rows[(Measure.MIGRANT_STOCK, 1990, "PRK", "KAZ", Sex.MALE)].value == 9331
    assert rows[(Measure.MIGRANT_STOCK, 2015, "PRK", "AUT", Sex.BOTH)].value == 118
    assert (Measure.MIGRANT_STOCK, 2010, "PRK", "AUT", Sex.BOTH) not in rows  # '..'
    kaz = rows[(Measure.MIGRANT_STOCK, 2020, "PRK", "KAZ", Sex.BOTH)]
    assert kaz.destination_name == "Kazakhstan" and kaz.line == 13
    # WORLD (900) and "Other" (2003) are aggregates, not countries.
    assert {r.destination for r in parsed.rows} == {"KAZ", "AUT"}
    assert {r.origin for r in parsed.rows} == {"PRK", "DEU"}
    assert len(rows) == 21 + 6


def test_undesa_2020_without_its_header_is_rejected(tmp_path):
    bad = tmp_path / "table1.csv"
    bad.write_text("1,Kazakhstan,,398,B,North Korea,408\n", encoding="utf-8")
    with pytest.raises(StatsImportError, match="Location code of destination"):
        publishers.read_undesa_2020(bad)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "sample", "created"),
    [
        ("unhcr-export", "unhcr_rdf_2024.csv", 12),
        ("wb-matrix-2013", "wb_matrix_2013.csv", 4),
        ("undesa-2019", "undesa_ims_2019.csv", 3),
        ("undesa-2020", "undesa_ims_2020.csv", 27),
    ],
)
def test_publisher_files_import_through_the_command(fmt, sample, created):
    path = str(SAMPLES / sample)
    out = StringIO()
    call_command("import_stats", fmt, path, "--origin", "prk", "--dry-run", stdout=out)
    assert f"would be created {created}," in out.getvalue()
    assert not Observation.objects.exists()
    call_command("import_stats", fmt, path, "--origin", "PRK", stdout=out)
    call_command("import_stats", fmt, path, "--origin", "PRK", stdout=out)
    assert Observation.objects.count() == created
    assert f"left unchanged {created};" in out.getvalue().splitlines()[-1]


@pytest.mark.django_db
def test_a_bad_publisher_file_exits_non_zero(tmp_path):
    bad = tmp_path / "population.csv"
    bad.write_text("not,a,unhcr,file\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no header line"):
        call_command("import_stats", "unhcr-export", str(bad))
