"""Encrypted backups: the file format on its own, the keys and the commands, then
a real backup, wipe and restore on PostgreSQL that finds every row and every
identity intact.

Backups are age files encrypted to public keys (BACKUP_RECIPIENTS): the host,
holding only those and perhaps the old symmetric BACKUP_KEY, cannot read them."""

import base64
import io
import os
import stat
import struct
import sys
from io import StringIO

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.management import CommandError, call_command
from django.db import connection
from pyrage import x25519

from cases.models import Identity
from cases.tests import factories
from core import backups
from core.backups import BackupError
from core.caching import STATS, current_token


def key_pair():
    """(public key, identity file text, [private key]), made by pyrage directly."""
    identity = x25519.Identity.generate()
    public = str(identity.to_public())
    return public, f"# public key: {public}\n{identity}\n", [identity]


# Two custodians, each able to restore alone.
PUBLIC, PRIVATE, KEYS = key_pair()
PUBLIC_2, PRIVATE_2, KEYS_2 = key_pair()
# The symmetric key of the old format, as a host may still have it.
BACKUP_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()
CHUNK = 64 * 1024  # age's payload chunk


def encrypt(data, to=(PUBLIC,)):
    target = io.BytesIO()
    backups.encrypt_stream(io.BytesIO(data), target, list(to))
    return target.getvalue()


def decrypt(data, keys=KEYS):
    target = io.BytesIO()
    backups.decrypt_stream(io.BytesIO(data), target, keys)
    return target.getvalue()


@pytest.fixture
def host_key(monkeypatch):
    """The old symmetric key in the environment: it must not open new backups."""
    monkeypatch.setenv("BACKUP_KEY", BACKUP_KEY)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * 1024 * 1024 + 5])
def test_round_trip_for_each_custodian(size):
    data = os.urandom(size)
    sealed = encrypt(data, to=(PUBLIC, PUBLIC_2))
    assert sealed.startswith(backups.AGE_MAGIC)
    assert decrypt(sealed, KEYS) == data
    assert decrypt(sealed, KEYS_2) == data


def test_the_plain_text_is_not_in_the_file():
    assert b"Kim Chol-su" not in encrypt(b"real name: Kim Chol-su" * 100)


def test_without_the_private_key_it_cannot_be_opened(host_key):
    sealed = encrypt(b"real name: Kim Chol-su")
    # What the host holds (the public key, BACKUP_KEY) opens nothing.
    with pytest.raises(BackupError, match="opens only with a custodian's private key"):
        decrypt(sealed, keys=None)
    with pytest.raises(BackupError, match="cannot be opened with the private key given"):
        decrypt(sealed, keys=key_pair()[2])
    with pytest.raises(BackupError, match="cannot be opened with the private key given"):
        decrypt(encrypt(b"x", to=(PUBLIC_2,)), KEYS)


