"""Issue 16, finding 5: only superusers grant the custodian and administrator roles."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cases import roles
from cases.tests.factories import UserFactory
from cases.tests.personas import login_with_second_factor, user_in
from staff.models import GroupChange

pytestmark = pytest.mark.django_db


def user_form(account, groups, **extra):
    return {
        "username": account.username,
        "is_active": "on",
        "is_staff": "on",
        "groups": [group.pk for group in groups],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        **extra,
    }


def group(name):
    return Group.objects.get(name=name)


@pytest.fixture
def administrator(as_role):
    return as_role(roles.ADMINISTRATOR)


@pytest.fixture
def superuser(client):
    roles.ensure_roles()
    user = UserFactory(username="root", is_superuser=True)
    login_with_second_factor(client, user)
    client.user = user
    return client


def test_an_administrator_cannot_make_itself_a_custodian(administrator):
    me = administrator.user
    url = reverse("admin:auth_user_change", args=[me.pk])
    wanted = [group(roles.ADMINISTRATOR), group(roles.CUSTODIAN)]
    administrator.post(url, user_form(me, wanted, is_superuser="on"))
    me.refresh_from_db()
    assert not me.groups.filter(name=roles.CUSTODIAN).exists()
    assert not me.is_superuser
    assert not GroupChange.objects.filter(group=roles.CUSTODIAN).exists()


def test_an_administrator_grants_lesser_roles_but_not_protected_ones(administrator):
    account = user_in(roles.RESEARCHER)
    url = reverse("admin:auth_user_change", args=[account.pk])
    offered = administrator.get(url).context["adminform"].form.fields["groups"].queryset
    assert set(offered.values_list("name", flat=True)) == {roles.RESEARCHER, roles.REVIEWER}
    response = administrator.post(url, user_form(account, [group(roles.CUSTODIAN)]))
    assert response.status_code == 200  # the form refuses the choice
    identity = Permission.objects.get(codename="view_identity")
    response = administrator.post(
        url,
        user_form(
            account, [group(roles.REVIEWER)], is_superuser="on", user_permissions=[identity.pk]
        ),
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert set(account.groups.values_list("name", flat=True)) == {roles.REVIEWER}
    assert not account.is_superuser and not account.user_permissions.exists()
    log = GroupChange.objects.exclude(actor="").order_by("pk")
    assert [(c.actor, c.account, c.action, c.group) for c in log] == [
        (administrator.user.username, account.username, "removed", roles.RESEARCHER),
        (administrator.user.username, account.username, "added", roles.REVIEWER),
    ]


def test_an_administrator_cannot_edit_custodians_or_protected_groups(administrator):
    custodian = user_in(roles.CUSTODIAN)
    url = reverse("admin:auth_user_change", args=[custodian.pk])
    assert administrator.post(url, user_form(custodian, [])).status_code == 403
    assert custodian.groups.filter(name=roles.CUSTODIAN).exists()
    password_url = reverse("admin:auth_user_password_change", args=[custodian.pk])
    assert administrator.get(password_url).status_code == 403
    researchers = group(roles.RESEARCHER)
    identity = Permission.objects.get(codename="view_identity")
    administrator.post(
        reverse("admin:auth_group_change", args=[researchers.pk]),
        {"name": roles.RESEARCHER, "permissions": [identity.pk]},
    )
    assert not researchers.permissions.filter(pk=identity.pk).exists()
    custodians = group(roles.CUSTODIAN)
    url = reverse("admin:auth_group_change", args=[custodians.pk])
    assert administrator.post(url, {"name": "renamed"}).status_code == 403


def test_a_superuser_grants_the_custodian_role_and_it_is_logged(superuser):
    account = user_in(roles.RESEARCHER)
    url = reverse("admin:auth_user_change", args=[account.pk])
    assert superuser.post(url, user_form(account, [group(roles.CUSTODIAN)])).status_code == 302
    assert account.groups.filter(name=roles.CUSTODIAN).exists()
    change = GroupChange.objects.get(action="added", actor="root")
    assert (change.actor, change.account, change.group) == ("root", account.username, "custodian")


def test_the_orm_refuses_protected_changes_inside_a_non_superuser_request():
    roles.ensure_roles()
    admin_user = user_in(roles.ADMINISTRATOR)
    account = user_in(roles.RESEARCHER)
    custodian = user_in(roles.CUSTODIAN)
    request = RequestFactory().post("/")
    request.user = admin_user
    custodians = group(roles.CUSTODIAN)
    HistoricalRecords.context.request = request
    try:
        for change in (
            lambda: admin_user.groups.add(custodians),
            lambda: custodians.user_set.add(admin_user),
            lambda: custodians.user_set.clear(),
            lambda: group(roles.ADMINISTRATOR).user_set.remove(admin_user),
            lambda: group(roles.RESEARCHER).permissions.add(
                Permission.objects.get(codename="view_identity")
            ),
            lambda: account.user_permissions.add(Permission.objects.first()),
        ):
            with pytest.raises(PermissionDenied), transaction.atomic():
                change()
        account.is_superuser = True
        with pytest.raises(PermissionDenied), transaction.atomic():
            account.save()
        account.is_superuser = False
        custodians.name = "former custodians"
        with pytest.raises(PermissionDenied), transaction.atomic():
            custodians.save()
        account.groups.add(group(roles.REVIEWER))  # a lesser role is fine
    finally:
        del HistoricalRecords.context.request
    assert not admin_user.groups.filter(name=roles.CUSTODIAN).exists()
    assert custodian.groups.filter(name=roles.CUSTODIAN).exists()
    assert GroupChange.objects.filter(account=account.username, group=roles.REVIEWER).exists()


def test_the_group_change_log_is_read_only(superuser, administrator):
    roles.ensure_roles()
    UserFactory(username="new", roles=[roles.RESEARCHER])
    change = GroupChange.objects.get(account="new")
    assert change.actor == ""  # a command, not a request
    for client in (superuser, administrator):
        login_with_second_factor(client, client.user)
        assert client.get(reverse("admin:staff_groupchange_changelist")).status_code == 200
        assert client.get(reverse("admin:staff_groupchange_add")).status_code == 403
        url = reverse("admin:staff_groupchange_change", args=[change.pk])
        assert client.post(url, {"group": "x"}).status_code == 403
        url = reverse("admin:staff_groupchange_delete", args=[change.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert GroupChange.objects.get(pk=change.pk).group == roles.RESEARCHER
    with pytest.raises(ValueError):
        change.delete()


def test_deleting_an_account_logs_its_removal_from_its_groups():
    account = user_in(roles.REVIEWER)
    account.delete()
    assert GroupChange.objects.filter(
        account=account.username, group=roles.REVIEWER, action="removed"
    ).exists()
