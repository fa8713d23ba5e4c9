"""The credentials of one assurance run: a gateway key of the assurance identity, an admin
token to read the evidence back, and a key revoked before the run (the revoked-key probe).

Either may come from the environment (``AIGW_ASSURANCE_KEY``, ``AIGW_ADMIN_TOKEN``: a gateway
whose key store this host cannot reach, e.g. staging probed from CI). Whatever is missing is
made for this run in the settings' key store and revoked when the run ends, pass or fail:
no standing credential exists for a scheduler to leak. Keys for other key groups (probes of
an approved-tool rule) can be made only where the store is reachable.

Every call here is blocking database work: async callers run it in a thread.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from gateway.assurance.plan import ASSURANCE_GROUP, ASSURANCE_USER
from gateway.auth.admin_tokens import AdminTokenStore, Role
from gateway.auth.keystore import KeyStore
from gateway.config.settings import Settings

KEY_ENV = "AIGW_ASSURANCE_KEY"
TOKEN_ENV = "AIGW_ADMIN_TOKEN"  # noqa: S105 - the name of a variable, not a token
ADMIN_ROLE: Role = "secops"  # metadata only: the checks never read prompt text


@dataclass
class RunCredentials:
    settings: Settings
    environ: Mapping[str, str]
    key: str = ""
    admin_token: str = ""
    revoked_key: str | None = None  # None: no key could be made here to revoke
    can_issue: bool = False  # the key store is ours to write: keys for other groups can be made
    _made_keys: list[str] = field(default_factory=list)
    _made_token: str | None = None
    # key_for and close, each in a worker thread, may overlap when a run is cancelled: close waits for a
    # key being made and revokes it too; a key asked for after close is not made.
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closed: bool = False

    @classmethod
    def open(cls, settings: Settings, environ: Mapping[str, str]) -> RunCredentials:
        made = cls(settings, environ, key=environ.get(KEY_ENV, ""), admin_token=environ.get(TOKEN_ENV, ""))
        try:
            if not made.key:
                made.can_issue = True
                made.key = made.key_for((ASSURANCE_GROUP,)) or ""
                made.revoked_key = made._revoked_key()
            if not made.admin_token:
                tokens = AdminTokenStore.open(settings.store, environ)
                try:
                    record, made.admin_token = tokens.create(ASSURANCE_USER, ADMIN_ROLE)
                    made._made_token = record.token_id
                finally:
                    tokens.close()
        except BaseException:
            made.close()
            raise
        return made

    def key_for(self, groups: tuple[str, ...]) -> str | None:
        """A key of the assurance user in ``groups``, revoked at ``close``; None where keys cannot be made."""
        if not self.can_issue:
            return None
        with self._lock:
            if self._closed:
                return None
            keys = KeyStore.open(self.settings.store, self.environ)
            try:
                record, secret = keys.create(ASSURANCE_USER, groups)
            finally:
                keys.close()
            self._made_keys.append(record.key_id)
        return secret

    def _revoked_key(self) -> str:
        keys = KeyStore.open(self.settings.store, self.environ)
        try:
            record, secret = keys.create(ASSURANCE_USER, (ASSURANCE_GROUP,))
            keys.revoke(record.key_id)
        finally:
            keys.close()
        return secret

    def close(self) -> None:
        """Revoke everything made for this run (idempotent); no key is made after it."""
        with self._lock:
            self._closed = True
            made_keys, self._made_keys = self._made_keys, []
        if made_keys:
            keys = KeyStore.open(self.settings.store, self.environ)
            try:
                for key_id in made_keys:
                    keys.revoke(key_id)
            finally:
                keys.close()
        made_token, self._made_token = self._made_token, None
        if made_token is not None:
            tokens = AdminTokenStore.open(self.settings.store, self.environ)
            try:
                tokens.revoke(made_token)
            finally:
                tokens.close()
