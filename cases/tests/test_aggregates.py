"""Small-cell suppression of the violation counts."""

import itertools

import pytest
from django.db import connections
from django.urls import reverse

from cases import aggregates
from cases.aggregates import COMPLEMENTARY, PRIMARY, suppress
from cases.models import Sex
from cases.tests.factories import (
    PersonFactory,
    PlaceFactory,
    ViolationFactory,
    ViolationTypeFactory,
)


def table(rows):
    """Cells and equations of a 2-D table with margins: rows of (value, persons)."""
    cells, equations = {}, []
    n_rows, n_cols = len(rows), len(rows[0])
    for r, c in itertools.product(range(n_rows), range(n_cols)):
        cells[(r, c)] = rows[r][c]
    for r in range(n_rows):
        members = [(r, c) for c in range(n_cols)]
        cells[(r, None)] = tuple(sum(cells[k][i] for k in members) for i in (0, 1))
        equations.append(((r, None), members))
    for c in range(n_cols):
        members = [(r, c) for r in range(n_rows)]
        cells[(None, c)] = tuple(sum(cells[k][i] for k in members) for i in (0, 1))
        equations.append(((None, c), members))
    members = [(r, None) for r in range(n_rows)]
    cells[(None, None)] = tuple(sum(cells[k][i] for k in members) for i in (0, 1))
    equations.append(((None, None), members))
    equations.append(((None, None), [(None, c) for c in range(n_cols)]))
    return cells, equations


def recoverable(cells, equations, withheld):
    """Cells a reader can compute from one published total and its published cells."""
    found = set()
    for total, members in equations:
        hidden = [k for k in [total, *members] if k in withheld]
        if len(hidden) == 1:
            found.add(hidden[0])
        hidden_members = [k for k in members if k in withheld]
        if total not in withheld and hidden_members:
            rest = cells[total][0] - sum(cells[k][0] for k in members if k not in withheld)
            if rest == len(hidden_members):  # each withheld count must be at least 1
                found.update(hidden_members)
    return found


def test_a_cell_under_five_persons_is_withheld_and_its_row_total_cannot_give_it_back():
    cells, equations = table([[(3, 3), (10, 10), (12, 12)], [(8, 8), (9, 9), (20, 20)]])
    withheld = suppress(cells, equations)
    assert withheld[(0, 0)] == PRIMARY
    assert COMPLEMENTARY in withheld.values()
    assert not recoverable(cells, equations, withheld)


def test_a_cell_of_five_persons_is_published():
    cells, equations = table([[(5, 5), (10, 10)], [(8, 8), (9, 9)]])
    assert suppress(cells, equations) == {}


def test_persons_not_acts_decide():
    # Twelve acts against two persons are still two persons.
    cells, equations = table([[(12, 2), (10, 10)], [(8, 8), (9, 9)]])
    assert suppress(cells, equations)[(0, 0)] == PRIMARY


def test_two_withheld_ones_in_a_row_are_not_enough():
    # 1 + 1 = row total minus the rest: both would be known to be 1.
    cells, equations = table([[(1, 1), (1, 1), (30, 30)], [(8, 8), (9, 9), (20, 20)]])
    withheld = suppress(cells, equations)
    assert not recoverable(cells, equations, withheld)


@pytest.mark.parametrize("seed", range(30))
def test_random_tables_never_leak(seed):
    import random

    rng = random.Random(seed)
    rows = [
        [(n, n) for n in (rng.choice([0, 1, 2, 3, 4, 5, 8, 20]) for _ in range(4))]
        for _ in range(3)
    ]
    cells, equations = table(rows)
    withheld = suppress(cells, equations)
    assert not recoverable(cells, equations, withheld)
    for key, (value, persons) in cells.items():
        if value and persons < aggregates.THRESHOLD:
            assert withheld.get(key) == PRIMARY


@pytest.mark.django_db
class TestViolationCounts:
    @pytest.fixture
    def data(self):
        north, south = PlaceFactory(code="KP-90"), PlaceFactory(code="KP-91")
        torture, labour = ViolationTypeFactory(code="V91"), ViolationTypeFactory(code="V92")
        sub_type = ViolationTypeFactory.sub_type(torture, 1)
        for _ in range(6):
            ViolationFactory(publishable=True, violation_type=sub_type, place=north)
        for _ in range(7):
            ViolationFactory(publishable=True, violation_type=labour, place=north)
        for _ in range(2):
            ViolationFactory(publishable=True, violation_type=labour, place=south)
        ViolationFactory(violation_type=labour, place=south)  # a draft: never counted

    def test_sub_types_count_in_their_category_and_small_cells_are_withheld(self, data):
        counts = aggregates.Aggregates()
        assert counts.cells[(("type", "V91"),)] == (6, 6)  # the sub-type's acts
        assert counts.cell(type="V92", province="KP-91").reason == PRIMARY
        assert counts.cell(type="V92", province="KP-91").value is None
        # The province KP-91 total is the same two persons: withheld too.
        assert counts.cell(province="KP-91").suppressed
        assert counts.cell().value == 15
        equations = counts._equations(counts.cells)
        assert not recoverable(counts.cells, equations, counts.withheld)

    def test_the_api_gives_null_with_a_flag(self, client, data):
        rows = client.get(reverse("cases-api:aggregates") + "?by=type,province").json()
        cell = next(r for r in rows["results"] if r["type"] == "V92" and r["province"] == "KP-91")
        assert cell == {
            "type": "V92",
            "province": "KP-91",
            "violations": None,
            "suppressed": True,
            "suppression": "fewer_than_5",
        }

    def test_the_page_says_fewer_than_5(self, client, data):
        content = client.get(reverse("cases:counts") + "?rows=type&cols=province").content
        assert "fewer than 5" in content.decode()

    def test_the_counts_page_and_api_take_constant_queries(
        self, client, data, django_assert_num_queries
    ):
        # The page reads the copy: the generation, the stored counts, the names of
        # the row and the column values (types, places), the copy's date; nothing of
        # the private record. Then, cached with the generation, only the generation.
        page = reverse("cases:counts") + "?rows=type&cols=province"
        for queries in (5, 1):
            with (
                django_assert_num_queries(queries, connection=connections["public"]),
                django_assert_num_queries(0, connection=connections["default"]),
            ):
                assert client.get(page).status_code == 200
        api = reverse("cases-api:aggregates") + "?by=type,year"
        for queries in (2, 1):  # the generation and the stored counts; cached, the generation
            with (
                django_assert_num_queries(queries, connection=connections["public"]),
                django_assert_num_queries(0, connection=connections["default"]),
            ):
                assert client.get(api).status_code == 200


