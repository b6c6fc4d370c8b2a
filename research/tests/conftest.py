import pytest

from cases.tests.conftest import as_role  # noqa: F401 (the fixture)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run inside `enqueue` (as in jobs/tests)."""
    settings.TASKS = IMMEDIATE
