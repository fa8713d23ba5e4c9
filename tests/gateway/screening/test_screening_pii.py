"""PII end to end: real Presidio and spaCy NER in the detection workers."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest

from gateway.errors import ConfigError
from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import DATA, UPSTREAM_ENV, gateway_settings


def test_people_are_pseudonymized_and_restored(oai: openai.OpenAI, mock: MockProvider):
    mock.configure(reply_text="Draft: Dear <PERSON_1>, we will call <PHONE_NUMBER_1>.")
    prompt = "Write to Maria Gonzalez (maria.gonzalez@example.com, +1 415-555-0142) about the delay."
    reply = oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
    sent = mock.requests[0].body["messages"][0]["content"]
    assert sent == "Write to <PERSON_1> (<EMAIL_ADDRESS_1>, <PHONE_NUMBER_1>) about the delay."
    assert reply.choices[0].message.content == "Draft: Dear Maria Gonzalez, we will call +1 415-555-0142."


def test_card_numbers_are_redacted(oai: openai.OpenAI):
    reply = oai.chat.completions.create(
        model="echo-1", messages=[{"role": "user", "content": "Refund card 4111 1111 1111 1111 please"}]
    )
    assert reply.choices[0].message.content == "Refund card [CREDIT_CARD] please"


def test_government_ids_are_blocked(oai: openai.OpenAI, mock: MockProvider):
    with pytest.raises(openai.PermissionDeniedError, match="US_SSN"):
        oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "My SSN is 536-22-8841."}])
    assert not mock.requests


def test_detectors_that_cannot_be_built_stop_start_up_with_the_reason(
    bg_loop: BackgroundLoop, mock: MockProvider, tmp_path: Path
):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        (DATA / "policy_pii.yaml").read_text().replace("  pii: {}", "  pii: {model: no_such_spacy_model}")
    )
    settings = gateway_settings(tmp_path, mock.url, {"policy_path": str(policy), "detection": {"workers": 1}})
    with pytest.raises(ConfigError, match="no_such_spacy_model"):
        RunningGateway.start(bg_loop, settings, UPSTREAM_ENV)
