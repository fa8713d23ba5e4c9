"""Tokens for the admin API, each with a role: ``auditor`` may read prompt text from the
prompt log, ``secops`` sees metadata only.

Kept like gateway keys: a public token id and a random secret shown once, stored as a
salted HMAC-SHA256, in the same database as the keys (``store``: SQLite, or PostgreSQL).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, get_args

from gateway.auth.credential_db import CredentialTable

Role = Literal["auditor", "secops"]
ROLES: tuple[Role, ...] = get_args(Role)
PREFIX = "aigwadm"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS admin_tokens (
    token_id   TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    salt       {blob} NOT NULL,
    digest     {blob} NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
)
"""


@dataclass(frozen=True)
class AdminToken:
    token_id: str
    name: str
    role: Role
    created_at: str
    revoked_at: str | None


def _digest(salt: bytes, secret: str) -> bytes:
    return hmac.new(salt, secret.encode(), hashlib.sha256).digest()


class AdminTokenStore(CredentialTable):
    """Admin tokens, beside the gateway keys (SQLite, or the fleet's PostgreSQL)."""

    SCHEMA = _SCHEMA

    def create(self, name: str, role: Role) -> tuple[AdminToken, str]:
        token_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_bytes(16)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self._db.execute(
            "INSERT INTO admin_tokens VALUES (?, ?, ?, ?, ?, ?, NULL)",
            (token_id, name, role, salt, _digest(salt, secret), now),
        )
        return AdminToken(token_id, name, role, now, None), f"{PREFIX}_{token_id}_{secret}"

    def verify(self, presented: str) -> AdminToken | None:
        prefix, _, rest = presented.partition("_")
        token_id, _, secret = rest.partition("_")
        if prefix != PREFIX or not token_id or not secret:
            return None
        rows = self._db.fetchall(
            "SELECT name, role, salt, digest, created_at FROM admin_tokens WHERE token_id = ? AND revoked_at IS NULL",
            (token_id,),
        )
        row = rows[0] if rows else None
        if row is None or not hmac.compare_digest(bytes(row[3]), _digest(bytes(row[2]), secret)) or row[1] not in ROLES:
            return None
        return AdminToken(token_id, row[0], row[1], row[4], None)

    def list(self) -> list[AdminToken]:
        rows = self._db.fetchall(
            "SELECT token_id, name, role, created_at, revoked_at FROM admin_tokens ORDER BY created_at, token_id"
        )
        return [AdminToken(*row) for row in rows]

    def revoke(self, token_id: str) -> bool:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        changed = self._db.execute(
            "UPDATE admin_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL", (now, token_id)
        )
        return bool(changed == 1)
