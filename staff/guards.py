"""Who may change roles and permissions, enforced on the data itself.

Only a superuser grants or removes the custodian and administrator roles (and
any group that carries identity or account-management permissions), changes a
group's permissions, gives a user permissions by name, or sets the superuser
flag. The admin forms (staff/admin.py) already hide what a user may not change;
the receivers here are the backstop for every other path through the ORM
(`user.groups.add`, `group.user_set.add`, `.set()`, `.clear()`).

The acting user is the user of the request being served, which
simple_history's middleware keeps for its own history records. Outside a
request (migrations, `bootstrap`, a shell on the server) there is no actor and
nothing is refused: whoever runs commands already holds the database.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from cases.roles import ADMINISTRATOR, CUSTODIAN, SENSITIVE
from staff.models import GroupChange

PROTECTED_ROLES = {CUSTODIAN, ADMINISTRATOR}
NO_ACTOR = object()


def acting_user():
    """The user of the current request, or NO_ACTOR outside a request."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return NO_ACTOR
    return getattr(request, "user", None)


def may_grant(actor):
    """Whether `actor` (a user, None, or NO_ACTOR) may change protected roles and permissions."""
    if actor is NO_ACTOR:
        return True
    return bool(actor and actor.is_authenticated and actor.is_active and actor.is_superuser)


def protected_groups():
    """The role groups, and any group granting sensitive or account-management permissions."""
    sensitive = Q()
    for name in SENSITIVE:
        app_label, codename = name.split(".", 1)
        sensitive |= Q(content_type__app_label=app_label, codename=codename)
    powerful = Permission.objects.filter(sensitive | Q(content_type__app_label="auth"))
    return Group.objects.filter(
        Q(name__in=PROTECTED_ROLES) | Q(permissions__in=powerful)
    ).distinct()


def grantable_groups():
    return Group.objects.exclude(pk__in=protected_groups().values("pk"))


def may_manage_account(*, actor, account):
    """Superusers manage every account; others only accounts without a protected role."""
    if may_grant(actor):
        return True
    return not (
        account.is_superuser
        or account.groups.filter(pk__in=protected_groups().values("pk")).exists()
    )


def _refuse():
    raise PermissionDenied(_("Only a superuser changes roles, permissions or the superuser flag."))


# --- receivers ---------------------------------------------------------------------------


def _membership_pairs(instance, reverse, action, pk_set):
    """The (user, group) pairs a membership change touches, read before it happens."""
    User = get_user_model()
    if action == "pre_add":
        if reverse:  # group.user_set.add(users)
            return [(user, instance) for user in User.objects.filter(pk__in=pk_set)]
        return [(instance, group) for group in Group.objects.filter(pk__in=pk_set)]
    rows = User.groups.through.objects.select_related("user", "group")
    rows = rows.filter(group=instance) if reverse else rows.filter(user=instance)
    if pk_set is not None:
        rows = rows.filter(**{"user_id__in" if reverse else "group_id__in": pk_set})
    return [(row.user, row.group) for row in rows]


def membership_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("pre_"):
        pairs = _membership_pairs(instance, reverse, action, pk_set)
        actor = acting_user()
        if not may_grant(actor):
            protected = set(protected_groups().values_list("pk", flat=True))
            if any(group.pk in protected for _user, group in pairs):
                _refuse()
        instance._staff_membership_pairs = (pairs, actor)
        return
    pairs, actor = instance.__dict__.pop("_staff_membership_pairs", ([], NO_ACTOR))
    change = GroupChange.Action.ADDED if action == "post_add" else GroupChange.Action.REMOVED
    actor_name = "" if actor is NO_ACTOR or actor is None else actor.get_username()
    GroupChange.objects.bulk_create(
        GroupChange(actor=actor_name, account=user.get_username(), group=group.name, action=change)
        for user, group in pairs
    )


def permissions_changed(sender, action, pk_set, **kwargs):
    if action in ("pre_add", "pre_remove", "pre_clear") and not may_grant(acting_user()):
        _refuse()


def superuser_flag_guard(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and "is_superuser" not in update_fields):
        return
    actor = acting_user()
    if may_grant(actor):
        return
    was = bool(instance.pk) and sender.objects.filter(pk=instance.pk, is_superuser=True).exists()
    if was != bool(instance.is_superuser):
        _refuse()


def group_guard(sender, instance, raw=False, **kwargs):
    """No renaming a protected group, or a group into a role's name, but by a superuser."""
    if raw or may_grant(acting_user()):
        return
    if instance.name in PROTECTED_ROLES or (
        instance.pk and protected_groups().filter(pk=instance.pk).exists()
    ):
        _refuse()


def log_deleted_memberships(sender, instance, **kwargs):
    """Deleting an account or a group ends its memberships without an m2m signal."""
    actor = acting_user()
    actor_name = "" if actor is NO_ACTOR or actor is None else actor.get_username()
    rows = get_user_model().groups.through.objects.select_related("user", "group")
    rows = rows.filter(group=instance) if sender is Group else rows.filter(user=instance)
    GroupChange.objects.bulk_create(
        GroupChange(
            actor=actor_name,
            account=row.user.get_username(),
            group=row.group.name,
            action=GroupChange.Action.REMOVED,
        )
        for row in rows
    )


def connect_signals():
    User = get_user_model()
    m2m_changed.connect(
        membership_changed, sender=User.groups.through, dispatch_uid="staff_membership"
    )
    m2m_changed.connect(
        permissions_changed, sender=User.user_permissions.through, dispatch_uid="staff_user_perms"
    )
    m2m_changed.connect(
        permissions_changed, sender=Group.permissions.through, dispatch_uid="staff_group_perms"
    )
    pre_save.connect(superuser_flag_guard, sender=User, dispatch_uid="staff_superuser_flag")
    pre_save.connect(group_guard, sender=Group, dispatch_uid="staff_group_guard")
    for model in (User, Group):
        pre_delete.connect(log_deleted_memberships, sender=model, dispatch_uid=f"staff_{model}")
