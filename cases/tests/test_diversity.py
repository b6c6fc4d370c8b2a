"""Issue 18: the published persons of a group are not all known for the same
violations (l-diversity, cases/diversity.py).

The groups are those of the k-anonymity check (cases/tests/test_reidentification.py
makes them the same way). The l measured is compared with an independent count and
with pyCANON's `pycanon.anonymity.l_diversity` on synthetic populations.
"""

import collections
import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from cases import diversity
from cases.models import Person, Sex, Violation
from cases.tests import factories
from cases.tests.test_reidentification import (
    QIS,
    in_review,
    is_public,
    public_persons,
    publish,
    refusal,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def k5l2(settings):
    settings.REIDENTIFICATION_K = 5
    settings.REIDENTIFICATION_L = 2
    settings.REIDENTIFICATION_QUASI_IDENTIFIERS = QIS


@pytest.fixture
def types():
    detention = factories.ViolationTypeFactory(
        code="V04", name_en="Arbitrary detention", name_ko="자의적 구금"
    )
    torture = factories.ViolationTypeFactory(code="V05", name_en="Torture", name_ko="고문")
    return {
        "held": factories.ViolationTypeFactory.sub_type(detention, 1),
        "held elsewhere": factories.ViolationTypeFactory.sub_type(detention, 2),
        "torture": torture,
    }


def public_act(victim, violation_type):
    event = factories.EventFactory(publishable=True)
    return factories.ViolationFactory(
        event=event, victim=victim, violation_type=violation_type, **factories.PUBLISHED
    )


def four_known_and_a_fifth(places, types, fifth_type):
    """Five public persons alike; four with a public act of detention, and the
    fifth's act of `fifth_type` in review. Returns (persons, the fifth's act)."""
    group = public_persons(5, places["north"])
    for person in group[:4]:
        public_act(person, types["held"])
    fifth = in_review(
        factories.ViolationFactory,
        event=factories.EventFactory(publishable=True),
        victim=group[4],
        violation_type=types[fifth_type],
    )
    return group, fifth


def test_the_fifth_person_known_for_the_same_violation_is_refused(k5l2, places, types):
    # Another sub-type of the same category.
    group, same = four_known_and_a_fifth(places, types, "held elsewhere")
    message = refusal(same)
    assert not is_public(same)
    assert "all 5 published persons" in message and "Arbitrary detention" in message, message
    assert "born 1980-1984" in message
    assert not any(person.code in message for person in group)  # never a person's code

    other = in_review(
        factories.ViolationFactory,
        event=factories.EventFactory(publishable=True),
        victim=group[4],
        violation_type=types["torture"],
    )
    publish(other)  # four known for detention, one for torture: two sets
    assert is_public(other)


def test_the_refusal_reads_in_korean(k5l2, places, types):
    _group, same = four_known_and_a_fifth(places, types, "held")
    with translation.override("ko"):
        message = refusal(same)
    assert "자의적 구금" in message and "Arbitrary" not in message, message


def test_a_group_known_for_no_violation_reveals_nothing(k5l2, places, types):
    public_persons(5, places["north"])
    assert diversity.groups_below_l() == []
    assert diversity.measured_l() == 1


def test_the_check_is_off_with_k_or_l_at_one(settings, places, types):
    settings.REIDENTIFICATION_K, settings.REIDENTIFICATION_L = 1, 2
    _group, act = four_known_and_a_fifth(places, types, "held")
    assert diversity.publication_problems(act) == []
    settings.REIDENTIFICATION_K, settings.REIDENTIFICATION_L = 5, 1
    assert diversity.publication_problems(act) == []
    settings.REIDENTIFICATION_L = 2
    assert diversity.publication_problems(act) != []


def test_the_report_names_the_group_and_fails(k5l2, places, types):
    group = public_persons(5, places["north"])
    for person in group:  # made directly, as data from before the check would be
        public_act(person, types["held"])
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 group"):
        call_command("report_reidentification", stdout=out)
    assert all(person.code in out.getvalue() for person in group)
    assert "Arbitrary detention" in out.getvalue()

    public_act(group[0], types["torture"])
    out = io.StringIO()
    call_command("report_reidentification", stdout=out)
    assert "at least 2 different sets" in out.getvalue()


# --- Measuring l: the database, an independent count, pyCANON -------------------


def synthetic_population(count, seed, places, types):
    """Public persons in few groups, each with 0-2 public acts; their rows as pyCANON reads them."""
    rng = random.Random(seed)
    event = factories.EventFactory(publishable=True)
    persons = [
        Person(
            code=f"P-DIV{seed:02d}{number:05d}",
            pseudonym=f"Synthetic {number}",
            sex=rng.choice([Sex.FEMALE, Sex.MALE]),
            birth_year=rng.choice([1970, 1980, 1990]),
            origin_place=rng.choice([places["north"], places["south"]]),
            is_synthetic=True,
            is_public=True,
            **factories.PUBLISHED,
        )
        for number in range(count)
    ]
    Person.objects.bulk_create(persons, batch_size=1000)
    acts, rows = [], []
    for person in persons:
        chosen = rng.sample(list(types.values()), rng.choice([0, 1, 1, 2]))
        acts += [
            Violation(
                code=f"V-{person.code[2:]}{number}",
                event=event,
                victim=person,
                violation_type=violation_type,
                is_public=True,
                **factories.PUBLISHED,
            )
            for number, violation_type in enumerate(chosen)
        ]
        categories = sorted({violation_type.code[:3] for violation_type in chosen})
        rows.append(
            {
                "sex": person.sex,
                "age_group": person.birth_year,
                "origin_province": person.origin_place.code,
                "violations": ",".join(categories),
            }
        )
    Violation.objects.bulk_create(acts, batch_size=1000)
    return rows


@pytest.mark.parametrize(("count", "seed"), [(40, 1), (300, 2), (2000, 3)])
def test_the_l_measured_is_the_l_counted_independently(settings, places, types, count, seed):
    settings.REIDENTIFICATION_QUASI_IDENTIFIERS = ["sex", "age_group", "origin_province"]
    rows = synthetic_population(count, seed, places, types)
    qis = ["sex", "age_group", "origin_province"]
    groups = collections.defaultdict(set)
    for row in rows:
        groups[tuple(row[qi] for qi in qis)].add(row["violations"])
    expected = min(len(sets) for sets in groups.values())

    import pandas
    from pycanon import anonymity

    frame = pandas.DataFrame([{key: str(value) for key, value in row.items()} for row in rows])
    assert anonymity.l_diversity(frame, qis, ["violations"]) == expected
    assert diversity.measured_l() == expected
    alike = {
        tuple(combination.values())
        for combination, _codes, _sets in diversity.groups_below_l(expected + 1)
    }
    revealing = {group for group, sets in groups.items() if len(sets) <= expected and sets != {""}}
    assert len(alike) == len(revealing)
