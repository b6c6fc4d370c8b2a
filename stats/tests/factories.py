import factory

from stats.models import Classification, Dataset, Measure, Observation, Sex, Status


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"dataset-{n}")
    publisher = "Ministry of Unification (Republic of Korea)"
    title = factory.Sequence(lambda n: f"Test table {n}")
    edition = "test edition"
    address = "https://example.org/table"
    classification = Classification.DEFECTOR_ARRIVALS
    caveat = "A test caveat."


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    dataset = factory.SubFactory(DatasetFactory)
    measure = Measure.ARRIVALS
    period_start = factory.Sequence(lambda n: 1990 + n)
    period_end = factory.SelfAttribute("period_start")
    period_label = factory.LazyAttribute(lambda o: str(o.period_end))
    sex = Sex.BOTH
    value = 100
    status = Status.REPORTED
