"""The `bootstrap` and `seed_demo` management commands and the reference-data loaders."""

from io import StringIO

import pycountry
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import F, ForeignKey
from django.utils import translation

from cases import reference, workflow
from cases.demo import DEMO_PERSONS
from cases.models import (
    BorderCrossing,
    ConsentScope,
    CrossingLeg,
    Event,
    Facility,
    Information,
    Involvement,
    Organization,
    Person,
    Place,
    Source,
    Violation,
    ViolationType,
    WorkflowStatus,
)
from cases.reference import ReferenceDataError
from cases.tests import factories
from core.testing import rolled_back
from stats.shipped import SHIPPED_FILES

pytestmark = pytest.mark.django_db

TAXONOMY_CATEGORIES = 16
DEMO_MODELS = [Person, "Testimony", Event, Violation, BorderCrossing]


def cases_model(name_or_model):
    if isinstance(name_or_model, str):
        return apps.get_model("cases", name_or_model)
    return name_or_model


def run(command, *args, **options):
    out = StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


def row_counts():
    """Rows in every cases and stats table, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for app in ("cases", "stats")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture(scope="class")
def bootstrapped(django_db_setup, django_db_blocker):
    """Reference data loaded once for a class of tests, rolled back after it.

    Each test runs in a savepoint inside this transaction, so what a test
    changes is undone before the next one.
    """
    with django_db_blocker.unblock(), rolled_back():
        yield run("bootstrap")


# --- bootstrap ---------------------------------------------------------------


class TestBootstrap:
    def test_loads_the_13_north_and_17_south_korean_provinces(self, bootstrapped):
        provinces = Place.objects.filter(level=Place.Level.PROVINCE)
        north = provinces.filter(code__startswith="KP-")
        south = provinces.filter(code__startswith="KR-")
        assert (north.count(), south.count(), provinces.count()) == (13, 17, 30)
        assert set(north.values_list("parent__code", flat=True)) == {"KP"}
        assert set(south.values_list("parent__code", flat=True)) == {"KR"}
        for province in provinces:
            assert province.name_en and province.name_ko, province.code
            assert province.latitude is not None and province.longitude is not None

    def test_loads_every_country_from_pycountry(self, bootstrapped):
        countries = Place.objects.filter(level=Place.Level.COUNTRY)
        assert countries.count() == len(pycountry.countries) == 249
        assert set(countries.values_list("code", flat=True)) == {
            country.alpha_2 for country in pycountry.countries
        }
        assert not countries.filter(name_ko="").exists()
        assert Place.objects.get(code="KP").name_ko == "북한"

    def test_loads_the_taxonomy_with_sub_types_and_both_names(self, bootstrapped):
        categories = ViolationType.objects.filter(parent=None)
        assert categories.count() == TAXONOMY_CATEGORIES
        for category in categories:
            sub_types = list(category.children.all())
            assert sub_types, f"{category.code} has no sub-types"
            for sub_type in sub_types:
                sub_type.full_clean()  # code inside its category
        assert not ViolationType.objects.filter(name_en="").exists()
        assert not ViolationType.objects.filter(name_ko="").exists()
        assert ViolationType.objects.filter(crime_against_humanity=True).exists()
        assert ViolationType.objects.exclude(right_affected="").exists()

    def test_loads_north_korean_and_chinese_organizations(self, bootstrapped):
        countries = set(Organization.objects.values_list("country", flat=True))
        assert {"KP", "CN"} <= countries
        kinds = set(Organization.objects.values_list("kind", flat=True))
        assert {Organization.Kind.STATE_SECURITY, Organization.Kind.FOREIGN_POLICE} <= kinds

    def test_every_shipped_name_has_its_japanese_form(self, bootstrapped):
        """The public site's third language (docs/i18n.md): every province, type,
        organization and facility of the shipped files, and every country from CLDR."""
        for model in (ViolationType, Organization, Facility):
            assert not model.objects.filter(name_ja="").exists(), model
        assert not Place.objects.filter(level=Place.Level.PROVINCE, name_ja="").exists()
        assert not Place.objects.filter(level=Place.Level.COUNTRY, name_ja="").exists()
        assert Place.objects.get(code="KP").name_ja == "北朝鮮"
        assert Place.objects.get(code="KP-09").name_ja == "咸鏡北道"
        assert ViolationType.objects.get(code="V09.01").name_ja == "中国からの強制送還"
        assert Facility.objects.get(code="KWL-15").name_ja == "耀徳第15号管理所"
        with translation.override("ja"):
            assert Organization.objects.get(code="KP-MSS").name == "国家保衛省"

    def test_loads_facilities_with_their_sources(self, bootstrapped):
        facilities = Facility.objects.all()
        assert facilities.filter(kind=Facility.Kind.KWANLISO).exists()
        for facility in facilities:
            assert facility.source is not None, facility.code
            assert facility.place is not None, facility.code
            has_point = facility.latitude is not None
            assert has_point == (facility.longitude is not None)
        # Sources shared by several facilities are created once.
        assert Source.objects.count() == facilities.values("source").distinct().count()

    def test_running_twice_changes_nothing(self, bootstrapped):
        counts = row_counts()
        places = list(Place.objects.values())
        types = list(ViolationType.objects.values())
        facilities = list(Facility.objects.values())

        second = run("bootstrap")

        assert row_counts() == counts  # history tables included: no new history rows
        assert list(Place.objects.values()) == places
        assert list(ViolationType.objects.values()) == types
        assert list(Facility.objects.values()) == facilities
        lines = second.strip().splitlines()
        assert len(lines) == 5 + 1 + len(SHIPPED_FILES)  # reference files, roles, statistics
        for line in lines[:5]:
            assert "0 created, 0 updated" in line, line
        assert lines[5].startswith("roles:") and "created" not in lines[5], lines[5]
        for line in lines[6:]:
            assert "created 0, updated 0" in line, line
        assert "0 created" not in bootstrapped.splitlines()[0]


# --- reference loaders ---------------------------------------------------------

PLACES_HEADER = (
    "code,parent_code,level,name_en,name_ko,aliases,latitude,longitude,location_precision\n"
)


def write(tmp_path, text, name="places.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestReferenceErrors:
    def test_a_value_that_is_not_a_number_names_its_line_and_column(self, tmp_path):
        path = write(
            tmp_path,
            PLACES_HEADER
            + "XA,,country,Testland,시험국,,,,\n"
            + "XA-01,XA,province,North,북도,,forty,125.1,province\n",
        )
        with pytest.raises(ReferenceDataError) as excinfo:
            reference.load_places(path=path)
        error = excinfo.value
        assert (error.line, error.column) == (3, "latitude")
        assert "places.csv" in str(error)
        assert "line 3" in str(error)
        assert "latitude" in str(error)

    def test_an_unknown_choice_names_its_line_and_column(self, tmp_path):
        path = write(tmp_path, PLACES_HEADER + "XA,,planet,Testland,시험국,,,,\n")
        with pytest.raises(ReferenceDataError) as excinfo:
            reference.load_places(path=path)
        assert (excinfo.value.line, excinfo.value.column) == (2, "level")
        assert "planet" in str(excinfo.value)

    def test_an_unknown_parent_names_its_line_and_column(self, tmp_path):
        path = write(tmp_path, PLACES_HEADER + "XA-01,XA,province,North,북도,,,,\n")
        with pytest.raises(ReferenceDataError) as excinfo:
            reference.load_places(path=path)
        assert (excinfo.value.line, excinfo.value.column) == (2, "parent_code")

    def test_a_file_without_japanese_names_loads_them_blank(self, tmp_path):
        path = write(tmp_path, PLACES_HEADER + "XA,,country,Testland,시험국,,,,\n")
        reference.load_places(path=path)
        place = Place.objects.get(code="XA")
        assert (place.name_ko, place.name_ja) == ("시험국", "")
        with translation.override("ja"):
            assert place.name == "Testland"

    def test_a_missing_column_is_reported_on_the_header_line(self, tmp_path):
        path = write(tmp_path, "code,parent_code,level,name_en\nXA,,country,Testland\n")
        with pytest.raises(ReferenceDataError) as excinfo:
            reference.load_places(path=path)
        assert excinfo.value.line == 1
        assert "latitude" in excinfo.value.column

    def test_a_file_saved_with_a_byte_order_mark_reads_its_header(self, tmp_path):
        """As our own CSV downloads are, or Excel saves them."""
        path = write(tmp_path, "\ufeff" + PLACES_HEADER + "XA,,country,Testland,시험국,,,,\n")
        rows = list(reference.read_rows(path, ["code", "name_en"]))
        assert rows[0][1]["code"] == "XA"

    def test_a_point_out_of_range_is_a_reference_error_not_a_crash(self, tmp_path):
        path = write(tmp_path, PLACES_HEADER + "XA,,country,Testland,시험국,,95,125,exact\n")
        with pytest.raises(ReferenceDataError) as excinfo:
            reference.load_places(path=path)
        assert excinfo.value.line == 2

    def test_a_sub_type_outside_its_category_names_its_line(self, tmp_path):
        path = write(
            tmp_path,
            "code,parent_code,name_en,name_ko,right_affected,crime_against_humanity,description_en\n"
            "V01,,Life,생명권,ICCPR art. 6,no,\n"
            "V02.01,V01,Execution,처형,ICCPR art. 6,yes,\n",
            name="violation_types.csv",
        )
        with pytest.raises(ReferenceDataError) as excinfo:
            reference.load_violation_types(path=path)
        assert (excinfo.value.line, excinfo.value.column) == (3, "code")

    def test_a_yes_no_column_refuses_other_values(self, tmp_path):
        path = write(
            tmp_path,
            "code,parent_code,name_en,name_ko,right_affected,crime_against_humanity,description_en\n"
            "V01,,Life,생명권,ICCPR art. 6,maybe,\n",
            name="violation_types.csv",
        )
        with pytest.raises(ReferenceDataError) as excinfo:
            reference.load_violation_types(path=path)
        assert (excinfo.value.line, excinfo.value.column) == (2, "crime_against_humanity")

    def test_loading_is_all_or_nothing(self, tmp_path, monkeypatch):
        """A bad facilities file rolls back the countries, provinces and taxonomy too."""
        bad = write(
            tmp_path,
            (reference.REFERENCE_DIR / "facilities.csv").read_text(encoding="utf-8")
            + "BAD-1,not_a_kind,Bad,나쁨,,,,,,,,,,,,,\n",
            name="facilities.csv",
        )
        load_facilities = reference.load_facilities
        monkeypatch.setattr(reference, "load_facilities", lambda: load_facilities(path=bad))
        with pytest.raises(ReferenceDataError):
            reference.load_reference_data()
        assert not Place.objects.exists()
        assert not ViolationType.objects.exists()
        assert not Facility.objects.exists()
        assert not Source.objects.exists()


# --- seed_demo ---------------------------------------------------------------


def demo_snapshot():
    """Every demo row as plain values, foreign keys by their public code."""
    snapshot = {}
    for model in [Person, cases_model("Testimony"), Event, Violation, BorderCrossing]:
        snapshot[model.__name__] = sorted(
            model.objects.values(*snapshot_fields(model)), key=lambda row: row["code"]
        )
    for model in [Information, Involvement, CrossingLeg, cases_model("TestimonySource")]:
        rows = model.objects.values(*snapshot_fields(model))
        snapshot[model.__name__] = sorted(rows, key=repr)
    return snapshot


def snapshot_fields(model):
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in ("created_at", "updated_at"):
            continue
        if isinstance(field, ForeignKey):
            fields.append(f"{field.name}__code")
        else:
            fields.append(field.name)
    return fields


def delete_demo_data():
    # Published records are deleted only by the workflow's own code (cases/workflow.py).
    with factories.one_refresh(), workflow.acting():  # not a refresh per deleted record
        cases_model("Proceeding").objects.all().delete()  # and its links to events and persons
        for model in [Information, Involvement, CrossingLeg, BorderCrossing, Violation, Event]:
            model.objects.all().delete()
        cases_model("Testimony").objects.all().delete()  # and the links to its sources
        Source.objects.filter(is_synthetic=True).delete()  # the recordings
        Person.objects.all().delete()


def test_seed_demo_refuses_to_run_without_reference_data():
    with pytest.raises(CommandError, match="bootstrap"):
        run("seed_demo", persons=3)
    assert not Person.objects.exists()


class TestSeedDemo:
    def test_every_record_is_flagged_and_titled_synthetic(self, bootstrapped):
        run("seed_demo", persons=30, seed=3)
        for name in DEMO_MODELS:
            model = cases_model(name)
            assert model.objects.exists(), model.__name__
            assert not model.objects.filter(is_synthetic=False).exists(), model.__name__
        for name in ("Testimony", Event):
            for record in cases_model(name).objects.all():
                assert record.title_en.startswith("[Synthetic"), record.title_en
                assert record.title_ko.startswith("[합성"), record.title_ko
                assert "synthetic" in str(record)

    def test_makes_a_mix_of_statuses_and_consent_scopes(self, bootstrapped):
        run("seed_demo", persons=DEMO_PERSONS, seed=1)
        testimonies = cases_model("Testimony").objects
        statuses = set(testimonies.values_list("status", flat=True))
        statuses |= set(Event.objects.values_list("status", flat=True))
        scopes = set(testimonies.values_list("consent_scope", flat=True))
        assert WorkflowStatus.PUBLISHED in statuses and len(statuses) >= 3
        assert {ConsentScope.FULL, ConsentScope.ANONYMISED} & scopes
        assert {ConsentScope.NONE, ConsentScope.INTERNAL} & scopes
        # The demo exercises the boundary: some of it is public and some is not.
        for name in DEMO_MODELS:
            model = cases_model(name)
            public = model.objects.public().count()
            assert 0 < public < model.objects.count(), model.__name__

    @pytest.mark.parametrize("seed", [1, 2, 3])
    def test_no_period_ends_before_it_starts(self, bootstrapped, seed):
        run("seed_demo", persons=80, seed=seed)
        for name in ("Testimony", "Event", "Violation"):
            backwards = cases_model(name).objects.filter(end_date__lt=F("start_date"))
            assert list(backwards.values_list("code", "start_date", "end_date")) == [], name

    def test_each_testimony_s_recording_counts_with_it(self, bootstrapped):
        run("seed_demo", persons=30, seed=3)
        links = cases_model("TestimonySource").objects
        assert links.count() == cases_model("Testimony").objects.count() > 0
        assert set(links.values_list("source__kind", "source__is_public_document")) == {
            ("interview", False)
        }
        events = list(Event.objects.public())
        reports = Source.objects.exclude(public_citation="")
        assert events
        for event in events:  # its witness (or the recording, if the testimony is not public)
            cited = event.information.filter(source__in=reports).count()
            assert event.corroboration == 1 + cited, event.code
        assert any(event.information.filter(source__in=reports).exists() for event in events)

    def test_the_same_seed_gives_the_same_data(self, bootstrapped):
        run("seed_demo", persons=12, seed=5)
        first = demo_snapshot()
        delete_demo_data()
        run("seed_demo", persons=12, seed=5)
        assert demo_snapshot() == first
        assert first["Person"], "the snapshot should not be empty"

    def test_another_seed_gives_other_data(self, bootstrapped):
        run("seed_demo", persons=5, seed=5)
        first = set(Person.objects.values_list("code", flat=True))
        delete_demo_data()
        run("seed_demo", persons=5, seed=6)
        assert not first & set(Person.objects.values_list("code", flat=True))

    def test_if_empty_does_nothing_the_second_time(self, bootstrapped):
        run("seed_demo", "--if-empty", persons=5)
        counts = row_counts()
        assert counts["cases.Person"] == 5
        output = run("seed_demo", "--if-empty", persons=5)
        assert row_counts() == counts
        assert "nothing to do" in output


def test_the_facilities_reports_are_cited_publicly_as_titled(bootstrapped):
    sources = Source.objects.all()
    assert sources.exists()
    assert all(source.public_citation == source.title for source in sources)
    assert all(source.is_cited_publicly for source in sources)


def test_a_province_is_found_by_its_abbreviation_and_romanization(client):
    from cases import roles
    from cases.tests.personas import login_with_second_factor, user_in

    reference.load_countries()
    reference.load_places()
    assert Place.objects.get(code="KP-09").aliases.splitlines()[0] == "함북"
    login_with_second_factor(client, user_in(roles.RESEARCHER))
    found = {}
    for term in ("함북", "hamgyeongbuk", "North Hamgyong", "평남"):
        response = client.get(
            "/admin/autocomplete/",
            {"term": term, "app_label": "cases", "model_name": "event", "field_name": "place"},
        )
        found[term] = [result["text"] for result in response.json()["results"]]
    assert found["함북"] == found["hamgyeongbuk"] == found["North Hamgyong"]
    assert len(found["함북"]) == 1 and "North Hamgyong" in found["함북"][0]
    assert len(found["평남"]) == 1 and "South Pyongan" in found["평남"][0]
