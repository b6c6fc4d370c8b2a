"""Encrypted attachments: uploading, reading and deleting the files of sources and
testimonies (cases/models/attachments.py).

Each file is encrypted with the identity keys (`cases.vault.fernet()`: the newest
key encrypts) and stored through Django's storage API in PRIVATE_FILES_ROOT,
named by a random token, so that neither its name nor its contents show on disk.
No URL serves that folder: custodians download through the admin
(cases/admin/attachments.py), which calls `read_attachment()`.

Who does what: whoever may edit the record uploads (a researcher included, who
never reads the file back, as with the identity drop box); only custodians
(`cases.view_identity`, the vault's permission: the files carry the same voices
and names) read or delete one. Every upload, read and deletion is logged in
AttachmentAccess.

The type is checked on the bytes, against the small table of signatures below,
not on the name or the browser's word: no file-type library is among the
dependencies, and these eight formats each open with a fixed signature.
"""

import datetime
import hashlib
import secrets
from pathlib import Path, PurePath

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core import checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases.models import Attachment, AttachmentAccess, Source, Testimony, WorkflowStatus
from cases.vault import VaultError, can_read_identities, fernet

Kind = Attachment.Kind
# A file no attachment names is removed only once older than this (check_attachments).
STRAY_AGE = datetime.timedelta(hours=1)

