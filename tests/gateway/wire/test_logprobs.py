"""A screened stream carries no logprobs: a chunk's tokens would go out before the window
holding its text is screened (the red team read an AWS key from them before the block)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator

from gateway.wire.logprobs import LogprobSlot, spelled, without_logprobs

AWS = "AKIA" + "IOSFODNN7EXAMPLQ"


def chunk(text: str) -> bytes:
    choice = {"index": 0, "delta": {"content": text}, "finish_reason": None,
              "logprobs": {"content": [{"token": text, "logprob": 0, "bytes": list(text.encode())}]}}  # fmt: skip
    return b"data: " + json.dumps({"id": "c", "choices": [choice]}).encode() + b"\n\n"


def relayed(reads: list[bytes]) -> bytes:
    async def source() -> AsyncGenerator[bytes, None]:
        for read in reads:
            yield read

    async def run() -> bytes:
        return b"".join([out async for out in without_logprobs(source())])

    return asyncio.run(run())


def test_streamed_logprobs_are_dropped_and_the_text_kept() -> None:
    pieces = ["key ", AWS[:4], AWS[4:9], AWS[9:]]
    raw = b"".join(chunk(p) for p in pieces) + b"data: [DONE]\n\n"
    out = relayed([raw[i : i + 7] for i in range(0, len(raw), 7)])  # cut anywhere
    events = [json.loads(e[6:]) for e in out.split(b"\n\n") if e.startswith(b"data: {")]
    assert [e["choices"][0]["logprobs"] for e in events] == [None] * 4
    assert "".join(e["choices"][0]["delta"]["content"] for e in events) == "key " + AWS
    assert out.endswith(b"data: [DONE]\n\n")


def test_an_escaped_key_name_is_read_as_json_does() -> None:
    event = b'data: {"choices": [{"delta": {"content": "x"}, "logprob\\u0073": {"content": [{"token": "x"}]}}]}\n\n'
    out = relayed([event])
    assert json.loads(out[6:])["choices"][0]["logprobs"] is None


def test_events_without_logprobs_pass_as_the_parser_reads_them() -> None:
    raw = b'event: message_start\ndata: {"type": "message_start"}\n\n: keep-alive\n\n'
    assert relayed([raw]) == b'event: message_start\ndata: {"type": "message_start"}\n\n:\n\n'


def test_a_logprob_slot_reads_tokens_bytes_and_alternatives_and_is_removed_whole() -> None:
    entries = [{"token": "a", "bytes": [98], "top_logprobs": [{"token": "c", "bytes": [100]}]},
               {"token": "b", "bytes": [99], "top_logprobs": [{"token": "e", "bytes": [102]}]}]  # fmt: skip
    assert [t for t in spelled(entries) if t] == ["ab", "bc", "ce", "df"]
    choice = {"logprobs": {"content": entries}}
    slot = LogprobSlot(choice, "logprobs")
    assert "ab" in slot.text.split("\n")
    slot.replace("[REDACTED]")
    assert choice["logprobs"] is None
    part = {"logprobs": entries}
    LogprobSlot(part, "logprobs").replace("")
    assert part["logprobs"] == []


def test_empty_logprobs_pass_unparsed_and_unchanged() -> None:
    raw = b'data: {"choices": [{"delta": {"content": "hi"},   "logprobs": null}], "x": {"logprobs" : []}}\n\n'
    assert relayed([raw]) == raw