def test_truncation_tampering_and_extension_are_refused():
    data = os.urandom(3 * CHUNK + 100)
    sealed = encrypt(data)
    body = sealed.index(b"\n---") + 1
    with pytest.raises(BackupError, match="cut short or changed"):
        decrypt(sealed[:-1])
    with pytest.raises(BackupError, match="cut short or changed"):
        decrypt(sealed[: len(sealed) - 100 - 16])  # whole chunks only: the last is missing
    flipped = bytearray(sealed)
    flipped[len(sealed) // 2] ^= 1
    with pytest.raises(BackupError, match="cut short or changed"):
        decrypt(bytes(flipped))
    header = bytearray(sealed)
    header[body - 10] ^= 1  # inside the X25519 stanza or the header MAC
    with pytest.raises(BackupError):
        decrypt(bytes(header))
    with pytest.raises(BackupError, match="cut short or changed"):
        decrypt(sealed + b"x")
    with pytest.raises(BackupError, match="Not an NKDB backup"):
        decrypt(b"PGDMP" + sealed)
    with pytest.raises(BackupError, match="Not an NKDB backup"):
        decrypt(b"")


def test_recipients_fail_closed(settings):
    settings.BACKUP_RECIPIENTS = []
    with pytest.raises(BackupError, match="BACKUP_RECIPIENTS is not set"):
        backups.recipients()
    with pytest.raises(BackupError, match="BACKUP_RECIPIENTS is not set"):
        backups.recipients(" , ")
    with pytest.raises(BackupError, match="not an age public key"):
        backups.recipients("age1notakey")
    private_line = PRIVATE.splitlines()[-1]
    with pytest.raises(BackupError, match="holds a private key") as refused:
        backups.recipients([PUBLIC, private_line])
    assert private_line[15:] not in str(refused.value)
    settings.BACKUP_RECIPIENTS = [PUBLIC, PUBLIC_2]
    assert [str(r) for r in backups.recipients()] == [PUBLIC, PUBLIC_2]
    assert [str(r) for r in backups.recipients(f"{PUBLIC}, {PUBLIC_2}")] == [PUBLIC, PUBLIC_2]


def test_private_keys_are_read_from_an_identity_file():
    assert [str(k) for k in backups.identities(PRIVATE + PRIVATE_2)] == [
        PRIVATE.splitlines()[-1],
        PRIVATE_2.splitlines()[-1],
    ]
    with pytest.raises(BackupError, match="No private key"):
        backups.identities("# only a comment\n\n")
    with pytest.raises(BackupError, match="not an age private key"):
        backups.identities(PUBLIC)


def test_the_backup_command_refuses_without_a_recipient(tmp_path, settings, host_key):
    settings.BACKUP_RECIPIENTS = []
    with pytest.raises(CommandError, match="BACKUP_RECIPIENTS is not set"):
        call_command("backup", str(tmp_path / "x.bak"), stdout=StringIO())
    assert not list(tmp_path.iterdir())


def test_keygen_prints_the_private_key_and_stores_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out, err = StringIO(), StringIO()
    call_command("backup_keygen", stdout=out, stderr=err)
    assert not list(tmp_path.iterdir())
    keys = backups.identities(out.getvalue())
    public = str(keys[0].to_public())
    assert f"# public key: {public}" in out.getvalue()
    assert f"Public key: {public}" in err.getvalue()
    assert "AGE-SECRET-KEY-" not in err.getvalue()
    assert decrypt(encrypt(b"testimony", to=(public,)), keys) == b"testimony"

    path = tmp_path / "custodian-1.key"
    out = StringIO()
    call_command("backup_keygen", output=str(path), stdout=out, stderr=StringIO())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert out.getvalue().strip() == str(backups.identities(path.read_text())[0].to_public())
    assert "AGE-SECRET-KEY-" not in out.getvalue()
    before = path.read_text()
    with pytest.raises(CommandError, match="Cannot create"):
        call_command("backup_keygen", output=str(path), stdout=StringIO(), stderr=StringIO())
    assert path.read_text() == before


def test_restore_takes_the_private_key_from_a_file_or_standard_input(
    tmp_path, monkeypatch, host_key
):
    path = tmp_path / "nkdb.bak"
    path.write_bytes(encrypt(os.urandom(CHUNK * 2), to=(PUBLIC, PUBLIC_2)))
    key_file = tmp_path / "custodian.key"
    key_file.write_text(PRIVATE)

    with pytest.raises(CommandError, match="opens only with a custodian's private key"):
        call_command("restore", str(path), verify_only=True, stdout=StringIO())
    out = StringIO()
    call_command("restore", str(path), identity=str(key_file), verify_only=True, stdout=out)
    assert f"{CHUNK * 2} bytes of dump" in out.getvalue()
    monkeypatch.setattr(sys, "stdin", StringIO(PRIVATE_2))
    call_command("restore", str(path), identity="-", verify_only=True, stdout=StringIO())
    # A key on standard input leaves nothing to answer the question with.
    monkeypatch.setattr(sys, "stdin", StringIO(PRIVATE_2))
    with pytest.raises(CommandError, match="add --no-input"):
        call_command("restore", str(path), identity="-", stdout=StringIO())

    with pytest.raises(CommandError, match="Cannot read the private key file"):
        call_command("restore", str(path), identity=str(tmp_path / "missing"), verify_only=True)
    damaged = bytearray(path.read_bytes())
    damaged[-CHUNK] ^= 1
    path.write_bytes(bytes(damaged))
    with pytest.raises(CommandError, match="cut short or changed"):
        call_command("restore", str(path), identity=str(key_file), verify_only=True)


# --- Version 1 files, from before issue 16: read with BACKUP_KEY ------------------------


def legacy_encrypt(data, key=BACKUP_KEY, chunk=1024 * 1024):
    """A version-1 file as the old code wrote it (nothing writes these any more)."""
    aes, file_id = AESGCM(backups.backup_key(key)), os.urandom(16)
    out, parts = (
        [backups.LEGACY_MAGIC, file_id],
        [data[i : i + chunk] for i in range(0, len(data), chunk)] or [b""],
    )
    for number, part in enumerate(parts):
        nonce = os.urandom(12)
        associated = backups.legacy_associated(file_id, number, number == len(parts) - 1)
        sealed = nonce + aes.encrypt(nonce, part, associated)
        out.append(struct.pack(">I", len(sealed)) + sealed)
    return b"".join(out)


def test_an_old_backup_still_opens_with_backup_key(monkeypatch):
    data = os.urandom(1024 * 1024 + 100)
    sealed = legacy_encrypt(data)
    monkeypatch.delenv("BACKUP_KEY", raising=False)
    with pytest.raises(BackupError, match="old symmetric BACKUP_KEY"):
        decrypt(sealed, keys=None)
    monkeypatch.setenv("BACKUP_KEY", BACKUP_KEY)
    assert decrypt(sealed, keys=None) == data
    with pytest.raises(BackupError, match="cut short"):
        decrypt(sealed[:-1], keys=None)
    flipped = bytearray(sealed)
    flipped[100] ^= 1
    with pytest.raises(BackupError, match="wrong BACKUP_KEY"):
        decrypt(bytes(flipped), keys=None)
    with pytest.raises(BackupError, match="after its last part"):
        decrypt(sealed + b"x", keys=None)


@pytest.mark.django_db
def test_sqlite_is_refused_with_a_clear_message(tmp_path, settings):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite refusal is tested on SQLite")
    settings.BACKUP_RECIPIENTS = [PUBLIC]
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("backup", str(tmp_path / "x.bak"))
    assert not list(tmp_path.iterdir())


# --- A real backup, wipe and restore ----------------------------------------------


def table_fingerprints():
    """(row count, checksum of every row) per table."""
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            name = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
                f"FROM {name} AS t"
            )
            result[table] = cursor.fetchone()
    return result


