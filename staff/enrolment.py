"""One-time enrolment codes: a phished password alone cannot enrol a device.

A superuser issues a code for an account (the admin's user list, action "Issue
an enrolment code", or `manage.py issue_enrolment_code`) and hands it over in
person; the enrolment pages (staff/admin_site.py for TOTP, staff/passkeys.py for a
passkey) ask for it with the first TOTP code or the new passkey, and spend it in
the transaction that saves the device.
"""

import datetime
import hashlib

from django.utils import timezone
from django.utils.crypto import get_random_string

from staff.models import EnrolmentCode

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
LENGTH = 12
VALID_FOR = datetime.timedelta(hours=72)


def _digest(code):
    normalised = "".join(code.upper().split()).replace("-", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


def issue_enrolment_code(*, user, by=None):
    """Make a new code for `user` (their unused ones lapse) and return it, for showing once."""
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
    code = get_random_string(LENGTH, ALPHABET)
    EnrolmentCode.objects.create(
        user=user,
        digest=_digest(code),
        issued_by=by.get_username() if by is not None else "",
        expires_at=timezone.now() + VALID_FOR,
    )
    return "-".join(code[start : start + 4] for start in range(0, LENGTH, 4))


def use_enrolment_code(*, user, code):
    """Spend `user`'s code; False if it is wrong, used or expired."""
    now = timezone.now()
    spent = EnrolmentCode.objects.filter(
        user=user, digest=_digest(code), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    return spent == 1


def enrolment_code_is_valid(*, user, code):
    """Whether `user`'s code would be accepted now, without spending it (a passkey
    is made in two requests: the code is checked at the first, spent at the second)."""
    return EnrolmentCode.objects.filter(
        user=user, digest=_digest(code or ""), used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()