# (name, test of the first bytes). Enough bytes for every test: HEAD.
HEAD = 16
SIGNATURES = {
    "pdf": lambda head: head.startswith(b"%PDF-"),
    "jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "tiff": lambda head: head.startswith((b"II*\x00", b"MM\x00*")),
    # An ID3 tag, or an MPEG audio frame's sync bits (layer III).
    "mp3": lambda head: head.startswith((b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    "m4a": lambda head: head[4:8] == b"ftyp" and head[8:12] in (b"M4A ", b"M4B ", b"mp42", b"isom"),
    "wav": lambda head: head.startswith(b"RIFF") and head[8:12] == b"WAVE",
    "ogg": lambda head: head.startswith(b"OggS"),
}
KIND_TYPES = {
    Kind.AUDIO: {"mp3", "m4a", "wav", "ogg"},
    Kind.SCAN: {"jpeg", "png", "tiff", "pdf"},
    Kind.PDF: {"pdf"},
    Kind.OTHER: set(SIGNATURES),
}


def file_type(head):
    """The name of the format these first bytes open, or None."""
    return next((name for name, opens in SIGNATURES.items() if opens(head)), None)


def private_storage():
    """The folder of the encrypted files: owner-only, and served by no URL."""
    return FileSystemStorage(
        location=settings.PRIVATE_FILES_ROOT,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


# --- Who may ----------------------------------------------------------------------


def can_read_attachments(user):
    return can_read_identities(user)


def may_attach(user, record):
    """Whether `user` may upload a file to this source or testimony: whoever may edit
    it from its page. A published testimony is returned first, as for any change."""
    if isinstance(record, Source):
        return user.has_perm("cases.add_attachment") and user.has_perm("cases.change_source")
    if not (user.has_perm("cases.add_attachment") and user.has_perm("cases.change_testimony")):
        return False
    # As stored, and only if the user may see it at all.
    seen = access.admin_records(Testimony.objects.filter(pk=record.pk), user)
    status = seen.values_list("status", flat=True).first()
    if status is None or status == WorkflowStatus.PUBLISHED:
        return False
    return status != WorkflowStatus.IN_REVIEW or access.edits_any_status(user)


# --- Checks on an upload -------------------------------------------------------------


def check_upload(upload, kind):
    """Refuse a file that is too large or of a type not accepted for `kind`, with a
    message for the form's file field. Reads the first bytes only."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        message = _("The file is %(size)s: an attachment may be at most %(limit)s.") % {
            "size": filesizeformat(upload.size),
            "limit": filesizeformat(limit),
        }
        raise ValidationError({"upload": ValidationError(message, code="too_large")})
    upload.seek(0)
    found = file_type(upload.read(HEAD))
    upload.seek(0)
    if found is None or found not in KIND_TYPES.get(kind, set()):
        message = _("This file is not one of the types accepted for “%(kind)s”: %(types)s.") % {
            "kind": Kind(kind).label if kind in Kind.values else kind,
            "types": ", ".join(sorted(KIND_TYPES.get(kind, SIGNATURES))).upper(),
        }
        raise ValidationError({"upload": ValidationError(message, code="wrong_type")})


# --- Writes and reads ----------------------------------------------------------------


def _log(*, user, attachment, action):
    AttachmentAccess.objects.create(
        user=user,
        attachment_number=attachment.pk,
        record_code=attachment.record_code,
        action=action,
    )


def store_encrypted(data):
    """Encrypt `data` into a new file; return the file's name."""
    name = secrets.token_hex(20)
    return private_storage().save(name, ContentFile(fernet().encrypt(data)))


@transaction.atomic
def attach_file(*, user, source=None, testimony=None, upload, kind, description=""):
    """Encrypt and store an uploaded file on a source or a testimony; log the upload."""
    if (source is None) == (testimony is None):
        raise ValueError("An attachment belongs to one source or one testimony.")
    record = source or testimony
    if not may_attach(user, record):
        raise PermissionDenied(_("You may not attach files to %(code)s.") % {"code": record.code})
    check_upload(upload, kind)
    upload.seek(0)
    data = upload.read()
    name = store_encrypted(data)
    try:
        attachment = Attachment(
            source=source,
            testimony=testimony,
            kind=kind,
            file_name=PurePath(upload.name or "").name[:255] or "file",
            description=description.strip(),
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            stored_as=name,
            uploaded_by=user,
        )
        attachment.full_clean()
        attachment.save()
        _log(user=user, attachment=attachment, action=AttachmentAccess.Action.UPLOAD)
    except BaseException:
        private_storage().delete(name)
        raise
    return attachment


def read_attachment(*, user, attachment):
    """The attachment's bytes, for a custodian; the read is logged."""
    if not can_read_attachments(user):
        raise PermissionDenied(_("Only custodians read attachments."))
    with private_storage().open(attachment.stored_as, "rb") as file:
        token = file.read()
    try:
        data = fernet().decrypt(token)
    except InvalidToken:
        raise VaultError(
            f"Attachment {attachment.pk} cannot be decrypted: is IDENTITY_KEYS complete?"
        ) from None
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise VaultError(f"Attachment {attachment.pk} is not the file that was uploaded.")
    _log(user=user, attachment=attachment, action=AttachmentAccess.Action.READ)
    return data


@transaction.atomic
def delete_attachment(*, user, attachment):
    """Remove an attachment (custodians only) and, once that commits, its file."""
    if not can_read_attachments(user):
        raise PermissionDenied(_("Only custodians delete attachments."))
    name = attachment.stored_as
    _log(user=user, attachment=attachment, action=AttachmentAccess.Action.DELETE)
    attachment.delete()
    transaction.on_commit(lambda: private_storage().delete(name))


@transaction.atomic
def rotate_attachment_keys(progress=None):
    """Re-encrypt every attachment, its file and its fields, with the newest key of
    IDENTITY_KEYS; return the count. Each file is written anew under a new name; the
    old files are removed once the transaction commits."""
    vault, storage = fernet(), private_storage()
    attachments = list(Attachment.objects.order_by("pk"))
    old_names = []
    for done, attachment in enumerate(attachments, start=1):
        with storage.open(attachment.stored_as, "rb") as file:
            try:
                token = vault.rotate(file.read())
            except InvalidToken:
                raise VaultError(
                    f"Attachment {attachment.pk} cannot be decrypted with these keys."
                ) from None
        old_names.append(attachment.stored_as)
        attachment.stored_as = storage.save(secrets.token_hex(20), ContentFile(token))
        # Saving encrypts the name, description and digest again with the newest key.
        attachment.save(update_fields=["stored_as", "file_name", "description", "sha256"])
        if progress is not None:
            progress(done, len(attachments))
    transaction.on_commit(lambda: [storage.delete(name) for name in old_names])
    return len(attachments)


def unmatched_files():
    """(attachments whose file is missing, names of files no attachment names):
    after a restore of the database without the folder's copy of the same night, or
    an upload whose transaction was rolled back after its file was written."""
    storage = private_storage()
    on_disk = set(storage.listdir("")[1]) if Path(storage.location).exists() else set()
    named = dict(Attachment.objects.values_list("stored_as", "pk"))
    return sorted(named[name] for name in set(named) - on_disk), sorted(on_disk - set(named))


def remove_stray_files(names, *, older_than=STRAY_AGE):
    """Remove these files that no attachment names, if older than `older_than` (a
    younger one may be an upload whose row is not committed yet); return the count."""
    storage, removed = private_storage(), 0
    for name in names:
        old = timezone.now() - storage.get_modified_time(name) > older_than
        if old and not Attachment.objects.filter(stored_as=name).exists():
            storage.delete(name)
            removed += 1
    return removed


@checks.register(checks.Tags.security)
def check_private_files_root(app_configs, **kwargs):
    """The encrypted files' folder must not be one the web server serves."""
    root = PurePath(settings.PRIVATE_FILES_ROOT)
    served = [settings.STATIC_ROOT, getattr(settings, "MEDIA_ROOT", "")]
    for folder in getattr(settings, "STATICFILES_DIRS", []):
        served.append(folder[-1] if isinstance(folder, (list, tuple)) else folder)
    for folder in filter(None, served):
        folder = PurePath(folder)
        if root == folder or folder in root.parents or root in folder.parents:
            return [
                checks.Error(
                    f"PRIVATE_FILES_ROOT ({root}) is inside or around a served folder ({folder}).",
                    hint="Put the attachments' folder beside the databases, outside any "
                    "static or media root.",
                    id="cases.E001",
                )
            ]
    return []
