"""A whole answer's text blocks and parts are joined by clients (Anthropic's text blocks, split at
citations; the Responses SDK's ``output_text``): a value split across them is found (issue 14,
item 2). Red-team cases, under the default policy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gateway.errors import SensitiveDataBlocked
from gateway.policy.policy import Policy, load_policy
from gateway.screening.pool import DetectionPool
from gateway.screening.screen import Screening, screen_response
from gateway.wire.endpoints import endpoint_named
from tests.gateway.screening.inline_pool import inline_pool

POLICY = Path(__file__).parents[3] / "policies" / "default.yaml"
AWS_PIECES = ["AKI", "AIOSF", "ODNN", "7EXAMPL", "Q"]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY)


@pytest.fixture(scope="module")
def pool(policy: Policy) -> DetectionPool:
    return inline_pool(policy)


async def screened(pool: DetectionPool, policy: Policy, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(
        await screen_response(pool, policy, endpoint_named(endpoint), json.dumps(body).encode(), Screening())
    )
    return answer


def anthropic(pieces: list[str]) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "content": [{"type": "text", "text": p} for p in pieces],
    }


async def test_a_key_over_five_anthropic_text_blocks_is_blocked(pool: DetectionPool, policy: Policy) -> None:
    with pytest.raises(SensitiveDataBlocked):
        await screened(pool, policy, "messages", anthropic(["key ", *AWS_PIECES]))


async def test_a_card_over_three_anthropic_text_blocks_is_redacted_in_each(pool: DetectionPool, policy: Policy) -> None:
    answer = await screened(pool, policy, "messages", anthropic(["card ", "41111111", "11111111", " ok"]))
    joined = "".join(block["text"] for block in answer["content"])
    assert "4111" not in joined
    assert "[CREDIT_CARD]" in joined


async def test_a_key_over_responses_output_text_parts_is_blocked(pool: DetectionPool, policy: Policy) -> None:
    parts = [{"type": "output_text", "text": p, "annotations": []} for p in ["key ", *AWS_PIECES]]
    body = {
        "id": "resp_1",
        "object": "response",
        "output": [{"type": "message", "role": "assistant", "content": parts}],
    }
    with pytest.raises(SensitiveDataBlocked):
        await screened(pool, policy, "responses", body)
