"""Issue 18: no published person's combination of quasi-identifiers is shared by
fewer than k published persons (cases/reidentification.py).

The root conftest.py sets REIDENTIFICATION_K = 1 for the whole suite (the check
off: most tests publish a single person); every test here sets k itself through
the `settings` fixture. The k the database measures is compared with an
independent count in Python and with pyCANON's `pycanon.anonymity.k_anonymity`
(requirements-anonymity.txt, installed by `make install`), on a small
population and on one of 5,000 persons made with bulk_create.
"""

import collections
import datetime
import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from cases import reidentification, roles, services, workflow
from cases.dates import DatePrecision
from cases.models import (
    BorderCrossing,
    Event,
    Person,
    Place,
    Sex,
    Testimony,
    Violation,
    WorkflowStatus,
)
from cases.tests import factories
from cases.tests.personas import user_in

pytestmark = pytest.mark.django_db

PUBLIC = {**factories.PUBLISHED, "is_public": True}
QIS = ["sex", "age_group", "origin_province", "year_of_leaving", "settlement_region"]


@pytest.fixture
def k5(settings):
    settings.REIDENTIFICATION_K = 5
    settings.REIDENTIFICATION_QUASI_IDENTIFIERS = QIS
    return 5


def public_persons(count, origin, **fields):
    fields = {"sex": Sex.FEMALE, "birth_year": 1981, **fields}
    return factories.PersonFactory.create_batch(
        count, origin_place=origin, publishable=True, **fields
    )


def in_review(factory, **fields):
    return factory(status=WorkflowStatus.IN_REVIEW, **fields)


def publish(record):
    return services.record_publish(record=record, by=user_in(roles.REVIEWER))


def refusal(record):
    with pytest.raises(ValidationError) as refused:
        publish(record)
    return " ".join(refused.value.messages)


def is_public(record):
    return type(record).objects.public().filter(pk=record.pk).exists()


# --- The check at publish time -------------------------------------------------


def test_a_person_joins_a_group_of_four_but_not_a_group_of_none(k5, places):
    four = public_persons(4, places["north"], birth_year=1980)
    fifth = in_review(factories.PersonFactory, sex=Sex.FEMALE, birth_year=1984)
    fifth.origin_place = places["county"]  # generalized to its province, KP-09
    fifth.save()
    publish(fifth)
    assert is_public(fifth)

    alone = in_review(
        factories.PersonFactory, sex=Sex.FEMALE, birth_year=1984, origin_place=places["south"]
    )
    message = refusal(alone)
    assert not is_public(alone)
    assert alone.code in message
    assert "only 1 published" in message
    assert "at least 5" in message
    assert "born 1980-1984" in message and "Ryanggang" in message, message
    assert not any(person.code in message for person in four)  # never the others


def test_k_comes_from_the_settings_and_so_do_the_quasi_identifiers(settings, places):
    public_persons(2, places["north"])
    newcomer = in_review(
        factories.PersonFactory, sex=Sex.FEMALE, birth_year=1981, origin_place=places["north"]
    )
    settings.REIDENTIFICATION_K = 4
    assert "only 3 published" in refusal(newcomer)
    settings.REIDENTIFICATION_K = 3
    publish(newcomer)
    assert is_public(newcomer)

    other_province = in_review(
        factories.PersonFactory, sex=Sex.FEMALE, birth_year=1981, origin_place=places["south"]
    )
    assert "only 1 published" in refusal(other_province)
    settings.REIDENTIFICATION_QUASI_IDENTIFIERS = ["sex", "age_group"]
    publish(other_province)
    assert is_public(other_province)


def test_an_unknown_value_is_a_value_of_its_own(k5, places):
    public_persons(4, places["north"], birth_year=None)
    public_persons(6, places["north"], birth_year=1981)
    unknown_year = in_review(
        factories.PersonFactory, sex=Sex.FEMALE, birth_year=None, origin_place=places["north"]
    )
    publish(unknown_year)
    no_origin = in_review(factories.PersonFactory, sex=Sex.FEMALE, birth_year=1981)
    message = refusal(no_origin)
    assert "only 1 published" in message and "province of origin: unknown" in message


def a_crossing_in_2008_to_seoul(places):
    """Five public persons alike, and the first one's crossing in review."""
    group = public_persons(5, places["north"])
    crossing = in_review(
        factories.BorderCrossingFactory,
        person=group[0],
        crossing_date=datetime.date(2008, 3, 1),
        settlement_place=places["seoul"],
    )
    return group, crossing


