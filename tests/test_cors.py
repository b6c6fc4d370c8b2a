"""CORS (django-cors-headers, nkdb/settings.py): a page on any site may read the
public API anonymously; nothing else answers another site's browser."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from cases.tests.factories import UserFactory
from public.tests.factories import entry

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "https://newsroom.example"
ALLOW_ORIGIN = "Access-Control-Allow-Origin"


@pytest.fixture
def browser():
    """A client sending the Origin header, as a browser does on another site's page."""
    return Client(HTTP_ORIGIN=ORIGIN)


def preflight(client, path, method="GET", headers="if-none-match"):
    return client.options(
        path,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers,
    )


@pytest.fixture
def event():
    code = "EV-1"
    data = {lang: {"url": f"/api/cases/events/{code}/", "code": code} for lang in ("en", "ko")}
    return entry("event", code=code, data=data)


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/cases/events/",
        "/api/cases/events/EV-1/",
        "/api/cases/events/?format=csv",
        "/api/stats/datasets/",
        "/api/schema/",
    ],
)
def test_the_public_api_may_be_read_from_any_origin_without_credentials(browser, event, path):
    response = browser.get(path)
    assert response.status_code == 200
    assert response[ALLOW_ORIGIN] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    exposed = {
        name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")
    }
    assert {"etag", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"} <= exposed
    assert {"retry-after", "content-disposition"} <= exposed


def test_a_preflight_allows_reads_and_a_conditional_request_only(browser, event):
    response = preflight(browser, "/api/cases/events/")
    assert response.status_code == 200
    assert response[ALLOW_ORIGIN] == "*"
    methods = {name.strip() for name in response["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "HEAD", "OPTIONS"}
    allowed = response["Access-Control-Allow-Headers"].lower()
    assert "if-none-match" in allowed
    # No token from a browser on another site: the API is read there anonymously.
    assert "authorization" not in allowed
    assert "Access-Control-Allow-Credentials" not in response


def test_a_304_and_a_head_carry_the_header_too(browser, event):
    etag = browser.get("/api/cases/events/")["ETag"]
    response = browser.get("/api/cases/events/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response[ALLOW_ORIGIN] == "*"
    assert browser.head("/api/cases/events/")[ALLOW_ORIGIN] == "*"


@pytest.mark.parametrize(
    "path",
    [
        "/api/staff/persons/",
        "/api/staff/schema/",
        "/admin/",
        "/admin/login/",
        "/ko/admin/login/",
        "/cases/",
        "/stats/",
        "/i18n/setlang/",
    ],
)
def test_nothing_outside_the_public_api_answers_another_origin(browser, path):
    assert ALLOW_ORIGIN not in browser.get(path)
    assert ALLOW_ORIGIN not in preflight(browser, path, headers="authorization")


def test_the_documentation_page_answers_no_other_origin(browser):
    assert ALLOW_ORIGIN not in browser.get("/api/docs/")
    # A preflight to it is refused as a method it does not serve, not a server error.
    answer = preflight(browser, "/api/docs/")
    assert answer.status_code == 405
    assert ALLOW_ORIGIN not in answer


def test_the_staff_api_with_a_token_answers_no_other_origin(db):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    token = Token.objects.create(user=user)
    staff = Client(HTTP_ORIGIN=ORIGIN, HTTP_AUTHORIZATION=f"Token {token.key}")
    response = staff.get("/api/staff/persons/")
    assert response.status_code == 200
    assert ALLOW_ORIGIN not in response


PUBLIC_NODE_REQUESTS = """
import django
django.setup()
from django.test import Client
browser = Client(HTTP_ORIGIN="https://newsroom.example", HTTP_HOST="localhost")
get = browser.get("/api/")
options = browser.options(
    "/api/cases/events/",
    HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
)
print(get.status_code, get.get("Access-Control-Allow-Origin"))
print(options.status_code, options.get("Access-Control-Allow-Origin"))
print(get.get("RateLimit-Limit"))
"""


def test_a_public_node_answers_other_origins_too(tmp_path):
    """SITE=public has its own apps and middleware (nkdb/settings.py)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "IDENTITY_KEYS", "OTP_KEYS", "BACKUP_RECIPIENTS")
    }
    env.update(
        DEBUG="1",
        SITE="public",
        DJANGO_SETTINGS_MODULE="nkdb.settings",
        PUBLIC_DATABASE_URL=f"sqlite:///{tmp_path / 'public.sqlite3'}",
        CACHE_DIR=str(tmp_path / "cache"),
        LOG_LEVEL="CRITICAL",
        API_ANON_RATE="7/minute",
    )
    env.pop("REDIS_URL", None)
    env.pop("PUBLIC_REPLICA_URL", None)
    finished = subprocess.run(
        [sys.executable, "-c", PUBLIC_NODE_REQUESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert finished.stdout.split("\n")[:3] == ["200 *", "200 *", "7"]
