"""End to end: values hidden by invisible characters, look-alike letters, other digit
forms, spacing, encoding, digit words or reversal are redacted where they were sent, whole; the provider never
sees any of their characters."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import policy_gateway, sdk_client

POLICY = """\
policy: {id: normalized-test, version: "1"}
default_group: everyone
groups:
  everyone:
    approved_tools:
      - {provider: openai, models: ["gpt-*"]}
detection:
  time_limit_ms: 20000
  secrets: {}
  pii: {}
  confidential: {terms: ["Nightingale"], markers: true}
data_rules:
  - id: redact-secrets
    match: {categories: [secret]}
    action: redact
  - id: redact-values
    match: {entity_types: [US_SSN, CREDIT_CARD, EMAIL_ADDRESS, CLASSIFICATION_MARKER]}
    action: redact
  - id: terms
    match: {entity_types: [CONFIDENTIAL_TERM]}
    action: pseudonymize
"""
AWS_KEY = "AKIA" + "Y3FDSNXVQH2KJ7PL"
FULL_WIDTH_SSN = "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in "536-22-8741")
BASE64_KEY = base64.b64encode(f"aws key {AWS_KEY}".encode()).decode()

# (planted value as sent, placeholder the provider must get instead)
CASES = [
    ("536\u200b-22-8741", "[US_SSN]"),
    (FULL_WIDTH_SSN, "[US_SSN]"),
    ("4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", "[CREDIT_CARD]"),
    ("ali\u00adce@example.com", "[EMAIL_ADDRESS]"),
    ("\u0410\u041a" + AWS_KEY[2:], "[AWS_ACCESS_KEY_ID]"),
    (BASE64_KEY, "[AWS_ACCESS_KEY_ID]"),
    ("Nightin\u2060gal\u0435", "<CONFIDENTIAL_TERM_1>"),
    ("\uff23\uff2f\uff2e\uff26\uff29\uff24\uff25\uff2e\uff34\uff29\uff21\uff2c", "[CLASSIFICATION_MARKER]"),
    # Digits as words, backwards, quoted-printable, dotted groups (detectors.spelled, .decoding).
    ("five three six, two two, eight seven four one", "[US_SSN]"),
    (AWS_KEY[::-1], "[AWS_ACCESS_KEY_ID]"),
    ("moc.elpmaxe@ecila", "[EMAIL_ADDRESS]"),
    ("".join(f"={ord(c):02X}" for c in "bob@example.org"), "[EMAIL_ADDRESS]"),
    ("536.22.8741", "[US_SSN]"),
    ("4111.1111.1111.1111", "[CREDIT_CARD]"),
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
):
    client: openai.OpenAI = sdk_client(gateway, closing)
    prompt = f"{asker}please file this SSN, card, mail or key: {planted} by friday"
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
    sent = mock.requests[0].body["messages"][0]["content"]
    assert sent == f"{asker}please file this SSN, card, mail or key: {placeholder} by friday"
