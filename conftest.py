import pytest


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    """A fast password hasher and no throttling between tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
