"""The echo's plant instruction (control assurance): a test card only the answer holds, derived from a nonce
that no detector reports; only the echo provider reads it, and only at the start of the prompt."""

from __future__ import annotations

import asyncio
import json
import secrets

from detectors.registry import build_detectors
from gateway.assurance.canaries import luhn_valid
from gateway.policy.policy import load_policy
from gateway.providers.base import UpstreamCall
from gateway.providers.echo import EchoProvider
from gateway.providers.echo_plant import TEST_CARD_PREFIX, plant_instruction, planted_answer, planted_card
from gateway.screening.inline import scan_timed
from gateway.wire.endpoints import endpoint_named
from tests.gateway.policy_helpers import DEFAULT_POLICY


def echo(text: str) -> str:
    body = {"model": "echo-1", "messages": [{"role": "user", "content": text}]}
    call = UpstreamCall(endpoint_named("chat.completions"), body, None, {}, "req_test")
    reply = asyncio.run(EchoProvider("echo", ("echo-1",)).send(call))
    assert reply.body is not None
    content: str = json.loads(reply.body)["choices"][0]["message"]["content"]
    return content


def test_the_echo_answers_the_instruction_with_the_card_of_its_nonce() -> None:
    nonce = secrets.token_hex(8)
    answer = echo(plant_instruction(nonce))
    card = planted_card(nonce)
    assert card in answer
    assert nonce not in answer
    assert luhn_valid(card)
    assert card.replace(" ", "").startswith(TEST_CARD_PREFIX)
    assert planted_card(nonce) == card  # the caller that chose the nonce knows what to look for
    assert planted_card(secrets.token_hex(8)) != card


def test_any_other_prompt_is_echoed_as_it_came() -> None:
    nonce = secrets.token_hex(8)
    for text in (f"please {plant_instruction(nonce)}", "aigw-echo-plant not-hex", "aigw-echo-plant 12ab"):
        assert planted_answer(text) is None
        assert echo(text) == text


def test_no_detector_finds_anything_in_the_instruction() -> None:
    """The prompt-side scan has nothing to act on: only the answer's scan can catch the card."""
    detection = load_policy(DEFAULT_POLICY).detection
    assert detection is not None
    texts = [plant_instruction(secrets.token_hex(8)) for _ in range(200)]
    found, _ = scan_timed(build_detectors(detection), texts, None)
    assert found == [[] for _ in texts]
