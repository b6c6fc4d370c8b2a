"""Issue 16, "Second factor": custodians and superusers need a passkey; others keep TOTP."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from cases import roles
from cases.tests.factories import UserFactory
from cases.tests.personas import login_with_second_factor, passkey_for, user_in
from staff.enrolment import issue_enrolment_code
from staff.models import EnrolmentCode, SealedTOTPDevice
from staff.passkeys import passkey_required
from tests.test_security import PASSWORD, code, password_step

pytestmark = pytest.mark.django_db

REGISTER_BEGIN = "/admin/two-factor/passkey/register/begin/"
REGISTER_COMPLETE = "/admin/two-factor/passkey/register/complete/"


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def custodian():
    return with_password(user_in(roles.CUSTODIAN))


@pytest.mark.parametrize("who", ["custodian", "superuser"])
def test_totp_alone_does_not_open_the_admin_to_custodians_and_superusers(client, who):
    if who == "custodian":
        user = user_in(roles.CUSTODIAN)
    else:
        user = UserFactory(username="root", is_superuser=True)
    login_with_second_factor(client, user, passkey=False)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/cases/person/").status_code == 302
    # Sent to enrol a passkey, told why.
    response = client.get("/admin/", follow=True)
    assert response.wsgi_request.path == "/admin/two-factor/passkey/"
    assert "Enrol a passkey" in response.content.decode()


def test_totp_still_opens_the_admin_to_a_researcher(client):
    researcher = user_in(roles.RESEARCHER)
    assert not passkey_required(researcher)
    login_with_second_factor(client, researcher, passkey=False)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("who", ["custodian", "superuser"])
def test_a_passkey_opens_the_admin_to_custodians_and_superusers(client, who):
    if who == "custodian":
        user = user_in(roles.CUSTODIAN)
    else:
        user = UserFactory(username="root", is_superuser=True)
    login_with_second_factor(client, user, passkey=True)
    assert client.get("/admin/").status_code == 200


def test_a_totp_code_at_the_login_tells_a_custodian_to_use_a_passkey(client, custodian, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    phone = SealedTOTPDevice.objects.create(user=custodian, name="phone", confirmed=True)
    assert password_step(client, username=custodian.username).status_code == 302
    response = client.post("/admin/login/", {"code": code(phone)}, follow=True)
    assert response.wsgi_request.path == "/admin/two-factor/passkey/"
    assert "can be relayed by a fake login page" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    # With a passkey enrolled, the login page offers it instead.
    passkey_for(custodian)
    page = client.get("/admin/login/").content.decode()
    assert 'id="passkey-verify"' in page and "js/passkeys.js" in page
    assert "<script>" not in page


def test_the_rule_is_switched_off_by_a_setting(client, settings):
    settings.PASSKEYS_REQUIRED = False
    login_with_second_factor(client, user_in(roles.CUSTODIAN), passkey=False)
    assert client.get("/admin/").status_code == 200


def test_a_custodian_without_a_device_is_sent_to_enrol_a_passkey(client, custodian):
    password_step(client, username=custodian.username)
    response = client.get("/admin/login/")
    assert response["Location"].startswith("/admin/two-factor/passkey/")
    # Not TOTP: it would not open the admin.
    assert client.get("/admin/two-factor/enrol/")["Location"].startswith(
        "/admin/two-factor/passkey/"
    )


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_passkey_is_enrolled_only_with_an_enrolment_code(client, custodian):
    password_step(client, username=custodian.username)
    # No code, a wrong code: refused, counted as failed logins, and no code typed is kept.
    assert post_json(client, REGISTER_BEGIN, {}).status_code == 403
    refused = post_json(client, REGISTER_BEGIN, {"enrolment_code": "ABCD-EFGH-JKLM"})
    assert refused.status_code == 403
    assert "This enrolment code is not valid" in refused.json()["detail"]
    assert AccessAttempt.objects.get(username=custodian.username).failures_since_start == 2
    assert "ABCD-EFGH-JKLM" not in AccessAttempt.objects.get().post_data
    # A good code gives the options of a ceremony for this site,
    enrolment_code = issue_enrolment_code(user=custodian)
    options = post_json(client, REGISTER_BEGIN, {"enrolment_code": enrolment_code})
    assert options.status_code == 200
    assert options.json()["rp"]["id"] == "localhost"
    # but the passkey is saved only if the code is still good when it is.
    assert (
        post_json(
            client,
            REGISTER_COMPLETE,
            {"enrolment_code": "ABCD-EFGH-JKLM", "credential": {"id": "x"}},
        ).status_code
        == 403
    )
    assert not WebAuthnCredential.objects.exists()
    # A credential that fails verification leaves the code unspent.
    post_json(client, REGISTER_BEGIN, {"enrolment_code": enrolment_code})
    bogus = post_json(
        client, REGISTER_COMPLETE, {"enrolment_code": enrolment_code, "credential": {"id": "x"}}
    )
    assert bogus.status_code >= 400
    assert not WebAuthnCredential.objects.exists()
    assert EnrolmentCode.objects.get(user=custodian).used_at is None


def test_the_library_urls_are_not_mounted(client, custodian):
    # Its own registration view would enrol a passkey without an enrolment code.
    password_step(client, username=custodian.username)
    for url in ["/webauthn/registration/begin/", "/admin/webauthn/registration/begin/"]:
        assert post_json(client, url, {}).status_code in (302, 404)


def test_a_user_with_a_device_verifies_the_session_before_enrolling_a_passkey(client, custodian):
    SealedTOTPDevice.objects.create(user=custodian, name="phone", confirmed=True)
    password_step(client, username=custodian.username)
    assert client.get("/admin/two-factor/passkey/").status_code == 302
    enrolment_code = issue_enrolment_code(user=custodian)
    response = post_json(client, REGISTER_BEGIN, {"enrolment_code": enrolment_code})
    assert response.status_code == 403
    assert "second factor first" in response.json()["detail"]


def test_the_passkey_of_another_account_does_not_verify_a_session(client, custodian):
    other = passkey_for(UserFactory(username="other"))
    password_step(client, username=custodian.username)
    passkey_for(custodian)
    assert post_json(client, "/admin/two-factor/passkey/verify/begin/", {}).status_code == 200
    # A well-formed assertion naming the other account's credential.
    from webauthn.helpers import bytes_to_base64url

    raw_id = bytes_to_base64url(bytes(other.credential_id))
    answer = post_json(
        client,
        "/admin/two-factor/passkey/verify/complete/",
        {
            "id": raw_id,
            "rawId": raw_id,
            "type": "public-key",
            "response": {
                "clientDataJSON": "e30",
                "authenticatorData": "AAAA",
                "signature": "AAAA",
                "userHandle": None,
            },
        },
    )
    assert answer.status_code == 403
    assert "another account" in answer.json()["detail"]
    assert client.get("/admin/").status_code == 302


def test_verification_needs_the_password_first():
    client = Client()
    response = post_json(client, "/admin/two-factor/passkey/verify/begin/", {})
    assert response.status_code in (401, 403)


def test_a_recovery_code_does_not_open_the_admin_to_a_custodian_either(client):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    custodian = user_in(roles.CUSTODIAN)
    recovery = StaticDevice.objects.create(user=custodian, name="recovery codes", confirmed=True)
    client.force_login(custodian)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = recovery.persistent_id
    session.save()
    assert client.get("/admin/").status_code == 302


def test_superusers_see_and_delete_passkeys_in_the_admin(client):
    root = UserFactory(username="root", is_superuser=True)
    lost = passkey_for(UserFactory(username="leaver"))
    login_with_second_factor(client, root)
    url = "/admin/django_otp_webauthn/webauthncredential/"
    assert "leaver" in client.get(url).content.decode()
    assert client.post(f"{url}{lost.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=lost.pk).exists()


PRINT_WEBAUTHN = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.OTP_WEBAUTHN_RP_ID, ','.join(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS), "
    "settings.PASSKEYS_REQUIRED)"
)


def webauthn_settings(**env):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.test_settings import IDENTITY_KEY, OTP_KEY

    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WEBAUTHN_", "PASSKEYS_")) and k not in ("DEBUG", "ALLOWED_HOSTS")
    }
    base.update(
        SECRET_KEY="a-long-random-production-key-" + "k7Qz9" * 10,
        IDENTITY_KEYS=IDENTITY_KEY,
        OTP_KEYS=OTP_KEY,
        DJANGO_SETTINGS_MODULE="nkdb.settings",
        **env,
    )
    result = subprocess.run(
        [sys.executable, "-c", PRINT_WEBAUTHN],
        cwd=Path(__file__).resolve().parents[2],
        env=base,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_the_relying_party_comes_from_the_environment():
    # In production: the site's own host, over HTTPS, unless set.
    assert webauthn_settings(ALLOWED_HOSTS="nkdb.example.org,10.0.0.2") == [
        "nkdb.example.org",
        "https://nkdb.example.org",
        "True",
    ]
    assert webauthn_settings(
        ALLOWED_HOSTS="nkdb.example.org",
        WEBAUTHN_RP_ID="example.org",
        WEBAUTHN_ALLOWED_ORIGINS="https://nkdb.example.org,https://staff.example.org",
        PASSKEYS_REQUIRED="false",
    ) == ["example.org", "https://nkdb.example.org,https://staff.example.org", "False"]
    # In development: localhost, on runserver's port.
    assert webauthn_settings(DEBUG="1") == ["localhost", "http://localhost:8000", "True"]


# --- Whole ceremonies, with a software authenticator (no browser) ---------------------


class SoftAuthenticator:
    """Just enough of a WebAuthn authenticator and browser: P-256 keys, "none"
    attestation, and the origin the browser would put in the client data."""

    def __init__(self, origin="http://localhost:8000", rp_id="localhost"):
        import os

        from cryptography.hazmat.primitives.asymmetric import ec

        self.origin, self.rp_id = origin, rp_id
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.counter = 0

    @staticmethod
    def b64(data):
        from webauthn.helpers import bytes_to_base64url

        return bytes_to_base64url(data)

    def _authenticator_data(self, flags, attested=False):
        import hashlib

        import cbor2

        self.counter += 1
        data = hashlib.sha256(self.rp_id.encode()).digest() + bytes([flags])
        data += self.counter.to_bytes(4, "big")
        if attested:
            numbers = self.key.public_key().public_numbers()
            cose = {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big")}
            cose[-3] = numbers.y.to_bytes(32, "big")
            data += bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id
            data += cbor2.dumps(cose)
        return data

    def _client_data(self, kind, options):
        import json

        return json.dumps(
            {"type": kind, "challenge": options["challenge"], "origin": self.origin}
        ).encode()

    def create(self, options):
        import cbor2

        client_data = self._client_data("webauthn.create", options)
        attestation = {"fmt": "none", "attStmt": {}}
        attestation["authData"] = self._authenticator_data(0x45, attested=True)  # UP, UV, AT
        return {
            "id": self.b64(self.credential_id),
            "rawId": self.b64(self.credential_id),
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": self.b64(client_data),
                "attestationObject": self.b64(cbor2.dumps(attestation)),
                "transports": ["internal"],
            },
        }

    def get(self, options):
        import hashlib

        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        client_data = self._client_data("webauthn.get", options)
        data = self._authenticator_data(0x05)  # UP, UV
        signed = data + hashlib.sha256(client_data).digest()
        return {
            "id": self.b64(self.credential_id),
            "rawId": self.b64(self.credential_id),
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": self.b64(client_data),
                "authenticatorData": self.b64(data),
                "signature": self.b64(self.key.sign(signed, ec.ECDSA(hashes.SHA256()))),
                "userHandle": None,
            },
        }


VERIFY_BEGIN = "/admin/two-factor/passkey/verify/begin/"
VERIFY_COMPLETE = "/admin/two-factor/passkey/verify/complete/"


def enrol_passkey(client, user, authenticator):
    enrolment_code = issue_enrolment_code(user=user)
    options = post_json(client, REGISTER_BEGIN, {"enrolment_code": enrolment_code}).json()
    credential = authenticator.create(options)
    return post_json(
        client, REGISTER_COMPLETE, {"enrolment_code": enrolment_code, "credential": credential}
    )


def use_passkey(client, authenticator, next_url="/admin/"):
    options = post_json(client, VERIFY_BEGIN, {}).json()
    return post_json(client, f"{VERIFY_COMPLETE}?next={next_url}", authenticator.get(options))


@pytest.fixture
def relying_party(settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost:8000"]


def test_a_custodian_enrols_a_passkey_then_opens_the_admin_with_it(
    client, custodian, relying_party
):
    authenticator = SoftAuthenticator()
    password_step(client, username=custodian.username)
    enrolled = enrol_passkey(client, custodian, authenticator)
    assert enrolled.status_code == 200, enrolled.content
    assert enrolled.json()["redirect_url"].startswith("/admin/login/")
    assert EnrolmentCode.objects.get(user=custodian).used_at is not None
    # Enrolling is not using: the admin opens once the passkey answers a challenge.
    assert client.get("/admin/").status_code == 302
    session_before = client.session.session_key
    used = use_passkey(client, authenticator, next_url="/admin/cases/person/")
    assert used.status_code == 200, used.content
    assert used.json()["redirect_url"] == "/admin/cases/person/"
    assert client.session.session_key != session_before  # a new session id once verified
    assert client.get("/admin/").status_code == 200


def test_a_passkey_answer_made_for_a_fake_site_opens_nothing(client, custodian, relying_party):
    """The phishing this is for: a look-alike page relays the site's challenge to
    the victim's browser, which signs it for the look-alike's own origin."""
    authenticator = SoftAuthenticator()
    password_step(client, username=custodian.username)
    assert enrol_passkey(client, custodian, authenticator).status_code == 200
    authenticator.origin = "https://nkdb-login.example"  # where the victim's browser is
    relayed = use_passkey(client, authenticator)
    assert relayed.status_code == 422
    assert client.get("/admin/").status_code == 302
    # The same passkey on the real site does open it.
    authenticator.origin = "http://localhost:8000"
    assert use_passkey(client, authenticator).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_an_enrolment_ceremony_is_not_replayed(client, custodian, relying_party):
    authenticator = SoftAuthenticator()
    password_step(client, username=custodian.username)
    enrolment_code = issue_enrolment_code(user=custodian)
    options = post_json(client, REGISTER_BEGIN, {"enrolment_code": enrolment_code}).json()
    credential = authenticator.create(options)
    body = {"enrolment_code": enrolment_code, "credential": credential}
    assert post_json(client, REGISTER_COMPLETE, body).status_code == 200
    # Refused: the state of the ceremony is gone (and the session is not yet verified).
    assert post_json(client, REGISTER_COMPLETE, body).status_code in (400, 403)
    assert WebAuthnCredential.objects.count() == 1
