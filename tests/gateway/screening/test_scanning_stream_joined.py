"""A streamed answer is screened as the text a client joins (issue 14, items 2 and 5): a value
split across content blocks or parts, across stream keys a provider rotates, across keys it
closes and carries on, or across a window cut inside a spaced value, is found whole. Each
case is one the red team got past the gateway, under the default policy."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from gateway.errors import SensitiveDataBlocked, UpstreamInvalid
from gateway.policy.policy import Policy, load_policy
from gateway.screening.pool import DetectionPool
from gateway.screening.screen import Screening
from tests.gateway.screening.chains import scanning
from tests.gateway.screening.inline_pool import inline_pool

POLICY = Path(__file__).parents[3] / "policies" / "default.yaml"
AWS_PIECES = ["AKI", "AIOSF", "ODNN", "7EXAMPL", "Q"]  # AKIAIOSFODNN7EXAMPLQ
CARD = "4111111111111111"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY)


@pytest.fixture(scope="module")
def pool(policy: Policy) -> DetectionPool:
    return inline_pool(policy)


def sse(obj: Any, name: str | None = None) -> bytes:
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(obj)}\n\n".encode()


def run(pool: DetectionPool, policy: Policy, endpoint: str, events: list[bytes]) -> tuple[bytes, bool]:
    """What the client got, event by event, and whether the stream was cut by a block."""
    stream = scanning(endpoint, pool, policy, Screening())
    out: list[bytes] = []

    async def go() -> bool:
        try:
            for event in events:
                out.append(await stream.feed(event))
            out.append(await stream.finish())
        except SensitiveDataBlocked:
            return True
        return False

    blocked = asyncio.run(go())
    return b"".join(out), blocked


def texts(out: bytes) -> str:
    """The text a client joins: every delta string, in order."""
    joined = []
    for block in out.decode().split("\n\n"):
        data = [line[6:] for line in block.split("\n") if line.startswith("data: ")]
        if not data or data[0] == "[DONE]":
            continue
        obj = json.loads(data[0])
        for choice in obj.get("choices", []):
            delta = choice.get("delta", {})
            joined += [delta.get("content") or "", (delta.get("function_call") or {}).get("arguments", "")]
            for call in delta.get("tool_calls") or []:
                joined += [call["function"].get("name", ""), call["function"].get("arguments", "")]
            joined += [part.get("text", "") for part in delta.get("reasoning_details") or []]
        delta = obj.get("delta")
        joined.append(
            delta if isinstance(delta, str) else (delta or {}).get("text", "") if obj.get("index") is not None else ""
        )
    return "".join(joined)


def assert_no_aws_piece(out: bytes) -> None:
    for piece in AWS_PIECES[1:4]:
        assert piece.encode() not in out


def chat(delta: dict[str, Any], index: Any = 0, finish: str | None = None) -> bytes:
    return sse(
        {
            "id": "c",
            "object": "chat.completion.chunk",
            "choices": [{"index": index, "delta": delta, "finish_reason": finish}],
        }
    )


def block_delta(index: Any, text: str) -> bytes:
    return sse(
        {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": text}},
        "content_block_delta",
    )


def block_start(index: Any) -> bytes:
    return sse(
        {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}},
        "content_block_start",
    )


def block_stop(index: Any) -> bytes:
    return sse({"type": "content_block_stop", "index": index}, "content_block_stop")


ANTH_END = [
    sse({"type": "message_delta", "delta": {"stop_reason": "end_turn"}}, "message_delta"),
    sse({"type": "message_stop"}, "message_stop"),
]


def resp(kind: str, n: int, **fields: Any) -> bytes:
    return sse({"type": kind, "sequence_number": n, "output_index": 0, **fields}, kind)


RESP_END = resp("response.completed", 99, response={"id": "r", "output": []})


# Leak 3: a value split across the blocks or parts a client joins.


def test_an_anthropic_text_block_per_piece_is_one_text(pool: DetectionPool, policy: Policy) -> None:
    events = [
        e
        for n, piece in enumerate(["key ", *AWS_PIECES])
        for e in (block_start(n), block_delta(n, piece), block_stop(n))
    ]
    out, blocked = run(pool, policy, "messages", events + ANTH_END)
    assert blocked
    assert_no_aws_piece(out)


def test_a_responses_content_index_per_piece_is_one_text(pool: DetectionPool, policy: Policy) -> None:
    events = [
        resp("response.output_text.delta", n, item_id="m", content_index=n, delta=p)
        for n, p in enumerate(["key ", *AWS_PIECES])
    ]
    out, blocked = run(pool, policy, "responses", [*events, RESP_END])
    assert blocked
    assert_no_aws_piece(out)


# Leak 6: a new stream key for every piece.


@pytest.mark.parametrize("endpoint", ["chat.completions", "messages"])
def test_an_index_written_0_00_000_is_one_key(pool: DetectionPool, policy: Policy, endpoint: str) -> None:
    indexes = ["0", "00", "000", "0000", "00000", 0]
    if endpoint == "messages":
        events = [block_delta(i, p) for i, p in zip(indexes, ["key ", *AWS_PIECES], strict=True)] + ANTH_END
    else:
        events = [chat({"content": p}, i) for i, p in zip(indexes, ["key ", *AWS_PIECES], strict=True)] + [
            b"data: [DONE]\n\n"
        ]
        with pytest.raises(UpstreamInvalid):  # a chat index must be a JSON integer (wire/choice_index)
            run(pool, policy, endpoint, events)
        return
    out, blocked = run(pool, policy, endpoint, events)
    assert blocked
    assert_no_aws_piece(out)


def test_a_responses_item_id_per_piece_is_one_key(pool: DetectionPool, policy: Policy) -> None:
    events = [
        resp("response.output_text.delta", n, item_id=f"it_{n}", content_index=0, delta=p)
        for n, p in enumerate(["key ", *AWS_PIECES])
    ]
    out, blocked = run(pool, policy, "responses", [*events, RESP_END])
    assert blocked
    assert_no_aws_piece(out)


# Leak 5: deltas that were checked one event at a time.


def _chat_pieces(make: Any) -> list[bytes]:
    return [chat(make(p)) for p in ["key ", *AWS_PIECES]] + [b"data: [DONE]\n\n"]


@pytest.mark.parametrize(
    "make",
    [
        lambda p: {"function_call": {"arguments": p}},
        lambda p: {"tool_calls": [{"index": 0, "function": {"name": p}}]},
        lambda p: {"reasoning_details": [{"type": "reasoning.text", "text": p}]},
        lambda p: {"content": [{"type": "text", "text": p}]},
    ],
    ids=["legacy function_call", "tool name", "reasoning_details", "content parts"],
)
def test_chat_delta_fields_are_windowed(pool: DetectionPool, policy: Policy, make: Any) -> None:
    out, blocked = run(pool, policy, "chat.completions", _chat_pieces(make))
    assert blocked
    assert_no_aws_piece(out)


@pytest.mark.parametrize(
    "kind",
    ["response.mcp_call_arguments.delta", "response.code_interpreter_call_code.delta", "response.made_up_text.delta"],
)
def test_responses_delta_events_are_windowed_whatever_their_type(
    pool: DetectionPool, policy: Policy, kind: str
) -> None:
    events = [resp(kind, n, item_id="x", delta=p) for n, p in enumerate(["k='", *AWS_PIECES, "'"])]
    out, blocked = run(pool, policy, "responses", [*events, RESP_END])
    assert blocked
    assert_no_aws_piece(out)


# Leak 8: a key closed after every piece, then carried on.


def test_a_block_stopped_after_every_piece_releases_no_digit(pool: DetectionPool, policy: Policy) -> None:
    pieces = ["card ", CARD[:-1], "1 ok"]
    events = [e for n, piece in enumerate(pieces) for e in (block_start(n), block_delta(n, piece), block_stop(n))]
    out, blocked = run(pool, policy, "messages", events + ANTH_END)
    assert not blocked
    assert "411" not in texts(out)
    assert "[CREDIT_CARD]" in texts(out)


def test_a_finish_reason_on_every_chunk_releases_no_digit(pool: DetectionPool, policy: Policy) -> None:
    events = [chat({"content": p}, 0, "length") for p in ["ssn ", "536-22-872", "6 ok"]] + [b"data: [DONE]\n\n"]
    out, _ = run(pool, policy, "chat.completions", events)
    assert "536" not in texts(out)
    assert "[US_SSN]" in texts(out)


def test_an_output_text_done_after_every_piece_releases_no_digit(pool: DetectionPool, policy: Policy) -> None:
    events = []
    for n, piece in enumerate(["card ", CARD[:-1], "1 ok"]):
        events.append(resp("response.output_text.delta", 2 * n, item_id="m", content_index=0, delta=piece))
        events.append(resp("response.output_text.done", 2 * n + 1, item_id="m", content_index=0, text=piece))
    out, _ = run(pool, policy, "responses", [*events, RESP_END])
    assert b"411" not in out  # the deltas, and the .done events' repeated text
    numbers = [json.loads(b.split(b"data: ")[1])["sequence_number"] for b in out.split(b"\n\n") if b"data: " in b]
    assert numbers == sorted(set(numbers))


def test_text_held_at_a_close_goes_out_before_it(pool: DetectionPool, policy: Policy) -> None:
    events = [block_start(0), block_delta(0, "Hello"), block_delta(0, " there"), block_stop(0), *ANTH_END]
    out, _ = run(pool, policy, "messages", events)
    kinds = [line[7:] for line in out.decode().split("\n") if line.startswith("event: ")]
    assert kinds[-4:] == ["content_block_delta", "content_block_stop", "message_delta", "message_stop"]
    assert texts(out) == "Hello there"


# Leak 7: a window cut inside a value written with spaces.


@pytest.mark.parametrize("value", ["4111 1111 1111 1111", "536 22 8726", "AKIA IOSF ODNN 7EXA MPLQ"])
def test_a_window_is_not_cut_inside_a_spaced_value(pool: DetectionPool, policy: Policy, value: str) -> None:
    assert policy.detection is not None
    text = "lorem ipsum " * 20 + f"the number {value} expires next year, " + "and so on " * 20
    for shift in range(0, 12, 3):  # the value around the window's edge wherever the deltas fall
        shifted = "x" * shift + text
        events = [chat({"content": shifted[n : n + 4]}) for n in range(0, len(shifted), 4)] + [b"data: [DONE]\n\n"]
        out, blocked = run(pool, policy, "chat.completions", events)
        got = texts(out)
        assert value[:4] not in got.replace("lorem", ""), got
        assert blocked or "expires next year" in got


# Leak 12: an SSE event name is relayed to the client.


def test_an_event_name_that_is_no_api_event_is_refused(pool: DetectionPool, policy: Policy) -> None:
    from gateway.errors import UpstreamInvalid

    event = sse(
        {"id": "c", "choices": [{"index": 0, "delta": {"content": "hi"}}]}, "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
    )
    with pytest.raises(UpstreamInvalid):
        run(pool, policy, "chat.completions", [event])


def test_an_event_name_with_a_secret_in_the_api_charset_is_blocked(pool: DetectionPool, policy: Policy) -> None:
    event = sse({"type": "x"}, "ghp_ab3de5fg7hj9kl1mn3pq5rs7tu9vw1xy3za5")
    _, blocked = run(pool, policy, "responses", [event])
    assert blocked


# Leak 4, streamed: JSON escapes in tool-call arguments, cut across deltas.


def test_escaped_arguments_cut_across_deltas_are_found(pool: DetectionPool, policy: Policy) -> None:
    escaped = "".join(f"\\u{ord(c):04x}" for c in "AKIAIOSFODNN7EXAMPLQ")
    pieces = ['{"k": "', *[escaped[n : n + 7] for n in range(0, len(escaped), 7)], '"}']
    events = [chat({"tool_calls": [{"index": 0, "function": {"arguments": p}}]}) for p in pieces]
    events.append(b"data: [DONE]\n\n")
    out, blocked = run(pool, policy, "chat.completions", events)
    assert blocked
    assert b"u0041" not in out.lower()


def thinking_delta(index: int, text: str) -> bytes:
    delta = {"type": "thinking_delta", "thinking": text}
    return sse({"type": "content_block_delta", "index": index, "delta": delta}, "content_block_delta")


def test_a_closed_thinking_block_does_not_hold_the_answer_back(pool: DetectionPool, policy: Policy) -> None:
    stream = scanning("messages", pool, policy, Screening())
    answer = "word " * 80  # more than a window

    async def go() -> bytes:
        out = b""
        for event in [block_start(0), thinking_delta(0, "Let me think."), block_stop(0), block_start(1)]:
            out += await stream.feed(event)
        for n in range(0, len(answer), 5):
            out += await stream.feed(block_delta(1, answer[n : n + 5]))
        return out

    before_the_end = asyncio.run(go())
    stop = before_the_end.index(b"content_block_stop")
    thought = [json.loads(line[6:]) for line in before_the_end[:stop].decode().split("\n") if "thinking_delta" in line]
    assert "".join(t["delta"]["thinking"] for t in thought) == "Let me think."  # all of it, before its close
    assert "word word" in texts(before_the_end)


def test_a_value_split_around_another_block_is_found(pool: DetectionPool, policy: Policy) -> None:
    tool = sse({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "{}"}})
    events = [block_start(0), block_delta(0, "card " + CARD[:-1]), block_stop(0), tool, block_stop(1)]
    events += [block_start(2), block_delta(2, "1 ok"), block_stop(2), *ANTH_END]
    out, _ = run(pool, policy, "messages", events)
    assert "411" not in texts(out)
    assert "[CREDIT_CARD]" in texts(out)


def test_a_value_split_across_events_no_delta_carries_is_refused(pool: DetectionPool, policy: Policy) -> None:
    events = [sse({"type": "made_up", "note": "key AKIAIOSF"}), sse({"type": "made_up", "note": "ODNN7EXAMPLQ"})]
    _, blocked = run(pool, policy, "messages", events)
    assert blocked


def test_a_dotted_card_cut_at_a_close_before_another_block_is_found(pool: DetectionPool, policy: Policy) -> None:
    thinking = sse({"type": "content_block_delta", "index": 1, "delta": {"type": "thinking_delta", "thinking": "x"}})
    events = [block_start(0), block_delta(0, "card 4111."), block_stop(0), thinking, block_stop(1)]
    events += [block_start(2), block_delta(2, "1111.1111.1111 ok"), block_stop(2), *ANTH_END]
    out, _ = run(pool, policy, "messages", events)
    assert "4111" not in texts(out)


def test_a_value_split_across_repeated_part_texts_is_refused(pool: DetectionPool, policy: Policy) -> None:
    def part_done(n: int, text: str) -> bytes:
        part = {"type": "output_text", "text": text, "annotations": []}
        return resp("response.content_part.done", n, item_id="m", content_index=n, part=part)

    _, blocked = run(pool, policy, "responses", [part_done(0, "key AKIAIOSF"), part_done(1, "ODNN7EXAMPLQ")])
    assert blocked
