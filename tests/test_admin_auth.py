"""Issue 16: enrolment bound to its session, new-device notices, lockouts, roles."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.tests.factories import UserFactory
from tests.test_security import PASSWORD, code, password_step, secret_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = UserFactory(username="reviewer1", is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def shown_secret(client):
    response = client.get("/admin/two-factor/enrol/")
    return re.search(r'class="otp-secret">(\w+)<', response.content.decode())[1]


def test_each_enrolment_session_gets_its_own_secret(staff):
    real, thief = Client(), Client(REMOTE_ADDR="10.0.0.9")
    password_step(real)
    password_step(thief)
    real_secret, stolen_secret = shown_secret(real), shown_secret(thief)
    assert real_secret != stolen_secret
    assert shown_secret(real) == real_secret  # stable within the session
    real.post("/admin/two-factor/enrol/", {"code": secret_code(real_secret)})
    assert real.get("/admin/").status_code == 200
    # The thief's copied secret opens nothing, neither now nor after a new login.
    assert (
        thief.post("/admin/two-factor/enrol/", {"code": secret_code(stolen_secret)}).status_code
        == 302
    )
    assert thief.get("/admin/").status_code == 302
    password_step(thief)
    assert thief.post("/admin/login/", {"code": secret_code(stolen_secret)}).status_code == 200
    assert thief.get("/admin/").status_code == 302
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_a_new_device_is_announced_once_at_the_next_login(client, staff):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    phone = TOTPDevice.objects.create(user=staff, name="phone")
    TOTPDevice.objects.filter(pk=phone.pk).update(created_at=long_ago, last_used_at=long_ago)
    TOTPDevice.objects.create(user=staff, name="intruder")
    phone.refresh_from_db()

    def log_in():
        client.logout()
        password_step(client)
        TOTPDevice.objects.filter(pk=phone.pk).update(last_t=-1)  # the same code again
        response = client.post("/admin/login/", {"code": code(phone)}, follow=True)
        assert response.wsgi_request.path == "/admin/"
        return response.content.decode()

    assert "A new second-factor device (intruder)" in log_in()
    assert "intruder" not in log_in()
