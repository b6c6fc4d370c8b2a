from cases.tests.conftest import as_role  # noqa: F401 (a fixture)
