import pytest
from django.core.cache import caches
from django.utils import translation


@pytest.fixture(autouse=True)
def _fast_isolated_tests(settings):
    """A fast password hasher, and fresh caches: API throttling counts per test, and
    no test meets responses cached by another (whose tokens a rollback restored).

    DRF reads its throttle classes when a view class is defined, so overriding
    REST_FRAMEWORK here would not switch throttling off; emptying the cache does
    reset what the throttle remembers. The language a request activated is not
    left to the next test either.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for cache in caches.all(initialized_only=False):
        cache.clear()
    yield
    for cache in caches.all(initialized_only=False):
        cache.clear()
    translation.deactivate()
