"""Every text field of a whole answer is screened under the default policy (issue 14, item 5):
logprobs as the text they spell, a tool's input whatever its keys (and its key names and
numbers), the API's ids. Each case is one the red team got past the gateway."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gateway.errors import SensitiveDataBlocked
from gateway.policy.policy import Policy, load_policy
from gateway.screening.answer_ids import screen_body_ids
from gateway.screening.pool import DetectionPool
from gateway.screening.screen import Screening, screen_response
from gateway.wire.endpoints import endpoint_named
from tests.gateway.screening.chains import scanning
from tests.gateway.screening.inline_pool import inline_pool

POLICY = Path(__file__).parents[3] / "policies" / "default.yaml"
AWS = "AKIA" + "IOSFODNN7EXAMPLQ"
CARD = "4111111111111111"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY)


@pytest.fixture(scope="module")
def pool(policy: Policy) -> DetectionPool:
    return inline_pool(policy)


async def screened(pool: DetectionPool, policy: Policy, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    """What the gateway does with a whole answer: its ids screened, then its text."""
    screening = Screening()
    ids_screened = await screen_body_ids(pool, policy, json.dumps(body).encode(), screening)
    out = await screen_response(pool, policy, endpoint_named(endpoint), ids_screened, screening)
    answer: dict[str, Any] = json.loads(out)
    return answer


def tok(text: str) -> dict[str, Any]:
    return {"token": text, "logprob": -0.1, "bytes": list(text.encode()), "top_logprobs": []}


def chat(message: dict[str, Any], logprobs: Any = None, **top: Any) -> dict[str, Any]:
    choice = {"index": 0, "message": {"role": "assistant", **message}, "logprobs": logprobs, "finish_reason": "stop"}
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o", "choices": [choice], **top}


async def test_logprob_tokens_that_spell_a_redacted_card_go_with_it(pool: DetectionPool, policy: Policy) -> None:
    pieces = ["card", " 4111", "1111", "1111", "1111", " done"]
    answer = await screened(
        pool,
        policy,
        "chat.completions",
        chat({"content": "card 4111111111111111 done"}, {"content": [tok(p) for p in pieces], "refusal": None}),
    )
    assert answer["choices"][0]["message"]["content"] == "card [CREDIT_CARD] done"
    assert answer["choices"][0]["logprobs"] is None


async def test_a_redacted_content_takes_its_logprobs_even_when_they_spell_less(
    pool: DetectionPool, policy: Policy
) -> None:
    pieces = ["card", " 4111", "1111", "1111"]  # the provider cut the tokens short
    answer = await screened(
        pool,
        policy,
        "chat.completions",
        chat({"content": "card 4111111111111111 done"}, {"content": [tok(p) for p in pieces]}),
    )
    assert answer["choices"][0]["message"]["content"] == "card [CREDIT_CARD] done"
    assert answer["choices"][0]["logprobs"] is None


async def test_alternatives_and_bytes_are_read_as_text_too(pool: DetectionPool, policy: Policy) -> None:
    positions = [{**tok("ok"), "top_logprobs": [tok(p)]} for p in ["card ", "4111", "1111", "1111", "1111"]]
    answer = await screened(pool, policy, "chat.completions", chat({"content": "okokokokok"}, {"content": positions}))
    assert answer["choices"][0]["logprobs"] is None
    hidden = [{"token": "x", "logprob": 0, "bytes": list(f"card {CARD}".encode())}]
    answer = await screened(pool, policy, "chat.completions", chat({"content": "x"}, {"content": hidden}))
    assert answer["choices"][0]["logprobs"] is None


async def test_legacy_completion_tokens(pool: DetectionPool, policy: Policy) -> None:
    tokens = ["card", " 4111", "1111", "1111", "1111"]
    logprobs = {"tokens": tokens, "token_logprobs": [-0.1] * 5, "top_logprobs": [{t: -0.1} for t in tokens]}
    body = {"object": "text_completion", "choices": [{"text": "ok", "index": 0, "logprobs": logprobs}]}
    answer = await screened(pool, policy, "completions", body)
    assert answer["choices"][0]["logprobs"] is None


async def test_clean_logprobs_are_kept(pool: DetectionPool, policy: Policy) -> None:
    logprobs = {"content": [tok("Hello"), tok(" world")], "refusal": None}
    body = chat({"content": "Hello world"}, logprobs)
    assert await screened(pool, policy, "chat.completions", body) == body


def tool_use(tool_input: Any) -> dict[str, Any]:
    block = {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "write_file", "input": tool_input}
    return {"id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant", "content": [block]}


@pytest.mark.parametrize(
    "tool_input",
    [
        {"path": "creds", "data": AWS},
        {"format": AWS},
        {"status": AWS},
        {"type": AWS},
        {"id": AWS},
        {AWS: True},
        {"nested": [{"model": AWS}]},
    ],
)
async def test_a_secret_anywhere_in_a_tool_input_blocks(pool: DetectionPool, policy: Policy, tool_input: Any) -> None:
    with pytest.raises(SensitiveDataBlocked, match="AWS_ACCESS_KEY_ID"):
        await screened(pool, policy, "messages", tool_use(tool_input))


async def test_numbers_and_key_names_in_a_tool_input_are_redacted(pool: DetectionPool, policy: Policy) -> None:
    answer = await screened(pool, policy, "messages", tool_use({"card": int(CARD), "n": 3, f"card {CARD}": "x"}))
    assert answer["content"][0]["input"] == {"card": "[CREDIT_CARD]", "n": 3, "card [CREDIT_CARD]": "x"}


@pytest.mark.parametrize("field", ["system_fingerprint", "id", "service_tier", "model"])
async def test_a_secret_in_an_id_field_blocks(pool: DetectionPool, policy: Policy, field: str) -> None:
    with pytest.raises(SensitiveDataBlocked, match="AWS_ACCESS_KEY_ID"):
        await screened(pool, policy, "chat.completions", {**chat({"content": "hi"}), field: AWS})


async def test_a_card_in_a_tool_call_id_is_redacted(pool: DetectionPool, policy: Policy) -> None:
    call = {"id": CARD, "type": "function", "function": {"name": "f", "arguments": "{}"}}
    answer = await screened(pool, policy, "chat.completions", chat({"content": None, "tool_calls": [call]}))
    assert CARD not in json.dumps(answer)


REAL_IDS = [
    "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
    "chatcmpl-4111",
    "fp_44709d6fcb",
    "fp_b705f0c291",
    "call_abc123DEF456ghi789JKL0",
    "call_3Hy7q9Lk0ZmXbWcR2tVnP8aD",
    "msg_013Zva2CMHLNnXjNJJKqJ2EF",
    "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
    "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
    "rs_6876cf02e0bc8192b74af0fb64b715ff06fa2fcced15a5ac",
    "srvtoolu_014hJH82Qum7Td6UV8gDXThB",
    "gpt-4o-2024-08-06",
    "claude-sonnet-4-5-20250929",
    "o3-mini",
    "default",
    "auto",
]


@pytest.mark.parametrize("value", REAL_IDS)
async def test_real_provider_ids_pass_unchanged(pool: DetectionPool, policy: Policy, value: str) -> None:
    call = {"id": value, "type": "function", "function": {"name": "f", "arguments": "{}"}}
    body = {**chat({"content": None, "tool_calls": [call]}), "id": value, "system_fingerprint": value}
    assert await screened(pool, policy, "chat.completions", body) == body
    assert await screened(pool, policy, "messages", tool_use({"id": value, "type": value})) == tool_use(
        {"id": value, "type": value}
    )


@pytest.mark.parametrize("escaped", [1, 2, 16])
async def test_escaped_tool_arguments_are_read_as_the_client_decodes_them(
    pool: DetectionPool, policy: Policy, escaped: int
) -> None:
    """``"\\u0034111..."`` in tool arguments is the card once the client json-decodes them (leak 4)."""
    value = "".join(f"\\u{ord(c):04x}" for c in CARD[:escaped]) + CARD[escaped:]
    call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": '{"k": "' + value + '"}'}}
    answer = await screened(pool, policy, "chat.completions", chat({"content": None, "tool_calls": [call]}))
    arguments = json.loads(answer["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"])
    assert arguments == {"k": "[CREDIT_CARD]"}


async def test_a_streamed_tool_use_start_with_a_secret_in_its_input_ends_the_stream(
    pool: DetectionPool, policy: Policy
) -> None:
    block = {"type": "tool_use", "id": "toolu_1", "name": "write_file", "input": {"data": AWS}}
    start = {"type": "content_block_start", "index": 0, "content_block": block}
    stream = scanning("messages", pool, policy, Screening())
    with pytest.raises(SensitiveDataBlocked, match="AWS_ACCESS_KEY_ID"):
        await stream.feed(b"event: content_block_start\ndata: " + json.dumps(start).encode() + b"\n\n")
