"""Encrypted PostgreSQL backups: `pg_dump -Fc` streamed into an age file.

The host holds only public keys, so it can write backups it cannot read (issue
16, finding 14): whoever takes the host or a copy of a backup needs a private
key that never comes near the host.

The file is a standard age v1 file (https://age-encryption.org/v1), written by
pyrage, the Python binding of the Rust `age` crate; no cryptography is written
here. Each backup gets a random file key, wrapped (X25519) to every public key
in BACKUP_RECIPIENTS, so each custodian can restore alone; the header carries a
MAC and the dump follows in 64 KiB ChaCha20-Poly1305 chunks, the last one
flagged, so a file that was changed, reordered, cut short or extended is
refused. Both directions stream: memory use does not grow with the database.
Being plain age, a backup also opens without NKDB:
`age -d -i key.txt FILE | pg_restore ...`.

Keys: `manage.py backup_keygen` (or `age-keygen`), run on the offline machine,
prints a private key (AGE-SECRET-KEY-1...) to keep offline and its public key
(age1...) for BACKUP_RECIPIENTS, comma-separated. Restoring reads the private
key from a file or standard input, never from the settings.

Files written before issue 16 (version 1: b"NKDBBAK1", AES-256-GCM under the
symmetric BACKUP_KEY) are still read, with BACKUP_KEY set on the machine that
restores; nothing writes them any more. See `_decrypt_legacy`.
"""

import base64
import binascii
import os
import shutil
import struct
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pyrage
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.db import connections
from pyrage import x25519

from core import caching

AGE_MAGIC = b"age-encryption.org/v1\n"
PRIVATE_KEY_PREFIX = "AGE-SECRET-KEY-"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


# --- Keys ---------------------------------------------------------------------------


def recipients(values=None):
    """The public keys backups are encrypted to: BACKUP_RECIPIENTS, or `values`.

    Fails closed: no key, a malformed one or a private key refuses the backup.
    """
    if values is None:
        values = getattr(settings, "BACKUP_RECIPIENTS", [])
    if isinstance(values, str):
        values = values.split(",")
    parsed = []
    for value in values:
        if isinstance(value, x25519.Recipient):
            parsed.append(value)
            continue
        value = value.strip()
        if not value:
            continue
        if value.upper().startswith(PRIVATE_KEY_PREFIX):
            raise BackupError(
                "BACKUP_RECIPIENTS holds a private key (AGE-SECRET-KEY-...): it must never be "
                "on this host. Treat it as exposed: make a new key pair offline and put only "
                "its public key (age1...) in BACKUP_RECIPIENTS."
            )
        try:
            parsed.append(x25519.Recipient.from_str(value))
        except pyrage.RecipientError:
            raise BackupError(
                f"BACKUP_RECIPIENTS: {value[:16]!r}... is not an age public key (age1...)."
            ) from None
    if not parsed:
        raise BackupError(
            "BACKUP_RECIPIENTS is not set: no backup is written without a public key to "
            "encrypt it to. Run `manage.py backup_keygen` on the offline machine and set "
            "BACKUP_RECIPIENTS to the public key (age1...), one per custodian, "
            "comma-separated."
        )
    return parsed


