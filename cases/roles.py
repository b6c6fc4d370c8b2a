"""The four roles of the curation site, as auth Groups with their permissions.

`ensure_roles()` creates or corrects them; `bootstrap` calls it, so running it
again changes nothing. Object- and field-level rules on top of these
permissions (who sees which transcript, who edits a published record) live in
`cases/admin/` and the services, and read the permissions named here.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

RESEARCHER = "researcher"
REVIEWER = "reviewer"
CUSTODIAN = "custodian"
ADMINISTRATOR = "administrator"

# The permissions the rules test for.
REVIEW = "cases.review_record"
VIEW_RESTRICTED = "cases.view_restricted"
WITHDRAW_CONSENT = "cases.withdraw_consent"
MERGE_PERSON = "cases.merge_person"
VIEW_IDENTITY = "cases.view_identity"
DEPOSIT_IDENTITY = "cases.deposit_identity"  # write one, never read it back
# Name an individual perpetrator publicly, or withdraw it (cases/naming.py).
NAME_PERPETRATOR = "cases.name_perpetrator"

# What a superuser does not get by being one: identities and restricted material
# open only to those given the permission, in practice through the custodian role.
SENSITIVE = {
    VIEW_RESTRICTED,
    VIEW_IDENTITY,
    "cases.add_identity",
    "cases.change_identity",
    "cases.delete_identity",
}

CASE_RECORDS = [
    "person",
    "testimony",
    "event",
    "violation",
    "involvement",
    "information",
    "bordercrossing",
    "crossingleg",
    "testimonysource",
    "eventrelation",
    "personrelation",
    "proceeding",
    "proceedingperson",
    "proceedingevent",
    "proceedingsource",
]
REFERENCE = ["place", "violationtype", "organization", "source", "facility"]
# Researchers propose places and facilities, reviewers approve (cases/reference_proposals.py).
PROPOSABLE = ["place", "facility"]
APPROVE = {model: f"cases.approve_{model}" for model in PROPOSABLE}
LOGS = ["statuschange", "consentwithdrawal", "personmerge", "testimonyprint"]


def _perms(actions, models, app_label="cases"):
    return {f"{app_label}.{action}_{model}" for action in actions for model in models}


_RESEARCHER = (
    _perms(["add", "change", "view"], CASE_RECORDS)
    | _perms(["view"], REFERENCE)
    | _perms(["add", "change"], ["source"])
    # Change only their own proposals while unapproved (cases/admin/reference.py).
    | _perms(["add", "change"], PROPOSABLE)
    | _perms(["view"], LOGS)
    | {DEPOSIT_IDENTITY}
    # Upload attachments and list them; reading one takes VIEW_IDENTITY (cases/attachments.py).
    | _perms(["add", "view"], ["attachment"])
)
ROLES = {
    RESEARCHER: _RESEARCHER,
    REVIEWER: _RESEARCHER
    | {REVIEW, MERGE_PERSON, WITHDRAW_CONSENT, *APPROVE.values()}
    | {NAME_PERPETRATOR, "cases.view_perpetratornaming"},
    CUSTODIAN: _RESEARCHER
    | _perms(["add", "change", "view"], ["identity"])
    | {"cases.view_identityaccess", VIEW_RESTRICTED, WITHDRAW_CONSENT}
    | {NAME_PERPETRATOR, "cases.view_perpetratornaming"}
    | _perms(["view"], ["attachmentaccess"]),
    ADMINISTRATOR: _RESEARCHER
    | _perms(["add", "change", "delete", "view"], CASE_RECORDS + REFERENCE)
    | {REVIEW, MERGE_PERSON, WITHDRAW_CONSENT, *APPROVE.values()}
    | {"cases.view_perpetratornaming"}
    | _perms(["add", "change", "view"], ["user", "group"], app_label="auth")
    # Which accounts were given which role (staff/), and lifting lockouts (django-axes).
    | _perms(["view"], ["groupchange"], app_label="staff")
    | _perms(["view", "delete"], ["accessattempt"], app_label="axes"),
}


def _permission_objects(names):
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.select_related("content_type").filter(
            codename__in=[codename for _, codename in wanted]
        )
    }
    missing = wanted - set(found)
    if missing:
        raise LookupError(f"Permissions not found (run migrate first): {sorted(missing)}")
    return [found[key] for key in wanted]


@transaction.atomic
def ensure_roles():
    """Create the role groups and give each exactly its permissions. Idempotent."""
    report = {}
    for name, permission_names in ROLES.items():
        group, created = Group.objects.get_or_create(name=name)
        wanted = set(_permission_objects(permission_names))
        if created or set(group.permissions.all()) != wanted:
            group.permissions.set(wanted)
            report[name] = "created" if created else "updated"
        else:
            report[name] = "unchanged"
    return report


def has_role_perm(user, perm):
    """`user.has_perm`, except that sensitive permissions must be granted explicitly.

    Django lets an active superuser do anything; for identities and restricted
    transcripts that is not enough: the permission must come from a group (the
    custodian role) or be given to the user by name.
    """
    if perm not in SENSITIVE or not user.is_superuser:
        return user.has_perm(perm)
    if not user.is_active:
        return False
    if not hasattr(user, "_explicit_sensitive_perms"):
        granted = Permission.objects.filter(Q(group__user=user) | Q(user=user))
        user._explicit_sensitive_perms = {
            f"{app_label}.{codename}"
            for app_label, codename in granted.values_list("content_type__app_label", "codename")
        }
    return perm in user._explicit_sensitive_perms
