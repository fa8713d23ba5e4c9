"""Connection guards on both listeners, driven with raw sockets on loopback: slow headers,
idle keep-alive, the per-listener connection cap, malformed HTTP and the Server header.

Timeouts are small here; the tests assert outcomes (closed, refused, answered), never durations,
with deadlines far above the configured timeouts.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import aiohttp
import pytest

from gateway.testing import RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import StartGateway

DEADLINE_S = 15.0  # far above every timeout below: a failure means "never", not "slow"
FAST = {"header_timeout_s": 0.5, "keepalive_timeout_s": 1.0, "body_idle_timeout_s": 0.5, "body_timeout_s": 2.0}


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    return parts.hostname, parts.port


@contextmanager
def connect(url: str) -> Iterator[socket.socket]:
    sock = socket.create_connection(address(url), timeout=DEADLINE_S)
    try:
        yield sock
    finally:
        sock.close()


def closed_by_server(sock: socket.socket, drip: bytes = b"") -> bool:
    """Wait (sending ``drip`` a byte at a time, if given) until the server closes the connection:
    True if it did before the deadline; bytes it sends meanwhile are read and ignored."""
    deadline = time.monotonic() + DEADLINE_S
    sock.settimeout(0.1)
    sent = 0
    while time.monotonic() < deadline:
        try:
            if sent < len(drip):
                sock.sendall(drip[sent : sent + 1])
                sent += 1
            if sock.recv(65536) == b"":
                return True
        except TimeoutError:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 response with a Content-Length body (what the gateway sends for JSON)."""
    sock.settimeout(DEADLINE_S)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed in the middle of a response body"
        body += chunk
    return int(lines[0].split()[1]), headers, body[:length]


def get(path: str, key: str | None = None) -> bytes:
    auth = f"Authorization: Bearer {key}\r\n" if key else ""
    return f"GET {path} HTTP/1.1\r\nHost: gateway\r\n{auth}\r\n".encode()


def listener_url(gateway: RunningGateway, listener: str) -> str:
    return gateway.url if listener == "api" else gateway.admin_url


# ---------------------------------------------------------------------------- slow headers


@pytest.mark.parametrize("listener", ["api", "admin"])
def test_a_request_whose_headers_never_finish_is_closed(start_gateway: StartGateway, listener: str) -> None:
    gateway = start_gateway(limits=FAST)
    with connect(listener_url(gateway, listener)) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\n")  # and then nothing
        assert closed_by_server(sock)


@pytest.mark.parametrize("listener", ["api", "admin"])
def test_headers_trickling_in_one_byte_at_a_time_are_cut_off(start_gateway: StartGateway, listener: str) -> None:
    gateway = start_gateway(limits={**FAST, "header_timeout_s": 1.0})
    slowloris = b"GET /v1/models HTTP/1.1\r\nHost: gateway\r\n" + b"X-Padding: " + b"a" * 5000  # never ends
    with connect(listener_url(gateway, listener)) as sock:
        assert closed_by_server(sock, drip=slowloris)


def test_a_connection_that_sends_nothing_is_closed(start_gateway: StartGateway) -> None:
    gateway = start_gateway(limits=FAST)
    with connect(gateway.url) as sock:
        assert closed_by_server(sock)


def test_idle_keep_alive_connections_are_closed_and_active_ones_kept(start_gateway: StartGateway) -> None:
    gateway = start_gateway(limits=FAST)
    key = gateway.create_key("alice", "engineering")
    with connect(gateway.url) as sock:
        for _ in range(3):  # requests on one connection, each well within the timeouts: all answered
            sock.sendall(get("/v1/models", key))
            status, headers, _ = read_response(sock)
            assert status == 200
            assert headers.get("connection", "").lower() != "close"
        assert closed_by_server(sock)  # then idle: closed after the keep-alive timeout


def test_a_complete_request_is_not_cut_by_the_header_timer(start_gateway: StartGateway) -> None:
    """The timer runs per request: a kept-alive connection that was quiet for longer than the
    header timeout (but less than the keep-alive one) still serves its next request."""
    gateway = start_gateway(limits={**FAST, "header_timeout_s": 0.3, "keepalive_timeout_s": 30.0})
    key = gateway.create_key("alice", "engineering")
    with connect(gateway.url) as sock:
        sock.sendall(get("/v1/models", key))
        assert read_response(sock)[0] == 200
        time.sleep(1.0)
        sock.sendall(get("/v1/models", key))
        assert read_response(sock)[0] == 200


