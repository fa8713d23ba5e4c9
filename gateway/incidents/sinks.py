"""Copy every incident to the SIEM: a JSONL file, syslog (RFC 5424) or a signed webhook.

``SinkDispatcher.publish`` never waits and never raises: each sink has its own bounded
queue and worker, so a slow or dead sink holds up neither the gateway nor the other sinks.
A send that fails is retried with exponential backoff and jitter; an incident that cannot be
delivered (attempts used up, queue full, shutdown) is appended to the sink's dead-letter
file, so none is lost silently. Delivery is at least once: a send cut short by shutdown
may be both delivered and dead-lettered. Logs name the incident and the error type, never
the incident itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import random
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import structlog

from gateway.incidents.sink_settings import (
    AnySinkSettings,
    JsonlSinkSettings,
    SyslogSinkSettings,
    WebhookSinkSettings,
    verify_sinks,
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


@dataclass
class _Lane:
    """One sink with its queue, worker and counters."""

    settings: AnySinkSettings
    sink: Sink
    queue: asyncio.Queue[Item]
    in_flight: list[Item] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    sent: int = 0
    failed_attempts: int = 0
    dead_lettered: int = 0

    @property
    def name(self) -> str:
        return self.settings.sink_name


class SinkDispatcher:
    def __init__(
        self,
        sinks: Sequence[AnySinkSettings],
        environ: Mapping[str, str],
        *,
        on_sent: OnSent | None = None,
        on_failure: OnFailure | None = None,
        on_dead_letter: OnFailure | None = None,
    ) -> None:
        verify_sinks(sinks, environ)  # raises SinkConfigError (MissingSecretError) at construction
        self._lanes = [_Lane(s, build_sink(s, environ), asyncio.Queue(maxsize=s.queue_size)) for s in sinks]
        self._on_sent = on_sent
        self._on_failure = on_failure
        self._on_dead_letter = on_dead_letter
        self._closing = False

    async def start(self) -> None:
        for lane in self._lanes:
            if lane.task is None:
                await lane.sink.start()
                lane.task = asyncio.create_task(self._work(lane), name=f"siem-sink-{lane.name}")

    def publish(self, incident: Mapping[str, object]) -> None:
        """Queue the incident for every sink; never blocks, never raises."""
        try:
            item = _item(incident)
        except Exception as exc:  # not JSON-able: a caller's bug, which must not break the caller
            log.error("siem_unserializable", incident_id=str(incident.get("id")), error=type(exc).__name__)
            for lane in self._lanes:
                self._notify(self._on_failure, lane.name, "unserializable")
            return
        for lane in self._lanes:
            if self._closing:
                self._dead_letter(lane, [item], "shutdown", "shutdown", sync=False)
                continue
            try:
                lane.queue.put_nowait(item)
            except asyncio.QueueFull:
                # Rare: a small synchronous append (fsynced at close) beats losing the incident.
                self._dead_letter(lane, [item], "queue_full", "queue_full", sync=False)

    async def close(self, grace_s: float) -> None:
        """Deliver what can be within ``grace_s``, dead-letter the rest, release connections.

        Incidents published from now on go straight to the dead-letter files."""
        self._closing = True
        tasks = [lane.task for lane in self._lanes if lane.task is not None]
        if tasks:
            drained = [asyncio.create_task(lane.queue.join()) for lane in self._lanes if lane.task is not None]
            await asyncio.wait(drained, timeout=grace_s)
            for task in [*drained, *tasks]:
                task.cancel()
            await asyncio.gather(*drained, *tasks, return_exceptions=True)
        for lane in self._lanes:
            lane.task = None
            left = lane.in_flight + _drain(lane.queue)
            lane.in_flight = []
            if left:
                await self._dead_letter_async(lane, left, "shutdown", "shutdown")
            await lane.sink.close()

    def stats(self) -> dict[str, dict[str, int]]:
        return {
            lane.name: {
                "sent": lane.sent,
                "failed_attempts": lane.failed_attempts,
                "dead_lettered": lane.dead_lettered,
                "queued": lane.queue.qsize() + len(lane.in_flight),
            }
            for lane in self._lanes
        }

    async def _work(self, lane: _Lane) -> None:
        while True:
            batch = [await lane.queue.get()]
            while len(batch) < lane.sink.batch_limit and not lane.queue.empty():
                batch.append(lane.queue.get_nowait())
            lane.in_flight = batch  # close() dead-letters it if cancelled mid-send
            try:
                await self._deliver(lane, batch)
            except Exception as exc:  # a bug here must not kill the worker and strand the queue
                log.error("siem_worker_error", sink=lane.name, incident_id=batch[0].id, error=type(exc).__name__)
                self._dead_letter(lane, lane.in_flight, type(exc).__name__, "worker_error", sync=False)
            lane.in_flight = []
            for _ in batch:
                lane.queue.task_done()

    async def _deliver(self, lane: _Lane, batch: list[Item]) -> None:
        settings = lane.settings
        for attempt in range(1, settings.max_attempts + 1):
            try:
                await lane.sink.send(batch)
            except Exception as exc:  # any failure of this sink is retried, then dead-lettered
                reason = exc.reason if isinstance(exc, SendError) else type(exc).__name__
                lane.failed_attempts += 1
                log.warning("siem_send_failed", sink=lane.name, incident_id=batch[0].id, error=reason, attempt=attempt)
                self._notify(self._on_failure, lane.name, reason)
                if attempt == settings.max_attempts:
                    lane.in_flight = []  # the write below finishes in its thread even if shutdown cancels us
                    await self._dead_letter_async(lane, batch, reason, "max_attempts")
                    return
                await asyncio.sleep(_backoff(settings.backoff_initial_s, settings.backoff_max_s, attempt))
            else:
                lane.sent += len(batch)
                for _ in batch:
                    self._notify(self._on_sent, lane.name)
                return

    def _dead_letter(self, lane: _Lane, items: list[Item], error: str, cause: str, sync: bool) -> None:
        """Synchronous: for publish(), where awaiting is not allowed."""
        error_type = _write_dead_letter(lane.name, lane.settings.dead_letter_file, items, error, sync)
        self._record_dead_letter(lane, items, cause, error_type)

    async def _dead_letter_async(self, lane: _Lane, items: list[Item], error: str, cause: str) -> None:
        # In a thread: fsync can take long and must not stall the event loop.
        path = lane.settings.dead_letter_file
        error_type = await asyncio.to_thread(_write_dead_letter, lane.name, path, items, error, True)
        self._record_dead_letter(lane, items, cause, error_type)

    def _record_dead_letter(self, lane: _Lane, items: list[Item], cause: str, write_error: str | None) -> None:
        for item in items:
            if write_error is not None:
                # The incident is still in the incident store; say loudly that its SIEM copy is gone.
                log.error("siem_dead_letter_failed", sink=lane.name, incident_id=item.id, error=write_error)
                self._notify(self._on_failure, lane.name, "dead_letter_failed")
                continue
            lane.dead_lettered += 1
            log.error("siem_dead_lettered", sink=lane.name, incident_id=item.id, cause=cause)
            self._notify(self._on_dead_letter, lane.name, cause)

    @staticmethod
    def _notify(callback: Callable[..., None] | None, *args: str) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception as exc:  # a metrics hook must not stop delivery
            log.warning("siem_callback_failed", error=type(exc).__name__)


def _item(incident: Mapping[str, object]) -> Item:
    # default=str: a datetime or enum the caller left in is exported as text rather than refused.
    body = json.dumps(dict(incident), ensure_ascii=False, separators=(",", ":"), default=str).encode()
    return Item(str(incident.get("id")), str(incident.get("type")), str(incident.get("severity")), body)


def _write_dead_letter(sink: str, path: Path, items: Sequence[Item], error: str, sync: bool) -> str | None:
    """Append the dead-letter records; the error type if the file cannot be written."""
    failed_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    prefix = json.dumps({"sink": sink, "failed_at": failed_at, "error": error}).encode()[:-1]
    lines = [prefix + b', "incident": ' + item.body + b"}" for item in items]  # the body is JSON already
    try:
        append_lines(path, lines, sync)
    except OSError as exc:
        return type(exc).__name__
    return None


def _drain(queue: asyncio.Queue[Item]) -> list[Item]:
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items


def _backoff(initial: float, maximum: float, attempt: int) -> float:
    """Doubling delay, capped, with "equal jitter" so that sinks recovering together do not retry in step."""
    delay = min(maximum, initial * 2 ** (attempt - 1))
    return random.uniform(delay / 2, delay)
