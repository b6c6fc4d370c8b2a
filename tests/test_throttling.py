import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from cases.tests.factories import UserFactory
from core.throttling import SearchRateThrottle, TokenRateThrottle


def test_anonymous_api_clients_are_throttled(client, db, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    assert AnonRateThrottle in api_settings.DEFAULT_THROTTLE_CLASSES
    statuses = [client.get("/api/stats/datasets/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_throttling_starts_afresh_for_each_test(client, db):
    # The previous test used up its allowance; this one starts with a clear cache.
    assert client.get("/api/stats/datasets/").status_code == 200


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
