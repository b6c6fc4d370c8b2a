"""A bounded fuzz run of the public API from its OpenAPI schema (schemathesis).

Every operation of `/api/schema/` gets a few generated requests (fixed seed,
`derandomize=True`, so CI sees the same cases every time) against a database
holding public and private records: the leak suite's, planted once for the module
(tests/leaks/), a marker in every private text field. None may answer with a
server error, nor show a marker, in its body or its headers.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from core.testing import rolled_back
from tests import leaks

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open():
    """Django closes connections at the end of each WSGI request; inside a test's
    transaction that would close it under the test (on PostgreSQL). Django's own
    test client avoids it in the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def _planted_for_the_module(django_db_setup, django_db_blocker):
    # Made once for the module, in a transaction rolled back after it; each test
    # runs in a savepoint inside it.
    with django_db_blocker.unblock(), rolled_back():
        yield leaks.plant()


@pytest.fixture
def planted(_planted_for_the_module, db):
    return _planted_for_the_module


def markers_in(response):
    text = response.content.decode("utf-8", "replace")
    text += "\n".join(f"{k}: {v}" for k, values in response.headers.items() for v in values)
    return set(leaks.MARKER.findall(text))


def test_the_planted_records_are_there(planted):
    from cases.models import Identity, Testimony

    assert Testimony.objects.public().exists()
    assert Testimony.objects.exclude(pk__in=Testimony.objects.public()).count() >= 5
    assert Identity.objects.exists()
    assert len(planted) > 500


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_without_a_server_error_or_a_leak(planted, case):
    cache.clear()  # the anonymous throttle would otherwise answer 429 after a while
    response = case.call_and_validate(checks=[not_a_server_error])
    leaked = {marker: planted[marker] for marker in markers_in(response)}
    assert not leaked, (case.method, case.formatted_path, case.query, leaked)
