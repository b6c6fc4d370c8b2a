"""The identity vault: who a person really is, encrypted at rest.

Identity fields are stored as Fernet tokens made with the keys in
`settings.IDENTITY_KEYS` (newest first: the newest encrypts, any of them
decrypts). Only custodians (`cases.view_identity`) read them, through the
admin or `identity_read()`, and every read is written to `IdentityAccess`.
Researchers deposit one (`identity_deposit()`) and never read it back, so that a
real name has a place to go other than a pseudonym, a note or a source's title;
`fields_naming_a_held_name()` warns them when such a text holds one anyway.
Nothing here ever logs a value.
"""

import re
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "gAAAAA"  # noqa: S105 (not a secret) every Fernet token starts with its version byte and timestamp


def fernet(keys=None):
    return MultiFernet([Fernet(key) for key in (keys or settings.IDENTITY_KEYS)])


def encrypt(text, keys=None):
    return fernet(keys).encrypt(text.encode()).decode()


def decrypt(token, keys=None):
    return fernet(keys).decrypt(token.encode()).decode()


class VaultError(Exception):
    """A stored identity cannot be decrypted with the configured keys."""


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; Python code sees the plain text.

    It cannot be searched, filtered or ordered on: the token differs every time.
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        try:
            return decrypt(value)
        except InvalidToken:
            # Never put the token or anything derived from it in the message.
            raise VaultError(
                "An identity field cannot be decrypted: is IDENTITY_KEYS complete?"
            ) from None


def can_read_identities(user):
    from cases.roles import VIEW_IDENTITY, has_role_perm

    return has_role_perm(user, VIEW_IDENTITY)


def identity_read(*, person, by, reason=""):
    """Return the person's Identity for a custodian, and log the read."""
    from cases.models import Identity, IdentityAccess

    if not can_read_identities(by):
        raise PermissionDenied(_("Only custodians read identities."))
    identity = Identity.objects.get(person=person)
    IdentityAccess.objects.create(
        user=by, person_code=person.code, action=IdentityAccess.Action.READ, reason=reason
    )
    return identity


def identity_log(*, identity, by, action):
    from cases.models import IdentityAccess

    IdentityAccess.objects.create(user=by, person_code=identity.person.code, action=action)


def can_deposit_identities(user):
    from cases.roles import DEPOSIT_IDENTITY, has_role_perm

    return has_role_perm(user, DEPOSIT_IDENTITY)


@transaction.atomic
def identity_deposit(*, person, by, real_name, other_names="", contacts="", relatives_in_north=""):
    """Seal a person's identity for one who may write it but not read it back.

    Only a first identity is deposited: changing one held already is a custodian's
    (a deposit must not overwrite what a custodian checked). Returns nothing.
    """
    from cases.models import Identity, IdentityAccess

    if not can_deposit_identities(by):
        raise PermissionDenied(_("You may not deposit identities."))
    if not real_name.strip():
        raise ValidationError({"real_name": _("Write the real name.")})
    if Identity.objects.filter(person=person).exists():
        raise ValidationError(
            _("An identity is already held for %(code)s: only a custodian changes it.")
            % {"code": person.code}
        )
    identity = Identity.objects.create(
        person=person,
        real_name=real_name.strip(),
        other_names=other_names.strip(),
        contacts=contacts.strip(),
        relatives_in_north=relatives_in_north.strip(),
    )
    identity_log(identity=identity, by=by, action=IdentityAccess.Action.CREATE)


NAME_SEPARATORS = re.compile(r"[\n,;/]+")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _held_names():
    """(person code, name folded, name pattern) for every name in the vault,
    decrypted here only."""
    from cases.models import Identity

    found = []
    rows = Identity.objects.values_list("person__code", "real_name", "other_names")
    for code, real_name, other_names in rows.iterator():
        for name in {real_name, *NAME_SEPARATORS.split(other_names or "")}:
            name = " ".join(unicodedata.normalize("NFC", name).split())
            if len(name) < 2:
                continue
            # A Korean name takes particles (김순옥의): found within a word. A
            # romanized one as a whole word ("Kim" is not in "Kimchi").
            text = re.escape(name) if HANGUL.search(name) else rf"\b{re.escape(name)}\b"
            found.append((code, name.casefold(), re.compile(text, re.IGNORECASE)))
    return found


def fields_naming_a_held_name(texts, *, by, where):
    """The keys of `texts` ({label: text}) that contain a name held in the vault.

    The caller tells the user which of their own fields to check, never whose name
    it is. Each match is logged (IdentityAccess "matched", with `where`), since a
    warning answers "is this name in the vault?": probing shows in the log.
    """
    from cases.models import IdentityAccess

    texts = {
        label: unicodedata.normalize("NFC", text)
        for label, text in texts.items()
        if isinstance(text, str) and text.strip()
    }
    if not texts:
        return []
    flagged, matched = [], set()
    names = _held_names()
    for label, text in texts.items():
        # A plain substring test first: a file of thousands of cells against thousands
        # of names runs the patterns only where a name's letters are there at all.
        folded = text.casefold()
        persons = {code for code, name, pattern in names if name in folded and pattern.search(text)}
        if persons:
            flagged.append(label)
            matched |= persons
    IdentityAccess.objects.bulk_create(
        IdentityAccess(
            user=by, person_code=code, action=IdentityAccess.Action.MATCHED, reason=where[:200]
        )
        for code in sorted(matched)
    )
    return flagged


ENCRYPTED_COLUMNS = ("real_name", "other_names", "contacts", "relatives_in_north")


@transaction.atomic
def rotate_identity_keys(keys=None, progress=None):
    """Re-encrypt every stored identity with the newest key; return the count.

    Works on the stored tokens directly (MultiFernet.rotate), so no plain text
    passes through model instances, signals or history. `progress(done, total)`,
    if given, is called after each identity (a progress bar).
    """
    from cases.models import Identity

    vault = fernet(keys)
    table = connection.ops.quote_name(Identity._meta.db_table)
    columns = [connection.ops.quote_name(name) for name in ENCRYPTED_COLUMNS]
    assignments = ", ".join(f"{column} = %s" for column in columns)
    rotated = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {', '.join(columns)} FROM {table} ORDER BY id")  # noqa: S608
        rows = cursor.fetchall()
        for pk, *tokens in rows:
            try:
                new_tokens = [
                    token if token is None else vault.rotate(token.encode()).decode()
                    for token in tokens
                ]
            except InvalidToken:
                raise VaultError(f"Identity {pk} cannot be decrypted with these keys.") from None
            cursor.execute(
                f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                [*new_tokens, pk],
            )
            rotated += 1
            if progress is not None:
                progress(rotated, len(rows))
    return rotated


@checks.register(checks.Tags.security)
def check_identity_keys(app_configs, **kwargs):
    if getattr(settings, "IDENTITY_KEYS_ARE_DEVELOPMENT_ONLY", False):
        return [
            checks.Warning(
                "IDENTITY_KEYS is not set: identities are encrypted with a development-only "
                "key derived from SECRET_KEY.",
                hint="Set IDENTITY_KEYS to a Fernet key before storing real identities.",
                id="cases.W001",
            )
        ]
    return []
