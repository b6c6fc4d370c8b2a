"""A bounded fuzz run of the public API from its OpenAPI schema (schemathesis).

Every operation of `/api/schema/` gets a few generated requests (fixed seed,
`derandomize=True`, so CI sees the same cases every time) against a database
holding public and private records: the leak suite's, planted once for the module
(tests/leaks/), a marker in every private text field. None may show a marker, in
its body or its headers, and every answer must pass all of schemathesis's checks:
no server error, every status, content type, header and body as the schema says,
every request the schema allows accepted and every request it forbids refused.

Generated strings hold no NUL byte: nkdb.middleware refuses those (a plain-text
400, which the schema documents) before any view could tell valid from not.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from core.testing import rolled_back
from tests import leaks


@pytest.fixture
def api_schema(planted, request):
    """Loaded in the test: the schema lists the choices the copy holds (public/schema.py)."""
    # schemathesis 4.32's lazy loader renames the test by `_nodeid`, gone in pytest 9.
    request.node._nodeid = request.node.nodeid
    loaded = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    loaded.config.generation.update(allow_x00=False)
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


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
    max_examples=10,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_generated_request_gets_the_answer_the_schema_promises_and_no_leak(planted, case):
    cache.clear()  # the anonymous throttle would otherwise answer 429 after a while
    response = case.call_and_validate()  # every check
    leaked = {marker: planted[marker] for marker in markers_in(response)}
    assert not leaked, (case.method, case.formatted_path, case.query, leaked)
