"""The SIEM sinks: a JSONL file, syslog (RFC 5424) or a signed webhook; one send each.

Queues, retries with backoff and dead-letter files are ``dispatcher``'s. Logs name the
incident and the error type, never the incident itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import structlog

from gateway.config.sink_settings import (
    AnySinkSettings,
    JsonlSinkSettings,
    SyslogSinkSettings,
    WebhookSinkSettings,
    webhook_secret,
)

log = structlog.get_logger("aigw")

JSONL_BATCH = 256  # incidents per write + fsync
# A UDP datagram stays below 8 KiB: what rsyslog and syslog-ng accept by default, and
# small enough not to be dropped by receivers; TCP (octet counting) has no such limit.
UDP_MAX_BYTES = 8000
SD_ID = "aigw@32473"
BOM = b"\xef\xbb\xbf"
SYSLOG_SEVERITY = {"critical": 2, "high": 3, "medium": 4, "low": 5, "info": 6}
SUMMARY_KEYS = ("id", "type", "severity", "status", "opened_at", "seq", "hash")

OnSent = Callable[[str], None]  # sink name
OnFailure = Callable[[str, str], None]  # sink name, reason (error type, "HTTP 503", ...)


@dataclass(frozen=True)
class Item:
    """An incident serialised once at publish time: a snapshot, whatever the caller does next."""

    id: str
    type: str
    severity: str
    body: bytes  # the incident's JSON, UTF-8: encoded once, so no sink can fail to encode it


class SendError(Exception):
    """A failure whose reason is not an exception type, e.g. a webhook's HTTP status."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Sink:
    batch_limit = 1  # how many incidents one send() may take

    async def start(self) -> None:
        return None

    async def send(self, items: Sequence[Item]) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        return None


# --- JSONL


class JsonlSink(Sink):
    batch_limit = JSONL_BATCH

    def __init__(self, settings: JsonlSinkSettings) -> None:
        self.path = settings.path

    async def send(self, items: Sequence[Item]) -> None:
        # In a thread: fsync can take long and must not stall the event loop.
        await asyncio.to_thread(append_lines, self.path, [item.body for item in items], True)


def append_lines(path: Path, lines: Sequence[bytes], sync: bool) -> None:
    """Append in one write() to an O_APPEND file: concurrent appenders cannot interleave lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = b"".join(line + b"\n" for line in lines)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


# --- syslog


def sd_escape(value: str) -> str:
    """RFC 5424 section 6.3.3: escape backslash first, then the quote and the closing bracket."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def _header_token(value: str, limit: int) -> str:
    """A header field: printable US-ASCII without spaces, at most ``limit`` characters, or "-"."""
    token = "".join(c if "!" <= c <= "~" else "_" for c in value)[:limit]
    return token or "-"


def syslog_message(item: Item, settings: SyslogSinkSettings, max_bytes: int | None = None) -> bytes:
    """One RFC 5424 message; over ``max_bytes``, the MSG becomes a summary that is still JSON."""
    severity = SYSLOG_SEVERITY.get(item.severity, 4)  # unknown: warning rather than under-report
    timestamp = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    header = (
        f"<{settings.facility * 8 + severity}>1 {timestamp} {_header_token(socket.gethostname(), 255)} "
        f"{settings.app_name} {os.getpid()} {_header_token(item.type, 32)} "
        f'[{SD_ID} id="{sd_escape(item.id)}" severity="{sd_escape(item.severity)}" type="{sd_escape(item.type)}"] '
    ).encode()
    message = header + BOM + item.body
    if max_bytes is None or len(message) <= max_bytes:
        return message
    message = header + BOM + _summary(item.body).encode()
    if len(message) > max_bytes:
        # Only an absurd id or type gets here; cut rather than lose the whole record.
        return message[:max_bytes]
    return message


def _summary(body: bytes) -> str:
    incident = json.loads(body)
    kept = {key: incident[key] for key in SUMMARY_KEYS if key in incident}
    return json.dumps({**kept, "truncated": True}, ensure_ascii=False, separators=(",", ":"))


class SyslogSink(Sink):
    """Connects at the first send: a syslog server down at start-up must not stop the gateway."""

    def __init__(self, settings: SyslogSinkSettings) -> None:
        self.settings = settings
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def send(self, items: Sequence[Item]) -> None:
        for item in items:
            if self.settings.protocol == "udp":
                await self._send_udp(syslog_message(item, self.settings, UDP_MAX_BYTES))
            else:
                await self._send_tcp(syslog_message(item, self.settings))

    async def _send_udp(self, message: bytes) -> None:
        # UDP is fire and forget: a receiver that is down loses the message unnoticed.
        if self._udp is None or self._udp.is_closing():
            loop = asyncio.get_running_loop()
            remote = (self.settings.host, self.settings.port)
            self._udp, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, remote_addr=remote)
        self._udp.sendto(message)

    async def _send_tcp(self, message: bytes) -> None:
        timeout = self.settings.timeout_s
        if self._tcp is None or self._tcp[0].at_eof() or self._tcp[1].is_closing():
            await self._close_tcp()  # the server went away: reconnect
            connecting = asyncio.open_connection(self.settings.host, self.settings.port)
            self._tcp = await asyncio.wait_for(connecting, timeout)
        writer = self._tcp[1]
        try:
            writer.write(b"%d " % len(message) + message)  # RFC 6587 octet counting
            await asyncio.wait_for(writer.drain(), timeout)
        except BaseException:
            await self._close_tcp()  # a half-written frame would corrupt the stream
            raise

    async def _close_tcp(self) -> None:
        if self._tcp is not None:
            writer, self._tcp = self._tcp[1], None
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 1.0)

    async def close(self) -> None:
        if self._udp is not None:
            self._udp.close()
            self._udp = None
        await self._close_tcp()


# --- webhook


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class WebhookSink(Sink):
    def __init__(self, settings: WebhookSinkSettings, secret: bytes) -> None:
        self.settings = settings
        self._secret = secret
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.settings.timeout_s))

    async def send(self, items: Sequence[Item]) -> None:
        if self._session is None:
            raise RuntimeError("webhook sink not started")
        for item in items:
            body = item.body
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "X-Aigw-Timestamp": timestamp,
                "X-Aigw-Signature": sign(self._secret, timestamp, body),
            }
            # No redirects: a signed incident goes to the configured URL or nowhere.
            async with self._session.post(self.settings.url, data=body, headers=headers, allow_redirects=False) as resp:
                await resp.read()
                if not 200 <= resp.status < 300:
                    raise SendError(f"HTTP {resp.status}")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def build_sink(settings: AnySinkSettings, environ: Mapping[str, str]) -> Sink:
    if isinstance(settings, JsonlSinkSettings):
        return JsonlSink(settings)
    if isinstance(settings, SyslogSinkSettings):
        return SyslogSink(settings)
    return WebhookSink(settings, webhook_secret(settings, environ))


# --- the dispatcher
