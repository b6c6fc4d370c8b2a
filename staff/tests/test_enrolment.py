"""Issue 16, finding 4: a first device is enrolled only with a superuser's one-time code."""

import datetime
import io
import re

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import user_has_device

from cases import roles
from cases.tests.factories import UserFactory
from cases.tests.personas import login_with_second_factor
from staff.enrolment import issue_enrolment_code
from staff.models import EnrolmentCode
from tests.test_security import PASSWORD, password_step, secret_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    user = UserFactory(username="newcomer")
    user.set_password(PASSWORD)
    user.save()
    return user


def enrol(client, enrolment_code):
    """The password, then the enrolment page with a right TOTP code; the response."""
    password_step(client, username="newcomer")
    page = client.get("/admin/two-factor/enrol/").content.decode()
    secret = re.search(r'class="otp-secret">(\w+)<', page)[1]
    return client.post(
        "/admin/two-factor/enrol/",
        {"enrolment_code": enrolment_code, "code": secret_code(secret)},
    )


def test_a_password_alone_does_not_enrol_a_device(client, newcomer):
    response = enrol(client, "ABCD-EFGH-JKLM")
    assert response.status_code == 200
    assert "This enrolment code is not valid" in response.content.decode()
    # Administrators read the failed attempts: the codes typed are not kept there.
    assert "ABCD-EFGH-JKLM" not in AccessAttempt.objects.get(username="newcomer").post_data
    assert not user_has_device(newcomer, confirmed=None)
    code = issue_enrolment_code(user=newcomer)
    EnrolmentCode.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert enrol(Client(), code).status_code == 200
    assert not user_has_device(newcomer, confirmed=None)


def test_an_enrolment_code_works_once(client, newcomer):
    code = issue_enrolment_code(user=newcomer)
    assert "recovery-codes" in enrol(client, code.lower().replace("-", " ")).content.decode()
    assert client.get("/admin/").status_code == 200
    assert EnrolmentCode.objects.get().used_at is not None
    newcomer.sealedtotpdevice_set.all().delete()  # the device and codes are lost and deleted
    newcomer.staticdevice_set.all().delete()
    assert enrol(Client(), code).status_code == 200
    assert not user_has_device(newcomer)


def test_superusers_issue_codes_in_the_admin_and_administrators_cannot(client, newcomer):
    url = reverse("admin:auth_user_changelist")
    form = {"action": "issue_enrolment_codes", "_selected_action": [newcomer.pk]}
    administrator = UserFactory(username="admin1", roles=[roles.ADMINISTRATOR])
    login_with_second_factor(client, administrator)
    client.post(url, form)
    assert not EnrolmentCode.objects.exists()
    login_with_second_factor(client, UserFactory(username="root", is_superuser=True))
    response = client.post(url, form)
    code = re.search(r"newcomer: <code>([A-Z0-9-]+)</code>", response.content.decode())[1]
    assert EnrolmentCode.objects.get().issued_by == "root"
    assert "recovery-codes" in enrol(Client(), code).content.decode()


def test_the_first_superuser_gets_a_code_from_the_command(newcomer):
    out = io.StringIO()
    call_command("issue_enrolment_code", "newcomer", stdout=out)
    code = out.getvalue().split()[0]
    assert "recovery-codes" in enrol(Client(), code).content.decode()
    assert EnrolmentCode.objects.get(user=newcomer).used_at is not None
