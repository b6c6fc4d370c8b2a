"""The workflow guard's matrix (test_workflow_guard.py) for the roles above the
reviewer: every write path of the admin, every state, as the custodian, the
administrator and the superuser. A file of its own so that the two test workers
share the matrix."""

import itertools

import pytest

from cases import roles
from cases.tests.test_workflow_guard import STATES, check_every_write_path

pytestmark = pytest.mark.django_db

ROLES_THERE = [roles.CUSTODIAN, roles.ADMINISTRATOR, "superuser"]


@pytest.mark.parametrize(("role", "state"), list(itertools.product(ROLES_THERE, STATES)))
def test_no_write_path_changes_what_only_the_workflow_changes(client, role, state):
    check_every_write_path(client, role, state)
