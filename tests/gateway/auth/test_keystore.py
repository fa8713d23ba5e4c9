"""Per-employee gateway keys: the format, salted HMAC storage, revocation, change detection."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from gateway.auth.keystore import KeyRecord, KeyStore, parse_key

KEY_FORMAT = re.compile(r"^aigw_([0-9a-f]{12})_([A-Za-z0-9_-]+)$")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "keys.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[KeyStore]:
    ks = KeyStore(db_path)
    yield ks
    ks.close()


def raw_bytes(db_path: Path) -> bytes:
    """The database file plus its WAL and shared-memory files, as stored on disk."""
    return b"".join(p.read_bytes() for p in sorted(db_path.parent.glob(db_path.name + "*")))


def split(key: str) -> tuple[str, str]:
    parsed = parse_key(key)
    assert parsed is not None
    return parsed


# --- creation and storage ------------------------------------------------------------------------


def test_create_returns_key_and_record(store: KeyStore, db_path: Path) -> None:
    record, key = store.create("alice", ("engineering", "research"))
    match = KEY_FORMAT.match(key)
    assert match is not None, key
    key_id, secret = match.groups()
    assert record.key_id == key_id
    assert (record.user, record.groups, record.revoked_at) == ("alice", ("engineering", "research"), None)
    assert len(secret) >= 43  # 32 random bytes, base64url
    assert split(key) == (key_id, secret)
    assert db_path.exists()  # the parent directory was created


def test_only_a_salted_hmac_is_stored(store: KeyStore, db_path: Path) -> None:
    record, key = store.create("alice", ("engineering",))
    key_id, secret = split(key)
    assert record.digest == hmac.new(record.salt, secret.encode(), hashlib.sha256).digest()
    assert len(record.salt) == 16
    with closing(sqlite3.connect(db_path)) as db:
        rows = db.execute("SELECT * FROM api_keys").fetchall()
    assert len(rows) == 1
    row = rows[0]
    assert row[0] == key_id
    for value in row:
        stored = value if isinstance(value, bytes) else str(value).encode()
        assert secret.encode() not in stored
    assert record.digest in row
    assert record.salt in row


def test_secret_does_not_occur_in_the_database_files(store: KeyStore, db_path: Path) -> None:
    keys = [store.create(f"user{i}", ("g",))[1] for i in range(3)]
    data = raw_bytes(db_path)
    for key in keys:
        key_id, secret = split(key)
        # The files do hold the key's row (so this check reads the right bytes) ...
        assert key_id.encode() in data
        record = store.active()[key_id]
        assert record.digest in data
        # ... but neither the secret nor the whole key.
        assert secret.encode() not in data
        assert key.encode() not in data
        assert secret[:16].encode() not in data


def test_two_keys_get_different_ids_salts_and_secrets(store: KeyStore) -> None:
    first, key1 = store.create("alice", ("g",))
    second, key2 = store.create("alice", ("g",))
    assert first.key_id != second.key_id
    assert first.salt != second.salt
    assert first.digest != second.digest
    assert split(key1)[1] != split(key2)[1]


def test_groups_round_trip(store: KeyStore) -> None:
    record, _ = store.create("bob", ("a", "b c", "ünïcode"))
    (loaded,) = store.list()
    assert loaded == record
    none, _ = store.create("carol", ())
    assert store.active()[none.key_id].groups == ()


# --- parse_key -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("presented", "expected"),
    [
        ("aigw_0123456789ab_secret", ("0123456789ab", "secret")),
        # The secret may itself contain underscores (base64url).
        ("aigw_0123456789ab_se_cr_et", ("0123456789ab", "se_cr_et")),
        ("aigw_0123456789ab_-", ("0123456789ab", "-")),
        ("AIGW_0123456789ab_secret", None),
        ("aigx_0123456789ab_secret", None),
        ("sk-0123456789ab_secret", None),
        ("aigw-0123456789ab-secret", None),
        ("aigw_0123456789a_secret", None),
        ("aigw_0123456789abc_secret", None),
        ("aigw__secret", None),
        ("aigw_0123456789ab_", None),
        ("aigw_0123456789ab", None),
        ("aigw_", None),
        ("", None),
        ("Bearer aigw_0123456789ab_secret", None),
    ],
)
def test_parse_key(presented: str, expected: tuple[str, str] | None) -> None:
    assert parse_key(presented) == expected


# --- matching ------------------------------------------------------------------------------------


def test_record_matches_only_its_secret(store: KeyStore) -> None:
    record, key = store.create("alice", ("g",))
    other, other_key = store.create("bob", ("g",))
    secret = split(key)[1]
    stored = store.active()[record.key_id]
    assert stored.matches(secret)
    assert record.matches(secret)
    assert not stored.matches(split(other_key)[1])
    assert not stored.matches(secret[:-1])
    assert not stored.matches(secret + "x")
    assert secret.swapcase() != secret
    assert not stored.matches(secret.swapcase())
    assert not stored.matches("")
    assert not stored.matches(key)  # the whole key is not the secret
    assert not other.matches(secret)


def test_matches_uses_the_records_salt() -> None:
    secret = "s3cret"
    salt = b"\x01" * 16
    digest = hmac.new(salt, secret.encode(), hashlib.sha256).digest()
    record = KeyRecord("0123456789ab", "u", (), "2024-01-01T00:00:00+00:00", None, salt, digest)
    assert record.matches(secret)
    resalted = KeyRecord("0123456789ab", "u", (), "2024-01-01T00:00:00+00:00", None, b"\x02" * 16, digest)
    assert not resalted.matches(secret)


# --- revocation and listing ----------------------------------------------------------------------


def test_revoke_once(store: KeyStore) -> None:
    record, _ = store.create("alice", ("g",))
    assert store.revoke(record.key_id) is True
    assert store.revoke(record.key_id) is False
    assert store.revoke("ffffffffffff") is False
    assert store.revoke("") is False


def test_active_excludes_revoked_and_list_includes_them(store: KeyStore) -> None:
    kept, _ = store.create("alice", ("a",))
    gone, _ = store.create("bob", ("b",))
    assert set(store.active()) == {kept.key_id, gone.key_id}
    assert store.revoke(gone.key_id)
    active = store.active()
    assert set(active) == {kept.key_id}
    assert active[kept.key_id] == kept
    listed = {r.key_id: r for r in store.list()}
    assert set(listed) == {kept.key_id, gone.key_id}
    assert listed[kept.key_id].revoked_at is None
    revoked_at = listed[gone.key_id].revoked_at
    assert revoked_at is not None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", revoked_at)
    assert revoked_at >= listed[gone.key_id].created_at
    assert [r.key_id for r in store.list(include_revoked=False)] == [kept.key_id]


def test_empty_store(store: KeyStore) -> None:
    assert store.list() == []
    assert store.active() == {}


# --- several connections -------------------------------------------------------------------------


def test_data_version_changes_when_another_connection_commits(store: KeyStore, db_path: Path) -> None:
    other = KeyStore(db_path)
    try:
        before = store.data_version()
        assert store.data_version() == before  # stable while nothing changes
        record, key = other.create("alice", ("g",))
        after_create = store.data_version()
        assert after_create != before
        # The first connection sees the other's key.
        assert store.active()[record.key_id].matches(split(key)[1])
        assert other.revoke(record.key_id)
        assert store.data_version() != after_create
        assert store.active() == {}
    finally:
        other.close()


def test_keys_survive_reopening(db_path: Path) -> None:
    first = KeyStore(db_path)
    try:
        record, key = first.create("alice", ("g",))
    finally:
        first.close()
    second = KeyStore(db_path)
    try:
        assert second.active()[record.key_id].matches(split(key)[1])
    finally:
        second.close()


@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask-022", "umask-000"])
def test_the_key_store_is_owner_only_whatever_the_umask(db_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        ks = KeyStore(db_path)
    finally:
        os.umask(previous)
    try:
        ks.create("alice", ("engineering",))  # a write: the -wal and -shm files exist while it is open
        files = sorted(db_path.parent.glob(db_path.name + "*"))
        assert {p.name for p in files} >= {db_path.name, db_path.name + "-wal", db_path.name + "-shm"}
        assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {p.name: "0o600" for p in files}
    finally:
        ks.close()


def test_a_key_store_left_readable_by_others_is_narrowed(db_path: Path) -> None:
    KeyStore(db_path).close()
    db_path.chmod(0o644)
    KeyStore(db_path).close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
