"""A streamed answer's upstream connection: dropped when the answer is given up before it started
(the provider stops generating), returned to the pool when the stream ran to its end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from gateway.config.settings import LimitSettings, ProviderSettings
from gateway.providers.base import UpstreamCall, UpstreamReply
from gateway.providers.http import HttpProvider, create_session
from gateway.wire.endpoints import endpoint_named

EVENT = b'data: {"choices": [{"index": 0, "delta": {"content": "word "}}]}\n\n'


@dataclass
class StreamingProvider:
    """Streams ``events`` events (0: until the client goes), and notes the peers and the disconnects."""

    events: int = 0
    gone: asyncio.Event = field(default_factory=asyncio.Event)
    peers: list[object] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.peers.append(request.transport.get_extra_info("peername") if request.transport else None)
        response = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await response.prepare(request)
        sent = 0
        try:
            while not self.events or sent < self.events:
                await response.write(EVENT)
                sent += 1
                await asyncio.sleep(0.02)
            await response.write(b"data: [DONE]\n\n")
        except (ConnectionResetError, asyncio.CancelledError):
            self.gone.set()
            raise
        return response


@pytest.fixture
async def served() -> AsyncIterator[tuple[StreamingProvider, HttpProvider]]:
    upstream = StreamingProvider()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", upstream.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
    limits = LimitSettings()
    settings = ProviderSettings(type="openai", base_url=url, models=("gpt-test",))
    provider = HttpProvider("upstream", settings, "sk-test", None, create_session(limits), limits)
    yield upstream, provider
    await provider.close()
    await runner.cleanup()


async def _send(provider: HttpProvider) -> UpstreamReply:
    body = {"model": "gpt-test", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    reply = await provider.send(UpstreamCall(endpoint_named("chat.completions"), body, None, {}, "req-1"))
    assert reply.stream is not None
    return reply


async def test_an_answer_given_up_before_it_started_drops_the_connection(
    served: tuple[StreamingProvider, HttpProvider],
) -> None:
    upstream, provider = served
    reply = await _send(provider)
    assert reply.stream is not None
    await reply.stream.aclose()  # what the gateway did before: a generator that never started runs no cleanup
    await asyncio.sleep(0.3)
    assert not upstream.gone.is_set()  # ... so the provider went on generating
    await reply.close_stream()
    await asyncio.wait_for(upstream.gone.wait(), 5)


async def test_a_stream_read_to_its_end_returns_the_connection_to_the_pool(
    served: tuple[StreamingProvider, HttpProvider],
) -> None:
    upstream, provider = served
    upstream.events = 3
    for _ in range(2):
        reply = await _send(provider)
        assert reply.stream is not None
        chunks = [chunk async for chunk in reply.stream]
        assert b"".join(chunks).endswith(b"data: [DONE]\n\n")
        await reply.close_stream()  # after the end: a no-op, the connection stays pooled
    assert len(upstream.peers) == 2
    assert upstream.peers[0] == upstream.peers[1]  # the second request came on the same connection
    assert not upstream.gone.is_set()
