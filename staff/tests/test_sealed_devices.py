"""Issue 16, finding 14 (part): TOTP secrets are encrypted at rest with OTP_KEYS."""

import importlib
import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import vault
from staff.enrolment import issue_enrolment_code
from staff.models import SealedTOTPDevice
from staff.tests.test_enrolment import enrol, newcomer  # noqa: F401 (a fixture)
from tests.test_security import code, password_step

pytestmark = pytest.mark.django_db
HEX_KEY = "3132333435363738393031323334353637383930"


def stored_key(device):
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM staff_sealedtotpdevice WHERE id = %s", [device.pk])
        return cursor.fetchone()[0]


def test_an_enrolled_secret_is_stored_encrypted_with_the_otp_keys(client, newcomer, settings):  # noqa: F811
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    enrol(client, issue_enrolment_code(user=newcomer))
    device = SealedTOTPDevice.objects.get(user=newcomer)
    assert not TOTPDevice.objects.exists()
    token = stored_key(device)
    assert token.startswith(vault.TOKEN_PREFIX) and device.key not in token
    assert vault.decrypt(token, keys=settings.OTP_KEYS) == device.key
    with pytest.raises(InvalidToken):
        vault.decrypt(token, keys=settings.IDENTITY_KEYS)
    # The device still opens the admin.
    other = Client()
    password_step(other, username="newcomer")
    SealedTOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    assert other.post("/admin/login/", {"code": code(device)}).status_code == 302
    assert other.get("/admin/").status_code == 200


def test_the_migration_seals_existing_secrets(client, newcomer):  # noqa: F811
    plain = TOTPDevice.objects.create(user=newcomer, name="phone", key=HEX_KEY)
    migration = importlib.import_module("staff.migrations.0005_seal_existing_totp_secrets")
    migration.seal(apps, None)
    assert not TOTPDevice.objects.exists()
    sealed = SealedTOTPDevice.objects.get(user=newcomer)
    assert (sealed.name, sealed.key, sealed.created_at) == ("phone", HEX_KEY, plain.created_at)
    assert HEX_KEY not in stored_key(sealed)
    password_step(client, username="newcomer")
    assert client.post("/admin/login/", {"code": code(sealed)}).status_code == 302


def test_the_otp_key_rotates(newcomer, settings):  # noqa: F811
    device = SealedTOTPDevice.objects.create(user=newcomer, name="phone", key=HEX_KEY)
    old_keys = settings.OTP_KEYS
    settings.OTP_KEYS = [Fernet.generate_key().decode(), *old_keys]
    call_command("rotate_otp_key", stdout=io.StringIO())
    settings.OTP_KEYS = settings.OTP_KEYS[:1]  # the old key dropped
    assert SealedTOTPDevice.objects.get(pk=device.pk).key == HEX_KEY
    with pytest.raises(InvalidToken):
        vault.decrypt(stored_key(device), keys=old_keys)
