"""The echo provider answers, in the caller's API format, with exactly what would go upstream."""

from __future__ import annotations

import anthropic
import openai
import pytest

from gateway.testing import RunningGateway


def test_openai_sdk_gets_the_outgoing_text_back(gateway: RunningGateway, closing: list[object]):
    key = gateway.create_key("bob")  # no group: the policy's default group (echo only)
    c = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0, timeout=10)
    closing.append(c)
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello, gateway!"}]
    reply = c.chat.completions.create(model="echo-1", messages=messages)
    assert reply.choices[0].message.content == "Be brief.\nHello, gateway!"
    streamed = "".join(
        ch.choices[0].delta.content or ""
        for ch in c.chat.completions.create(model="echo-1", messages=messages, stream=True)
    )
    assert streamed == "Be brief.\nHello, gateway!"
    assert c.responses.create(model="echo-1", input="ping", instructions="sys").output_text == "sys\nping"
    assert c.completions.create(model="echo-1", prompt="finish me").choices[0].text == "finish me"


def test_anthropic_sdk_gets_the_outgoing_text_back(gateway: RunningGateway, closing: list[object]):
    key = gateway.create_key("bob")
    c = anthropic.Anthropic(base_url=gateway.url, api_key=key, max_retries=0, timeout=10)
    closing.append(c)
    content = [{"type": "text", "text": "part one"}, {"type": "text", "text": "part two"}]
    message = c.messages.create(
        model="echo-1", max_tokens=50, system="sys", messages=[{"role": "user", "content": content}]
    )
    assert message.content[0].type == "text"
    assert message.content[0].text == "sys\npart one\npart two"
    with c.messages.stream(model="echo-1", max_tokens=50, messages=[{"role": "user", "content": "hi there"}]) as s:
        assert s.get_final_text() == "hi there"


def test_echo_embeddings_are_deterministic(gateway: RunningGateway, closing: list[object]):
    key = gateway.create_key("bob")
    c = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0, timeout=10)
    closing.append(c)
    first = c.embeddings.create(model="echo-1", input="same text").data[0].embedding
    second = c.embeddings.create(model="echo-1", input="same text", encoding_format="float").data[0].embedding
    assert first == pytest.approx(second, abs=1e-6)  # base64 carries float32
    assert len(first) == 16
