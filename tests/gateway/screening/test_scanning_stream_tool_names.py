"""A tool call's name goes out in the call's first chunk: clients such as the Vercel AI SDK and
LangChain's streaming parsers read it only there (with the call's ``id``). It is scanned whole
there; a value a hostile provider splits between that name and later name fragments is refused,
and later fragments are still held in a window. Anthropic's ``content_block_start`` and the
Responses ``output_item.added`` keep their names too. Checked on the real openai SDK as well."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from gateway.policy.policy import Policy, load_policy
from gateway.screening.pool import DetectionPool
from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import DATA, policy_gateway, sdk_client
from tests.gateway.screening.inline_pool import inline_pool as in_process_pool
from tests.gateway.screening.test_scanning_stream_joined import (
    ANTH_END,
    AWS_PIECES,
    CARD,
    POLICY,
    RESP_END,
    assert_no_aws_piece,
    chat,
    resp,
    run,
    sse,
)

DONE = b"data: [DONE]\n\n"
AWS_KEY = "".join(AWS_PIECES)


@pytest.fixture(scope="module")
def default_policy() -> Policy:
    return load_policy(POLICY)


@pytest.fixture(scope="module")
def inline_pool(default_policy: Policy) -> DetectionPool:
    return in_process_pool(default_policy)


def first_call(name: str) -> bytes:
    call = {"index": 0, "id": "call_1", "type": "function", "function": {"name": name, "arguments": ""}}
    return chat({"role": "assistant", "content": None, "tool_calls": [call]})


def more_name(name: str) -> bytes:
    return chat({"tool_calls": [{"index": 0, "function": {"name": name}}]})


def arguments(text: str) -> bytes:
    return chat({"tool_calls": [{"index": 0, "function": {"arguments": text}}]})


def chunks(out: bytes) -> list[dict[str, Any]]:
    found = []
    for block in out.decode().split("\n\n"):
        data = [line[6:] for line in block.split("\n") if line.startswith("data: ")]
        if data and data[0] != "[DONE]":
            found.append(json.loads(data[0]))
    return found


def names_of(out: bytes) -> list[str]:
    """The name each chat chunk carries for call 0 ('' where a chunk has the call but no name)."""
    return [
        call["function"].get("name", "")
        for obj in chunks(out)
        for choice in obj.get("choices", [])
        for call in choice["delta"].get("tool_calls") or []
    ]


def test_the_first_chunk_carries_the_tool_name(inline_pool: DetectionPool, default_policy: Policy) -> None:
    events = [first_call("get_weather"), arguments('{"city": '), arguments('"Paris"}')]
    events += [chat({}, finish="tool_calls"), DONE]
    out, blocked = run(inline_pool, default_policy, "chat.completions", events)
    assert not blocked
    first = chunks(out)[0]["choices"][0]["delta"]["tool_calls"][0]
    assert first == {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": ""},
    }
    names = names_of(out)
    assert names[0] == "get_weather"
    assert len(names) > 2
    assert not any(names[1:])  # once, in the first chunk


def test_a_legacy_function_call_name_goes_out_in_its_chunk(inline_pool: DetectionPool, default_policy: Policy) -> None:
    events = [chat({"function_call": {"name": "get_weather", "arguments": ""}}), chat({}, finish="stop"), DONE]
    out, _ = run(inline_pool, default_policy, "chat.completions", events)
    assert chunks(out)[0]["choices"][0]["delta"]["function_call"]["name"] == "get_weather"


def test_a_secret_in_a_first_chunk_name_is_blocked(inline_pool: DetectionPool, default_policy: Policy) -> None:
    out, blocked = run(inline_pool, default_policy, "chat.completions", [first_call(f"key_{AWS_KEY}"), DONE])
    assert blocked
    assert b"AKIA" not in out


def test_a_card_in_a_first_chunk_name_is_redacted_there(inline_pool: DetectionPool, default_policy: Policy) -> None:
    out, blocked = run(inline_pool, default_policy, "chat.completions", [first_call(f"card {CARD}"), DONE])
    assert not blocked
    assert names_of(out) == ["card [CREDIT_CARD]"]


def test_a_value_split_between_the_sent_name_and_a_later_fragment_is_refused(
    inline_pool: DetectionPool, default_policy: Policy
) -> None:
    """The part sent cannot be redacted: redacting the rest alone would leave half a card out."""
    events = [first_call("card:" + CARD[:7]), more_name(CARD[7:]), DONE]
    out, blocked = run(inline_pool, default_policy, "chat.completions", events)
    assert blocked
    assert CARD[7:].encode() not in out


def test_later_name_fragments_are_still_windowed(inline_pool: DetectionPool, default_policy: Policy) -> None:
    events = [first_call("key "), *[more_name(p) for p in AWS_PIECES], DONE]
    out, blocked = run(inline_pool, default_policy, "chat.completions", events)
    assert blocked
    assert_no_aws_piece(out)


def test_later_name_fragments_go_out_joined_after_the_first(inline_pool: DetectionPool, default_policy: Policy) -> None:
    events = [first_call("get_"), more_name("weather"), chat({}, finish="tool_calls"), DONE]
    out, blocked = run(inline_pool, default_policy, "chat.completions", events)
    assert not blocked
    assert names_of(out)[0] == "get_"
    assert "".join(names_of(out)) == "get_weather"


def test_an_anthropic_tool_use_start_keeps_its_name(inline_pool: DetectionPool, default_policy: Policy) -> None:
    block = {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}
    start = sse({"type": "content_block_start", "index": 0, "content_block": block}, "content_block_start")
    piece = {"type": "input_json_delta", "partial_json": '{"city": "Paris"}'}
    events = [start, sse({"type": "content_block_delta", "index": 0, "delta": piece}, "content_block_delta")]
    events += [sse({"type": "content_block_stop", "index": 0}, "content_block_stop"), *ANTH_END]
    out, blocked = run(inline_pool, default_policy, "messages", events)
    assert not blocked
    assert chunks(out)[0]["content_block"]["name"] == "get_weather"


def test_a_responses_item_added_keeps_its_name(inline_pool: DetectionPool, default_policy: Policy) -> None:
    item = {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "get_weather", "arguments": ""}
    events = [resp("response.output_item.added", 0, item=item)]
    events.append(resp("response.function_call_arguments.delta", 1, item_id="fc_1", delta='{"city": "Paris"}'))
    out, blocked = run(inline_pool, default_policy, "responses", [*events, RESP_END])
    assert not blocked
    assert chunks(out)[0]["item"]["name"] == "get_weather"


# The real openai SDK, through a gateway: the mock streams a tool call named by its reply text.


@pytest.fixture(scope="module")
def dlp_gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    with policy_gateway(bg_loop, mock_server, tmp_path_factory.mktemp("gw"), DATA / "policy_dlp.yaml") as gateway:
        yield gateway


def test_the_openai_sdk_sees_the_name_first_and_assembles_the_call(
    dlp_gateway: RunningGateway, mock: MockProvider, closing: list[Any]
) -> None:
    mock.configure(reply_text="get_weather", chunk_delay_ms=1)
    client: openai.OpenAI = sdk_client(dlp_gateway, closing)
    ask: Any = [{"role": "user", "content": "x"}]
    calls = [
        call
        for chunk in client.chat.completions.create(model="gpt-4o-answer-tool-name", messages=ask, stream=True)
        for choice in chunk.choices
        for call in choice.delta.tool_calls or []
    ]
    assert calls[0].id == "call_mock"
    assert calls[0].function is not None
    assert calls[0].function.name == "get_weather"
    with client.chat.completions.stream(model="gpt-4o-answer-tool-name", messages=ask) as stream:
        final = stream.get_final_completion()
    (assembled,) = final.choices[0].message.tool_calls or []
    assert assembled.type == "function"
    assert assembled.function.name == "get_weather"
    assert assembled.function.arguments == "{}"
