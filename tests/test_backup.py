"""Encrypted backups: the file format on its own, then a real backup, wipe and
restore on PostgreSQL that finds every row and every identity intact."""

import base64
import io
import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import Identity
from cases.tests import factories
from nkdb import backups
from nkdb.backups import BackupError

KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()


def encrypt(data, key=KEY):
    target = io.BytesIO()
    backups.encrypt_stream(io.BytesIO(data), target, backups.backup_key(key))
    return target.getvalue()


def decrypt(data, key=KEY):
    target = io.BytesIO()
    backups.decrypt_stream(io.BytesIO(data), target, backups.backup_key(key))
    return target.getvalue()


@pytest.mark.parametrize("size", [0, 1, backups.CHUNK - 1, backups.CHUNK, 2 * backups.CHUNK + 5])
def test_round_trip_in_chunks(size):
    data = os.urandom(size)
    sealed = encrypt(data)
    assert decrypt(sealed) == data
    frames = max(1, -(-size // backups.CHUNK))
    assert len(sealed) == len(backups.MAGIC) + 16 + frames * (4 + 12 + 16) + size


def test_the_plain_text_is_not_in_the_file():
    assert b"Kim Chol-su" not in encrypt(b"real name: Kim Chol-su" * 100)


def test_wrong_key_truncation_and_tampering_are_refused():
    data = os.urandom(backups.CHUNK + 100)
    sealed = encrypt(data)
    other = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with pytest.raises(BackupError, match="wrong BACKUP_KEY"):
        decrypt(sealed, other)
    # Cut after the first whole frame: each frame is valid, but the last is missing.
    first_frame = len(backups.MAGIC) + 16 + 4 + 12 + backups.CHUNK + 16
    with pytest.raises(BackupError, match="cut short"):
        decrypt(sealed[:first_frame])
    with pytest.raises(BackupError, match="cut short"):
        decrypt(sealed[:-1])
    flipped = bytearray(sealed)
    flipped[100] ^= 1
    with pytest.raises(BackupError):
        decrypt(bytes(flipped))
    with pytest.raises(BackupError, match="after its last part"):
        decrypt(sealed + b"x")
    with pytest.raises(BackupError, match="Not an NKDB backup"):
        decrypt(b"PGDMP" + sealed)


def test_a_key_is_required_and_checked(monkeypatch):
    monkeypatch.delenv("BACKUP_KEY", raising=False)
    with pytest.raises(BackupError, match="BACKUP_KEY is not set"):
        backups.backup_key()
    with pytest.raises(BackupError, match="32 bytes"):
        backups.backup_key("short")


@pytest.mark.django_db
def test_sqlite_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite refusal is tested on SQLite")
    monkeypatch.setenv("BACKUP_KEY", KEY)
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
def test_backup_wipe_restore_finds_every_row_and_identity(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are PostgreSQL only (CI runs this on PostgreSQL)")
    monkeypatch.setenv("BACKUP_KEY", KEY)
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
    assert people and before["cases_person"][0] > 0

    path = tmp_path / "nkdb.bak"
    call_command("backup", str(path), stdout=StringIO())
    content = path.read_bytes()
    assert b"Hyesan" not in content and "김철수".encode() not in content
    call_command("restore", str(path), verify_only=True, stdout=StringIO())

    with connection.cursor() as cursor:  # the wipe
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    assert table_fingerprints() == {}

    call_command("restore", str(path), interactive=False, stdout=StringIO())
    after = table_fingerprints()
    # New cache tokens (nkdb/caching.py), one per scope, as before.
    assert after.pop("stats_revision")[0] == before["stats_revision"][0] == 2
    assert after == {k: v for k, v in before.items() if k != "stats_revision"}
    assert identities() == people  # every identity decrypts to what it was


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_changes_nothing(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are PostgreSQL only (CI runs this on PostgreSQL)")
    monkeypatch.setenv("BACKUP_KEY", KEY)
    factories.PersonFactory.create_batch(2)
    path = tmp_path / "nkdb.bak"
    call_command("backup", str(path), stdout=StringIO())
    factories.PersonFactory()
    before = table_fingerprints()
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(CommandError, match="cut short"):
        call_command("restore", str(path), interactive=False)
    assert table_fingerprints() == before