def identities():
    return sorted(
        (i.person.code, i.real_name, i.other_names, i.contacts, i.relatives_in_north)
        for i in Identity.objects.select_related("person")
    )


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_finds_every_row_and_identity(tmp_path, settings, host_key):
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are PostgreSQL only (CI runs this on PostgreSQL)")
    settings.BACKUP_RECIPIENTS = [PUBLIC, PUBLIC_2]
    (tmp_path / "custodian-1.key").write_text(PRIVATE)
    (tmp_path / "custodian-2.key").write_text(PRIVATE_2)
    call_command("bootstrap", stdout=StringIO())
    call_command("seed_demo", persons=6, stdout=StringIO())
    for n, person in enumerate(factories.PersonFactory.create_batch(3)):
        factories.IdentityFactory(
            person=person,
            real_name=f"김철수 {n}",
            other_names="Kim Chol-su",
            contacts="+82 10 0000 0000",
            relatives_in_north="a sister in Hyesan",
        )
    before, people = table_fingerprints(), identities()
    token_before = current_token(STATS)
    assert people and before["cases_person"][0] > 0

    path = tmp_path / "nkdb.bak"
    call_command("backup", str(path), stdout=StringIO())
    content = path.read_bytes()
    assert content.startswith(backups.AGE_MAGIC)
    assert b"Hyesan" not in content and "김철수".encode() not in content
    # The host, with its settings and BACKUP_KEY, cannot read what it wrote.
    with pytest.raises(CommandError, match="private key"):
        call_command("restore", str(path), verify_only=True, stdout=StringIO())
    key_2 = str(tmp_path / "custodian-2.key")
    call_command("restore", str(path), identity=key_2, verify_only=True, stdout=StringIO())

    with connection.cursor() as cursor:  # the wipe
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    assert table_fingerprints() == {}

    key_1 = str(tmp_path / "custodian-1.key")
    call_command("restore", str(path), identity=key_1, interactive=False, stdout=StringIO())
    after = table_fingerprints()
    # New cache tokens (core/caching.py): the statistics' scope has a new one.
    assert after.pop("stats_revision")[0] >= 1
    assert current_token(STATS) not in (None, token_before)
    assert after == {k: v for k, v in before.items() if k != "stats_revision"}
    assert identities() == people  # every identity decrypts to what it was


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_changes_nothing(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are PostgreSQL only (CI runs this on PostgreSQL)")
    settings.BACKUP_RECIPIENTS = [PUBLIC]
    key = tmp_path / "custodian.key"
    key.write_text(PRIVATE)
    factories.PersonFactory.create_batch(2)
    path = tmp_path / "nkdb.bak"
    call_command("backup", str(path), stdout=StringIO())
    factories.PersonFactory()
    before = table_fingerprints()
    content = path.read_bytes()
    flipped = bytearray(content)
    flipped[-20] ^= 1
    for damaged in (content[:-10], bytes(flipped)):
        path.write_bytes(damaged)
        with pytest.raises(CommandError, match="cut short or changed"):
            call_command("restore", str(path), identity=str(key), interactive=False)
        assert table_fingerprints() == before
