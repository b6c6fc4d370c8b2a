"""A bounded fuzz run of the public API from its OpenAPI schema (schemathesis).

Every operation of `/api/schema/` gets a few generated requests (fixed seed,
`derandomize=True`, so CI sees the same cases every time) against a database
holding public and private records; none may answer with a server error.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

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


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_without_a_server_error(case):
    cache.clear()  # the anonymous throttle would otherwise answer 429 after a while
    case.call_and_validate(checks=[not_a_server_error])
