"""Personas for the curation tests: one logged-in client per role."""

from cases import roles
from cases.tests.factories import UserFactory


def user_in(role):
    return UserFactory(username=role, roles=[role])


ALL_ROLES = [roles.RESEARCHER, roles.REVIEWER, roles.CUSTODIAN, roles.ADMINISTRATOR]
