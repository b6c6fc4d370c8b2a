"""Who sees which record and which field: the rules the admin and the staff API share.

Object- and field-level rules on top of the role permissions (`cases/roles.py`).
The admin (`cases/admin/`) and the staff API (`cases/staff_api.py`) both read
them from here, so that a rule changed once changes everywhere.
"""

from cases import roles
from cases.models import (
    BorderCrossing,
    Confidentiality,
    CrossingLeg,
    EventRelation,
    Information,
    Involvement,
    PerpetratorNaming,
    PersonRelation,
    Proceeding,
    ProceedingEvent,
    ProceedingPerson,
    ProceedingSource,
    Testimony,
    Violation,
)


def sees_restricted(user):
    """Custodians: confidential records, and transcripts of restricted testimonies."""
    return roles.has_role_perm(user, roles.VIEW_RESTRICTED)


def edits_any_status(user):
    """Reviewers and custodians edit records in review or published; researchers do not."""
    return user.has_perm(roles.REVIEW) or sees_restricted(user)


def is_sensitive(testimony):
    """Restricted or confidential, itself or through its interviewee, or its consent withdrawn.

    A witness who withdrew consent may have done so out of fear: what they said is
    then read by custodians only, like a restricted testimony.
    """
    return (
        testimony.confidentiality != Confidentiality.STANDARD
        or testimony.interviewee.confidentiality != Confidentiality.STANDARD
        or testimony.consent_withdrawn_on is not None
    )


def shows_transcript(user, testimony):
    """The admin's rule: a sensitive testimony's transcript is for custodians only."""
    return sees_restricted(user) or not is_sensitive(testimony)


# --- The staff API: stricter than the admin --------------------------------------
#
# A token is a bearer secret used without a second factor, from scripts on staff
# machines. Through it, restricted and confidential records (and a testimony or a
# crossing whose person is restricted or confidential) are for custodians only;
# everyone else reads them in the admin, behind the second factor.

# The person a record is the account of: their confidentiality covers the record.
OWNER = {Testimony: "interviewee", BorderCrossing: "person"}


def staff_api_records(queryset, user):
    """The records of `queryset` that `user` may read through the staff API."""
    if sees_restricted(user):
        return queryset
    queryset = queryset.filter(confidentiality=Confidentiality.STANDARD)
    owner = OWNER.get(queryset.model)
    if owner:
        queryset = queryset.filter(**{f"{owner}__confidentiality": Confidentiality.STANDARD})
    return queryset


def staff_api_sees(user, record):
    """Whether a linked record (a victim, an event, a testimony) may be named to `user`
    by its code: the rule of `staff_api_records`, for one record."""
    if sees_restricted(user):
        return True
    owner = OWNER.get(type(record))
    records = [record, getattr(record, owner)] if owner else [record]
    return all(each.confidentiality == Confidentiality.STANDARD for each in records)


# --- The admin ---------------------------------------------------------------------

# The person a record is the account of, in the admin: a confidential person's
# testimony, crossing or violation is theirs, and as hidden as they are.
ADMIN_OWNER = {
    Testimony: "interviewee",
    BorderCrossing: "person",
    Violation: "victim",
    # Any of the persons it concerns.
    Proceeding: "person_links__person",
    # The decision to name a perpetrator: as hidden as the person (cases/naming.py).
    PerpetratorNaming: "person",
}


# The parts of case records (a citation, a perpetrator, a leg): as hidden as any
# record they link, and as that record's person.
PART_LINKS = {
    Information: ["testimony", "testimony__interviewee", "event", "violation", "violation__victim"],
    Involvement: ["violation", "violation__victim", "perpetrator_person"],
    CrossingLeg: ["crossing", "crossing__person"],
    EventRelation: ["event", "other"],
    PersonRelation: ["person", "other"],
    ProceedingPerson: ["proceeding", "person"],
    ProceedingEvent: ["proceeding", "event"],
    ProceedingSource: ["proceeding"],
}


def admin_records(queryset, user):
    """The records of `queryset` that `user` may see in the admin (lists, inlines,
    history, autocompletes): confidential ones, ones whose person is confidential,
    and the parts linking either, only for custodians."""
    if sees_restricted(user):
        return queryset
    hidden = Confidentiality.CONFIDENTIAL
    if hasattr(queryset.model, "confidentiality"):
        queryset = queryset.exclude(confidentiality=hidden)
    owner = ADMIN_OWNER.get(queryset.model)
    if owner:
        queryset = queryset.exclude(**{f"{owner}__confidentiality": hidden})
    for link in PART_LINKS.get(queryset.model, []):
        queryset = queryset.exclude(**{f"{link}__confidentiality": hidden})
    return queryset
