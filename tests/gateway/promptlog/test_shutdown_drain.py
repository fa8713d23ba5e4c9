"""No prompt-log record is lost when a real ``aigw serve`` process gets SIGTERM under load.

Clients send plain and streamed chat requests continuously; SIGTERM arrives in the middle.
The gateway stops listening, lets the requests in flight finish, then flushes its writer.
Afterwards the SQLite prompt log holds exactly one record for each response any client
got, and none for anything else. Two requests with large answers (one streamed) are
held by their clients, which stop reading after the headers until the listener has
closed, so that the drain provably covers requests in flight at shutdown.
"""

from __future__ import annotations

import http.client
import json
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import TEST_POLICY, stores_yaml
from tests.gateway.cli.test_cli import AIGW, aigw

CLIENTS = 8  # half of them stream
LOAD_S = 1.5
DEADLINE_S = 60.0
# Far more than the socket buffers on both sides hold, so that the writer must wait for the reader.
HELD_BYTES = 12_000_000


@dataclass(frozen=True)
class Answer:
    """A response some client got: status and request id from its headers; whether the body was whole."""

    status: int
    request_id: str
    stream: bool
    complete: bool


@dataclass
class Traffic:
    answers: list[Answer] = field(default_factory=list)
    errors: int = 0  # attempts that got no HTTP response (refused or reset after shutdown)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def failed(self) -> None:
        with self.lock:
            self.errors += 1

    def count(self, stream: bool) -> int:
        with self.lock:
            return sum(1 for a in self.answers if a.stream == stream)


@dataclass
class Gateway:
    proc: subprocess.Popen[str]
    api: str
    admin: str
    key: str
    log_file: Path
    prompt_log: Path
    spool: Path

    def events(self) -> list[dict[str, object]]:
        lines = self.log_file.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def admin_in_flight(self) -> float:
        """``aigw_requests_in_flight`` as the admin listener's /metrics shows it."""
        with urllib.request.urlopen(f"{self.admin}/metrics", timeout=5) as resp:
            for line in resp.read().decode().splitlines():
                if line.startswith("aigw_requests_in_flight "):
                    return float(line.split()[1])
        raise AssertionError("aigw_requests_in_flight is not exported")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Gateway]:
    """A real ``aigw serve`` process, SQLite prompt log in tmp_path, echo provider, JSON logs to a file
    (a pipe nobody reads during the load would fill and stall the gateway)."""
    config = tmp_path / "gateway.yaml"
    config.write_text(
        f"listen: {{port: 0}}\nadmin: {{port: 0}}\npolicy_path: {TEST_POLICY}\n"
        f"{stores_yaml(tmp_path)}log: {{format: json}}\nlimits: {{shutdown_grace_s: 30, max_body_bytes: 33554432}}\n"
        "providers:\n  echo: {type: echo, models: [echo-1]}\nroutes:\n  - {match: '*', provider: echo}\n"
    )
    created = aigw("keys", "create", "--user", "alice", "--group", "engineering", config=config)
    assert created.returncode == 0, created.stderr
    log_file = tmp_path / "gateway.log"
    with log_file.open("w") as out:
        proc = subprocess.Popen(
            [*AIGW, "serve", "--config", str(config)], stdout=out, stderr=subprocess.STDOUT, text=True
        )
    try:
        api, admin = wait_for_listening(proc, log_file)
        yield Gateway(
            proc,
            api,
            admin,
            created.stdout.strip(),
            log_file,
            tmp_path / "prompt-log.db",
            tmp_path / "prompt-log.spool",
        )
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def wait_for_listening(proc: subprocess.Popen[str], log_file: Path) -> tuple[str, str]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        for line in log_file.read_text().splitlines():
            if line.startswith("{") and (event := json.loads(line)).get("event") == "listening":
                return str(event["api"]), str(event["admin"])
        time.sleep(0.05)
    raise AssertionError(f"gateway did not start (exit code {proc.poll()}): {log_file.read_text()[-2000:]}")


def wait_for(condition: Callable[[], bool], what: str, seconds: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.02)


def chat_body(text: str, stream: bool) -> bytes:
    body: dict[str, object] = {"model": "echo-1", "messages": [{"role": "user", "content": text}]}
    if stream:
        body["stream"] = True
    return json.dumps(body).encode()


def whole(body: bytes, text: str, stream: bool) -> bool:
    """Whether a response body is the complete echo of ``text``."""
    if not stream:
        return bool(json.loads(body)["choices"][0]["message"]["content"] == text)
    events = [line[len("data: ") :] for line in body.decode().splitlines() if line.startswith("data: ")]
    if not events or events[-1] != "[DONE]":
        return False
    pieces = [json.loads(e)["choices"][0]["delta"].get("content") or "" for e in events[:-1]]
    return "".join(pieces) == text


