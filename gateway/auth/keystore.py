"""Per-employee gateway keys, kept as salted hashes only (SQLite, or PostgreSQL for a fleet).

A key looks like ``aigw_<key id>_<secret>``. The key id is public (it is how a key
is listed and revoked); the secret is 256 random bits, shown once at creation and
stored as HMAC-SHA256(salt, secret). A fast keyed hash is right here: the secret
is random, not a password, so there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from gateway.auth.credential_db import CredentialTable

KEY_PREFIX = "aigw"
KEY_ID_BYTES = 6
SECRET_BYTES = 32

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id     TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL,
    groups     TEXT NOT NULL,
    salt       {blob} NOT NULL,
    digest     {blob} NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
)
"""
# Keys are only ever added and revoked (never deleted or un-revoked), so the two counts
# change with every change: PostgreSQL's stand-in for SQLite's PRAGMA data_version.
_PG_VERSION = "SELECT COUNT(*), COUNT(revoked_at) FROM api_keys"


_COLUMNS = "key_id, user_name, groups, salt, digest, created_at, revoked_at"
_SELECT_ALL = f"SELECT {_COLUMNS} FROM api_keys ORDER BY created_at, key_id"  # noqa: S608 - constant
_SELECT_BY_ID = f"SELECT {_COLUMNS} FROM api_keys WHERE key_id = ?"  # noqa: S608 - constant
_SELECT_ACTIVE = f"SELECT {_COLUMNS} FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at, key_id"  # noqa: S608


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    user: str
    groups: tuple[str, ...]
    created_at: str
    revoked_at: str | None
    salt: bytes
    digest: bytes

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.digest, _digest(self.salt, secret))


def _digest(salt: bytes, secret: str) -> bytes:
    return hmac.new(salt, secret.encode(), hashlib.sha256).digest()


def _record(row: tuple[Any, ...]) -> KeyRecord:
    return KeyRecord(row[0], row[1], tuple(json.loads(row[2])), row[5], row[6], bytes(row[3]), bytes(row[4]))


def parse_key(presented: str) -> tuple[str, str] | None:
    """Split a presented key into (key id, secret); None if it is not a gateway key."""
    prefix, _, rest = presented.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != KEY_PREFIX or len(key_id) != KEY_ID_BYTES * 2 or not secret:
        return None
    return key_id, secret


class KeyStore(CredentialTable):
    """Thread-safe access to the key table (the gateway calls it from a worker thread)."""

    SCHEMA = _SCHEMA

    def create(self, user: str, groups: tuple[str, ...]) -> tuple[KeyRecord, str]:
        """Create a key; returns the record and the plaintext key (never stored)."""
        key_id = secrets.token_hex(KEY_ID_BYTES)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        salt = secrets.token_bytes(16)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        record = KeyRecord(key_id, user, groups, now, None, salt, _digest(salt, secret))
        self._db.execute(
            "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, NULL)",
            (key_id, user, json.dumps(list(groups)), salt, record.digest, now),
        )
        return record, f"{KEY_PREFIX}_{key_id}_{secret}"

    def revoke(self, key_id: str) -> bool:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        changed = self._db.execute(
            "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", (now, key_id)
        )
        return changed == 1

    def list(self, include_revoked: bool = True) -> list[KeyRecord]:
        # Two fixed statements; nothing from a caller is ever spliced into SQL here.
        query = _SELECT_ALL if include_revoked else _SELECT_ACTIVE
        return [_record(r) for r in self._db.fetchall(query)]

    def revoked(self, key_id: str) -> KeyRecord | None:
        """The key with this id if it was revoked (to tell a revoked key's use from a wrong key)."""
        rows = self._db.fetchall(f"{_SELECT_BY_ID} AND revoked_at IS NOT NULL", (key_id,))
        return _record(rows[0]) if rows else None

    def active(self) -> dict[str, KeyRecord]:
        return {r.key_id: r for r in self.list(include_revoked=False)}

    def data_version(self) -> int:
        """Changes whenever another connection (e.g. ``aigw keys revoke``, another replica) commits."""
        if self._db.dialect == "sqlite":
            return int(self._db.fetchall("PRAGMA data_version")[0][0])
        total, revoked = self._db.fetchall(_PG_VERSION)[0]
        return int(total) << 32 | int(revoked)
