"""Personas for the curation tests: one logged-in client per role."""

from cases import roles
from cases.tests.factories import UserFactory


def login_with_second_factor(client, user):
    """`client.force_login(user)`, with the session verified by a TOTP device, as
    after the admin's second step (django-otp keeps the device id in the session)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

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
