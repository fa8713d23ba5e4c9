"""Who is calling: a gateway key, or (behind an SSO proxy) trusted identity headers.

Keys are checked against an in-memory copy of the key store, refreshed whenever
the store changes, so the hot path does no I/O and revocations apply within
``identity.key_refresh_interval_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import time
from dataclasses import dataclass
from typing import Literal

from aiohttp import web

from gateway.auth.keystore import KeyRecord, KeyStore, parse_key
from gateway.config.settings import IdentitySettings
from gateway.errors import AuthenticationFailed, RevokedKeyPresented
from gateway.text_safety import is_utf8_safe

MAX_USER_LENGTH = 256
# The user of the gateway keys `aigw assure` sends its probes with (gateway.assurance re-exports it).
ASSURANCE_USER = "aigw-assurance"


@dataclass(frozen=True)
class Identity:
    user: str
    groups: tuple[str, ...]
    method: Literal["key", "trusted_header"]
    key_id: str | None = None

    @property
    def assurance(self) -> bool:
        """Control-assurance traffic (``aigw assure``): a gateway key issued to ``ASSURANCE_USER``.
        Only a key marks it, whatever its group: an SSO proxy's header naming that user is a person
        (anyone able to set the header could claim it), and is limited, charged and counted as one."""
        return self.method == "key" and self.user == ASSURANCE_USER

    @property
    def traffic(self) -> Literal["user", "assurance"]:
        """The bounded ``traffic`` label of the request metrics."""
        return "assurance" if self.assurance else "user"

    @property
    def group_source(self) -> Literal["key", "sso"]:
        """Which of a policy group's member lists the groups are matched against."""
        return "sso" if self.method == "trusted_header" else "key"


INVALID_KEY = "Invalid or revoked gateway API key."


class Authenticator:
    def __init__(self, settings: IdentitySettings, store: KeyStore) -> None:
        self._settings = settings
        self._store = store
        self._keys: dict[str, KeyRecord] = {}
        self._version: int | None = None
        self._last_refresh = 0.0
        self._refresh_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._trusted = settings.trusted_header.trusted_proxies if "trusted_header" in settings.modes else ()

    async def start(self) -> None:
        await self.refresh()
        self._task = asyncio.create_task(self._refresh_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @property
    def healthy(self) -> bool:
        return time.monotonic() - self._last_refresh < 5 * self._settings.key_refresh_interval_s + 1

    async def refresh(self, unless_read_since: float | None = None) -> None:
        """Re-read the store if it changed. Callers that only need a read newer than
        ``unless_read_since`` share one: concurrent misses cost one cheap check."""
        async with self._refresh_lock:
            if unless_read_since is not None and self._last_refresh >= unless_read_since:
                return
            started = time.monotonic()  # a read counts from when it began
            version = await asyncio.to_thread(self._store.data_version)
            if version != self._version:
                self._keys = await asyncio.to_thread(self._store.active)
                self._version = version
            self._last_refresh = started

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self._settings.key_refresh_interval_s)
            with contextlib.suppress(Exception):  # a failed read keeps the last good copy
                await self.refresh()

    async def authenticate(self, request: web.Request) -> Identity:
        from_header = self._identity_from_headers(request)
        if from_header is not None:
            return from_header
        if "keys" not in self._settings.modes:
            return await self._assurance_key_only(request)
        return await self._from_key(request)

    async def _assurance_key_only(self, request: web.Request) -> Identity:
        """SSO only: no caller's key is accepted, except the assurance user's (admin-issued, echo models
        only: ``gateway.api.assurance_gate``), so that the gateway can still prove its controls."""
        sso_only = AuthenticationFailed("This gateway accepts only requests through the company's SSO proxy.")
        try:
            identity = await self._from_key(request)
        except RevokedKeyPresented as revoked:
            raise (revoked if revoked.owner == ASSURANCE_USER else sso_only) from None
        except AuthenticationFailed:
            raise sso_only from None
        if not identity.assurance:
            raise sso_only
        return identity

    async def _from_key(self, request: web.Request) -> Identity:
        presented = _presented_key(request)
        if presented is None:
            raise AuthenticationFailed(
                "Missing gateway API key: send your gateway key as "
                "'Authorization: Bearer <key>' or 'x-api-key: <key>'.",
                code="missing_api_key",
            )
        parsed = parse_key(presented)
        if parsed is None:
            raise AuthenticationFailed(
                "That is not a gateway API key. Use the key the gateway issued you (it starts with 'aigw_'); "
                "provider keys are held by the gateway and are not accepted here."
            )
        record = await self._lookup(parsed[0])
        if record is None:
            revoked = await asyncio.to_thread(self._store.revoked, parsed[0])
            if revoked is not None and revoked.matches(parsed[1]):
                raise RevokedKeyPresented(INVALID_KEY, owner=revoked.user)
        if record is None or not record.matches(parsed[1]):
            raise AuthenticationFailed(INVALID_KEY)
        return Identity(record.user, record.groups, "key", record.key_id)

    async def _lookup(self, key_id: str) -> KeyRecord | None:
        record = self._keys.get(key_id)
        if record is None:
            # The key may have been created since the last read: make sure the store
            # was read after this request arrived (cheap when nothing changed).
            await self.refresh(unless_read_since=time.monotonic())
            record = self._keys.get(key_id)
        return record

    def _identity_from_headers(self, request: web.Request) -> Identity | None:
        """Identity headers count only when they come from a configured proxy address."""
        if not self._trusted or request.remote is None:
            return None
        try:
            peer = ipaddress.ip_address(request.remote)
        except ValueError:
            return None
        if not any(peer in net for net in self._trusted):
            return None
        conf = self._settings.trusted_header
        user = _single(request, conf.user_header).strip()
        if not user or len(user) > MAX_USER_LENGTH:
            return None
        raw_groups = _single(request, conf.groups_header)
        for separator in conf.groups_separators[1:]:
            raw_groups = raw_groups.replace(separator, conf.groups_separators[0])
        groups = tuple(g for g in (p.strip() for p in raw_groups.split(conf.groups_separators[0])) if g)
        return Identity(user, groups, "trusted_header")


def _single(request: web.Request, header: str) -> str:
    """An identity header's value; sent more than once, it is refused. Taking the first (or merging)
    would let a client whose copy the proxy appended to, instead of replacing, pick its own groups."""
    values = request.headers.getall(header, [])
    if len(values) > 1:
        raise AuthenticationFailed(
            f"The SSO proxy sent the identity header {header!r} more than once; the request is refused.",
            code="ambiguous_identity",
        )
    value = values[0] if values else ""
    if not is_utf8_safe(value):  # bytes that are not UTF-8 (decoded with surrogateescape): no exact identity
        raise AuthenticationFailed(
            f"The SSO proxy sent the identity header {header!r} in an encoding other than UTF-8; refused.",
            code="invalid_identity",
        )
    return value


def _presented_key(request: web.Request) -> str | None:
    """The gateway key, from ``Authorization: Bearer``, ``x-api-key`` or ``api-key``. Two different
    keys (a header repeated, or two of them) are refused: "first wins" would be a silent choice."""
    presented: set[str] = set()
    for auth in request.headers.getall("authorization", []):
        scheme, _, token = auth.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            presented.add(token.strip())
    for header in ("x-api-key", "api-key"):
        presented.update(v.strip() for v in request.headers.getall(header, []) if v.strip())
    if len(presented) > 1:
        raise AuthenticationFailed("The request carries more than one gateway key; send one.", code="ambiguous_key")
    return presented.pop() if presented else None
