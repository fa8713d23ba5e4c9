"""Upstream HTTP: a provider's redirect is an upstream error, never followed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.conftest import StartGateway

PROVIDER_KEY = "sk-provider-key-that-must-stay-home"


@dataclass
class Recorder:
    """A loopback server that answers every request with ``status`` and remembers what arrived."""

    status: int = 200
    location: str = ""
    seen: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append((request.path, dict(request.headers), await request.read()))
        headers = {"location": self.location + request.path} if self.location else {}
        return web.json_response({"ok": True}, status=self.status, headers=headers)


async def _serve(recorder: Recorder) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", recorder.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


@pytest.fixture
async def redirecting() -> AsyncIterator[tuple[Recorder, Recorder, str]]:
    """(the provider that redirects, the origin it redirects to, the provider's URL)."""
    elsewhere = Recorder()
    elsewhere_runner, elsewhere_url = await _serve(elsewhere)
    provider = Recorder(status=307, location=elsewhere_url)
    provider_runner, provider_url = await _serve(provider)
    yield provider, elsewhere, provider_url
    await provider_runner.cleanup()
    await elsewhere_runner.cleanup()


MESSAGES = [{"role": "user", "content": "hello"}]
CASES = [
    # (provider, auth header, gateway path, request body)
    ("openai", None, "/v1/chat/completions", {"model": "gpt-4o", "messages": MESSAGES}),
    ("openai", "api-key", "/v1/chat/completions", {"model": "gpt-4o", "messages": MESSAGES}),
    ("anthropic", None, "/v1/messages", {"model": "claude-sonnet-5-5", "max_tokens": 5, "messages": MESSAGES}),
]


@pytest.mark.parametrize("status", [307, 308, 301, 302])
@pytest.mark.parametrize(("kind", "auth_header", "path", "body"), CASES, ids=["openai", "azure", "anthropic"])
async def test_a_provider_redirect_is_a_502_and_nothing_is_resent(
    start_gateway: StartGateway,
    redirecting: tuple[Recorder, Recorder, str],
    status: int,
    kind: str,
    auth_header: str | None,
    path: str,
    body: dict[str, Any],
) -> None:
    provider, elsewhere, provider_url = redirecting
    provider.status = status
    settings: dict[str, Any] = {"base_url": provider_url + ("/v1" if kind == "openai" else ""), "api_key_env": "UP_KEY"}
    if auth_header:  # Azure-style: the key travels in a header no redirect logic knows to drop
        settings["auth_header"] = auth_header
    gateway = start_gateway(env={"UP_KEY": PROVIDER_KEY}, providers={kind: settings})
    key = gateway.create_key("alice", "engineering")
    async with aiohttp.ClientSession() as http:
        resp = await http.post(f"{gateway.url}{path}", json=body, headers={"authorization": f"Bearer {key}"})
        answer = await resp.json()
    assert len(provider.seen) == 1  # the provider was asked once...
    assert elsewhere.seen == []  # ...and the origin it named got nothing: no prompt, no key
    assert resp.status == 502
    if kind == "anthropic":
        assert answer["type"] == "error"
        assert answer["error"]["type"] == "api_error"
        message = answer["error"]["message"]
    else:
        assert answer["error"]["code"] == "upstream_unavailable"
        message = answer["error"]["message"]
    assert f"redirect (HTTP {status})" in message
    assert "127.0.0.1" not in message  # no upstream address in what the caller sees
