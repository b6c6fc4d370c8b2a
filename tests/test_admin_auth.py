"""Issue 16: enrolment bound to its session, new-device notices, lockouts, roles."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import roles
from cases.tests.conftest import as_role  # noqa: F401 (the fixture)
from cases.tests.factories import UserFactory
from staff.enrolment import issue_enrolment_code
from staff.models import SealedTOTPDevice
from tests.test_security import PASSWORD, code, password_step, secret_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # A reviewer: TOTP opens the admin to them; a superuser needs a passkey
    # (staff/tests/test_passkeys.py).
    user = UserFactory(username="reviewer1", roles=["reviewer"])
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
    enrolment_code = issue_enrolment_code(user=staff)
    real.post(
        "/admin/two-factor/enrol/",
        {"enrolment_code": enrolment_code, "code": secret_code(real_secret)},
    )
    assert real.get("/admin/").status_code == 200
    # The thief's copied secret opens nothing, neither now nor after a new login.
    assert (
        thief.post(
            "/admin/two-factor/enrol/",
            {"enrolment_code": enrolment_code, "code": secret_code(stolen_secret)},
        ).status_code
        == 302
    )
    assert thief.get("/admin/").status_code == 302
    password_step(thief)
    assert thief.post("/admin/login/", {"code": secret_code(stolen_secret)}).status_code == 200
    assert thief.get("/admin/").status_code == 302
    assert SealedTOTPDevice.objects.filter(user=staff).count() == 1


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


# --- Finding 11: lockouts by username and address together ---------------------------


def test_a_lockout_is_for_one_username_from_one_address(client, staff, settings):
    colleague = UserFactory(username="colleague")
    colleague.set_password(PASSWORD)
    colleague.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, password="wrong")
    assert password_step(client).status_code == 429
    # The colleague behind the same office address still logs in,
    assert password_step(Client(), username="colleague").status_code == 302
    # and so does the same user from another address (another office, a phone).
    assert password_step(Client(REMOTE_ADDR="10.0.0.9")).status_code == 302


def test_the_forms_warn_of_the_attempts_left(client, staff, settings):
    response = password_step(client, password="wrong")
    left = settings.AXES_FAILURE_LIMIT - 1
    assert f"{left} more failed attempts lock this account" in response.content.decode()
    assert "more failed attempts" not in client.get("/admin/login/").content.decode()
    TOTPDevice.objects.create(user=staff, name="phone")
    password_step(client)
    response = client.post("/admin/login/", {"code": "000000"})
    # A correct password resets the count (AXES_RESET_ON_SUCCESS); a wrong code counts.
    assert f"{left} more failed attempts lock this account" in response.content.decode()
    for _ in range(left - 1):
        response = client.post("/admin/login/", {"code": "000000"})
    assert "One more failed attempt locks this account" in response.content.decode()


def test_an_administrator_lifts_a_lockout(as_role, staff, settings):  # noqa: F811
    locked = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(locked, password="wrong")
    assert password_step(locked).status_code == 429
    administrator = as_role(roles.ADMINISTRATOR)
    response = administrator.get("/admin/axes/accessattempt/")
    assert response.status_code == 200 and "reviewer1" in response.content.decode()
    attempt = response.context["cl"].result_list[0]
    url = f"/admin/axes/accessattempt/{attempt.pk}/delete/"
    assert administrator.post(url, {"post": "yes"}).status_code == 302
    assert password_step(locked).status_code == 302
