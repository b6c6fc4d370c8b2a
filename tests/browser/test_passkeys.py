"""A custodian enrols a passkey and opens the admin with it, in Chromium with a
virtual authenticator (DevTools' WebAuthn domain): static/js/passkeys.js under
the site's CSP, against staff/passkeys.py."""

import re

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from cases import roles
from cases.tests.personas import user_in
from staff.enrolment import issue_enrolment_code
from staff.models import EnrolmentCode
from tests.browser.conftest import assert_only_own_host
from tests.test_security import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp


def test_a_custodian_enrols_a_passkey_and_opens_the_admin_with_it(page, live_server, settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    custodian = user_in(roles.CUSTODIAN)
    custodian.set_password(PASSWORD)
    custodian.save()
    enrolment_code = issue_enrolment_code(user=custodian)
    problems = []
    page.on("console", lambda message: problems.append(message.text))
    virtual_authenticator(page)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", custodian.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    # No device yet: straight to the passkey enrolment page.
    page.wait_for_url("**/admin/two-factor/passkey/**")
    page.click("#passkey-register")  # without the code: told to type it
    assert "enrolment code" in page.inner_text("#passkey-status")
    page.fill("#id_enrolment_code", "ABCD-EFGH-JKLM")  # a wrong code is refused
    page.click("#passkey-register")
    # A locator waits without evaluating a string in the page (the CSP forbids eval).
    page.locator("#passkey-status", has_text=re.compile(r"\S")).wait_for()
    assert "not valid" in page.inner_text("#passkey-status")
    assert not WebAuthnCredential.objects.exists()
    page.fill("#id_enrolment_code", enrolment_code)
    page.click("#passkey-register")
    # Enrolled; the session is verified only by using the passkey.
    page.wait_for_selector("#passkey-verify")
    assert WebAuthnCredential.objects.filter(user=custodian).count() == 1
    assert EnrolmentCode.objects.get(user=custodian).used_at is not None
    page.click("#passkey-verify")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#site-name").count() == 1
    assert "Log out everywhere" in page.content()
    assert not [text for text in problems if "Content Security Policy" in text], problems
    assert_only_own_host(page, live_server)
