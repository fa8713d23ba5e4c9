"""End to end with the real Anthropic SDK: gateway on loopback, mock provider upstream."""

from __future__ import annotations

from collections.abc import Callable

import anthropic
import pytest

from gateway.testing import RunningGateway
from loadtests.mock_provider import ANTHROPIC_KEY, MockProvider

Client = Callable[[RunningGateway, str], anthropic.Anthropic]
MESSAGES = [{"role": "user", "content": "Review this design."}]


@pytest.fixture
def client(closing: list[anthropic.Anthropic]) -> Client:
    def make(gateway: RunningGateway, key: str) -> anthropic.Anthropic:
        c = anthropic.Anthropic(base_url=gateway.url, api_key=key, max_retries=0, timeout=10)
        closing.append(c)
        return c

    return make


def upstream_headers(mock: MockProvider) -> list[dict[str, str]]:
    return [{k.lower(): v for k, v in r.headers.items()} for r in mock.requests]


def test_messages_create_injects_provider_key(
    gateway: RunningGateway, eng_key: str, mock: MockProvider, client: Client
):
    message = client(gateway, eng_key).messages.create(
        model="claude-sonnet-5-5", max_tokens=100, system="You are terse.", messages=MESSAGES
    )
    assert message.content[0].type == "text"
    assert message.content[0].text == mock.behaviour.reply_text
    assert message.usage.output_tokens > 0
    (sent,) = mock.requests
    assert sent.path == "/v1/messages"
    assert sent.body["system"] == "You are terse."
    (headers,) = upstream_headers(mock)
    assert headers["x-api-key"] == ANTHROPIC_KEY
    assert "authorization" not in headers  # the caller's bearer (gateway key) stays behind
    assert headers["anthropic-version"]  # the SDK's version header is forwarded
    assert all(eng_key not in v for v in headers.values())


def test_messages_stream_helper(gateway: RunningGateway, eng_key: str, mock: MockProvider, client: Client):
    with client(gateway, eng_key).messages.stream(
        model="claude-haiku-5-5", max_tokens=100, messages=MESSAGES
    ) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()
    assert kinds[0] == "message_start"
    assert "content_block_delta" in kinds
    assert final.content[0].type == "text"
    assert final.content[0].text == mock.behaviour.reply_text
    assert final.stop_reason == "end_turn"


async def test_async_messages_stream(gateway: RunningGateway, eng_key: str, mock: MockProvider):
    async with anthropic.AsyncAnthropic(base_url=gateway.url, api_key=eng_key, max_retries=0, timeout=10) as aclient:
        stream = await aclient.messages.create(model="claude-haiku-5-5", max_tokens=100, messages=MESSAGES, stream=True)
        text = "".join(
            [e.delta.text async for e in stream if e.type == "content_block_delta" and e.delta.type == "text_delta"]
        )
    assert text == mock.behaviour.reply_text


def test_count_tokens(gateway: RunningGateway, eng_key: str, mock: MockProvider, client: Client):
    counted = client(gateway, eng_key).messages.count_tokens(model="claude-sonnet-5-5", messages=MESSAGES)
    assert counted.input_tokens > 0
    assert mock.requests[0].path == "/v1/messages/count_tokens"


def test_x_api_key_header_is_accepted(gateway: RunningGateway, eng_key: str, mock: MockProvider, closing: list[object]):
    c = anthropic.Anthropic(
        base_url=gateway.url,
        api_key="unused",
        max_retries=0,
        default_headers={"Authorization": "", "x-api-key": eng_key},
    )
    closing.append(c)
    message = c.messages.create(model="claude-sonnet-5-5", max_tokens=10, messages=MESSAGES)
    assert message.content[0].type == "text"
    assert upstream_headers(mock)[0]["x-api-key"] == ANTHROPIC_KEY
