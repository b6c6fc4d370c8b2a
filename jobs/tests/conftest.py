import pytest

from cases.tests.conftest import as_role  # noqa: F401 (a fixture)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Tasks run inside `enqueue`, so no worker is needed (one test uses the real queue)."""
    settings.TASKS = IMMEDIATE
