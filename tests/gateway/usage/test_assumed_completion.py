"""A request without max_tokens is admitted on an assumed answer length (``limits.default_completion_tokens``,
times ``n``), charged as far as each limit allows: concurrent requests cannot all pass a token or spend
budget on their prompts alone, and a budget smaller than the assumption admits them one at a time."""

from __future__ import annotations

import asyncio
import calendar
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from gateway.usage.counters import Charge, CounterStore, LocalCounters, slot_for
from gateway.usage.headers import Estimate, estimate_tokens
from gateway.usage.redis_counters import RedisCounters
from gateway.wire.endpoints import endpoint_named
from loadtests.mock_provider import MockProvider
from tests.conftest import StartGateway

T0 = calendar.timegm((2026, 12, 6, 12, 0, 10))
CHAT = endpoint_named("chat.completions")


def test_the_estimate_assumes_an_answer_when_the_caller_sets_no_maximum() -> None:
    messages = [{"role": "user", "content": "x" * 40}]
    assert estimate_tokens(CHAT, {"messages": messages}, 1024) == Estimate(10, 1024, assumed=True)
    assert estimate_tokens(CHAT, {"messages": messages, "n": 3}, 1024) == Estimate(10, 3072, assumed=True)
    assert estimate_tokens(CHAT, {"messages": messages, "n": 3, "max_tokens": 50}, 1024) == Estimate(10, 150)
    completions = endpoint_named("completions")
    assert estimate_tokens(completions, {"prompt": "x" * 40, "best_of": 4}, 100) == Estimate(10, 400, assumed=True)
    messages_endpoint = endpoint_named("messages")
    assert estimate_tokens(messages_endpoint, {"messages": messages, "max_tokens": 7}, 1024) == Estimate(10, 7)
    embeddings = endpoint_named("embeddings")
    assert estimate_tokens(embeddings, {"input": "x" * 40}, 1024) == Estimate(10, 0)  # no answer is generated


async def _admit_twice(store: CounterStore, counter: str) -> tuple[bool, bool, tuple[int, ...]]:
    charge = Charge(counter, 1000, 10, "day", assumed=1024)  # a 10-token prompt, 1024 assumed
    slot = slot_for(charge, T0)
    first = await store.admit([charge], [slot])
    second = await store.admit([charge], [slot])
    return first.admitted, second.admitted, first.charged


def test_an_assumed_answer_fills_a_small_budget_so_the_next_waits() -> None:
    first, second, charged = asyncio.run(_admit_twice(LocalCounters(), "u|*|tokens_per_day"))
    assert (first, second, charged) == (True, False, (1000,))  # one at a time, not never, not all


def test_redis_charges_an_assumed_answer_the_same_way() -> None:
    async def run() -> tuple[bool, bool, tuple[int, ...]]:
        store = RedisCounters("redis://127.0.0.1:6379/0")
        try:
            return await _admit_twice(store, f"test-{secrets.token_hex(6)}|*|tokens_per_day")
        finally:
            await store.close()

    assert asyncio.run(run()) == (True, False, (1000,))


def test_a_prompt_past_the_budget_is_refused_even_with_an_assumed_answer() -> None:
    store = LocalCounters()
    charge = Charge("u|*|tokens_per_day", 1000, 1001, "day", assumed=1024)
    assert not store.admit_now([charge], [slot_for(charge, T0)], T0).admitted


POLICY = """\
policy: {id: concurrent, version: "1"}
default_group: everyone
groups:
  everyone:
    approved_tools:
      - {provider: openai, models: ["gpt-*"]}
limits:
  rules:
    - {user: ann, tokens_per_day: 1000}
"""


def test_concurrent_requests_without_max_tokens_stay_within_a_token_budget(
    tmp_path: Path, start_gateway: StartGateway, mock: MockProvider
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY, encoding="utf-8")
    gateway = start_gateway(policy_path=str(path))
    key = gateway.create_key("ann")
    mock.configure(reply_text=" ".join(f"w{i}" for i in range(200)), ttft_ms=300)  # ~200 tokens each

    def one(_: int) -> int:
        response = httpx.post(
            f"{gateway.url}/v1/chat/completions",
            headers={"authorization": f"Bearer {key}"},
            json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]},
            timeout=30,
        )
        return int(response.json()["usage"]["total_tokens"]) if response.status_code == 200 else 0

    with ThreadPoolExecutor(16) as pool:
        used = [tokens for tokens in pool.map(one, range(16)) if tokens]
    assert used  # one at least
    assert sum(used) <= 1000 + max(used)  # at most one answer past the budget (16 would be ~3300)
