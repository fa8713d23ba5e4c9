"""Admin listener probes and graceful shutdown."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import aiohttp
import openai
import pytest

from gateway.lifecycle.state import STATE
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
            assert body["prompt_log_backpressure"] is False  # the writer keeps up: no request waits
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


async def test_a_caller_hanging_up_mid_stream_stops_the_request(
    start_gateway: StartGateway, mock: MockProvider, capsys: pytest.CaptureFixture[str]
):
    gateway = start_gateway()
    key = gateway.create_key("alice", "engineering")
    mock.configure(hold_after_chunks=2)
    body = {"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "x"}]}
    async with aiohttp.ClientSession() as http:
        resp = await http.post(
            f"{gateway.url}/v1/chat/completions", json=body, headers={"authorization": f"Bearer {key}"}
        )
        assert (await resp.content.readline()).startswith(b"data: ")
        resp.close()  # hang up while the provider is still generating
    deadline = time.monotonic() + 10
    logged = ""
    while "client_disconnected" not in logged:
        assert time.monotonic() < deadline, "the gateway did not notice the caller leaving"
        await asyncio.sleep(0.05)
        logged += capsys.readouterr().out
    assert "status=499" in logged
