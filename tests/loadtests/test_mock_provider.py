"""The mock provider speaks the real wire formats: the real SDKs talk to it directly."""

from __future__ import annotations

import anthropic
import openai
import pytest

from loadtests.mock_provider import ANTHROPIC_KEY, OPENAI_KEY, MockProvider, prose


def test_openai_sdk_chat_and_stream_against_mock(mock: MockProvider, closing: list[object]) -> None:
    client = openai.OpenAI(base_url=f"{mock.url}/v1", api_key=OPENAI_KEY, max_retries=0)
    closing.append(client)
    reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert reply.choices[0].message.content == mock.behaviour.reply_text
    pieces = [
        c.choices[0].delta.content or ""
        for c in client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        if c.choices
    ]
    assert "".join(pieces) == mock.behaviour.reply_text
    assert [r.body["stream"] for r in mock.requests if "stream" in r.body] == [True]


def test_anthropic_sdk_stream_against_mock(mock: MockProvider, closing: list[object]) -> None:
    client = anthropic.Anthropic(base_url=mock.url, api_key=ANTHROPIC_KEY, max_retries=0)
    closing.append(client)
    with client.messages.stream(
        model="claude-sonnet-5-5", max_tokens=50, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        assert stream.get_final_text() == mock.behaviour.reply_text


def test_mock_rejects_wrong_provider_key_like_the_real_api(mock: MockProvider, closing: list[object]) -> None:
    client = openai.OpenAI(base_url=f"{mock.url}/v1", api_key="sk-wrong", max_retries=0)
    closing.append(client)
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])


def test_mock_injects_rate_limit_with_retry_after(mock: MockProvider, closing: list[object]) -> None:
    mock.configure(error_status=429, retry_after="7")
    client = anthropic.Anthropic(base_url=mock.url, api_key=ANTHROPIC_KEY, max_retries=0)
    closing.append(client)
    with pytest.raises(anthropic.RateLimitError) as caught:
        client.messages.create(model="claude-haiku-5-5", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    assert caught.value.response.headers["retry-after"] == "7"


def test_leading_space_pieces_put_the_space_first_losing_nothing(mock: MockProvider, closing: list[object]) -> None:
    mock.configure(reply_text=prose(12), leading_space=True)
    client = openai.OpenAI(base_url=f"{mock.url}/v1", api_key=OPENAI_KEY, max_retries=0)
    closing.append(client)
    asked = [{"role": "user", "content": "hi"}]
    chunks = client.chat.completions.create(model="gpt-4o", messages=asked, stream=True)
    pieces = [c.choices[0].delta.content or "" for c in chunks if c.choices]
    words = [p for p in pieces if p]
    assert "".join(pieces) == prose(12)
    assert len(words) == 12
    assert all(p.startswith(" ") and not p.endswith(" ") for p in words[1:])  # as tokenizers cut: " word"