def test_a_long_stream_is_not_cut_by_the_client_timeouts(start_gateway: StartGateway, mock: MockProvider) -> None:
    tight = {"header_timeout_s": 0.2, "keepalive_timeout_s": 0.3, "body_idle_timeout_s": 0.2, "body_timeout_s": 0.5}
    gateway = start_gateway(limits=tight)
    key = gateway.create_key("alice", "engineering")
    mock.configure(ttft_ms=800, chunk_delay_ms=150)  # the answer takes seconds, the timeouts fractions of one
    body = {"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "x"}]}

    async def stream() -> str:
        async with aiohttp.ClientSession() as http:
            resp = await http.post(
                f"{gateway.url}/v1/chat/completions", json=body, headers={"authorization": f"Bearer {key}"}
            )
            text = ""
            async for line in resp.content:
                if line.startswith(b"data: {"):
                    choices = json.loads(line[6:])["choices"]
                    text += "".join(c["delta"].get("content") or "" for c in choices)
            return text

    assert gateway.run(stream(), timeout=60) == mock.behaviour.reply_text


# ---------------------------------------------------------------------------- connection cap


@pytest.mark.parametrize("listener", ["api", "admin"])
def test_connections_beyond_the_cap_are_refused_and_earlier_ones_keep_working(
    start_gateway: StartGateway, listener: str
) -> None:
    gateway = start_gateway(limits={"max_connections": 3, "header_timeout_s": 60.0, "keepalive_timeout_s": 60.0})
    key = gateway.create_key("alice", "engineering")
    url, path = listener_url(gateway, listener), "/v1/models" if listener == "api" else "/healthz"
    with connect(url) as first, connect(url) as second, connect(url) as third:
        for sock in (first, second, third):  # answered, so each was admitted before the next one opened
            sock.sendall(get(path, key))
            assert read_response(sock)[0] == 200
        with connect(url) as fourth:
            assert closed_by_server(fourth)
        for sock in (first, second, third):  # the admitted ones still work
            sock.sendall(get(path, key))
            assert read_response(sock)[0] == 200
        first.close()
        deadline = time.monotonic() + DEADLINE_S
        while True:  # the freed slot is taken by the next connection
            with connect(url) as again:
                again.sendall(get(path, key))
                try:
                    assert read_response(again)[0] == 200
                    break
                except (AssertionError, ConnectionResetError):
                    assert time.monotonic() < deadline, "a closed connection never freed its slot"
                    time.sleep(0.05)
    assert f'aigw_connections_rejected_total{{listener="{listener}",reason="over_limit"}}' in metrics(gateway)


def metrics(gateway: RunningGateway) -> str:
    with connect(gateway.admin_url) as sock:
        sock.sendall(get("/metrics"))
        text = read_response(sock)[2].decode()
    return "\n".join(line for line in text.splitlines() if not line.endswith(" 0.0"))


# ---------------------------------------------------------------------------- malformed HTTP, Server header

SECRET = "s3cr3t-header-value"
MALFORMED = [
    f"GET /v1/models HTTP/1.1\r\nHost: gateway\r\nX-Token: {SECRET}\x01\r\n\r\n",  # control byte in a value
    f"GET /v1/models HTTP/1.1\r\nHost: gateway\r\nBad Name {SECRET}: x\r\n\r\n",  # space in a header name
    f"GET /v1/models?{SECRET} HTTP/9.9\r\nHost: gateway\r\n\r\n",  # unknown version
    f"GET /v1/models HTTP/1.1\r\nHost: gateway\r\nContent-Length: {SECRET}\r\n\r\n",  # not a number
]


@pytest.mark.parametrize("listener", ["api", "admin"])
@pytest.mark.parametrize("request_text", MALFORMED, ids=["control-byte", "bad-name", "version", "length"])
def test_malformed_http_gets_a_generic_json_400_quoting_nothing(
    start_gateway: StartGateway, listener: str, request_text: str
) -> None:
    gateway = start_gateway()
    with connect(listener_url(gateway, listener)) as sock:
        sock.sendall(request_text.encode("latin-1"))
        status, headers, body = read_response(sock)
    assert status == 400
    assert SECRET.encode() not in body
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"]["type"] == "invalid_request_error"
    assert headers.get("server", "aigw") == "aigw"


@pytest.mark.parametrize(
    ("listener", "path", "expected"),
    [
        ("api", "/v1/models", 200),
        ("api", "/v1/nowhere", 404),
        ("api", "/v1/models?x", 401),
        ("admin", "/healthz", 200),
        ("admin", "/nowhere", 404),
        ("admin", "/admin/logs", 401),
    ],
)
def test_the_server_header_names_no_versions(
    start_gateway: StartGateway, listener: str, path: str, expected: int
) -> None:
    gateway = start_gateway()
    key = gateway.create_key("alice", "engineering") if expected == 200 else None
    with connect(listener_url(gateway, listener)) as sock:
        sock.sendall(get(path, key))
        status, headers, _ = read_response(sock)
    assert status == expected
    assert headers.get("server", "aigw") == "aigw"
