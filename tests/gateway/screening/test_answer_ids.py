"""The answer gate ahead of the scanning stream: each event's ids screened (once per stream
for the values every event repeats) and its logprobs dropped, which would otherwise go out
before the window holding their text is screened (the red team read an AWS key from them)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Sequence
from pathlib import Path
from typing import Any, cast

import pytest

from detectors.base import Finding
from gateway.errors import SensitiveDataBlocked
from gateway.policy.policy import Policy, load_policy
from gateway.screening.answer_chain import AnswerStages, answer_stream
from gateway.screening.answer_ids import AnswerGate
from gateway.screening.inline import InlineScanner
from gateway.screening.pool import DetectionPool
from gateway.screening.screen import Screening
from gateway.wire.endpoints import endpoint_named

AWS = "AKIA" + "IOSFODNN7EXAMPLQ"
CARD = "4111111111111111"


class CountingPool:
    """Every detector but NER, in this process; counts the texts scanned."""

    def __init__(self, scanner: InlineScanner) -> None:
        self.scanner, self.texts = scanner, 0

    async def scan(self, texts: Sequence[str], entities: frozenset[str] | None = None) -> list[list[Finding]]:
        self.texts += len(texts)
        return self.scanner.scan(texts, entities)[0]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(Path(__file__).parents[3] / "policies" / "default.yaml")


@pytest.fixture
def pool(policy: Policy) -> CountingPool:
    assert policy.detection is not None
    inline = InlineScanner.from_config(policy.detection)
    assert inline is not None
    return CountingPool(inline)


def chunk(text: str, cid: str = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG", **extra: Any) -> bytes:
    choice = {
        "index": 0,
        "delta": {"content": text},
        "finish_reason": None,
        "logprobs": {"content": [{"token": text, "logprob": 0, "bytes": list(text.encode())}]},
    }
    obj = {"id": cid, "object": "chat.completion.chunk", "model": "gpt-4o", "choices": [choice], **extra}
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


def relayed(pool: CountingPool, policy: Policy, reads: list[bytes], screening: Screening | None = None) -> bytes:
    async def source() -> AsyncGenerator[bytes, None]:
        for read in reads:
            yield read

    async def run() -> bytes:
        gate = AnswerGate(cast(DetectionPool, pool), policy, screening or Screening())
        return b"".join(
            [out async for out in answer_stream(endpoint_named("chat.completions"), source(), AnswerStages(gate))]
        )

    return asyncio.run(run())


def test_logprobs_are_dropped_the_text_kept_and_repeated_ids_scanned_once(pool: CountingPool, policy: Policy) -> None:
    pieces = ["key ", AWS[:4], AWS[4:9], AWS[9:]]
    raw = b"".join(chunk(p) for p in pieces) + b"data: [DONE]\n\n"
    out = relayed(pool, policy, [raw[i : i + 7] for i in range(0, len(raw), 7)])  # cut anywhere
    events = [json.loads(e[6:]) for e in out.split(b"\n\n") if e.startswith(b"data: {")]
    assert [e["choices"][0]["logprobs"] for e in events] == [None] * 4
    assert "".join(e["choices"][0]["delta"]["content"] for e in events) == "key " + AWS  # the scanner's job
    assert out.endswith(b"data: [DONE]\n\n")
    assert pool.texts == 1  # the same id and model in every event: one scan


def test_an_escaped_logprobs_key_is_dropped_too(pool: CountingPool, policy: Policy) -> None:
    event = b'data: {"choices": [{"delta": {"content": "x"}, "logprob\\u0073": {"content": [{"token": "x"}]}}]}\n\n'
    assert json.loads(relayed(pool, policy, [event])[6:])["choices"][0]["logprobs"] is None


def test_clean_events_pass_as_they_came(pool: CountingPool, policy: Policy) -> None:
    raw = chunk("hi").replace(b'"logprobs": {', b'"logprobs": null, "x": {') + b"data: [DONE]\n\n"
    assert relayed(pool, policy, [raw]) == raw


@pytest.mark.parametrize("where", [{"cid": "chatcmpl-" + AWS}, {"system_fingerprint": AWS}, {"service_tier": AWS}])
def test_a_secret_in_an_events_id_ends_the_stream(pool: CountingPool, policy: Policy, where: dict[str, str]) -> None:
    screening = Screening()
    with pytest.raises(SensitiveDataBlocked, match="AWS_ACCESS_KEY_ID"):
        relayed(pool, policy, [chunk("hi"), chunk("there", **where)], screening)
    assert [d.finding.entity_type for d in screening.decisions] == ["AWS_ACCESS_KEY_ID"]


def test_a_card_in_a_tool_call_id_is_redacted_once_per_stream(pool: CountingPool, policy: Policy) -> None:
    call = {"index": 0, "id": CARD, "type": "function", "function": {"name": "f", "arguments": ""}}
    event = b"data: " + json.dumps({"id": "c1", "choices": [{"index": 0, "delta": {"tool_calls": [call]}}]}).encode()
    screening = Screening()
    out = relayed(pool, policy, [event + b"\n\n", event + b"\n\n"], screening)
    assert CARD not in out.decode()
    assert out.count(b"[CREDIT_CARD]") == 2
    assert len(screening.decisions) == 1
