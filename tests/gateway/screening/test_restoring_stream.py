"""Placeholders are restored in streamed answers of every API, however the bytes are cut."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from gateway.screening.redaction import Pseudonyms
from gateway.screening.restore import restore_body
from gateway.wire import replies
from gateway.wire.endpoints import endpoint_named
from gateway.wire.sse_parse import SseParser
from tests.gateway.screening import chains

ORIGINALS = {"PERSON": "Jane Roe", "EMAIL_ADDRESS": 'jr"@example.com'}


def pseudonyms() -> Pseudonyms:
    p = Pseudonyms()
    for kind, value in ORIGINALS.items():
        p.placeholder(kind, value)
    return p


def relayed(endpoint: str, reads: list[bytes]) -> bytes:
    """What the caller gets of ``reads`` through the answer chain's restoring stage."""
    restoring = chains.restoring(endpoint, pseudonyms())

    async def go() -> bytes:
        return b"".join([await restoring.feed(read) for read in reads]) + await restoring.finish()

    return asyncio.run(go())


def transform(endpoint: str, text: str, size: int) -> list[tuple[str | None, Any]]:
    stream = b"".join(replies.render_stream(endpoint_named(endpoint), replies.Reply("m", text, 1), {}))
    out = relayed(endpoint, [stream[i : i + size] for i in range(0, len(stream), size)])
    return [(e.event, e.json() if e.data != "[DONE]" else "[DONE]") for e in SseParser().feed(out)]


def joined(endpoint: str, events: list[tuple[str | None, Any]]) -> str:
    parts = []
    for _, obj in events:
        if not isinstance(obj, dict):
            continue
        if endpoint == "chat.completions":
            parts += [c["delta"].get("content") or "" for c in obj["choices"]]
        elif endpoint == "completions":
            parts += [c["text"] for c in obj["choices"]]
        elif endpoint == "messages" and obj["type"] == "content_block_delta":
            parts.append(obj["delta"]["text"])
        elif endpoint == "responses" and obj["type"] == "response.output_text.delta":
            parts.append(obj["delta"])
    return "".join(parts)


TEXTS = [
    "Dear <PERSON_1>, write to <EMAIL_ADDRESS_1>.",
    "Ends with a split-looking tail <PERS",
    "Ends with a bare <",
    "No placeholders at all, a < b.",
    "<PERSON_1><PERSON_1> and unknown <PERSON_7>",
]


@pytest.mark.parametrize("endpoint", ["chat.completions", "completions", "messages", "responses"])
@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("size", [1, 5, 64, 100_000])
def test_streamed_deltas_are_restored(endpoint: str, text: str, size: int):
    events = transform(endpoint, text, size)
    assert joined(endpoint, events) == pseudonyms().restore(text)


@pytest.mark.parametrize("text", TEXTS)
def test_responses_summary_events_restored_and_numbering_stays_strict(text: str):
    events = [obj for _, obj in transform("responses", text, 3)]
    expected = pseudonyms().restore(text)
    numbers = [e["sequence_number"] for e in events]
    assert numbers == sorted(set(numbers))
    (done,) = [e for e in events if e["type"] == "response.output_text.done"]
    assert done["text"] == expected
    (completed,) = [e for e in events if e["type"] == "response.completed"]
    assert completed["response"]["output"][0]["content"][0]["text"] == expected


def test_held_text_goes_out_before_the_stream_ends():
    events = transform("chat.completions", "Ends with a bare <", 1)
    finish = next(
        i
        for i, (_, e) in enumerate(events)
        if isinstance(e, dict) and e["choices"] and e["choices"][0]["finish_reason"]
    )
    assert events[finish - 1][1]["choices"][0]["delta"]["content"] == "<"
    assert events[-1][1] == "[DONE]"


def test_whole_bodies_restored_with_json_safe_arguments():
    p = pseudonyms()
    body = {
        "choices": [
            {
                "message": {
                    "content": "Hi <PERSON_1>",
                    "tool_calls": [{"function": {"arguments": json.dumps({"to": "<EMAIL_ADDRESS_1>"})}}],
                }
            }
        ]
    }
    restored = json.loads(restore_body(endpoint_named("chat.completions"), json.dumps(body).encode(), p))
    message = restored["choices"][0]["message"]
    assert message["content"] == "Hi Jane Roe"
    assert json.loads(message["tool_calls"][0]["function"]["arguments"]) == {"to": 'jr"@example.com'}
    assert restore_body(endpoint_named("chat.completions"), b"not json", p) == b"not json"


def run(endpoint: str, stream: bytes) -> list[Any]:
    out = relayed(endpoint, [stream[i : i + 2] for i in range(0, len(stream), 2)])
    return [e.json() for e in SseParser().feed(out)]


def test_chat_tool_call_arguments_are_restored_json_safely():
    chunks = ['{"to": "<EMAIL', '_ADDRESS_1>", "cc": "<']
    events = [
        {"id": "x", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": c}}]}}]}
        for c in chunks
    ] + [{"id": "x", "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}]
    stream = b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events) + b"data: [DONE]\n\n"
    out = run("chat.completions", stream)
    arguments = "".join(
        call["function"]["arguments"]
        for e in out
        if isinstance(e, dict)
        for c in e["choices"]
        for call in c["delta"].get("tool_calls", [])
    )
    assert arguments == '{"to": "jr\\"@example.com", "cc": "<'
    assert out[-2]["choices"][0]["finish_reason"] == "tool_calls"


def test_anthropic_input_json_delta_is_restored_before_block_stop():
    deltas = ['{"name": "<PER', 'SON_1>"} <']
    events = [
        (
            "content_block_delta",
            {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": d}},
        )
        for d in deltas
    ] + [("content_block_stop", {"type": "content_block_stop", "index": 1})]
    stream = b"".join(f"event: {n}\ndata: {json.dumps(e)}\n\n".encode() for n, e in events)
    out = run("messages", stream)
    assert "".join(e["delta"]["partial_json"] for e in out if e["type"] == "content_block_delta") == (
        '{"name": "Jane Roe"} <'
    )
    assert out[-1]["type"] == "content_block_stop"