def identities(text):
    """The private keys in the text of an age identity file (`#` comments skipped)."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found.append(x25519.Identity.from_str(line))
        except pyrage.IdentityError:
            # The line is not repeated: it may be most of a private key.
            raise BackupError(
                "The private key file holds a line that is not an age private key "
                "(AGE-SECRET-KEY-1...)."
            ) from None
    if not found:
        raise BackupError("No private key (AGE-SECRET-KEY-1...) was given.")
    return found


def generate_key_pair():
    """(public key, text of an age identity file holding the private key); nothing is stored."""
    identity = x25519.Identity.generate()
    public = str(identity.to_public())
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    return public, f"# created: {created}\n# public key: {public}\n{identity}\n"


# --- Streams ------------------------------------------------------------------------


class _Source:
    """A binary reader that reports the bytes read so far and keeps its own errors."""

    def __init__(self, source, progress=None):
        self.source, self.progress, self.done, self.error = source, progress, 0, None

    def read(self, size=-1):
        try:
            data = self.source.read(size)
        except BaseException as error:
            self.error = error
            raise
        self.done += len(data)
        if self.progress is not None:
            self.progress(self.done)
        return data


class _Target:
    """A binary writer (None: discard) that counts and keeps its own errors."""

    def __init__(self, target):
        self.target, self.done, self.error = target, 0, None

    def write(self, data):
        if self.target is not None:
            try:
                self.target.write(data)
            except BaseException as error:
                self.error = error
                raise
        self.done += len(data)
        return len(data)

    def flush(self):
        if self.target is not None:
            self.target.flush()


def encrypt_stream(source, target, to, progress=None):
    """Encrypt the readable binary `source` into the writable binary `target` for
    the public keys `to` (see `recipients`). Returns the bytes read from `source`.

    `progress(done)`, if given, is called with the bytes read so far.
    """
    reader = _Source(source, progress)
    try:
        pyrage.encrypt_io(reader, target, recipients(to))
    except pyrage.EncryptError as error:
        if reader.error is not None:
            raise reader.error from None
        raise BackupError(f"The backup could not be encrypted: {error}") from error
    return reader.done


def decrypt_stream(source, target, keys=None, progress=None):
    """Decrypt the seekable binary `source` into `target` (None to only verify) with
    the private keys `keys` (see `identities`); BackupError on any damage. Returns
    the number of bytes decrypted.

    Data reaches `target` before the end is checked: verify a file before acting
    on its contents (as `restore` does). `progress(done)`, if given, is called with
    the bytes of `source` read so far.
    """
    start = source.tell()
    head = source.read(len(AGE_MAGIC))
    source.seek(start)
    if head.startswith(LEGACY_MAGIC):
        return _decrypt_legacy(source, target, progress)
    if head != AGE_MAGIC:
        raise BackupError("Not an NKDB backup file (or an unknown version).")
    if not keys:
        raise BackupError(
            "This backup is encrypted to public keys: it opens only with a custodian's "
            "private key (restore --identity FILE, or - for standard input)."
        )
    reader, writer = _Source(source, progress), _Target(target)
    try:
        pyrage.decrypt_io(reader, writer, list(keys))
    except pyrage.DecryptError as error:
        raise BackupError(
            f"The backup cannot be opened with the private key given ({error}): it was "
            "written for other public keys, or its header was changed."
        ) from None
    except OSError:
        if reader.error is not None or writer.error is not None:
            raise
        raise BackupError(
            "The backup is damaged: it was cut short or changed after it was written."
        ) from None
    return writer.done


# --- Version 1 (before issue 16): read only ------------------------------------------
#
#     b"NKDBBAK1", a 16-byte file id, then frames: 4-byte big-endian length, 12-byte
#     nonce, AES-256-GCM of at most 1 MiB. Each frame's associated data is the file
#     id, its number (8 bytes) and a flag byte that is 1 on the last frame only.

LEGACY_MAGIC = b"NKDBBAK1"
LEGACY_FILE_ID = 16
LEGACY_NONCE = 12


def backup_key(value=None):
    """The 32-byte version-1 key from BACKUP_KEY (or from `value`)."""
    if isinstance(value, bytes) and len(value) == 32:
        return value
    value = value if value is not None else os.environ.get("BACKUP_KEY", "")
    if not value:
        raise BackupError(
            "This is a backup made before issue 16 (version 1): it opens only with the "
            "old symmetric BACKUP_KEY, which is not set."
        )
    try:
        key = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupError("BACKUP_KEY must be 32 bytes in url-safe base64.")
    return key


def legacy_associated(file_id, number, last):
    return file_id + struct.pack(">QB", number, 1 if last else 0)


def _decrypt_legacy(source, target, progress=None, key=None):
    aes = AESGCM(backup_key(key))
    head = source.read(len(LEGACY_MAGIC) + LEGACY_FILE_ID)
    file_id = head[len(LEGACY_MAGIC) :]
    number, done = 0, 0
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) < 4:
            raise BackupError("The backup is cut short: its last part is missing.")
        (size,) = struct.unpack(">I", size_bytes)
        sealed = source.read(size)
        if len(sealed) != size or size < LEGACY_NONCE + 16:
            raise BackupError("The backup is cut short: its last part is missing.")
        nonce, body = sealed[:LEGACY_NONCE], sealed[LEGACY_NONCE:]
        for last in (False, True):
            try:
                chunk = aes.decrypt(nonce, body, legacy_associated(file_id, number, last))
                break
            except InvalidTag:
                continue
        else:
            raise BackupError(
                f"Part {number} of the backup cannot be decrypted: wrong BACKUP_KEY, "
                "or the file was changed."
            )
        if target is not None:
            target.write(chunk)
        done += len(chunk)
        if progress is not None:
            progress(source.tell())
        if last:
            if source.read(1):
                raise BackupError("The backup has data after its last part.")
            return done
        number += 1


# --- pg_dump and pg_restore ------------------------------------------------------


def pg_tool(name):
    """The newest PostgreSQL client tool of that name (pg_dump, pg_restore)."""
    folder = os.environ.get("PG_BIN_DIR")
    candidates = [Path(folder) / name] if folder else []
    candidates += sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def postgres_connection(alias="default"):
    """The database name and the libpq environment for `alias`; PostgreSQL only."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise BackupError(
            f"The {alias!r} database is {connection.vendor}: backup and restore work on "
            "PostgreSQL only. For a SQLite trial database, stop the site and copy the "
            "file (or use `sqlite3 db.sqlite3 .backup copy.sqlite3`)."
        )
    params = connection.settings_dict
    env = {**os.environ}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    return params["NAME"], env


