"""The identity vault: encrypted at rest, custodians only, every read logged, key rotation."""

import logging

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cases import roles, vault
from cases.models import IdentityAccess
from cases.resources import NEVER_EXPORTED, RESOURCES
from cases.tests import factories
from cases.tests.personas import user_in

pytestmark = pytest.mark.django_db

SECRET = "Ri Myong-hui"


def stored(identity, column="real_name"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM cases_identity WHERE id = %s", [identity.pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def identity():
    return factories.IdentityFactory(real_name=SECRET, contacts="+82 10 5555 0101")


def change_url(identity):
    return reverse("admin:cases_identity_change", args=[identity.pk])


def test_stored_fields_are_ciphertext_unreadable_without_the_key(identity):
    token = stored(identity)
    assert SECRET not in token and token.startswith(vault.TOKEN_PREFIX)
    assert "5555" not in stored(identity, "contacts")
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(token.encode())
    assert vault.decrypt(token) == SECRET


def test_the_model_reads_plain_text_back(identity):
    identity.refresh_from_db()
    assert identity.real_name == SECRET


def test_a_custodian_reads_an_identity_and_the_read_is_logged(as_role, identity):
    client = as_role(roles.CUSTODIAN)
    response = client.get(change_url(identity))
    assert response.status_code == 200
    assert SECRET in response.content.decode()
    log = IdentityAccess.objects.get()
    assert (log.user, log.person_code, log.action) == (
        client.user,
        identity.person.code,
        IdentityAccess.Action.READ,
    )
    assert log.at is not None


@pytest.mark.parametrize("role", [roles.RESEARCHER, roles.REVIEWER, roles.ADMINISTRATOR])
def test_other_roles_cannot_open_or_list_identities(as_role, identity, role):
    client = as_role(role)
    assert client.get(change_url(identity)).status_code == 403
    assert client.get(reverse("admin:cases_identity_changelist")).status_code == 403
    assert not IdentityAccess.objects.exists()


def test_identity_read_service_checks_the_role_and_logs(identity):
    with pytest.raises(PermissionDenied):
        vault.identity_read(person=identity.person, by=user_in(roles.RESEARCHER))
    custodian = user_in(roles.CUSTODIAN)
    read = vault.identity_read(person=identity.person, by=custodian, reason="family tracing")
    assert read.real_name == SECRET
    assert IdentityAccess.objects.filter(user=custodian, reason="family tracing").count() == 1


def test_saving_an_identity_in_the_admin_is_logged_as_a_change(as_role, identity):
    client = as_role(roles.CUSTODIAN)
    response = client.post(
        change_url(identity),
        {"person": identity.person.pk, "real_name": "Ri Myong-sun", "other_names": ""},
    )
    assert response.status_code == 302
    identity.refresh_from_db()
    assert identity.real_name == "Ri Myong-sun"
    assert IdentityAccess.objects.filter(action=IdentityAccess.Action.CHANGE).count() == 1


def test_the_identity_list_never_decrypts_or_shows_values(as_role, identity):
    content = as_role(roles.CUSTODIAN).get(reverse("admin:cases_identity_changelist")).content
    assert identity.person.code in content.decode()
    assert SECRET not in content.decode()


def test_person_search_and_exports_hold_nothing_of_the_identity(as_role, identity):
    client = as_role(roles.CUSTODIAN)
    found = client.get(reverse("admin:cases_person_changelist"), {"q": "Myong"})
    assert found.context["cl"].result_count == 0
    for resource in RESOURCES.values():
        assert not NEVER_EXPORTED & {field.column_name for field in resource().get_export_fields()}
    exported = RESOURCES[type(identity.person)]().export().csv
    assert identity.person.code in exported and SECRET not in exported


def test_nothing_of_the_identity_reaches_a_log_line(as_role, identity, caplog):
    caplog.set_level(logging.DEBUG)
    as_role(roles.CUSTODIAN).get(change_url(identity))
    assert SECRET not in caplog.text
    assert SECRET not in repr(identity) and SECRET not in str(identity)


def test_rotation_re_encrypts_with_the_newest_key(identity, settings):
    old_token = stored(identity)
    new_key = Fernet.generate_key().decode()
    settings.IDENTITY_KEYS = [new_key, *settings.IDENTITY_KEYS]
    call_command("rotate_identity_key", stdout=open("/dev/null", "w"))  # noqa: SIM115
    new_token = stored(identity)
    assert new_token != old_token
    assert Fernet(new_key).decrypt(new_token.encode()).decode() == SECRET
    settings.IDENTITY_KEYS = [new_key]  # the old key dropped: still readable
    identity.refresh_from_db()
    assert identity.real_name == SECRET


def test_a_missing_key_fails_loudly_without_showing_the_token(identity, settings):
    settings.IDENTITY_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(vault.VaultError) as error:
        identity.refresh_from_db()
    assert vault.TOKEN_PREFIX not in str(error.value)
