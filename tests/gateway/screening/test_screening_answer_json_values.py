"""A whole answer's tool input keeps parsing when a card in it is a JSON number: the Anthropic
``tool_use.input`` object and a chat call's ``arguments`` text (red team round 2, FP 1, the
whole-answer side of the streamed fix)."""

from __future__ import annotations

import json

from gateway.policy.policy import Policy
from gateway.screening.pool import DetectionPool
from gateway.wire.json_lex import quote_bare
from tests.gateway.screening.test_screening_answer_fields import CARD, chat, policy, pool, screened, tool_use

__all__ = ["policy", "pool"]  # fixtures


async def test_a_card_number_in_tool_use_input_becomes_a_string(pool: DetectionPool, policy: Policy) -> None:
    answer = await screened(pool, policy, "messages", tool_use({"pan": int(CARD), "list": [int(CARD)]}))
    assert answer["content"][0]["input"] == {"pan": "[CREDIT_CARD]", "list": ["[CREDIT_CARD]"]}


async def test_a_card_number_in_chat_arguments_stays_valid_json(pool: DetectionPool, policy: Policy) -> None:
    call = {"id": "call_1", "type": "function", "function": {"name": "pay", "arguments": f'{{"pan": {CARD}}}'}}
    answer = await screened(pool, policy, "chat.completions", chat({"content": None, "tool_calls": [call]}))
    arguments = answer["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
    assert json.loads(arguments) == {"pan": "[CREDIT_CARD]"}


async def test_a_card_in_an_arguments_string_stays_inside_it(pool: DetectionPool, policy: Policy) -> None:
    call = {"id": "call_1", "type": "function", "function": {"name": "pay", "arguments": f'{{"pan": "c {CARD}"}}'}}
    answer = await screened(pool, policy, "chat.completions", chat({"content": None, "tool_calls": [call]}))
    arguments = answer["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
    assert json.loads(arguments) == {"pan": "c [CREDIT_CARD]"}


def test_quote_bare_quotes_only_outside_strings() -> None:
    assert quote_bare('{"a": [CREDIT_CARD], "b": "x [US_SSN] \\" <PERSON_1>", "c": <PERSON_2>}') == (
        '{"a": "[CREDIT_CARD]", "b": "x [US_SSN] \\" <PERSON_1>", "c": "<PERSON_2>"}'
    )