def upload_tables():
    """The tables of BACKUP_EXCLUDED_DATA (model labels: core imports no app)."""
    return [apps.get_model(label)._meta.db_table for label in settings.BACKUP_EXCLUDED_DATA]


def backup(path, *, alias="default", to=None, progress=None):
    """Dump the database to `path`, encrypted to the public keys `to` (by default
    BACKUP_RECIPIENTS); returns the number of bytes written.
    `progress(done)`: the bytes of the dump encrypted so far (its size is not known ahead).

    Without a public key nothing is dumped. The file appears under its name only
    when complete (written beside it, then renamed), so a failed backup never
    leaves a file that looks good.
    """
    to = recipients(to)
    name, env = postgres_connection(alias)
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    command = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--dbname", name]
    # Uploaded spreadsheets live only as long as their import: never in a backup.
    command += [f"--exclude-table-data={table}" for table in upload_tables()]
    process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        with partial.open("wb") as target:
            encrypt_stream(process.stdout, target, to, progress)
            target.flush()
            os.fsync(target.fileno())
        error = process.stderr.read().decode(errors="replace")
        if process.wait() != 0:
            raise BackupError(f"pg_dump failed: {error.strip()}")
    except BaseException:
        process.kill()
        process.wait()
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)
    return path.stat().st_size


def verify(path, *, keys=None, progress=None):
    """Check that the whole backup decrypts with the private keys `keys`; returns
    the size of the dump inside. `progress(done, total)`: bytes of the file checked so far."""
    with Path(path).open("rb") as source:
        size = os.fstat(source.fileno()).st_size
        report = progress and (lambda done: progress(done, size))
        return decrypt_stream(source, None, keys, report)


def restore(path, *, alias="default", keys=None, progress=None):
    """Replace the database's contents with the backup's, in one transaction.

    The whole file is verified first, so a damaged or foreign file changes
    nothing; pg_restore then runs with --single-transaction: it applies all or
    nothing. `keys`: the private keys (see `identities`). `progress(done, total)`:
    bytes read over both passes (twice the file).
    """
    name, env = postgres_connection(alias)
    # Two passes over the file: the check, then the restore.
    verify(path, keys=keys, progress=progress and (lambda done, size: progress(done, 2 * size)))
    connections[alias].close()
    command = [
        pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        "--dbname",
        name,
    ]
    process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        with Path(path).open("rb") as source:
            size = os.fstat(source.fileno()).st_size
            second = progress and (lambda done: progress(size + done, 2 * size))
            decrypt_stream(source, process.stdin, keys, second)
        process.stdin.close()
    except BaseException:
        process.kill()
        process.wait()
        raise
    output = process.stderr.read().decode(errors="replace")
    if process.wait() != 0:
        raise BackupError(f"pg_restore failed; the database is unchanged: {output.strip()}")
    # The restored tokens are the backup's: new ones, so that no server process
    # serves what it cached before (core/caching.py).
    caching.bump_all()
