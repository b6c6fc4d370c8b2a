import pytest
from django.db import IntegrityError, transaction

from stats.models import Measure, Observation, Sex, Status
from stats.tests.factories import DatasetFactory, ObservationFactory


@pytest.mark.django_db
def test_for_series_never_mixes_a_total_with_its_breakdown():
    dataset = DatasetFactory()
    ObservationFactory(dataset=dataset, period_start=2009, value=2914)
    ObservationFactory(dataset=dataset, period_start=2009, sex=Sex.FEMALE, value=2252)
    ObservationFactory(dataset=dataset, period_start=2009, age_band="20-29", value=900)
    totals = Observation.objects.for_series(dataset, Measure.ARRIVALS)
    assert [o.value for o in totals] == [2914]
    by_sex = Observation.objects.for_series(dataset.slug, Measure.ARRIVALS, by=["sex"])
    assert sorted(o.value for o in by_sex) == [2252, 2914]
    with pytest.raises(ValueError, match="Unknown dimensions"):
        Observation.objects.for_series(dataset, Measure.ARRIVALS, by=["colour"])


@pytest.mark.django_db
def test_one_figure_per_cell_even_with_an_open_span():
    dataset = DatasetFactory()
    cell = {
        "dataset": dataset,
        "period_start": None,
        "period_end": 1998,
        "period_label": "up to 1998",
    }
    ObservationFactory(**cell)
    with pytest.raises(IntegrityError), transaction.atomic():
        ObservationFactory(**cell)


@pytest.mark.django_db
def test_a_reported_figure_needs_a_value():
    with pytest.raises(IntegrityError), transaction.atomic():
        ObservationFactory(value=None, status=Status.REPORTED)
    assert ObservationFactory(value=None, status=Status.NOT_REPORTED).value_display == "\u2013"


@pytest.mark.django_db
def test_period_display_keeps_spans_as_spans():
    assert (
        ObservationFactory(
            period_start=1999, period_end=2001, period_label="1999-2001"
        ).period_display
        == "1999\u20132001"
    )
    assert (
        ObservationFactory(
            period_start=None, period_end=1998, period_label="up to 1998"
        ).period_display
        == "up to 1998"
    )
    small = ObservationFactory(value=5, status=Status.SMALL)
    assert small.value_display == "≤5"
