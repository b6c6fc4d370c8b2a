"""Two factors for the admin, lockout, sessions, logout everywhere, headers, tokens."""

import re
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django_otp import user_has_device
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.tests.factories import UserFactory
from nkdb.security import csp_directives, tile_source
from staff.enrolment import issue_enrolment_code

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase 71"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def staff(settings):
    # django-otp makes a device wait after a wrong code; these tests type one on purpose.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # A reviewer: TOTP opens the admin to them; a superuser needs a passkey
    # (staff/tests/test_passkeys.py).
    user = UserFactory(username="reviewer1", roles=["reviewer"])
    user.set_password(PASSWORD)
    user.save()
    return user


def code(device):
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:06d}"


def secret_code(secret):
    """The current code of a base32 secret as shown on the enrolment page."""
    import base64

    return f"{totp(base64.b32decode(secret)):06d}"


def password_step(client, username="reviewer1", password=PASSWORD):
    return client.post("/admin/login/", {"username": username, "password": password})


def test_the_admin_is_closed_without_both_factors(client, staff):
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    client.force_login(staff)  # a password alone
    for url in ["/admin/", "/admin/cases/testimony/", "/admin/auth/user/", "/ko/admin/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_password_then_code_opens_the_admin(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone")
    response = password_step(client)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302  # not yet
    step_two = client.get("/admin/login/")
    assert 'name="code"' in step_two.content.decode()
    assert client.post("/admin/login/", {"code": "000000"}).status_code == 200
    response = client.post("/admin/login/", {"code": code(device)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_password_does_not_reach_the_code_step(client, staff):
    response = password_step(client, password="wrong")
    assert response.status_code == 200
    assert 'name="code"' not in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_new_staff_enrol_a_device_and_get_recovery_codes(client, staff):
    response = password_step(client)
    response = client.get(client.get("/admin/login/")["Location"])
    content = response.content.decode()
    assert "<svg" in content and "otp-secret" in content
    assert "http" not in re.sub(
        r'xmlns="[^"]+"', "", content.split("<svg", 1)[1].split("</svg>")[0]
    )
    secret = re.search(r'class="otp-secret">(\w+)<', content)[1]
    assert not user_has_device(staff, confirmed=None)  # not until confirmed
    enrolment = {"enrolment_code": issue_enrolment_code(user=staff)}
    assert (
        client.post("/admin/two-factor/enrol/", {**enrolment, "code": "123456"}).status_code == 200
    )
    response = client.post("/admin/two-factor/enrol/", {**enrolment, "code": secret_code(secret)})
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200
    # Later, the phone is lost: a recovery code opens the admin once.
    client.logout()
    password_step(client)
    assert client.post("/admin/login/", {"code": codes[0]}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(token=codes[0]).count() == 0
    client.logout()
    password_step(client)
    assert client.post("/admin/login/", {"code": codes[0]}).status_code == 200


def test_enrolment_is_refused_once_a_device_exists(client, staff):
    TOTPDevice.objects.create(user=staff, name="phone")
    password_step(client)
    assert "/admin/login/" in client.get("/admin/two-factor/enrol/")["Location"]


def test_repeated_wrong_passwords_lock_the_account_out(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, password="wrong")
    response = password_step(client)
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302


def test_repeated_wrong_codes_lock_the_account_out(client, staff, settings):
    TOTPDevice.objects.create(user=staff, name="phone")
    password_step(client)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/admin/login/", {"code": "000000"}).status_code == 200
    assert client.post("/admin/login/", {"code": "000000"}).status_code == 429
    assert password_step(client).status_code == 429


def test_log_out_everywhere_ends_every_session_and_the_token(client, staff):
    from rest_framework.authtoken.models import Token

    from cases.tests.personas import login_with_second_factor

    other = Client()
    login_with_second_factor(client, staff)
    login_with_second_factor(other, staff)
    Token.objects.create(user=staff)
    assert "Log out everywhere" in client.get("/admin/").content.decode()
    assert client.post("/admin/logout-everywhere/").status_code == 302
    assert other.get("/admin/").status_code == 302
    assert not Session.objects.exists() and not Token.objects.exists()


def test_sessions_expire(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 60 * 60 * 8
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


def test_strong_passwords_are_required():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["password1234", "12345678901234", "short"]:
        with pytest.raises(ValidationError):
            validate_password(weak)


# --- Headers ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/cases/", "/stats/maps/", "/api/cases/events/"])
def test_public_responses_carry_the_security_headers(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-eval" not in csp and "http" not in csp
    if not url.startswith("/api/"):
        assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_admin_allows_inline_styles_but_never_inline_scripts(client):
    csp = client.get("/admin/login/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp
    assert "script-src 'self';" in csp + ";"


def test_the_tile_host_is_the_only_other_image_source():
    assert (
        tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    )
    assert tile_source("https://tiles.example.org/{z}/{x}/{y}.png") == "https://tiles.example.org"
    assert tile_source("") is None and tile_source("javascript:alert(1)") is None
    directives = csp_directives("https://tiles.example.org/{z}/{x}/{y}.png")
    assert directives["img-src"] == ["'self'", "https://tiles.example.org"]
    assert directives["script-src"] == ["'self'"]


def test_no_template_has_an_inline_script_or_handler():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            # A JSON data block (DRF's CSRF settings) is data, never run.
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "javascript:" not in text, path


# --- API authentication -------------------------------------------------------------


def test_the_api_takes_no_password_or_session_and_a_token_sees_public_data(client, staff):
    import base64

    from rest_framework.authtoken.models import Token

    basic = base64.b64encode(f"reviewer1:{PASSWORD}".encode()).decode()
    response = client.get("/api/cases/events/", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200 and response.wsgi_request.user.is_anonymous
    token = Token.objects.create(user=staff)
    response = client.get("/api/cases/events/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert client.get("/api/cases/events/", HTTP_AUTHORIZATION="Token nope").status_code == 401
    assert client.post("/api/cases/events/", {}).status_code in (401, 403, 405)


def test_data_images_are_allowed_on_the_api_docs_only(client):
    def images(path):
        policy = client.get(path)["Content-Security-Policy"]
        return next(d for d in policy.split("; ") if d.startswith("img-src"))

    assert "data:" in images("/api/docs/")
    for path in ("/", "/ko/cases/", "/stats/", "/api/", "/admin/login/"):
        assert "data:" not in images(path), path


def test_the_favicon_address_leads_to_the_sites_icon(client):
    """Asked for by a browser's PDF viewer: a redirect to the icon, not a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg") and "/img/favicon" in response["Location"]
