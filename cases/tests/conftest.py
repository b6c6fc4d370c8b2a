"""Fixtures for the curation tests."""

import pytest

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
