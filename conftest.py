import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fast_isolated_tests(settings):
    """A fast password hasher, and a fresh cache so API throttling counts per test.

    DRF reads its throttle classes when a view class is defined, so overriding
    REST_FRAMEWORK here would not switch throttling off; emptying the cache does
    reset what the throttle remembers.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()
