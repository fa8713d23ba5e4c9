"""GET /v1/models lists only what the caller's groups may use, in each API's shape."""

from __future__ import annotations

from typing import Any

import anthropic
import openai
import pytest

from gateway.testing import RunningGateway
from tests.conftest import StartGateway


def model_ids(gateway: RunningGateway, key: str, closing: list[Any]) -> list[str]:
    c = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0)
    closing.append(c)
    return [m.id for m in c.models.list()]


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ((), ["echo-1"]),
        (
            ("engineering",),
            ["echo-1", "gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "claude-sonnet-5-5", "claude-haiku-5-5"],
        ),
        (("marketing",), ["gpt-4o-mini"]),
        (("marketing", "nonexistent"), ["gpt-4o-mini"]),
    ],
)
def test_models_filtered_per_group(
    gateway: RunningGateway, closing: list[Any], groups: tuple[str, ...], expected: list[str]
):
    key = gateway.create_key("user", *groups)
    assert model_ids(gateway, key, closing) == expected


def test_anthropic_sdk_gets_anthropic_shaped_list(gateway: RunningGateway, closing: list[Any]):
    key = gateway.create_key("user", "engineering")
    c = anthropic.Anthropic(base_url=gateway.url, api_key=key, max_retries=0)
    closing.append(c)
    ids = [m.id for m in c.models.list()]
    assert "claude-sonnet-5-5" in ids
    assert "echo-1" in ids
    assert c.models.retrieve("claude-haiku-5-5").type == "model"


def test_retrieve_hides_models_the_caller_may_not_use(gateway: RunningGateway, closing: list[Any]):
    key = gateway.create_key("user", "marketing")
    c = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0)
    closing.append(c)
    assert c.models.retrieve("gpt-4o-mini").owned_by == "openai"
    with pytest.raises(openai.NotFoundError):
        c.models.retrieve("gpt-4o")


def test_models_of_a_provider_without_credentials_are_hidden(start_gateway: StartGateway, closing: list[Any]):
    gateway = start_gateway(env={"MOCK_ANTHROPIC_KEY": "x"})  # openai has no key
    key = gateway.create_key("user", "engineering")
    assert model_ids(gateway, key, closing) == ["echo-1", "claude-sonnet-5-5", "claude-haiku-5-5"]


def test_listing_requires_a_key(gateway: RunningGateway, closing: list[Any]):
    with pytest.raises(openai.AuthenticationError):
        model_ids(gateway, "aigw_000000000000_bad", closing)
