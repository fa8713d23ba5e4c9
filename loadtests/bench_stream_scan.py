"""How soon a screened stream starts and what screening it costs (issue 14 item 5, issue 18).

In process, under the default policy with every detector but NER (the answer rules' types
are pattern types): a provider's stream fed event by event through the answer chain
(``gateway.screening.answer_chain``): its scanning stage alone, or with ``--stages all`` every
stage the gateway runs on a screened answer whose prompt was pseudonymized (ids and logprobs
gate, scan, capture for the prompt log, restore), behind the chain's one SSE parse.
Per shape: the answer text read from the provider before the first text goes out to the
client (what holding back costs in time to first content: the provider's rate times these
characters), and the time spent per stream (best of N). Each event is its own read here, the
worst case for the cost: text is released (and scanned) after every read.

    .venv/bin/python -m loadtests.bench_stream_scan [--runs 5] [--stages scan|all]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from detectors.base import Finding
from gateway.policy.policy import Policy, load_policy
from gateway.screening.answer_chain import AnswerChain, AnswerStage
from gateway.screening.answer_ids import AnswerGate
from gateway.screening.inline import InlineScanner
from gateway.screening.pool import DetectionPool
from gateway.screening.redaction import Pseudonyms
from gateway.screening.restore import RestoringStream
from gateway.screening.screen import Screening
from gateway.screening.stream import ScanningStream
from gateway.wire.capture import AnswerCapture, CapturingStage
from gateway.wire.endpoints import endpoint_named

POLICY = Path(__file__).parents[1] / "policies" / "default.yaml"
_TEXT = re.compile(rb'"(?:text|thinking|content)":"[^"]')  # a delta with text in it
WORDS = ("the quarterly report shows steady growth in all regions and the team expects more of the same " * 40).split()


class InlinePool:
    def __init__(self, scanner: InlineScanner) -> None:
        self._scanner = scanner

    async def scan(self, texts: Sequence[str], entities: frozenset[str] | None = None) -> list[list[Finding]]:
        return self._scanner.scan(texts, entities)[0]


def sse(obj: Any, name: str | None = None) -> bytes:
    return (f"event: {name}\n" if name else "").encode() + f"data: {json.dumps(obj)}\n\n".encode()


def chat(words: int) -> list[tuple[bytes, int]]:
    def chunk(text: str, finish: str | None = None) -> bytes:
        return sse(
            {
                "id": "c1",
                "object": "chat.completion.chunk",
                "model": "gpt-4o",
                "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}],
            }
        )

    events = [(chunk(" " + w), len(w) + 1) for w in WORDS[:words]]
    return [*events, (chunk("", "stop"), 0), (b"data: [DONE]\n\n", 0)]


def anthropic(thinking: int, words: int) -> list[tuple[bytes, int]]:
    def delta(index: int, kind: str, field: str, text: str) -> tuple[bytes, int]:
        body = {"type": "content_block_delta", "index": index, "delta": {"type": kind, field: text}}
        return sse(body, "content_block_delta"), len(text)

    def mark(kind: str, **fields: Any) -> tuple[bytes, int]:
        return sse({"type": kind, **fields}, kind), 0

    events = [mark("message_start", message={"id": "msg_1", "type": "message", "role": "assistant", "content": []})]
    events += [mark("content_block_start", index=0, content_block={"type": "thinking", "thinking": ""})]
    events += [delta(0, "thinking_delta", "thinking", " " + w) for w in WORDS[:thinking]]
    events += [mark("content_block_stop", index=0)]
    events += [mark("content_block_start", index=1, content_block={"type": "text", "text": ""})]
    events += [delta(1, "text_delta", "text", " " + w) for w in WORDS[:words]]
    return [
        *events,
        mark("content_block_stop", index=1),
        mark("message_delta", delta={"stop_reason": "end_turn"}),
        mark("message_stop"),
    ]


def chain(pool: DetectionPool, policy: Policy, name: str, every_stage: bool) -> AnswerChain:
    endpoint = endpoint_named(name)
    screening = Screening()
    scan = ScanningStream(endpoint, pool, policy, screening)
    if not every_stage:
        return AnswerChain(endpoint, [scan])
    pseudonyms = Pseudonyms()
    pseudonyms.placeholder("PERSON", "Jane Roe")  # a restoring stage that has something to look for
    stages: list[AnswerStage] = [
        AnswerGate(pool, policy, screening),
        scan,
        CapturingStage(AnswerCapture(keep_text=True), endpoint),
        RestoringStream(endpoint, pseudonyms),
    ]
    return AnswerChain(endpoint, stages)


def run_once(
    pool: DetectionPool, policy: Policy, endpoint: str, events: list[tuple[bytes, int]], every_stage: bool = False
) -> tuple[int, float]:
    """(provider text read before the first answer text went out, seconds)."""
    stream = chain(pool, policy, endpoint, every_stage)

    async def go() -> int:
        read, first = 0, -1
        for event, chars in events:
            read += chars
            out = await stream.feed(event)
            if first < 0 and _TEXT.search(out):
                first = read
        await stream.finish()
        return first

    started = time.perf_counter()
    first = asyncio.run(go())
    return first, time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stages", choices=["scan", "all"], default="scan", help="the scanning stage, or every stage")
    args = parser.parse_args(argv)
    policy = load_policy(POLICY)
    assert policy.detection is not None
    inline = InlineScanner.from_config(policy.detection)
    assert inline is not None
    pool = cast(DetectionPool, InlinePool(inline))
    shapes = {
        "chat, 2,000 one-word deltas": ("chat.completions", chat(2000)),
        "anthropic, 200 words of thinking then 500 of text": ("messages", anthropic(200, 500)),
    }
    print(f"| stream | provider text read before the first text out | ms per stream (best of {args.runs}) |")
    print("|---|---:|---:|")
    for name, (endpoint, events) in shapes.items():
        results = [run_once(pool, policy, endpoint, events, args.stages == "all") for _ in range(args.runs)]
        print(f"| {name} | {results[0][0]} chars | {min(r[1] for r in results) * 1000:.1f} |")


if __name__ == "__main__":
    main()
