import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from cases.staff_api import StaffRateThrottle
from cases.tests.factories import UserFactory
from core import throttling
from core.throttling import SearchRateThrottle, TokenRateThrottle

ROOT = Path(__file__).resolve().parent.parent


def test_anonymous_api_clients_are_throttled(client, db, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    assert throttling.AnonRateThrottle in api_settings.DEFAULT_THROTTLE_CLASSES
    assert issubclass(throttling.AnonRateThrottle, AnonRateThrottle)
    statuses = [client.get("/api/stats/datasets/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_throttling_starts_afresh_for_each_test(client, db):
    # The previous test used up its allowance; this one starts with a clear cache.
    assert client.get("/api/stats/datasets/").status_code == 200


# --- The limits announced (RateLimit-* headers, Retry-After) -----------------------------


def announced(response):
    return [response.get(f"RateLimit-{name}") for name in ("Limit", "Remaining", "Reset")]


def test_every_api_answer_announces_the_requests_left(client, db, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    responses = [client.get("/api/stats/datasets/") for _ in range(3)]
    assert [response.status_code for response in responses] == [200, 200, 200]
    assert [announced(response)[:2] for response in responses] == [
        ["3", "2"],
        ["3", "1"],
        ["3", "0"],
    ]
    assert all(0 < int(announced(response)[2]) <= 60 for response in responses)
    refused = client.get("/api/stats/datasets/")
    assert refused.status_code == 429
    assert announced(refused)[:2] == ["3", "0"]
    retry_after = refused["Retry-After"]
    assert retry_after.isdigit() and 0 < int(retry_after) <= 60
    assert int(announced(refused)[2]) == int(retry_after)


def test_a_304_and_a_csv_announce_the_limits_too(client, db, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "5/minute"})
    etag = client.get("/api/cases/events/")["ETag"]
    not_modified = client.get("/api/cases/events/", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert announced(not_modified)[:2] == ["5", "3"]
    csv = client.get("/api/cases/events/", {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert announced(csv)[:2] == ["5", "2"]


def test_requests_with_a_token_announce_their_own_limit(db, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"user": "4/minute"})
    response = token_client("staff").get("/api/stats/datasets/")
    assert announced(response)[:2] == ["4", "3"]


def test_the_staff_api_announces_its_own_limit(db, monkeypatch):
    monkeypatch.setattr(StaffRateThrottle, "THROTTLE_RATES", {"staff": "5/minute"})
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    token = Token.objects.create(user=user)
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/staff/persons/")
    assert response.status_code == 200
    assert announced(response)[:2] == ["5", "4"]


def test_pages_outside_the_api_announce_nothing(client, db):
    assert announced(client.get("/stats/")) == [None, None, None]


# --- Tokens on the public API, forged addresses, the HTML search ------------------------


def token_client(username):
    token = Token.objects.create(user=UserFactory(username=username, is_staff=True))
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_requests_with_a_token_are_throttled_per_user_on_the_public_api(client, db, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"user": "3/minute"})
    staff = token_client("staff")
    statuses = [staff.get("/api/stats/datasets/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert token_client("other").get("/api/stats/datasets/").status_code == 200
    # Anonymous requests are AnonRateThrottle's, at its own rate.
    assert {client.get("/api/stats/datasets/").status_code for _ in range(4)} == {200}


def test_a_forged_x_forwarded_for_does_not_escape_the_api_throttle(client, db, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    statuses = [
        client.get("/api/stats/datasets/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


@pytest.fixture
def search_rate(monkeypatch):
    monkeypatch.setattr(SearchRateThrottle, "THROTTLE_RATES", {"search": "3/minute"})


def test_the_html_search_is_throttled_per_address(client, db, search_rate):
    # The same search: from the second request on, a cached page, which counts too.
    statuses = [client.get("/cases/?q=camp").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = client.get("/cases/?q=camp")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Too many searches" in response.content.decode()
    assert Client(REMOTE_ADDR="192.0.2.7").get("/cases/").status_code == 200
    assert client.get("/cases/counts/").status_code == 200  # other pages are not the search


def test_the_search_throttle_answers_in_the_visitors_language(client, db, search_rate):
    for _ in range(3):
        client.get("/ko/cases/")
    response = client.get("/ko/cases/")
    assert response.status_code == 429
    assert "검색" in response.content.decode()


def test_a_forged_x_forwarded_for_does_not_escape_the_search_throttle(client, db, search_rate):
    statuses = [
        client.get("/cases/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_the_search_and_token_rates_are_configured(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert {"user", "search"} <= set(rates)


# --- One count for every process ------------------------------------------------------

SHOW_THROTTLE_CACHE = """
import django; django.setup()
from django.core.cache import caches
cache = caches["default"]
print(type(cache).__name__, *getattr(cache._cache, "_servers", []))
"""
COUNTED_ELSEWHERE = """
import django; django.setup()
from django.core.cache import cache
print(len(cache.get({key!r}) or []))
"""


def other_process(code, **env):
    environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    environment.update(DEBUG="1", **env)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_with_redis_the_throttles_count_in_it():
    """Behind several processes (docs/deploy.md) the limits announced are the node's."""
    with_redis = other_process(SHOW_THROTTLE_CACHE, REDIS_URL="redis://127.0.0.1:6390/3")
    assert with_redis == "RedisCache redis://127.0.0.1:6390/3"
    assert other_process(SHOW_THROTTLE_CACHE) == "LocMemCache"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (CI's PostgreSQL stage)")
def test_another_process_sees_the_requests_this_one_counted(client, db, settings, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "5/minute"})
    for _ in range(3):
        assert client.get("/api/stats/datasets/").status_code == 200
    key = AnonRateThrottle.cache_format % {"scope": "anon", "ident": "127.0.0.1"}
    location = settings.CACHES["default"]["LOCATION"]  # this worker's Redis database
    assert other_process(COUNTED_ELSEWHERE.format(key=key), REDIS_URL=location) == "3"


def test_the_public_pdfs_are_throttled_per_address(client, db, monkeypatch):
    """A PDF not in the cache is rendered anew: one address cannot ask for them all."""
    monkeypatch.setattr(throttling.PdfRateThrottle, "THROTTLE_RATES", {"pdf": "2/minute"})
    kinds = ["events", "testimonies", "crossings"]
    statuses = [client.get(f"/cases/{kind}/X-NONE/pdf/").status_code for kind in kinds[:2]]
    assert statuses == [404, 404]  # counted before the work, found or not
    response = client.get("/cases/crossings/X-NONE/pdf/")  # one allowance for all three
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Too many PDFs" in response.content.decode()
    assert Client(REMOTE_ADDR="192.0.2.7").get("/cases/events/E-NONE/pdf/").status_code == 404
    assert client.get("/cases/?q=camp").status_code == 200  # the search has its own allowance