def test_a_crossing_reveals_the_year_of_leaving_and_the_region_of_settlement(k5, places):
    group, crossing = a_crossing_in_2008_to_seoul(places)
    message = refusal(crossing)
    assert not is_public(crossing)
    assert group[0].code in message and "only 1 published" in message
    assert "year of leaving: 2008" in message and "Seoul" in message

    for person in group[1:]:
        factories.BorderCrossingFactory(
            person=person,
            crossing_date=datetime.date(2008, 7, 1),
            settlement_place=places["seoul"],
            **factories.PUBLISHED,
        )
    publish(crossing)  # now five share female, 1980-84, KP-09, 2008, Seoul
    assert is_public(crossing)


def test_a_crossing_may_not_leave_fewer_than_k_behind(k5, places):
    """Its person moves to a group of enough, but the four left behind are too few."""
    stay = public_persons(5, places["north"])
    for person in public_persons(5, places["north"]):
        factories.BorderCrossingFactory(person=person, **factories.PUBLISHED)
    crossing = in_review(factories.BorderCrossingFactory, person=stay[0])
    message = refusal(crossing)
    assert "leave only 4 published persons" in message
    assert stay[0].code not in message

    public_persons(1, places["north"])  # a sixth stays behind
    publish(crossing)
    assert is_public(crossing)


def test_a_reviewer_withholds_a_crossings_details_instead_of_changing_them(k5, places):
    group, crossing = a_crossing_in_2008_to_seoul(places)
    message = refusal(crossing)
    assert "What the public is not shown" in message

    crossing.withhold_year = crossing.withhold_settlement = True
    crossing.save()
    publish(crossing)  # the public learns nothing more of group[0]: still five alike
    assert is_public(crossing)
    assert reidentification.combination_of(group[0])["year_of_leaving"] is None
    crossing.refresh_from_db()
    assert crossing.crossing_date == datetime.date(2008, 3, 1)


def crossings_of_unpublished_persons(count, places, **fields):
    fields = {
        "departure_place": places["county"],  # counted as its province, KP-09
        "crossing_date": datetime.date(2008, 3, 1),
        "arrival_date": None,
        "settlement_place": places["seoul"],
        **fields,
    }
    return [
        factories.BorderCrossingFactory(person=factories.PersonFactory(), **fields, **PUBLIC)
        for _ in range(count)
    ]


def test_a_crossing_whose_person_is_not_public_must_look_like_k_crossings(k5, places):
    others = crossings_of_unpublished_persons(4, places)
    assert all(is_public(crossing) for crossing in others)
    fifth = in_review(
        factories.BorderCrossingFactory,
        departure_place=places["north"],
        crossing_date=datetime.date(2008, 11, 1),
        settlement_place=places["seoul"],
    )
    publish(fifth)
    assert is_public(fifth)

    alone = in_review(
        factories.BorderCrossingFactory,
        departure_place=places["south"],
        crossing_date=datetime.date(2011, 1, 1),
        settlement_place=places["seoul"],
    )
    message = refusal(alone)
    assert alone.code in message and "only 1 published crossings" in message, message
    assert "year of crossing: 2011" in message and "Ryanggang" in message, message
    assert "What the public is not shown" in message
    assert not any(crossing.code in message for crossing in others)

    # Four crossings that show only where they started.
    crossings_of_unpublished_persons(4, places, withhold_year=True, withhold_settlement=True)
    alone.departure_place = places["north"]
    alone.withhold_year = alone.withhold_settlement = True
    alone.save()
    publish(alone)
    assert is_public(alone)


def test_the_report_names_crossings_below_k_and_fails(k5, places):
    (alone,) = crossings_of_unpublished_persons(1, places, crossing_date=datetime.date(2012, 1, 1))
    crossings_of_unpublished_persons(5, places)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 published crossing"):
        call_command("report_reidentification", stdout=out)
    assert alone.code in out.getvalue() and "year of crossing: 2012" in out.getvalue()
    assert [code for code, _details, _n in reidentification.crossings_below_k()] == [alone.code]

    with workflow.acting():  # as the workflow's edit of a published record would
        alone.withhold_year = True
        alone.save()
    crossings_of_unpublished_persons(4, places, withhold_year=True)
    assert reidentification.crossings_below_k() == []


def test_more_about_a_person_who_stands_out_is_refused(k5, places):
    """The check runs whatever the record: a testimony of a public person below k."""
    (person,) = public_persons(1, places["north"])
    testimony = in_review(
        factories.TestimonyFactory,
        interviewee=person,
        consented=True,
        consent_method="signed form",
        public_summary_en="A summary.",
    )
    assert "only 1 published" in refusal(testimony)


def test_a_person_who_is_not_public_is_not_counted(k5, places):
    (person,) = factories.PersonFactory.create_batch(1, origin_place=places["north"])
    testimony = in_review(
        factories.TestimonyFactory,
        interviewee=person,
        consented=True,
        consent_method="signed form",
        public_summary_en="A summary.",
    )
    publish(testimony)
    assert is_public(testimony)


# --- Measuring k: the database, an independent count, pyCANON -------------------


