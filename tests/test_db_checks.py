"""The durability check refuses production on a PostgreSQL with fsync or
synchronous_commit off; the 503 page answers a database outage."""

from unittest import mock

import pytest
from django.core import checks
from django.db import InterfaceError, OperationalError, connection

from core import checks as db_checks
from nkdb.middleware import server_error


class FakeConnection:
    vendor = "postgresql"


def run_check(values, *, debug=False, settings=None):
    settings.DEBUG = debug
    with (
        mock.patch.object(db_checks, "connections", {"default": FakeConnection()}),
        mock.patch.object(db_checks, "server_settings", return_value=values),
    ):
        return db_checks.check_database_durability(databases=["default"])


def test_durable_settings_pass(settings):
    assert run_check({"fsync": "on", "synchronous_commit": "on"}, settings=settings) == []


@pytest.mark.parametrize(
    ("values", "ids"),
    [
        ({"fsync": "off", "synchronous_commit": "on"}, ["nkdb.E001"]),
        ({"fsync": "on", "synchronous_commit": "off"}, ["nkdb.E002"]),
        ({"fsync": "off", "synchronous_commit": "off"}, ["nkdb.E001", "nkdb.E002"]),
    ],
)
def test_fsync_or_synchronous_commit_off_is_an_error_in_production(settings, values, ids):
    errors = run_check(values, settings=settings)
    assert [e.id for e in errors] == ids
    assert all(e.level == checks.ERROR for e in errors)


def test_development_is_not_checked(settings):
    assert (
        run_check({"fsync": "off", "synchronous_commit": "off"}, debug=True, settings=settings)
        == []
    )


def test_check_is_registered_with_the_database_tag():
    registered = checks.registry.registry.get_checks()
    found = [c for c in registered if c is db_checks.check_database_durability]
    assert found and checks.Tags.database in found[0].tags


def test_without_a_database_the_check_does_not_connect(settings):
    settings.DEBUG = False
    with mock.patch.object(db_checks, "server_settings") as query:
        assert db_checks.check_database_durability(databases=None) == []
    query.assert_not_called()


@pytest.mark.django_db
def test_real_server_settings(settings):
    """On PostgreSQL, the real server is asked; CI's server runs with the defaults."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no fsync or synchronous_commit setting")
    settings.DEBUG = False
    values = db_checks.server_settings(connection)
    assert set(values) == {"fsync", "synchronous_commit"}
    errors = db_checks.check_database_durability(databases=["default"])
    expected = [n for n, v in values.items() if v == "off"]
    assert len(errors) == len(expected)
    with connection.cursor() as cursor:
        # A session can switch synchronous_commit off for itself: the check sees it.
        cursor.execute("SET synchronous_commit = off")
        try:
            errors = db_checks.check_database_durability(databases=["default"])
        finally:
            cursor.execute("SET synchronous_commit = on")
    assert "nkdb.E002" in [e.id for e in errors]


# --- The 503 page ----------------------------------------------------------------


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("path", ["/cases/", "/stats/"])
def test_database_outage_answers_503_with_a_clear_page(client, error, path):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=error("connection refused"),
    ):
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    body = response.content.decode()
    assert "Briefly unavailable" in body
    assert "Traceback" not in body and "connection refused" not in body


def test_database_outage_answers_503_json_on_the_api(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/api/stats/datasets/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_503_page_is_translated(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("down"),
    ):
        response = client.get("/ko/cases/")
    assert response.status_code == 503
    assert 'lang="ko"' in response.content.decode()


def test_handler500_turns_a_database_error_outside_a_view_into_503(rf):
    request = rf.get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
