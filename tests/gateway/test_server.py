"""Admin listener probes and graceful shutdown."""

from __future__ import annotations

import threading
import time
from typing import Any

import aiohttp
import openai

from gateway.state import STATE
from loadtests.mock_provider import MockProvider
from tests.conftest import StartGateway


async def test_health_and_readiness(start_gateway: StartGateway):
    gateway = start_gateway()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{gateway.admin_url}/healthz") as resp:
            assert resp.status == 200
        async with http.get(f"{gateway.admin_url}/readyz") as resp:
            body = await resp.json()
            assert resp.status == 200
            assert body["status"] == "ready"
            assert body["policy_version"].startswith("7+")
        async with http.get(f"{gateway.url}/healthz") as resp:  # probes are not on the API listener
            assert resp.status == 404


def test_shutdown_lets_an_in_flight_stream_finish(start_gateway: StartGateway, mock: MockProvider, closing: list[Any]):
    gateway = start_gateway()
    key = gateway.create_key("alice", "engineering")
    c = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0, timeout=20)
    closing.append(c)
    mock.configure(hold_after_chunks=2)
    events = iter(c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}], stream=True))
    first = next(events)
    stopper = threading.Thread(target=gateway.stop)  # SIGTERM does the same: drain, then close
    stopper.start()
    deadline = time.monotonic() + 10
    while not gateway.server.app[STATE].draining:  # release only once shutdown has begun
        assert time.monotonic() < deadline
        time.sleep(0.01)
    mock.release()
    text = (first.choices[0].delta.content or "") + "".join(
        e.choices[0].delta.content or "" for e in events if e.choices
    )
    stopper.join(timeout=30)
    assert text == mock.behaviour.reply_text
    assert not stopper.is_alive()
