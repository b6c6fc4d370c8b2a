from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


def test_anonymous_api_clients_are_throttled(client, db, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    assert AnonRateThrottle in api_settings.DEFAULT_THROTTLE_CLASSES
    statuses = [client.get("/api/stats/datasets/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_throttling_starts_afresh_for_each_test(client, db):
    # The previous test used up its allowance; this one starts with a clear cache.
    assert client.get("/api/stats/datasets/").status_code == 200
