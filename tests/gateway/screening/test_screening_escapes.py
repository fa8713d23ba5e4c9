"""End to end: values joined by other separators, behind JSON/HTML/Markdown escapes,
nested or other encodings, keys in other shapes and digit words mixed with digits
(issue 14, item 2, the red team's remaining leaks) are redacted where they were sent,
whole; the provider never sees any of their characters."""

from __future__ import annotations

import base64
import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import policy_gateway, sdk_client

POLICY = """\
policy: {id: escapes-test, version: "1"}
default_group: everyone
groups:
  everyone:
    approved_tools:
      - {provider: openai, models: ["gpt-*"]}
detection:
  time_limit_ms: 20000
  secrets: {}
  pii: {}
data_rules:
  - id: redact-secrets
    match: {categories: [secret]}
    action: redact
  - id: redact-values
    match: {entity_types: [US_SSN, CREDIT_CARD, EMAIL_ADDRESS]}
    action: redact
"""
AWS_KEY = "AKIA" + "Y3FDSNXVQH2KJ7PL"
NO_DIGIT_KEY = "AKIA" + "QWERTYUIOPASDFGH"

# (planted value as sent, placeholder the provider must get instead)
CASES = [
    ("536/22/8741", "[US_SSN]"),
    ("536\u201322\u20138741", "[US_SSN]"),
    ("4111_1111_1111_1111", "[CREDIT_CARD]"),
    ("5,3,6,2,2,8,7,4,1", "[US_SSN]"),
    ("\\u0035\\u0033\\u0036-22-8741", "[US_SSN]"),
    ("alice&#64;example&period;com", "[EMAIL_ADDRESS]"),
    ("alice\\@example\\.com", "[EMAIL_ADDRESS]"),
    (base64.b64encode(base64.b64encode(f"key {AWS_KEY}".encode())).decode(), "[AWS_ACCESS_KEY_ID]"),
    (base64.b32encode(f"key {AWS_KEY}".encode()).decode(), "[AWS_ACCESS_KEY_ID]"),
    (codecs.encode(AWS_KEY, "rot13"), "[AWS_ACCESS_KEY_ID]"),
    (NO_DIGIT_KEY.lower(), "[AWS_ACCESS_KEY_ID]"),
    ("AKIA QWER TYUI OPAS DFGH", "[AWS_ACCESS_KEY_ID]"),
    (NO_DIGIT_KEY[::-1], "[AWS_ACCESS_KEY_ID]"),
    ("five 3 six-22-8741", "[US_SSN]"),
]


@pytest.fixture(scope="module")
def gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    tmp = tmp_path_factory.mktemp("gw")
    policy = Path(tmp / "policy.yaml")
    policy.write_text(POLICY, encoding="utf-8")
    with policy_gateway(bg_loop, mock_server, tmp, policy) as running:
        yield running


# A possible name sends the scan to a detection worker (spaCy); without one it runs inline.
@pytest.mark.parametrize("asker", ["", "Maria Gonzalez asks: "], ids=["inline", "worker"])
@pytest.mark.parametrize(("planted", "placeholder"), CASES)
def test_the_characters_sent_are_what_gets_replaced(
    gateway: RunningGateway, mock: MockProvider, closing: list[Any], planted: str, placeholder: str, asker: str
) -> None:
    client: openai.OpenAI = sdk_client(gateway, closing)
    prompt = f"{asker}please file this SSN, card, mail or key: {planted} by friday"
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
    sent = mock.requests[0].body["messages"][0]["content"]
    assert sent == f"{asker}please file this SSN, card, mail or key: {placeholder} by friday"


def test_json_escapes_in_tool_call_arguments_are_redacted(
    gateway: RunningGateway, mock: MockProvider, closing: list[Any]
) -> None:
    client: openai.OpenAI = sdk_client(gateway, closing)
    arguments = '{"ssn": "\\u0035\\u0033\\u0036-22-8741"}'  # JSON text, as tool-call arguments are
    messages: list[Any] = [
        {"role": "user", "content": "file the form"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "file", "arguments": arguments}}],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "filed"},
    ]
    client.chat.completions.create(model="gpt-4o", messages=messages)
    sent = mock.requests[0].body["messages"][1]["tool_calls"][0]["function"]["arguments"]
    assert "8741" not in sent
    assert json.loads(sent) == {"ssn": "[US_SSN]"}