def post(api: str, key: str, text: str, stream: bool) -> Answer:
    """One chat request; raises OSError or HTTPException when no HTTP response came back."""
    request = urllib.request.Request(
        f"{api}/v1/chat/completions",
        data=chat_body(text, stream),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        resp = urllib.request.urlopen(request, timeout=15)
    except urllib.error.HTTPError as refused:
        with refused:
            return Answer(refused.code, refused.headers["x-request-id"], stream, False)
    with resp:
        status, request_id = int(resp.status), str(resp.headers["x-request-id"])
        try:
            complete = whole(resp.read(), text, stream)
        except (OSError, http.client.HTTPException):  # the status and id came: the body broke off
            complete = False
    return Answer(status, request_id, stream, complete)


def client(gateway: Gateway, traffic: Traffic, stream: bool, stop: threading.Event, number: int) -> None:
    sent = 0
    while not stop.is_set():
        sent += 1
        try:
            traffic.add(post(gateway.api, gateway.key, f"client {number} request {sent} says hello", stream))
        except (OSError, http.client.HTTPException):  # refused or reset: the gateway is shutting down
            traffic.failed()
            stop.wait(0.01)


def held_answer(gateway: Gateway, stream: bool, started: threading.Event, go: threading.Event) -> Answer:
    """A request with a large answer that the client stops reading after its headers until ``go``:
    the gateway cannot finish sending it, so it is in flight across the shutdown."""
    text = " ".join([f"held-{stream}-" + "x" * 9_990] * (HELD_BYTES // 10_000))
    body = chat_body(text, stream)
    where = urlsplit(gateway.api)
    conn = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=DEADLINE_S)
    try:
        conn.request(
            "POST",
            "/v1/chat/completions",
            body=body,
            headers={"Authorization": f"Bearer {gateway.key}", "Content-Type": "application/json"},
        )
        resp = conn.getresponse()
        started.set()
        assert go.wait(DEADLINE_S), "the listener never closed"
        return Answer(resp.status, resp.headers["x-request-id"], stream, whole(resp.read(), text, stream))
    finally:
        conn.close()


def listener_closed(api: str) -> bool:
    where = urlsplit(api)
    try:
        socket.create_connection((where.hostname, where.port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:  # caught in the listener's backlog as it closed: the next try is refused
        return False
    return False


def stored_ids(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("SELECT request_id FROM exchanges")]
    finally:
        conn.close()


def test_sigterm_under_load_loses_no_record(served: Gateway) -> None:
    traffic = Traffic()
    stop, go = threading.Event(), threading.Event()
    held: list[Answer] = []
    held_started = [threading.Event(), threading.Event()]

    def hold(stream: bool, started: threading.Event) -> None:
        held.append(held_answer(served, stream, started, go))

    threads = [
        threading.Thread(target=hold, args=(stream, started), name=f"held-{stream}")
        for stream, started in zip((False, True), held_started, strict=True)
    ]
    threads += [
        threading.Thread(target=client, args=(served, traffic, n % 2 == 1, stop, n), name=f"client-{n}")
        for n in range(CLIENTS)
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: all(e.is_set() for e in held_started), "the held requests are in flight")
        wait_for(
            lambda: time.monotonic() - began >= LOAD_S and traffic.count(False) >= 20 and traffic.count(True) >= 20,
            "plain and streamed traffic flows",
        )
        served.proc.send_signal(signal.SIGTERM)
        wait_for(lambda: listener_closed(served.api), "the gateway stops listening")
        assert served.proc.poll() is None  # still draining: the held requests are in flight
        go.set()
        assert served.proc.wait(timeout=DEADLINE_S) == 0
    finally:
        go.set()
        stop.set()
        for thread in threads:
            thread.join(timeout=DEADLINE_S)

    assert not any(thread.is_alive() for thread in threads)
    assert len(held) == 2, "a held request got no response"
    assert sorted((a.stream, a.status, a.complete) for a in held) == [(False, 200, True), (True, 200, True)]
    answers = traffic.answers + held
    assert {a.status for a in answers} == {200}
    assert all(a.complete for a in answers), "a response was cut off by the shutdown"
    assert traffic.errors > 0  # the clients were still sending when the gateway went away

    # Exactly one record per response, none for anything else, and nothing left in a spool.
    ids = stored_ids(served.prompt_log)
    assert len(ids) == len(set(ids))
    assert len(ids) == len(answers)
    assert set(ids) == {a.request_id for a in answers}
    assert not served.spool.exists() or served.spool.read_text() == ""
    events = served.events()
    kinds = [e["event"] for e in events]
    assert "prompt_log_spooled_at_shutdown" not in kinds
    assert kinds[-1] == "stopped"
    # The held stream's exchange ended (and was recorded) only after the shutdown had begun.
    (held_stream,) = [a.request_id for a in held if a.stream]
    (ended,) = [i for i, e in enumerate(events) if e["event"] == "request" and e["request_id"] == held_stream]
    assert kinds.index("shutting_down") < ended


def test_a_request_still_uploading_at_sigterm_is_answered_and_recorded(served: Gateway) -> None:
    """The caller had sent its headers and half its body when SIGTERM came: the gateway has
    accepted that request, so it lets the upload finish, answers it and records it."""
    body = chat_body("uploaded across the shutdown", stream=False)
    head = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {served.key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    where = urlsplit(served.api)
    with socket.create_connection((where.hostname, where.port), timeout=DEADLINE_S) as sock:
        sock.sendall(head + body[:20])
        # The request counts as accepted once the gateway has begun it.
        wait_for(lambda: served.admin_in_flight() == 1, "the gateway has begun the request")
        served.proc.send_signal(signal.SIGTERM)
        wait_for(lambda: listener_closed(served.api), "the gateway stops listening")
        assert served.proc.poll() is None  # draining: this request is in flight
        sock.sendall(body[20:])
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        assert answer.status == 200
        request_id = answer.headers["x-request-id"]
        assert json.loads(answer.read())["choices"][0]["message"]["content"] == "uploaded across the shutdown"
    assert served.proc.wait(timeout=DEADLINE_S) == 0
    assert stored_ids(served.prompt_log) == [request_id]
