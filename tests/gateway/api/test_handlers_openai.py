"""End to end with the real OpenAI SDK: gateway on loopback, mock provider upstream."""

from __future__ import annotations

from collections.abc import Callable

import openai
import pytest

from gateway.testing import RunningGateway
from loadtests.mock_provider import OPENAI_KEY, MockProvider

Client = Callable[[RunningGateway, str], openai.OpenAI]
PROMPT = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Summarise our roadmap."}]


@pytest.fixture
def client(closing: list[openai.OpenAI]) -> Callable[[RunningGateway, str], openai.OpenAI]:
    def make(gateway: RunningGateway, key: str) -> openai.OpenAI:
        c = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0, timeout=10)
        closing.append(c)
        return c

    return make


def assert_only_provider_key_went_upstream(mock: MockProvider, caller_key: str) -> None:
    assert mock.requests, "nothing reached the provider"
    for recorded in mock.requests:
        headers = {k.lower(): v for k, v in recorded.headers.items()}
        assert headers["authorization"] == f"Bearer {OPENAI_KEY}"
        assert all(caller_key not in value for value in headers.values())
        assert not any(name.startswith("x-stainless") for name in headers)


def test_chat_completion_reaches_provider_with_provider_key(
    gateway: RunningGateway, eng_key: str, mock: MockProvider, client: Client
):
    raw = client(gateway, eng_key).chat.completions.with_raw_response.create(model="gpt-4o", messages=PROMPT)
    reply = raw.parse()
    assert reply.choices[0].message.content == mock.behaviour.reply_text
    assert reply.usage is not None
    assert reply.usage.completion_tokens > 0
    assert raw.headers["x-request-id"].startswith("req_")
    assert raw.headers["x-upstream-request-id"] == "mock-upstream-id"
    assert raw.headers["x-ratelimit-remaining-requests"] == "999"
    (sent,) = mock.requests
    assert sent.path == "/v1/chat/completions"
    assert sent.body["messages"] == PROMPT
    assert sent.body["model"] == "gpt-4o"
    assert_only_provider_key_went_upstream(mock, eng_key)


def test_chat_stream_with_usage(gateway: RunningGateway, eng_key: str, mock: MockProvider, client: Client):
    chunks = list(
        client(gateway, eng_key).chat.completions.create(
            model="gpt-4o", messages=PROMPT, stream=True, stream_options={"include_usage": True}
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == mock.behaviour.reply_text
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.total_tokens > 0
    assert mock.requests[0].body["stream"] is True
    assert_only_provider_key_went_upstream(mock, eng_key)


def test_stream_is_relayed_chunk_by_chunk_not_buffered(
    gateway: RunningGateway, eng_key: str, mock: MockProvider, client: Client
):
    # The mock sends two events, then holds the stream open until released. If the
    # gateway buffered the stream, the client could not see those events yet.
    mock.configure(hold_after_chunks=2)
    stream = client(gateway, eng_key).chat.completions.create(model="gpt-4o", messages=PROMPT, stream=True)
    events = iter(stream)
    first, second = next(events), next(events)
    assert first.choices[0].delta.role == "assistant"
    assert second.choices[0].delta.content
    mock.release()
    rest = "".join(c.choices[0].delta.content or "" for c in events if c.choices)
    assert second.choices[0].delta.content + rest == mock.behaviour.reply_text


async def test_async_client_chat_and_stream(gateway: RunningGateway, eng_key: str, mock: MockProvider):
    async with openai.AsyncOpenAI(base_url=f"{gateway.url}/v1", api_key=eng_key, max_retries=0, timeout=10) as aclient:
        reply = await aclient.chat.completions.create(model="gpt-4o-mini", messages=PROMPT)
        assert reply.choices[0].message.content == mock.behaviour.reply_text
        stream = await aclient.chat.completions.create(model="gpt-4o-mini", messages=PROMPT, stream=True)
        pieces = [c.choices[0].delta.content or "" async for c in stream if c.choices]
    assert "".join(pieces) == mock.behaviour.reply_text
    assert len(mock.requests) == 2


def test_legacy_completions_whole_and_streamed(
    gateway: RunningGateway, eng_key: str, mock: MockProvider, client: Client
):
    c = client(gateway, eng_key)
    whole = c.completions.create(model="gpt-4o-mini", prompt="Once upon a time")
    assert whole.choices[0].text == mock.behaviour.reply_text
    streamed = "".join(ch.choices[0].text for ch in c.completions.create(model="gpt-4o-mini", prompt="x", stream=True))
    assert streamed == mock.behaviour.reply_text
    assert [r.path for r in mock.requests] == ["/v1/completions", "/v1/completions"]


def test_embeddings_base64_default_of_the_sdk(
    gateway: RunningGateway, eng_key: str, mock: MockProvider, client: Client
):
    result = client(gateway, eng_key).embeddings.create(model="text-embedding-3-small", input=["alpha", "beta"])
    assert [len(d.embedding) for d in result.data] == [16, 16]
    assert result.data[0].embedding != result.data[1].embedding
    assert mock.requests[0].body["input"] == ["alpha", "beta"]


def test_responses_api_whole_and_streamed(gateway: RunningGateway, eng_key: str, mock: MockProvider, client: Client):
    c = client(gateway, eng_key)
    whole = c.responses.create(model="gpt-4o", input="Draft a haiku", instructions="Be poetic.")
    assert whole.output_text == mock.behaviour.reply_text
    events = list(c.responses.create(model="gpt-4o", input="Draft a haiku", stream=True))
    kinds = [e.type for e in events]
    assert kinds[0] == "response.created"
    assert kinds[-1] == "response.completed"
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas == mock.behaviour.reply_text
    with c.responses.stream(model="gpt-4o", input="Draft a haiku") as helper:
        assert helper.get_final_response().output_text == mock.behaviour.reply_text


def test_explicit_provider_prefix_routes_and_strips_prefix(
    gateway: RunningGateway, eng_key: str, mock: MockProvider, client: Client
):
    reply = client(gateway, eng_key).chat.completions.create(model="openai/gpt-4o", messages=PROMPT)
    assert reply.choices[0].message.content == mock.behaviour.reply_text
    assert mock.requests[0].body["model"] == "gpt-4o"


@pytest.mark.parametrize("header", ["x-api-key", "api-key"])
def test_gateway_key_also_accepted_in_api_key_headers(
    gateway: RunningGateway, eng_key: str, mock: MockProvider, header: str, closing: list[openai.OpenAI]
):
    c = openai.OpenAI(
        base_url=f"{gateway.url}/v1", api_key="unused", default_headers={"Authorization": "", header: eng_key}
    )
    closing.append(c)
    reply = c.chat.completions.create(model="gpt-4o", messages=PROMPT)
    assert reply.choices[0].message.content == mock.behaviour.reply_text
    assert_only_provider_key_went_upstream(mock, eng_key)
