"""seed_scale: synthetic benchmark data of the right size and shape, all flagged."""

from collections import Counter

import pytest
from django.core.management import call_command

from cases.models import BorderCrossing, Event, Person, Testimony, Violation
from cases.reference import load_reference_data
from cases.scale import Sizes, seed_scale
from core.testing import rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _reference_for_the_module(django_db_setup, django_db_blocker):
    # Loading takes seconds: once for the module, in a transaction rolled back
    # after it; each test runs in a savepoint inside it.
    with django_db_blocker.unblock(), rolled_back():
        load_reference_data()
        yield


@pytest.fixture
def reference(_reference_for_the_module, db):
    """The reference data (places, taxonomy), as bootstrap loads it."""


# First in the module: the tests after it share the reference data of the module.
def test_the_command_needs_reference_data():
    with pytest.raises(Exception, match="bootstrap"):
        call_command("seed_scale", violations=10)


def test_sizes_follow_the_ratios_of_the_target():
    sizes = Sizes(1_000_000)
    assert (sizes.persons, sizes.testimonies, sizes.events, sizes.crossings) == (
        500_000,
        100_000,
        300_000,
        50_000,
    )


def test_writes_the_requested_numbers_all_flagged_synthetic(reference):
    counts = seed_scale(violations=400, seed=3)
    assert counts["violations"] == Violation.objects.count() == 400
    assert counts["persons"] == Person.objects.count() == 200
    assert counts["events"] == Event.objects.count() == 120
    assert Testimony.objects.count() == 40 and BorderCrossing.objects.count() == 20
    for model in (Person, Testimony, Event, Violation, BorderCrossing):
        assert not model.objects.filter(is_synthetic=False).exists(), model.__name__
    assert all(t.startswith("[Synthetic") for t in Event.objects.values_list("title_en", flat=True))


def test_rows_are_complete_records_the_site_can_use(reference):
    seed_scale(violations=400, seed=3)
    event = Event.objects.exclude(search_tokens="").first()
    assert event is not None and event.earliest_date is not None
    assert Event.objects.filter(search_text="").count() == 0
    codes = list(Violation.objects.values_list("code", flat=True))
    assert len(set(codes)) == len(codes)
    # Some of it is public and some is not, like real data.
    assert 0 < Violation.objects.public().count() < 400


def test_shape_is_skewed_like_real_data(reference):
    seed_scale(violations=1000, seed=3)
    origins = Counter(Person.objects.values_list("origin_place__code", flat=True))
    assert origins.most_common(1)[0][0] in {"KP-09", "KP-10"}
    years = [d.year for d in Event.objects.values_list("earliest_date", flat=True)]
    assert sum(year >= 1995 for year in years) / len(years) > 0.7
    types = Counter(Violation.objects.values_list("violation_type", flat=True))
    top = types.most_common(3)
    assert sum(count for _, count in top) > 1000 * 0.25  # a few types dominate


def test_a_second_load_adds_to_the_first(reference):
    seed_scale(violations=200, seed=1)
    seed_scale(violations=200, seed=2)
    assert Violation.objects.count() == 400


def test_a_code_already_taken_is_drawn_again(reference, monkeypatch):
    from cases import scale

    Event.objects.create(code="E-TAKEN000", title_en="Existing")
    generator = scale.ScaleGenerator(seed=3, report=lambda *args, **kwargs: None)
    drawn = iter(["E-TAKEN000", "E-FIRST000", "E-FIRST000", "E-SECOND00"])
    monkeypatch.setattr(scale, "new_code", lambda prefix, rng: next(drawn))
    first = generator.stamp(Event(title_en="A"), "E").code
    second = generator.stamp(Event(title_en="B"), "E").code
    assert (first, second) == ("E-FIRST000", "E-SECOND00")
