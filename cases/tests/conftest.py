"""Fixtures for the curation tests."""

import itertools

import pytest

from cases.models import Place
from cases.tests import factories
from cases.tests.personas import login_with_second_factor, user_in


@pytest.fixture
def as_role(client):
    """as_role("reviewer") -> a client logged in as a member of that group only."""

    def login(role):
        user = user_in(role)
        login_with_second_factor(client, user)
        client.user = user
        return client

    return login


def pytest_collection_modifyitems(items):
    """In each module, the tests on the module's `planted` records last: they share
    one set of records (made by a module-scoped fixture), which the tests before
    them must not see. Only within each run of one module's tests, as in
    stats/tests/conftest.py: pytest-django has already put transactional tests last."""
    runs = [list(run) for _path, run in itertools.groupby(items, key=lambda item: item.path)]
    items[:] = [
        item
        for run in runs
        for item in sorted(run, key=lambda item: "planted" in item.fixturenames)
    ]


@pytest.fixture
def places():
    """Two provinces of North Korea, a county, Seoul: the re-identification tests' places."""
    country = factories.PlaceFactory(code="KP", level=Place.Level.COUNTRY, name_en="North Korea")
    north = factories.PlaceFactory(code="KP-09", parent=country, name_en="North Hamgyong")
    south = factories.PlaceFactory(code="KP-10", parent=country, name_en="Ryanggang")
    county = factories.PlaceFactory(
        code="KP-09-01", parent=north, level=Place.Level.COUNTY, name_en="Musan"
    )
    seoul = factories.PlaceFactory(code="KR-11", name_en="Seoul")
    return {"country": country, "north": north, "south": south, "county": county, "seoul": seoul}
