"""Request bodies: deadlines for slow bodies (408) and the Content-Type rule for SSO callers (415)."""

from __future__ import annotations

import json
import os
import socket
import time
from typing import Any

import aiohttp
import pytest

from gateway.auth.admin_tokens import AdminTokenStore
from gateway.testing import RunningGateway
from tests.conftest import StartGateway
from tests.gateway.server.test_connections import DEADLINE_S, FAST, closed_by_server, connect, read_response

CHAT = json.dumps({"model": "echo-1", "messages": [{"role": "user", "content": "hi"}]}).encode()
SSO = {"x-forwarded-user": "carol@example.com", "x-forwarded-groups": "engineering"}
SSO_IDENTITY = {"modes": ["keys", "trusted_header"], "trusted_header": {"trusted_proxies": ["127.0.0.0/8"]}}


def post_head(path: str, headers: dict[str, str]) -> bytes:
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"POST {path} HTTP/1.1\r\nHost: gateway\r\n{lines}\r\n".encode()


def answer_or_close(sock: socket.socket) -> tuple[int, dict[str, str], bytes] | None:
    """The response the server sends, or None if it closes the connection without one."""
    try:
        return read_response(sock)
    except (AssertionError, ConnectionResetError):
        return None


# ---------------------------------------------------------------------------- slow bodies


@pytest.mark.parametrize(("path", "anthropic"), [("/v1/chat/completions", False), ("/v1/messages", True)])
def test_a_body_that_stops_after_one_byte_gets_a_408(start_gateway: StartGateway, path: str, anthropic: bool) -> None:
    gateway = start_gateway(limits=FAST)
    key = gateway.create_key("alice", "engineering")
    head = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Content-Length": str(len(CHAT))}
    with connect(gateway.url) as sock:
        sock.sendall(post_head(path, head) + CHAT[:1])  # and then silence
        answer = answer_or_close(sock)
        assert answer is not None, "closed without an answer"
        status, _, body = answer
        assert status == 408
        error = json.loads(body)
        if anthropic:
            assert error["type"] == "error"
            assert error["error"]["type"] == "invalid_request_error"
        else:
            assert error["error"]["code"] == "request_timeout"
        assert closed_by_server(sock)  # and the connection is not kept for another request


def test_an_endless_chunked_body_gets_a_408(start_gateway: StartGateway) -> None:
    gateway = start_gateway(limits=FAST)  # body_timeout_s 2: however steadily it trickles
    key = gateway.create_key("alice", "engineering")
    head = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    with connect(gateway.url) as sock:
        sock.sendall(post_head("/v1/chat/completions", head) + b"1\r\n{\r\n")
        sock.settimeout(0.05)
        deadline, received = time.monotonic() + DEADLINE_S, b""
        while b"\r\n\r\n" not in received and time.monotonic() < deadline:
            try:
                sock.sendall(b"1\r\n \r\n")  # one more byte of whitespace, well within the idle timeout
                received += sock.recv(65536)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
    assert received.startswith(b"HTTP/1.1 408"), received[:100]


def test_an_unauthenticated_slow_body_is_answered_at_once(start_gateway: StartGateway) -> None:
    gateway = start_gateway(limits=FAST)
    with connect(gateway.url) as sock:
        head = {"Content-Type": "application/json", "Content-Length": "1000"}
        sock.sendall(post_head("/v1/chat/completions", head) + b"{")
        answer = answer_or_close(sock)
        assert answer is None or answer[0] == 401
        assert closed_by_server(sock)


def test_a_slow_body_on_the_admin_listener_gets_a_408(start_gateway: StartGateway) -> None:
    gateway = start_gateway(limits=FAST)
    token = admin_token(gateway, "secops")
    head = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Content-Length": "100"}
    with connect(gateway.admin_url) as sock:
        sock.sendall(post_head("/admin/incidents/inc_nothing/ack", head) + b"{")
        answer = answer_or_close(sock)
        assert answer is None or answer[0] == 408
        assert closed_by_server(sock)


def admin_token(gateway: RunningGateway, role: Any) -> str:
    store = AdminTokenStore.open(gateway.settings.store, os.environ)
    try:
        return store.create("sam", role)[1]
    finally:
        store.close()


# ---------------------------------------------------------------------------- content types

NOT_JSON = [
    ("application/x-www-form-urlencoded", b'{"model": "echo-1", "messages": []}'),  # a form a page can post
    ("text/plain", CHAT),  # fetch(..., {mode: "no-cors"}) with a string body
    ("multipart/form-data; boundary=x", CHAT),
    (None, CHAT),  # a Blob without a type: no Content-Type at all, still no preflight
]


@pytest.mark.parametrize(("content_type", "body"), NOT_JSON, ids=["form", "text", "multipart", "none"])
async def test_sso_callers_must_send_json(start_gateway: StartGateway, content_type: str | None, body: bytes) -> None:
    gateway = start_gateway(identity=SSO_IDENTITY)
    headers = {**SSO, **({"content-type": content_type} if content_type else {})}
    async with aiohttp.ClientSession(skip_auto_headers=["content-type"]) as http:
        resp = await http.post(f"{gateway.url}/v1/chat/completions", data=body, headers=headers)
        error = await resp.json()
        assert resp.status == 415
        assert error["error"]["code"] == "unsupported_media_type"
        assert "application/json" in error["error"]["message"]
        ok = await http.post(
            f"{gateway.url}/v1/chat/completions", data=CHAT, headers={**SSO, "content-type": "application/json"}
        )
        assert ok.status == 200
        anthropic = await http.post(
            f"{gateway.url}/v1/messages",
            data=b'{"model": "echo-1", "max_tokens": 5, "messages": []}',
            headers={**SSO, "content-type": "text/plain", "anthropic-version": "2023-06-01"},
        )
        assert anthropic.status == 415
        assert (await anthropic.json())["type"] == "error"


async def test_key_callers_may_post_without_a_json_content_type(start_gateway: StartGateway) -> None:
    """`curl -d` sends a form content type; a page cannot add the key header without a preflight."""
    gateway = start_gateway(identity=SSO_IDENTITY)
    key = gateway.create_key("alice", "engineering")
    async with aiohttp.ClientSession() as http:
        resp = await http.post(
            f"{gateway.url}/v1/chat/completions",
            data=CHAT,
            headers={"authorization": f"Bearer {key}", "content-type": "application/x-www-form-urlencoded"},
        )
        assert resp.status == 200
