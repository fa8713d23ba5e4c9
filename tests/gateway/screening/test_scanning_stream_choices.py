"""A chat stream's choice index must be one the caller asked for (red team round 2, leak 2): a
provider that spreads a value over two indexes, or odd forms of one, would have each windowed
apart and the pieces regrouped into the value for a loop reading ``choices[0].delta.content``.
An answer of several choices asked for is also scanned in the order its text goes out."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from gateway.errors import SensitiveDataBlocked, UpstreamInvalid
from gateway.policy.policy import Policy
from gateway.screening.pool import DetectionPool
from gateway.screening.screen import Screening
from gateway.wire.choice_index import asked_choices, bad_index
from gateway.wire.endpoints import endpoint_named
from tests.gateway.screening.chains import scanning
from tests.gateway.screening.test_scanning_stream_joined import chat, texts
from tests.gateway.screening.test_scanning_stream_tool_names import default_policy, inline_pool

__all__ = ["default_policy", "inline_pool"]  # fixtures
DONE = b"data: [DONE]\n\n"
# The red team's interleaving: index 0's text, then index 1's, spells the key.
ATTACK = [("AKIAI", 0), ("NN7EX", 1), ("OSFOD", 0), ("AMPLQ", 1)]


def run(pool: DetectionPool, policy: Policy, events: list[bytes], choices: int) -> bytes:
    stream = scanning("chat.completions", pool, policy, Screening(), choices)

    async def go() -> bytes:
        out = [await stream.feed(e) for e in events]
        return b"".join([*out, await stream.finish()])

    return asyncio.run(go())


def naive(out: bytes) -> str:
    """What ``chunk.choices[0].delta.content`` joins, whatever the index."""
    return texts(out)


@pytest.mark.parametrize("odd", [1, "0.0", False, "-0", "\uff10", None, "0", 0.0, -1])
def test_an_index_not_asked_for_ends_the_stream(inline_pool: DetectionPool, default_policy: Policy, odd: Any) -> None:
    events = [chat({"content": p}, 0 if n == 0 else odd) for p, n in ATTACK] + [DONE]
    with pytest.raises(UpstreamInvalid):
        run(inline_pool, default_policy, events, 1)


def test_two_choices_interleaving_a_key_are_refused(inline_pool: DetectionPool, default_policy: Policy) -> None:
    events = [chat({"content": p}, n) for p, n in ATTACK] + [DONE]
    with pytest.raises(SensitiveDataBlocked):
        run(inline_pool, default_policy, events, 2)


def test_two_choices_interleaving_a_card_are_refused_or_redacted(
    inline_pool: DetectionPool, default_policy: Policy
) -> None:
    pieces = [("card 4111 ", 0), ("1111 ", 1), ("1111 ", 0), ("1111 ok", 1)]
    events = [chat({"content": p}, n) for p, n in pieces] + [DONE]
    try:
        out = run(inline_pool, default_policy, events, 2)
    except SensitiveDataBlocked:
        return
    assert "4111 1111 1111 1111" not in naive(out)


def test_a_normal_two_choice_stream_goes_through(inline_pool: DetectionPool, default_policy: Policy) -> None:
    words = [("Hello", 0), ("Bonjour", 1), (" there,", 0), (" à tous,", 1), (" friend.", 0), (" amis.", 1)]
    events = [chat({"role": "assistant", "content": ""}, 0), chat({"role": "assistant", "content": ""}, 1)]
    events += [chat({"content": p}, n) for p, n in words]
    events += [chat({}, 0, "stop"), chat({}, 1, "stop"), DONE]
    out = run(inline_pool, default_policy, events, 2)
    per_choice: dict[int, str] = {0: "", 1: ""}
    for block in out.decode().split("\n\n"):
        if block.startswith("data: {"):
            for choice in json.loads(block[6:])["choices"]:
                per_choice[choice["index"]] += choice["delta"].get("content") or ""
    assert per_choice == {0: "Hello there, friend.", 1: "Bonjour à tous, amis."}


def test_asked_choices_reads_n() -> None:
    assert asked_choices(endpoint_named("chat.completions"), {"n": 3}) == 3
    assert asked_choices(endpoint_named("chat.completions"), {}) == 1
    assert asked_choices(endpoint_named("chat.completions"), {"n": True}) == 1
    assert asked_choices(endpoint_named("chat.completions"), {"n": "2"}) == 1
    assert asked_choices(endpoint_named("messages"), {"n": 3}) == 1


def test_bad_index_only_judges_choice_endpoints() -> None:
    assert not bad_index(endpoint_named("messages"), {"choices": [{"index": 5}]}, 1)
    assert bad_index(endpoint_named("completions"), {"choices": [{"index": 1}]}, 1)
    assert not bad_index(endpoint_named("chat.completions"), {"choices": []}, 1)
    assert not bad_index(endpoint_named("chat.completions"), {"choices": [{"index": 1}]}, 2)
