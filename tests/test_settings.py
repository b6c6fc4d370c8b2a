import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRINT_DEBUG = (
    "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
)


# A valid Fernet key for the identity vault, for these tests only.
IDENTITY_KEY = "y5fIhbOqOCbzGAlXMvc1tKYbm2ktRswNG4YeOqjYP4Y="
# And one for the TOTP secrets (staff.models.SealedTOTPDevice).
OTP_KEY = "hF0e1n6Yw3Q8mS2vXk9rT5uL7aJ4cB1dE6gH8iK0pZo="
OWN_VARIABLES = ("DEBUG", "SECRET_KEY", "IDENTITY_KEYS", "OTP_KEYS")


def run_check(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="nkdb.settings")
    return subprocess.run(
        [sys.executable, "-c", PRINT_DEBUG],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = run_check({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_check({"SECRET_KEY": "x" * 50, "IDENTITY_KEYS": IDENTITY_KEY, "OTP_KEYS": OTP_KEY})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_debug_with_an_unreadable_value_fails_loudly():
    result = run_check({"SECRET_KEY": "x" * 50, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_debug_can_be_switched_on(value):
    result = run_check({"DEBUG": value})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_settings_refuse_to_start_without_identity_keys_when_debug_is_off():
    result = run_check({"SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "IDENTITY_KEYS must be set" in result.stderr


def test_settings_refuse_a_malformed_identity_key():
    result = run_check({"SECRET_KEY": "x" * 50, "IDENTITY_KEYS": "not-a-key"})
    assert result.returncode != 0
    assert "must be a Fernet key" in result.stderr
    assert "not-a-key" not in result.stderr


def test_settings_refuse_to_start_without_otp_keys_or_with_a_malformed_one():
    result = run_check({"SECRET_KEY": "x" * 50, "IDENTITY_KEYS": IDENTITY_KEY})
    assert result.returncode != 0
    assert "OTP_KEYS must be set" in result.stderr
    result = run_check(
        {"SECRET_KEY": "x" * 50, "IDENTITY_KEYS": IDENTITY_KEY, "OTP_KEYS": "not-a-key"}
    )
    assert result.returncode != 0
    assert "Each OTP_KEYS entry must be a Fernet key" in result.stderr
    assert "not-a-key" not in result.stderr


def test_debug_without_identity_keys_uses_a_development_key_and_says_so():
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="nkdb.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "cases.W001" in result.stdout + result.stderr
    assert "development-only key" in result.stdout + result.stderr


def test_production_settings_pass_the_deployment_checklist():
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env.update(
        SECRET_KEY="a-long-random-production-key-" + "k7Qz9" * 10,
        IDENTITY_KEYS=IDENTITY_KEY,
        OTP_KEYS=OTP_KEY,
        ALLOWED_HOSTS="nkdb.example.org",
        DJANGO_SETTINGS_MODULE="nkdb.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
