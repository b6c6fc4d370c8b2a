"""The four roles of the curation site, as auth Groups with their permissions.

`ensure_roles()` creates or corrects them; `bootstrap` calls it, so running it
again changes nothing. Object- and field-level rules on top of these
permissions (who sees which transcript, who edits a published record) live in
`cases/admin.py` and the services, and read the permissions named here.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

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

CASE_RECORDS = [
    "person",
    "testimony",
    "event",
    "violation",
    "involvement",
    "information",
    "bordercrossing",
    "crossingleg",
]
REFERENCE = ["place", "violationtype", "organization", "source", "facility"]
LOGS = ["statuschange", "consentwithdrawal", "personmerge"]


def _perms(actions, models, app_label="cases"):
    return {f"{app_label}.{action}_{model}" for action in actions for model in models}


_RESEARCHER = (
    _perms(["add", "change", "view"], CASE_RECORDS)
    | _perms(["view"], REFERENCE)
    | _perms(["add", "change"], ["source"])
    | _perms(["view"], LOGS)
)
ROLES = {
    RESEARCHER: _RESEARCHER,
    REVIEWER: _RESEARCHER | {REVIEW, MERGE_PERSON, WITHDRAW_CONSENT},
    CUSTODIAN: _RESEARCHER
    | _perms(["add", "change", "view"], ["identity"])
    | {"cases.view_identityaccess", VIEW_RESTRICTED, WITHDRAW_CONSENT},
    ADMINISTRATOR: _RESEARCHER
    | _perms(["add", "change", "delete", "view"], CASE_RECORDS + REFERENCE)
    | {REVIEW, MERGE_PERSON, WITHDRAW_CONSENT}
    | _perms(["add", "change", "view"], ["user", "group"], app_label="auth"),
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
