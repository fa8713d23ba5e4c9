"""SIEM export sinks against real receivers on loopback: a UDP and a TCP syslog server and an
aiohttp webhook receiver. Waits are on events with generous timeouts; nothing asserts a duration."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import socket
import stat
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import structlog
from aiohttp import web
from pydantic import TypeAdapter

from gateway.config.sink_settings import (
    AnySinkSettings,
    SinkSettings,
    SyslogSinkSettings,
)
from gateway.incidents.dispatcher import SinkDispatcher
from gateway.incidents.sinks import UDP_MAX_BYTES, Item, syslog_message

SECRET = "s3cret-for-tests"
ENV = {"SIEM_SECRET": SECRET}
SINKS = TypeAdapter(list[SinkSettings])
WAIT_S = 10.0


def incident(n: int = 1, **extra: object) -> dict[str, object]:
    return {
        "id": f"inc_{n:016x}",
        "type": "PII_IN_PROMPT",
        "severity": "high",
        "opened_at": "2025-01-02T03:04:05Z",
        "seq": n,
        **extra,
    }


def sinks(*raw: dict[str, Any]) -> list[AnySinkSettings]:
    return SINKS.validate_python(list(raw))


async def wait_until(condition: Callable[[], bool]) -> None:
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "not within the time allowed"
        await asyncio.sleep(0.01)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- syslog parsing (RFC 5424), strict enough to catch a malformed message

SYSLOG = re.compile(
    rb"^<(?P<pri>\d{1,3})>(?P<version>\d) (?P<ts>\S+) (?P<host>\S+) (?P<app>\S+) (?P<proc>\S+) (?P<msgid>\S+) "
    rb"(?P<sd>\[(?:[^\]\\]|\\.)*\]) \xef\xbb\xbf(?P<msg>.*)$",
    re.DOTALL,
)
SD_PARAM = re.compile(r'(\w+)="((?:[^"\\\]]|\\.)*)"')


def parse_syslog(data: bytes) -> dict[str, Any]:
    match = SYSLOG.match(data)
    assert match, data[:200]
    sd = match["sd"].decode()
    assert sd.startswith("[aigw@32473 ")
    params = {k: re.sub(r"\\(.)", r"\1", v) for k, v in SD_PARAM.findall(sd)}
    return {
        "pri": int(match["pri"]),
        "version": match["version"],
        "app": match["app"].decode(),
        "msgid": match["msgid"].decode(),
        "params": params,
        "msg": json.loads(match["msg"].decode()),
    }


class UdpReceiver(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.datagrams: list[bytes] = []

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.datagrams.append(data)


@pytest.fixture
async def udp_server() -> AsyncIterator[tuple[UdpReceiver, int]]:
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(UdpReceiver, local_addr=("127.0.0.1", 0))
    yield protocol, transport.get_extra_info("sockname")[1]
    transport.close()


# --- a webhook receiver that checks signatures


class Receiver:
    def __init__(self) -> None:
        self.statuses: list[int] = []  # answered in turn, then 200
        self.bodies: list[dict[str, Any]] = []
        self.requests = 0
        self.bad_signatures = 0
        self.stall = asyncio.Event()
        self.stall.set()  # cleared: the handler waits until it is set again
        self.arrived = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        self.arrived.set()
        await self.stall.wait()
        body = await request.read()
        timestamp = request.headers["X-Aigw-Timestamp"]
        expected = "sha256=" + hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers["X-Aigw-Signature"]):
            self.bad_signatures += 1
            return web.Response(status=401)
        assert request.content_type == "application/json"
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.bodies.append(json.loads(body))
        return web.Response(status=status)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/hook", rec.handle)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield rec, f"http://127.0.0.1:{port}/hook"
    rec.stall.set()
    await runner.cleanup()


def webhook(url: str, **extra: object) -> dict[str, Any]:
    return {"type": "webhook", "url": url, "secret_env": "SIEM_SECRET", "backoff_initial_s": 0.01, **extra}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- jsonl


async def test_jsonl_appends_lines_to_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "out" / "incidents.jsonl"
    for batch in ([incident(1), incident(2)], [incident(3)]):  # a second run appends
        dispatcher = SinkDispatcher(sinks({"type": "jsonl", "path": path}), {})
        await dispatcher.start()
        for inc in batch:
            dispatcher.publish(inc)
        await dispatcher.close(grace_s=WAIT_S)
        counts = dispatcher.stats()["jsonl"]
        assert counts == {"sent": len(batch), "failed_attempts": 0, "dead_lettered": 0, "queued": 0}
    assert read_jsonl(path) == [incident(1), incident(2), incident(3)]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- syslog


async def test_syslog_udp_sends_an_rfc5424_message(udp_server: tuple[UdpReceiver, int], tmp_path: Path) -> None:
    server, port = udp_server
    settings = sinks({"type": "syslog", "host": "127.0.0.1", "port": port, "app_name": "gw-test"})
    dispatcher = SinkDispatcher(settings, {})
    await dispatcher.start()
    tricky = incident(7, id='inc_a"b]c\\d', severity="critical", note="ünïcode")
    dispatcher.publish(tricky)
    await wait_until(lambda: len(server.datagrams) == 1)
    await dispatcher.close(grace_s=WAIT_S)
    message = parse_syslog(server.datagrams[0])
    assert message["pri"] == 13 * 8 + 2  # log audit, critical
    assert message["version"] == b"1"
    assert message["app"] == "gw-test"
    assert message["msgid"] == "PII_IN_PROMPT"
    assert message["params"] == {"id": 'inc_a"b]c\\d', "severity": "critical", "type": "PII_IN_PROMPT"}
    assert message["msg"] == tricky


@pytest.mark.parametrize(
    ("severity", "code"), [("critical", 2), ("high", 3), ("medium", 4), ("low", 5), ("info", 6), ("bogus", 4)]
)
def test_syslog_priority_is_facility_and_severity(severity: str, code: int) -> None:
    [settings] = sinks({"type": "syslog", "host": "h", "facility": 23})
    assert isinstance(settings, SyslogSinkSettings)
    item = Item("inc_1", "BAD TYPE", severity, b'{"id":"inc_1"}')
    message = parse_syslog(syslog_message(item, settings))
    assert message["pri"] == 23 * 8 + code
    assert message["msgid"] == "BAD_TYPE"  # a header field has no spaces


async def test_syslog_udp_keeps_large_incidents_below_the_datagram_limit(udp_server: tuple[UdpReceiver, int]) -> None:
    server, port = udp_server
    dispatcher = SinkDispatcher(sinks({"type": "syslog", "host": "127.0.0.1", "port": port, "facility": 4}), {})
    await dispatcher.start()
    dispatcher.publish(incident(1, severity="info", excerpt="x" * 20_000))
    await wait_until(lambda: len(server.datagrams) == 1)
    await dispatcher.close(grace_s=WAIT_S)
    assert len(server.datagrams[0]) <= UDP_MAX_BYTES
    message = parse_syslog(server.datagrams[0])
    assert message["pri"] == 4 * 8 + 6
    assert message["msg"]["truncated"] is True
    assert message["msg"]["id"] == incident(1)["id"]
    assert "excerpt" not in message["msg"]


async def test_syslog_tcp_uses_octet_counting_frames() -> None:
    frames: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                length = int((await reader.readuntil(b" "))[:-1])
                frames.append(await reader.readexactly(length))
        except asyncio.IncompleteReadError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = sinks({"type": "syslog", "host": "127.0.0.1", "port": port, "protocol": "tcp"})
    dispatcher = SinkDispatcher(settings, {})
    await dispatcher.start()
    dispatcher.publish(incident(1, severity="low"))
    dispatcher.publish(incident(2, severity="medium", type="SECRET_IN_PROMPT"))
    await wait_until(lambda: len(frames) == 2)
    await dispatcher.close(grace_s=WAIT_S)
    server.close()
    await server.wait_closed()
    first, second = (parse_syslog(frame) for frame in frames)
    assert (first["pri"], first["msgid"], first["msg"]) == (13 * 8 + 5, "PII_IN_PROMPT", incident(1, severity="low"))
    assert (second["pri"], second["msgid"]) == (13 * 8 + 4, "SECRET_IN_PROMPT")
    assert second["params"]["id"] == incident(2)["id"]


# --- webhook


async def test_webhook_posts_signed_json(receiver: tuple[Receiver, str], tmp_path: Path) -> None:
    rec, url = receiver
    sent: list[str] = []
    dispatcher = SinkDispatcher(sinks(webhook(url)), ENV, on_sent=sent.append)
    await dispatcher.start()
    dispatcher.publish(incident(1))
    dispatcher.publish(incident(2))
    await wait_until(lambda: len(sent) == 2)
    await dispatcher.close(grace_s=WAIT_S)
    assert rec.bad_signatures == 0
    assert rec.bodies == [incident(1), incident(2)]
    assert sent == ["webhook", "webhook"]


async def test_webhook_wrong_secret_is_rejected_by_the_receiver(receiver: tuple[Receiver, str], tmp_path: Path) -> None:
    rec, url = receiver  # proves that the receiver's check can fail
    dead = tmp_path / "dead.jsonl"
    settings = sinks(webhook(url, max_attempts=1, dead_letter_path=dead))
    dispatcher = SinkDispatcher(settings, {"SIEM_SECRET": "another"})
    await dispatcher.start()
    dispatcher.publish(incident(1))
    await wait_until(lambda: dispatcher.stats()["webhook"]["dead_lettered"] == 1)
    await dispatcher.close(grace_s=WAIT_S)
    assert (rec.bad_signatures, rec.bodies) == (1, [])
    assert read_jsonl(dead)[0]["error"] == "HTTP 401"


async def test_webhook_retries_server_errors(receiver: tuple[Receiver, str], tmp_path: Path) -> None:
    rec, url = receiver
    rec.statuses = [500, 500]
    failures: list[tuple[str, str]] = []
    dispatcher = SinkDispatcher(
        sinks(webhook(url, dead_letter_path=tmp_path / "dead.jsonl")),
        ENV,
        on_failure=lambda sink, reason: failures.append((sink, reason)),
    )
    await dispatcher.start()
    dispatcher.publish(incident(1))
    await wait_until(lambda: dispatcher.stats()["webhook"]["sent"] == 1)
    await dispatcher.close(grace_s=WAIT_S)
    assert rec.requests == 3
    assert rec.bodies == [incident(1)]
    assert failures == [("webhook", "HTTP 500"), ("webhook", "HTTP 500")]
    assert dispatcher.stats()["webhook"] == {"sent": 1, "failed_attempts": 2, "dead_lettered": 0, "queued": 0}
    assert not (tmp_path / "dead.jsonl").exists()


async def test_dead_receiver_dead_letters_after_max_attempts(tmp_path: Path) -> None:
    dead = tmp_path / "dead.jsonl"
    url = f"http://127.0.0.1:{closed_port()}/hook"
    causes: list[str] = []
    dispatcher = SinkDispatcher(
        sinks(webhook(url, name="soar", max_attempts=2, dead_letter_path=dead)),
        ENV,
        on_dead_letter=lambda _sink, cause: causes.append(cause),
    )
    await dispatcher.start()
    with structlog.testing.capture_logs() as logs:
        dispatcher.publish(incident(1, excerpt="the redacted excerpt"))
        await wait_until(lambda: causes == ["max_attempts"])
    await dispatcher.close(grace_s=WAIT_S)
    inc_id = incident(1)["id"]
    assert [(e["event"], e.get("attempt")) for e in logs] == [
        ("siem_send_failed", 1),
        ("siem_send_failed", 2),
        ("siem_dead_lettered", None),
    ]
    assert all(e["sink"] == "soar" and e["incident_id"] == inc_id for e in logs)
    assert "excerpt" not in repr(logs)  # never the incident itself
    [record] = read_jsonl(dead)
    assert record["sink"] == "soar"
    assert record["error"] == "ClientConnectorError"
    assert record["incident"] == incident(1, excerpt="the redacted excerpt")
    assert record["failed_at"].endswith("Z")
    assert stat.S_IMODE(dead.stat().st_mode) == 0o600
    assert dispatcher.stats()["soar"] == {"sent": 0, "failed_attempts": 2, "dead_lettered": 1, "queued": 0}


async def test_a_stalled_webhook_holds_up_neither_publish_nor_other_sinks(
    receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    rec, url = receiver
    rec.stall.clear()
    path, dead = tmp_path / "incidents.jsonl", tmp_path / "dead.jsonl"
    settings = sinks(webhook(url, timeout_s=60, dead_letter_path=dead), {"type": "jsonl", "path": path})
    dispatcher = SinkDispatcher(settings, ENV)
    await dispatcher.start()
    dispatcher.publish(incident(1))
    await asyncio.wait_for(rec.arrived.wait(), WAIT_S)  # the webhook is now stuck in its handler
    for n in range(2, 6):
        dispatcher.publish(incident(n))
    await wait_until(lambda: dispatcher.stats()["jsonl"]["sent"] == 5)
    assert read_jsonl(path) == [incident(n) for n in range(1, 6)]
    assert dispatcher.stats()["webhook"]["queued"] == 5  # one in flight, four waiting
    assert rec.bodies == []
    await dispatcher.close(grace_s=0.05)  # the stalled sink cannot drain: everything is dead-lettered
    assert sorted(r["incident"]["seq"] for r in read_jsonl(dead)) == [1, 2, 3, 4, 5]
    assert {r["error"] for r in read_jsonl(dead)} == {"shutdown"}
    assert dispatcher.stats()["webhook"]["dead_lettered"] == 5


async def test_a_full_queue_dead_letters_at_once(receiver: tuple[Receiver, str], tmp_path: Path) -> None:
    rec, url = receiver
    rec.stall.clear()
    dead = tmp_path / "dead.jsonl"
    causes: list[str] = []
    settings = sinks(webhook(url, queue_size=1, timeout_s=60, dead_letter_path=dead))
    dispatcher = SinkDispatcher(settings, ENV, on_dead_letter=lambda _sink, cause: causes.append(cause))
    await dispatcher.start()
    dispatcher.publish(incident(1))
    await asyncio.wait_for(rec.arrived.wait(), WAIT_S)  # 1 in flight
    dispatcher.publish(incident(2))  # queued
    dispatcher.publish(incident(3))  # no room
    assert causes == ["queue_full"]
    [record] = read_jsonl(dead)
    assert (record["error"], record["incident"]) == ("queue_full", incident(3))
    assert dispatcher.stats()["webhook"] == {"sent": 0, "failed_attempts": 0, "dead_lettered": 1, "queued": 2}
    rec.stall.set()
    await wait_until(lambda: dispatcher.stats()["webhook"]["sent"] == 2)
    await dispatcher.close(grace_s=WAIT_S)
    assert rec.bodies == [incident(1), incident(2)]
    assert len(read_jsonl(dead)) == 1


async def test_close_without_start_dead_letters_what_was_queued(tmp_path: Path) -> None:
    dead = tmp_path / "dead.jsonl"
    dispatcher = SinkDispatcher(sinks({"type": "jsonl", "path": tmp_path / "x", "dead_letter_path": dead}), {})
    dispatcher.publish(incident(1))
    await dispatcher.close(grace_s=WAIT_S)
    dispatcher.publish(incident(2))  # after close: straight to the dead-letter file
    assert [r["incident"]["seq"] for r in read_jsonl(dead)] == [1, 2]
    assert not (tmp_path / "x").exists()


async def test_publish_never_raises_on_an_unencodable_incident(tmp_path: Path) -> None:
    failures: list[tuple[str, str]] = []
    path = tmp_path / "x.jsonl"
    dispatcher = SinkDispatcher(
        sinks({"type": "jsonl", "path": path}), {}, on_failure=lambda sink, why: failures.append((sink, why))
    )
    await dispatcher.start()
    dispatcher.publish(incident(1, note="lone surrogate \ud800"))
    dispatcher.publish(incident(2))
    await wait_until(lambda: dispatcher.stats()["jsonl"]["sent"] == 1)
    await dispatcher.close(grace_s=WAIT_S)
    assert failures == [("jsonl", "unserializable")]
    assert read_jsonl(path) == [incident(2)]
