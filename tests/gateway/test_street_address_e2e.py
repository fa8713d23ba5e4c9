"""Issue 15, item 5 end to end: under the shipped default policy a postal address in a prompt is
redacted before the provider sees it, in every layout the detector knows, and the rest of the
prompt is left as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import policy_gateway

DEFAULT_POLICY = Path(__file__).resolve().parents[2] / "policies" / "default.yaml"


@pytest.fixture(scope="module")
def gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    with policy_gateway(bg_loop, mock_server, tmp_path_factory.mktemp("address"), DEFAULT_POLICY) as running:
        yield running


@pytest.fixture
def engineer(gateway: RunningGateway, closing: list[Any]) -> openai.OpenAI:
    """A caller in the engineering group, who may use the (mock) OpenAI models."""
    key = gateway.create_key("eng", "engineering")
    client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0, timeout=60)
    closing.append(client)
    return client


def sent(mock: MockProvider) -> str:
    content: str = mock.requests[-1].body["messages"][0]["content"]
    return content


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        (
            "Write a delivery note for 42 Elm Street, Apt 3, Springfield, IL 62704 by Friday.",
            "Write a delivery note for [STREET_ADDRESS] by Friday.",
        ),
        (
            "Please deliver to Hauptstraße 12, 10115 Berlin, and ring twice.",
            "Please deliver to [STREET_ADDRESS], and ring twice.",
        ),
        ("Reply to:\nul. Marszałkowska 84/92\n00-514 Warszawa\nPoland", "Reply to:\n[STREET_ADDRESS]\nPoland"),
        ("Forward my mail to PSC 1234, Box 5678, APO AE 09204 please", "Forward my mail to [STREET_ADDRESS] please"),
    ],
)
def test_addresses_in_prompts_are_redacted(
    engineer: openai.OpenAI, mock: MockProvider, prompt: str, expected: str
) -> None:
    engineer.chat.completions.create(model="gpt-5.5", messages=[{"role": "user", "content": prompt}])
    assert sent(mock) == expected


def test_a_prompt_without_an_address_is_untouched(engineer: openai.OpenAI, mock: MockProvider) -> None:
    prompt = "Chapter 12 Road to Damascus: summarise the 3 Street Fighter games released in 1991."
    engineer.chat.completions.create(model="gpt-5.5", messages=[{"role": "user", "content": prompt}])
    assert sent(mock) == prompt


def test_the_echo_model_shows_everyone_what_left(gateway: RunningGateway, closing: list[Any]) -> None:
    client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("ann"), max_retries=0, timeout=60)
    closing.append(client)
    reply = client.chat.completions.create(
        model="echo-1", messages=[{"role": "user", "content": "Send it to 10 Downing Street, London SW1A 2AA."}]
    )
    assert reply.choices[0].message.content == "Send it to [STREET_ADDRESS]."


def test_the_readme_demo_sentence(gateway: RunningGateway, closing: list[Any]) -> None:
    # README "Data protection": the demo a new user runs first. Issue 15: a phone number with an
    # unassigned area code is still personal data and must not leave untouched.
    client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("bea"), max_retries=0, timeout=60)
    closing.append(client)
    prompt = "Call Maria Gonzalez about card 4111 1111 1111 1111; her phone is (375) 401-2288"
    reply = client.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": prompt}])
    assert reply.choices[0].message.content == "Call <PERSON_1> about card [CREDIT_CARD]; her phone is <PHONE_NUMBER_1>"