@pytest.mark.django_db
class TestVictimCounts:
    """Victims by the victim's sex and age group, each counted once a cell (issue 22)."""

    @pytest.fixture
    def data(self):
        beating = ViolationTypeFactory(code="V93")
        for _ in range(5):
            victim = PersonFactory(publishable=True, sex=Sex.FEMALE)
            for _ in range(2):
                ViolationFactory(
                    publishable=True, victim=victim, violation_type=beating, victim_age=20
                )
        # A victim who is not public: their act is public, their sex is not told.
        hidden = PersonFactory(sex=Sex.FEMALE)
        for _ in range(5):
            ViolationFactory(
                publishable=True,
                victim=PersonFactory(sex=Sex.MALE),
                violation_type=beating,
                victim_age=60,
            )
        ViolationFactory(publishable=True, victim=hidden, violation_type=beating, victim_age=60)

    def test_a_victim_counts_once_and_only_a_public_victims_sex_is_told(self, data):
        counts = aggregates.Aggregates()
        violations, victims = counts.counts("violations"), counts.counts("victims")
        assert violations.cell(type="V93").value == 16
        assert victims.cell(type="V93").value == 11
        assert victims.cell(sex="female").value == 5
        assert violations.cell(sex="female").value == 10
        assert victims.cell(sex=None).value == 6  # the non-public victims, whatever their sex
        assert victims.cell(sex="male").value == 0
        assert victims.cell(age="18-29").value == 5 and victims.cell(age="50-").value == 6

    def test_a_small_cell_of_victims_is_withheld(self, data):
        ViolationFactory(publishable=True, violation_type=ViolationTypeFactory(code="V94"))
        victims = aggregates.Aggregates().counts("victims")
        assert victims.cell(type="V94").reason == PRIMARY

    def test_the_page_charts_victims_and_the_api_gives_them(self, client, data):
        from cases.copying import write_counts

        write_counts()
        page = client.get(reverse("cases:counts") + "?measure=victims&rows=age")
        chart = page.context["chart"]
        assert chart["labels"] == ["18 to 29", "50 and over"]
        assert chart["datasets"][0]["data"] == [5, 6]
        text = page.content.decode()
        assert 'id="counts-chart"' in text and "chart.umd.min.js" in text
        assert "the totals are not the sums of the cells" in text
        assert "measure=victims" in page.context["csv_url"]
        rows = client.get(reverse("cases-api:aggregates") + "?by=sex&measure=victims").json()
        assert rows["measure"] == "victims"
        assert {r["sex"]: r["victims"] for r in rows["results"]} == {"female": 5, None: 6}
        korean = client.get("/ko" + reverse("cases:counts") + "?measure=victims&rows=age")
        assert korean.context["chart"]["labels"] == ["18~29세", "50세 이상"]

    def test_a_withheld_count_is_a_gap_in_the_chart(self, client, data):
        from cases.copying import write_counts

        ViolationFactory(publishable=True, violation_type=ViolationTypeFactory(code="V94"))
        other = ViolationTypeFactory(code="V95")
        for _ in range(5):
            ViolationFactory(publishable=True, violation_type=other)
        write_counts()
        chart = client.get(reverse("cases:counts") + "?rows=type").context["chart"]
        # V94's one victim is withheld, and V95 with it so the total cannot give it back.
        assert chart["datasets"][0]["data"] == [16, None, None]

    def test_no_chart_when_every_total_is_withheld(self, client, data):
        from cases.copying import write_counts

        ViolationFactory(publishable=True, violation_type=ViolationTypeFactory(code="V94"))
        write_counts()
        page = client.get(reverse("cases:counts") + "?rows=type")
        assert page.context["chart"] is None
        assert "every total below is withheld or zero" in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_measure_is_refused_with_the_choices(client):
    response = client.get(reverse("cases-api:aggregates") + "?measure=persons")
    assert response.status_code == 400
    assert response.json() == {"measure": ["Choose one of: violations, victims."]}
