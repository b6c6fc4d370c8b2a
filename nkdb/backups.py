"""Encrypted PostgreSQL backups: `pg_dump -Fc` streamed through AES-256-GCM.

The file format (version 1), in order:

    b"NKDBBAK1"                       magic and version, 8 bytes
    file id                           16 random bytes
    frames, each:
        length                        4 bytes, big-endian: len(nonce + ciphertext)
        nonce                         12 random bytes
        ciphertext + tag              AES-GCM of one chunk (at most CHUNK bytes)

Each frame's associated data is the file id, the frame's number (8 bytes) and a
flag byte that is 1 on the last frame only, so a frame cannot be dropped,
reordered, moved from another backup or cut off at the end without the restore
noticing. The dump is read and written in CHUNK-sized pieces: memory use does
not grow with the database.

The key is BACKUP_KEY from the environment: 32 random bytes, url-safe base64
(`python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"`).
Keep it apart from the backups and from IDENTITY_KEYS: identities inside the
dump stay encrypted with the vault keys as well.
"""

import base64
import binascii
import os
import shutil
import struct
import subprocess
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connections

from nkdb import caching

MAGIC = b"NKDBBAK1"
CHUNK = 1024 * 1024
NONCE = 12
FILE_ID = 16


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


def backup_key(value=None):
    """The 32-byte key from BACKUP_KEY (or from `value`, text or already the bytes)."""
    if isinstance(value, bytes) and len(value) == 32:
        return value
    value = value if value is not None else os.environ.get("BACKUP_KEY", "")
    if not value:
        raise BackupError("BACKUP_KEY is not set: backups are always encrypted.")
    try:
        key = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupError("BACKUP_KEY must be 32 bytes in url-safe base64.")
    return key


def _associated(file_id, number, last):
    return file_id + struct.pack(">QB", number, 1 if last else 0)


def encrypt_stream(source, target, key, progress=None):
    """Encrypt the readable binary `source` into the writable binary `target`.

    `progress(done)`, if given, is called with the bytes read so far.
    """
    aes = AESGCM(key)
    file_id = os.urandom(FILE_ID)
    target.write(MAGIC + file_id)
    number, chunk, done = 0, source.read(CHUNK), 0
    while True:
        following = source.read(CHUNK) if chunk else b""
        last = not following
        nonce = os.urandom(NONCE)
        sealed = nonce + aes.encrypt(nonce, chunk, _associated(file_id, number, last))
        target.write(struct.pack(">I", len(sealed)) + sealed)
        done += len(chunk)
        if progress is not None:
            progress(done)
        if last:
            return number + 1
        number, chunk = number + 1, following


def decrypt_stream(source, target, key, progress=None):
    """Decrypt into `target` (None to only verify); BackupError on any damage.

    `progress(done)`, if given, is called with the bytes of `source` read so far.
    """
    aes = AESGCM(key)
    head = source.read(len(MAGIC) + FILE_ID)
    if head[: len(MAGIC)] != MAGIC:
        raise BackupError("Not an NKDB backup file (or an unknown version).")
    file_id = head[len(MAGIC) :]
    number = 0
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) < 4:
            raise BackupError("The backup is cut short: its last part is missing.")
        (size,) = struct.unpack(">I", size_bytes)
        sealed = source.read(size)
        if len(sealed) != size or size < NONCE + 16:
            raise BackupError("The backup is cut short: its last part is missing.")
        nonce, body = sealed[:NONCE], sealed[NONCE:]
        for last in (False, True):
            try:
                chunk = aes.decrypt(nonce, body, _associated(file_id, number, last))
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
        if progress is not None:
            progress(source.tell())
        if last:
            if source.read(1):
                raise BackupError("The backup has data after its last part.")
            return number + 1
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
    from jobs.models import PendingUpload, Upload

    return [Upload._meta.db_table, PendingUpload._meta.db_table]


def backup(path, *, alias="default", key=None, progress=None):
    """Dump the database to `path`, encrypted; returns the number of bytes written.
    `progress(done)`: the bytes of the dump encrypted so far (its size is not known ahead).

    The file appears under its name only when complete (written beside it, then
    renamed), so a failed backup never leaves a file that looks good.
    """
    key = backup_key(key)
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
            encrypt_stream(process.stdout, target, key, progress)
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


def verify(path, *, key=None, progress=None):
    """Check that every part of the backup decrypts; returns the number of parts.
    `progress(done, total)`: bytes of the file checked so far."""
    with Path(path).open("rb") as source:
        size = os.fstat(source.fileno()).st_size
        report = progress and (lambda done: progress(done, size))
        return decrypt_stream(source, None, backup_key(key), report)


def restore(path, *, alias="default", key=None, progress=None):
    """Replace the database's contents with the backup's, in one transaction.

    The whole file is verified first, so a damaged or foreign file changes
    nothing; pg_restore then runs with --single-transaction: it applies all or
    nothing. `progress(done, total)`: bytes read over both passes (twice the file).
    """
    key = backup_key(key)
    name, env = postgres_connection(alias)
    # Two passes over the file: the check, then the restore.
    verify(path, key=key, progress=progress and (lambda done, size: progress(done, 2 * size)))
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
            decrypt_stream(source, process.stdin, key, second)
        process.stdin.close()
    except BaseException:
        process.kill()
        process.wait()
        raise
    output = process.stderr.read().decode(errors="replace")
    if process.wait() != 0:
        raise BackupError(f"pg_restore failed; the database is unchanged: {output.strip()}")
    # The restored tokens are the backup's: new ones, so that no server process
    # serves what it cached before (nkdb/caching.py).
    caching.bump_all()
