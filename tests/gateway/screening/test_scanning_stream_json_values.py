"""A redaction in streamed tool input that replaces a bare JSON value (a card written as a number)
is written as a JSON string, so the input still parses (red team round 2, FP 1); one inside a
string literal stays as it was. The lexical state is carried across windows. Checked on the real
anthropic and openai SDKs, fed the gateway's output."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import anthropic
import httpx2
import openai

from gateway.policy.policy import Policy
from gateway.screening.pool import DetectionPool
from gateway.screening.screen import Screening
from gateway.wire.json_lex import JsonLex
from tests.gateway.screening.chains import scanning
from tests.gateway.screening.test_scanning_stream_joined import chat, sse
from tests.gateway.screening.test_scanning_stream_tool_names import default_policy, inline_pool

__all__ = ["default_policy", "inline_pool"]  # fixtures
CARD = "4111111111111111"


def run(pool: DetectionPool, policy: Policy, endpoint: str, events: list[bytes]) -> bytes:
    stream = scanning(endpoint, pool, policy, Screening())

    async def go() -> bytes:
        out = [await stream.feed(e) for e in events]
        return b"".join([*out, await stream.finish()])

    return asyncio.run(go())


def pieces(text: str, size: int = 6) -> list[str]:
    return [text[n : n + size] for n in range(0, len(text), size)]


def anthropic_events(arguments: str) -> list[bytes]:
    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-x",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }
    block = {"type": "tool_use", "id": "toolu_1", "name": "pay", "input": {}}
    events = [
        sse({"type": "message_start", "message": message}, "message_start"),
        sse({"type": "content_block_start", "index": 0, "content_block": block}, "content_block_start"),
    ]
    for piece in pieces(arguments):
        delta = {"type": "input_json_delta", "partial_json": piece}
        events.append(sse({"type": "content_block_delta", "index": 0, "delta": delta}, "content_block_delta"))
    return [
        *events,
        sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
        sse(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                "usage": {"output_tokens": 5},
            },
            "message_delta",
        ),
        sse({"type": "message_stop"}, "message_stop"),
    ]


def chat_events(arguments: str) -> list[bytes]:
    first = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "pay", "arguments": ""}}
    events = [chat({"role": "assistant", "content": None, "tool_calls": [first]})]
    events += [chat({"tool_calls": [{"index": 0, "function": {"arguments": p}}]}) for p in pieces(arguments)]
    return [*events, chat({}, 0, "tool_calls"), b"data: [DONE]\n\n"]


def serving(body: bytes) -> httpx2.Client:
    """An HTTP client both SDKs accept whose every answer is ``body`` (the gateway's output)."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})

    return httpx2.Client(transport=httpx2.MockTransport(handler))


def anthropic_input(body: bytes) -> Any:
    with serving(body) as http:
        client = anthropic.Anthropic(api_key="k", base_url="http://provider", http_client=http, max_retries=0)
        ask: Any = [{"role": "user", "content": "x"}]
        with client.messages.stream(model="claude-x", max_tokens=10, messages=ask) as stream:
            final = stream.get_final_message()
    (block,) = final.content
    assert block.type == "tool_use"
    return block.input


def openai_arguments(body: bytes) -> str:
    with serving(body) as http:
        client = openai.OpenAI(api_key="k", base_url="http://provider/v1", http_client=http, max_retries=0)
        ask: Any = [{"role": "user", "content": "x"}]
        chunks = client.chat.completions.create(model="gpt-x", messages=ask, stream=True)
        return "".join(
            call.function.arguments or ""
            for chunk in chunks
            for choice in chunk.choices
            for call in choice.delta.tool_calls or []
            if call.function is not None
        )


def test_a_card_number_in_streamed_anthropic_tool_input_parses_as_a_string(
    inline_pool: DetectionPool, default_policy: Policy
) -> None:
    out = run(inline_pool, default_policy, "messages", anthropic_events(f'{{"pan": {CARD}, "note": "ok"}}'))
    assert anthropic_input(out) == {"pan": "[CREDIT_CARD]", "note": "ok"}


def test_a_card_in_a_streamed_string_stays_inside_it(inline_pool: DetectionPool, default_policy: Policy) -> None:
    out = run(inline_pool, default_policy, "messages", anthropic_events(f'{{"pan": "card {CARD}", "n": 1}}'))
    assert anthropic_input(out) == {"pan": "card [CREDIT_CARD]", "n": 1}


def test_the_state_crosses_windows(inline_pool: DetectionPool, default_policy: Policy) -> None:
    # a long string with a quote escaped in it, then a number after several windows
    filler = 'word \\" ' * 90
    arguments = f'{{"text": "{filler}", "pan": {CARD}, "tail": "{filler}"}}'
    out = run(inline_pool, default_policy, "messages", anthropic_events(arguments))
    got = anthropic_input(out)
    assert got["pan"] == "[CREDIT_CARD]"
    assert got["text"] == json.loads(f'"{filler}"')


def test_openai_sdk_tool_arguments_stay_valid_json(inline_pool: DetectionPool, default_policy: Policy) -> None:
    out = run(inline_pool, default_policy, "chat.completions", chat_events(f'{{"pan": {CARD}, "cards": [{CARD}]}}'))
    assert json.loads(openai_arguments(out)) == {"pan": "[CREDIT_CARD]", "cards": ["[CREDIT_CARD]"]}


def test_json_lex_tracks_strings_and_escapes() -> None:
    lex = JsonLex()
    lex.feed('{"a": "x\\"')
    assert lex.in_string
    assert lex.bare('y", "b": 1', [0, 2, 5, 9]) == frozenset({2, 9})
    assert lex.in_string  # probing does not move the state
