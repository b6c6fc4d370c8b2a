"""Personas for the curation tests: one logged-in client per role."""

from cases import roles
from cases.tests.factories import UserFactory


def passkey_for(user):
    """A confirmed passkey (WebAuthn credential) of `user`, made without a browser:
    enough for a session verified by it, not for a real signature."""
    import os

    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.create(
        user=user,
        name="test passkey",
        confirmed=True,
        credential_id=os.urandom(32),
        public_key=b"",
        aaguid="00000000-0000-0000-0000-000000000000",
    )


def login_with_second_factor(client, user, *, passkey=None):
    """`client.force_login(user)`, with the session verified by a second factor, as
    after the admin's second step (django-otp keeps the device id in the session):
    a passkey for those who must use one (staff/passkeys.py), else a TOTP device.
    `passkey=True` or False chooses."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    from staff.passkeys import passkey_required

    if passkey is None:
        passkey = passkey_required(user)
    if passkey:
        device = WebAuthnCredential.objects.filter(user=user, confirmed=True).first()
        device = device or passkey_for(user)
    else:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def user_in(role):
    return UserFactory(username=role, roles=[role])


ALL_ROLES = [roles.RESEARCHER, roles.REVIEWER, roles.CUSTODIAN, roles.ADMINISTRATOR]