def synthetic_population(count, seed, places):
    """(rows of generalized values, Person objects, BorderCrossing objects) for bulk_create."""
    rng = random.Random(seed)
    provinces = [places["north"], places["south"]]
    rows, persons, crossings = [], [], []
    for number in range(count):
        sex = rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE, Sex.UNKNOWN])
        birth_year = rng.choice([None, *range(1950, 2000)])
        origin = rng.choice([None, places["county"], *provinces])
        person = Person(
            code=f"P-SYN{seed:02d}{number:05d}",
            pseudonym=f"Synthetic {number}",
            sex=sex,
            birth_year=birth_year,
            origin_place=origin,
            is_synthetic=True,
            **PUBLIC,
        )
        persons.append(person)
        year = settled = None
        if rng.random() < 0.7:
            year = rng.randint(1997, 2019)
            settled = rng.choice([None, places["seoul"], places["north"]])
            crossings.append(
                BorderCrossing(
                    code=f"B-SYN{seed:02d}{number:05d}",
                    person=person,
                    crossing_date=datetime.date(year, 1, 1),
                    crossing_date_precision=DatePrecision.YEAR,
                    settlement_place=settled,
                    **PUBLIC,
                )
            )
        province = {None: None, places["county"].pk: "KP-09"}.get(
            origin and origin.pk, origin and origin.code
        )
        rows.append(
            {
                "sex": sex,
                "age_group": None if birth_year is None else birth_year // 5 * 5,
                "origin_province": province,
                "year_of_leaving": year,
                "settlement_region": settled and settled.code,
            }
        )
    return rows, persons, crossings


def independent_k(rows, qis):
    counts = collections.Counter(tuple(row[qi] for qi in qis) for row in rows)
    return min(counts.values())


def pycanon_k(rows, qis):
    # Installed by `make install` (requirements-anonymity.txt): never skipped.
    import pandas
    from pycanon import anonymity

    # pyCANON compares values: an unknown is its own string, as in the database.
    frame = pandas.DataFrame([{qi: str(row[qi]) for qi in qis} for row in rows])
    return anonymity.k_anonymity(frame, qis)


@pytest.mark.parametrize(
    ("count", "seed", "qis"),
    [
        (40, 1, QIS),
        (40, 2, ["sex", "age_group", "origin_province"]),
        (300, 3, ["sex", "origin_province", "settlement_region"]),
        (5000, 4, QIS),
        (5000, 5, ["sex", "age_group"]),
    ],
)
def test_the_k_measured_is_the_k_counted_independently(settings, places, count, seed, qis):
    settings.REIDENTIFICATION_QUASI_IDENTIFIERS = qis
    rows, persons, crossings = synthetic_population(count, seed, places)
    Person.objects.bulk_create(persons, batch_size=1000)
    BorderCrossing.objects.bulk_create(crossings, batch_size=1000)

    expected = independent_k(rows, qis)
    assert reidentification.measured_k() == expected
    below = {code for code, _values, _n in reidentification.below_k(expected + 1)}
    smallest = collections.Counter(tuple(row[qi] for qi in qis) for row in rows)
    assert len(below) == sum(n for n in smallest.values() if n <= expected)
    assert pycanon_k(rows, qis) == expected


# --- The demo data -------------------------------------------------------------


def test_the_demo_returns_the_persons_it_would_publish_below_k(k5):
    """`make run` seeds the demo with k = 5: its published persons must pass the
    report, and its cases stay published."""
    from cases.demo import DEMO_PERSONS, ORIGIN_WEIGHTS, SETTLEMENT_WEIGHTS, generate_demo_data

    for code in [*ORIGIN_WEIGHTS, *SETTLEMENT_WEIGHTS]:
        factories.PlaceFactory(code=code, name_en=f"Province {code}")
    for code in ["CN", "LA", "TH", "MN", "VN"]:
        factories.PlaceFactory(code=code, level=Place.Level.COUNTRY, name_en=code)
    factories.ViolationTypeFactory(code="V04")

    counts = generate_demo_data(persons=DEMO_PERSONS, seed=1)
    assert counts["persons returned as below k"] > 0
    assert reidentification.below_k() == []
    assert counts["crossing details withheld as below k"] > 0
    assert reidentification.crossings_below_k() == []
    for model in (Testimony, Event, Violation, BorderCrossing):
        assert model.objects.public().exists(), model.__name__


# --- The nightly report ---------------------------------------------------------


def test_the_report_names_the_persons_below_k_and_fails(k5, places):
    public_persons(5, places["north"])
    alone = public_persons(1, places["south"])[0]
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 published person"):
        call_command("report_reidentification", stdout=out)
    assert alone.code in out.getvalue()
    assert "Ryanggang" in out.getvalue()

    public_persons(4, places["south"])
    out = io.StringIO()
    call_command("report_reidentification", stdout=out)
    assert "at least 5" in out.getvalue()
