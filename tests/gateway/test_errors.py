"""Every error the gateway produces, in the caller's API shape, never with a traceback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import anthropic
import openai
import pytest

from gateway.lifecycle.state import STATE
from gateway.testing import RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import StartGateway

CHAT = {"model": "gpt-4o", "messages": [{"role": "user", "content": "my private prompt text"}]}
MESSAGE = {"model": "claude-sonnet-5-5", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession, url: str, *, key: str | None = None, body: Any = None, data: Any = None, **kw: Any
) -> tuple[int, dict[str, Any], Any]:
    headers = {"authorization": f"Bearer {key}"} if key else {}
    method = kw.pop("method", "POST")
    async with http.request(method, url, json=body, data=data, headers=headers, **kw) as resp:
        headers = {k.lower(): v for k, v in resp.headers.items()}
        return resp.status, headers, await resp.json(content_type=None)


def openai_error(payload: Any) -> dict[str, Any]:
    assert set(payload) == {"error"}
    error: dict[str, Any] = payload["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert "Traceback" not in error["message"]
    return error


def anthropic_error(payload: Any) -> dict[str, Any]:
    assert payload["type"] == "error"
    assert payload["request_id"].startswith("req_")
    error: dict[str, Any] = payload["error"]
    assert set(error) == {"type", "message"}
    return error


async def test_missing_and_bad_keys_are_401_in_each_shape(gateway: RunningGateway, http: aiohttp.ClientSession):
    status, _, payload = await call(http, f"{gateway.url}/v1/chat/completions", body=CHAT)
    assert status == 401
    assert openai_error(payload)["code"] == "missing_api_key"
    status, _, payload = await call(http, f"{gateway.url}/v1/messages", body=MESSAGE, key="aigw_0123456789ab_nope")
    assert status == 401
    assert anthropic_error(payload)["type"] == "authentication_error"
    status, _, payload = await call(http, f"{gateway.url}/v1/chat/completions", body=CHAT, key="sk-proj-realOpenAIkey")
    assert status == 401
    error = openai_error(payload)
    assert "provider keys" in error["message"]
    assert "sk-proj-realOpenAIkey" not in error["message"]


async def test_malformed_json_is_400(gateway: RunningGateway, eng_key: str, http: aiohttp.ClientSession):
    url = f"{gateway.url}/v1/chat/completions"
    status, headers, payload = await call(http, url, key=eng_key, data=b'{"model": "gpt-4o", ')
    assert status == 400
    error = openai_error(payload)
    assert error["code"] == "invalid_json"
    assert "line 1" in error["message"]
    assert headers["x-request-id"].startswith("req_")
    status, _, payload = await call(http, f"{gateway.url}/v1/messages", key=eng_key, data=b"[1, 2]")
    assert status == 400
    assert anthropic_error(payload)["type"] == "invalid_request_error"
    status, _, payload = await call(http, url, key=eng_key, body={"messages": []})
    assert status == 400
    assert openai_error(payload)["param"] == "model"


async def test_body_over_limit_is_413_with_and_without_content_length(
    start_gateway: StartGateway, http: aiohttp.ClientSession, mock: MockProvider
):
    gateway = start_gateway(limits={"max_body_bytes": 2048})
    key = gateway.create_key("alice", "engineering")
    big = {**CHAT, "messages": [{"role": "user", "content": "x" * 5000}]}
    status, _, payload = await call(http, f"{gateway.url}/v1/chat/completions", key=key, body=big)
    assert status == 413
    assert openai_error(payload)["code"] == "request_too_large"

    async def chunks() -> AsyncIterator[bytes]:  # chunked transfer: no Content-Length to check up front
        for _ in range(10):
            yield b" " * 1000

    status, _, payload = await call(http, f"{gateway.url}/v1/messages", key=key, data=chunks())
    assert status == 413
    assert anthropic_error(payload)["type"] == "request_too_large"
    assert not mock.requests


async def test_unknown_route_and_method(gateway: RunningGateway, eng_key: str, http: aiohttp.ClientSession):
    status, _, payload = await call(http, f"{gateway.url}/v1/fine_tuning/jobs", key=eng_key, body={})
    assert status == 404
    assert openai_error(payload)["code"] == "unknown_route"
    status, _, payload = await call(http, f"{gateway.url}/v1/messages/batches", key=eng_key, body={})
    assert status == 404
    assert anthropic_error(payload)["type"] == "not_found_error"
    status, _, payload = await call(http, f"{gateway.url}/v1/chat/completions", method="GET")
    assert status == 405
    assert openai_error(payload)["code"] == "method_not_allowed"


async def test_unknown_model_is_404_model_not_found(gateway: RunningGateway, eng_key: str, http: aiohttp.ClientSession):
    status, _, payload = await call(
        http, f"{gateway.url}/v1/chat/completions", key=eng_key, body={**CHAT, "model": "llama-9000"}
    )
    assert status == 404
    assert openai_error(payload)["code"] == "model_not_found"


def test_unapproved_model_is_403_naming_rule_and_alternatives(gateway: RunningGateway, closing: list[Any]):
    key = gateway.create_key("mallory", "marketing")  # marketing: openai gpt-4o-mini only
    oai = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0)
    ant = anthropic.Anthropic(base_url=gateway.url, api_key=key, max_retries=0)
    closing.extend([oai, ant])
    with pytest.raises(openai.PermissionDeniedError) as denied:
        oai.chat.completions.create(model="gpt-4o", messages=CHAT["messages"])
    message = denied.value.message
    assert "approved_tools.default_deny" in message
    assert "test-policy" in message
    assert "openai/gpt-4o-mini" in message
    assert denied.value.code == "model_not_approved"
    with pytest.raises(anthropic.PermissionDeniedError) as denied_anthropic:
        ant.messages.create(**MESSAGE)
    assert "claude-sonnet-5-5" in denied_anthropic.value.message
    assert oai.chat.completions.create(model="gpt-4o-mini", messages=CHAT["messages"]).choices


async def test_upstream_timeout_is_504(start_gateway: StartGateway, mock: MockProvider, http: aiohttp.ClientSession):
    gateway = start_gateway(limits={"upstream_read_timeout_s": 0.2})
    key = gateway.create_key("alice", "engineering")
    mock.configure(slow_ms=1500)
    status, _, payload = await call(http, f"{gateway.url}/v1/chat/completions", key=key, body=CHAT)
    assert status == 504
    assert openai_error(payload)["type"] == "timeout_error"
    status, _, payload = await call(http, f"{gateway.url}/v1/messages", key=key, body=MESSAGE)
    assert status == 504
    assert anthropic_error(payload)["type"] == "timeout_error"


async def test_upstream_unreachable_is_502(start_gateway: StartGateway, http: aiohttp.ClientSession):
    gateway = start_gateway(providers={"openai": {"base_url": "http://127.0.0.1:9/v1"}})  # discard port: closed
    key = gateway.create_key("alice", "engineering")
    status, _, payload = await call(http, f"{gateway.url}/v1/chat/completions", key=key, body=CHAT)
    assert status == 502
    error = openai_error(payload)
    assert error["code"] == "upstream_unavailable"
    assert "127.0.0.1:9" not in error["message"]  # internal addresses stay internal


@pytest.mark.parametrize(("status", "sdk_error"), [(429, openai.RateLimitError), (500, openai.InternalServerError)])
def test_upstream_errors_pass_through_with_retry_after(
    gateway: RunningGateway, eng_key: str, mock: MockProvider, closing: list[Any], status: int, sdk_error: type
):
    mock.configure(error_status=status, retry_after="11")
    c = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=eng_key, max_retries=0)
    closing.append(c)
    with pytest.raises(sdk_error) as caught:
        c.chat.completions.create(model="gpt-4o", messages=CHAT["messages"])
    assert caught.value.status_code == status
    assert "mock provider injected" in caught.value.message
    if status == 429:
        assert caught.value.response.headers["retry-after"] == "11"


def test_wrong_provider_key_upstream_surfaces_as_upstream_401(
    start_gateway: StartGateway, closing: list[Any], mock: MockProvider
):
    gateway = start_gateway(env={"MOCK_OPENAI_KEY": "sk-stale", "MOCK_ANTHROPIC_KEY": "x"})
    key = gateway.create_key("alice", "engineering")
    c = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0)
    closing.append(c)
    with pytest.raises(openai.AuthenticationError) as caught:
        c.chat.completions.create(model="gpt-4o", messages=CHAT["messages"])
    assert "Incorrect API key" in caught.value.message  # the provider's words, passed through


@pytest.mark.parametrize("api", ["openai", "anthropic"])
def test_stream_cut_mid_way_raises_in_the_sdk(
    gateway: RunningGateway, eng_key: str, mock: MockProvider, closing: list[Any], api: str
):
    mock.configure(reset_after_chunks=3)
    if api == "openai":
        oai = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=eng_key, max_retries=0)
        closing.append(oai)
        with pytest.raises(openai.APIError, match="could not be reached"):
            list(oai.chat.completions.create(model="gpt-4o", messages=CHAT["messages"], stream=True))
    else:
        ant = anthropic.Anthropic(base_url=gateway.url, api_key=eng_key, max_retries=0)
        closing.append(ant)
        with pytest.raises(anthropic.APIError, match="could not be reached"):
            list(ant.messages.create(**MESSAGE, stream=True))


async def test_provider_without_key_is_503(start_gateway: StartGateway, http: aiohttp.ClientSession):
    gateway = start_gateway(env={"MOCK_ANTHROPIC_KEY": "x"})  # MOCK_OPENAI_KEY unset: openai disabled
    key = gateway.create_key("alice", "engineering")
    status, _, payload = await call(http, f"{gateway.url}/v1/chat/completions", key=key, body=CHAT)
    assert status == 503
    error = openai_error(payload)
    assert error["code"] == "provider_unavailable"
    assert "$MOCK_OPENAI_KEY" in error["message"]


async def test_openai_format_to_anthropic_provider_is_400(
    gateway: RunningGateway, eng_key: str, http: aiohttp.ClientSession
):
    body = {**CHAT, "model": "claude-sonnet-5-5"}
    status, _, payload = await call(http, f"{gateway.url}/v1/chat/completions", key=eng_key, body=body)
    assert status == 400
    assert openai_error(payload)["code"] == "api_mismatch"


async def test_internal_error_is_500_without_details(
    gateway: RunningGateway, eng_key: str, http: aiohttp.ClientSession, capsys: pytest.CaptureFixture[str]
):
    class Exploding:
        name, kind, models, available = "echo", "echo", ("echo-1",), True
        formats = frozenset(gateway.server.app[STATE].providers["echo"].formats)

        async def send(self, call: Any) -> Any:
            raise RuntimeError(f"boom with {call.body['messages'][0]['content']}")

    providers = dict(gateway.server.app[STATE].providers)
    providers["echo"] = Exploding()  # type: ignore[assignment]
    gateway.server.app[STATE].providers = providers
    body = {**CHAT, "model": "echo-1"}
    status, _, payload = await call(http, f"{gateway.url}/v1/chat/completions", key=eng_key, body=body)
    assert status == 500
    error = openai_error(payload)
    assert "boom" not in error["message"]
    assert "my private prompt text" not in error["message"]
    logged = capsys.readouterr().out
    assert "internal_error" in logged
    assert "RuntimeError" in logged
    assert "my private prompt text" not in logged


async def test_azure_style_api_key_header_upstream(
    start_gateway: StartGateway, mock: MockProvider, http: aiohttp.ClientSession
):
    gateway = start_gateway(providers={"openai": {"auth_header": "api-key"}})
    key = gateway.create_key("alice", "engineering")
    status, _, _ = await call(http, f"{gateway.url}/v1/chat/completions", key=key, body=CHAT)
    assert status == 401  # the mock wants a bearer token, as OpenAI does; Azure takes api-key
    headers = {k.lower(): v for k, v in mock.requests[0].headers.items()}
    assert headers["api-key"] == "sk-mock-openai-upstream-key"
    assert "authorization" not in headers
