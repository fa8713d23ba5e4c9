"""Whole-body screening end to end (issue 14): a cloud key planted in any field the provider
reads never reaches it, through the real SDKs; what cannot be screened follows the policy."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from gateway.errors import ConfigError
from gateway.policy.policy import load_policy
from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import DATA, policy_gateway, sdk_client
from tests.gateway.wire.test_request_slots import B64, FIELDS, C

AWS_KEY = "AKIA" + "QWERTYUIOPASDFGH"
AWS_B64 = base64.b64encode(f"notes: {AWS_KEY}".encode()).decode()
HI = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def gw(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    policy = DATA / "policy_whole_body.yaml"
    with policy_gateway(bg_loop, mock_server, tmp_path_factory.mktemp("gw"), policy) as gateway:
        yield gateway


@pytest.fixture
def oai(gw: RunningGateway, closing: list[Any]) -> openai.OpenAI:
    client: openai.OpenAI = sdk_client(gw, closing)
    return client


@pytest.fixture
def ant(gw: RunningGateway, closing: list[Any]) -> anthropic.Anthropic:
    client = anthropic.Anthropic(base_url=gw.url, api_key=gw.create_key("ann"), max_retries=0, timeout=60)
    closing.append(client)
    return client


def send(oai: openai.OpenAI, ant: anthropic.Anthropic, endpoint: str, body: dict[str, Any]) -> Any:
    """The body through the SDK of its API: typed parameters where the SDK has them, the rest as extra_body."""
    body = dict(body)
    body.pop("model", None)
    body.pop("max_tokens", None)
    if endpoint == "chat.completions":
        return oai.chat.completions.create(model="gpt-4o", messages=body.pop("messages", HI), extra_body=body)
    if endpoint == "completions":
        return oai.completions.create(model="gpt-3.5-turbo-instruct", prompt=body.pop("prompt", "p"), extra_body=body)
    if endpoint == "embeddings":
        return oai.embeddings.create(model="gpt-embed", input=body.pop("input"), extra_body=body)
    if endpoint == "responses":
        return oai.responses.create(model="gpt-4o", input=body.pop("input", "hi"), extra_body=body)
    messages = body.pop("messages", HI)
    if endpoint == "messages.count_tokens":
        return ant.messages.count_tokens(model="claude-x", messages=messages, extra_body=body)
    return ant.messages.create(model="claude-x", max_tokens=5, messages=messages, extra_body=body)


def planted(body: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(body).replace(B64, AWS_B64).replace(C, AWS_KEY))
    return loaded


@pytest.mark.parametrize("where", sorted(FIELDS))
def test_a_key_in_any_field_is_blocked_before_it_leaves(
    oai: openai.OpenAI, ant: anthropic.Anthropic, mock: MockProvider, where: str
):
    endpoint, body = FIELDS[where]
    with pytest.raises((openai.PermissionDeniedError, anthropic.PermissionDeniedError)) as blocked:
        send(oai, ant, endpoint, planted(body))
    assert "AWS_ACCESS_KEY_ID" in str(blocked.value)
    assert AWS_KEY not in str(blocked.value)
    assert not mock.requests


def test_redaction_keeps_the_shape_and_leaves_non_text_fields_alone(ant: anthropic.Anthropic, mock: MockProvider):
    doc = base64.b64encode(b"CONFIDENTIAL: pricing").decode()
    schema = {"type": "object", "properties": {"CONFIDENTIAL": {"type": "string"}}, "required": ["CONFIDENTIAL"]}
    messages: Any = [
        {
            "role": "user",
            "content": [{"type": "document", "source": {"type": "base64", "media_type": "text/plain", "data": doc}}],
        },
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"q": "x"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "done"}]},
    ]
    ant.messages.create(
        model="claude-x",
        max_tokens=5,
        messages=messages,
        tools=[{"name": "f", "input_schema": schema}],
        metadata={"user_id": "u-1"},
        extra_body={"x_note": "CONFIDENTIAL"},
    )
    sent = mock.requests[0].body
    decoded = base64.b64decode(sent["messages"][0]["content"][0]["source"]["data"]).decode()
    assert decoded == "[CLASSIFICATION_MARKER]: pricing"
    assert sent["tools"][0]["input_schema"]["properties"] == {"[CLASSIFICATION_MARKER]": {"type": "string"}}
    assert sent["tools"][0]["input_schema"]["required"] == ["[CLASSIFICATION_MARKER]"]
    assert sent["x_note"] == "[CLASSIFICATION_MARKER]"
    assert sent["model"] == "claude-x"
    assert [m["role"] for m in sent["messages"]] == ["user", "assistant", "user"]
    assert sent["messages"][1]["content"][0]["id"] == sent["messages"][2]["content"][0]["tool_use_id"] == "toolu_1"
    assert sent["metadata"] == {"user_id": "u-1"}


def test_unscreenable_kinds_follow_the_policy_naming_the_kind_never_the_value(
    oai: openai.OpenAI, ant: anthropic.Anthropic, mock: MockProvider
):
    pdf: Any = [{"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0x"}}]
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("messages", {"messages": [{"role": "user", "content": pdf}]}, "files"),
        ("embeddings", {"input": [[15339, 1917]]}, "token_ids"),
        (
            "responses",
            {"tools": [{"type": "function", "name": "f", "headers": {"Authorization": AWS_KEY}}]},
            "tool_credentials",
        ),
    ]
    # (mcp_servers[].authorization_token: unit-tested; remote MCP is refused earlier by provider_features)
    for endpoint, body, kind in cases:
        with pytest.raises((openai.PermissionDeniedError, anthropic.PermissionDeniedError)) as blocked:
            send(oai, ant, endpoint, body)
        assert f"detection.unscreenable.{kind}" in str(blocked.value), endpoint
        assert AWS_KEY not in str(blocked.value)
        assert "JVBERi0x" not in str(blocked.value)
    assert not mock.requests
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": [image]}])  # images: allow
    assert mock.requests[0].body["messages"][0]["content"][0] == image


def test_the_policy_validates_unscreenable_with_line_numbers(tmp_path: Path):
    text = (DATA / "policy_whole_body.yaml").read_text()
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace("  secrets: {}\n", "  secrets: {}\n  unscreenable: {files: maybe}\n"))
    with pytest.raises(ConfigError) as bad:
        load_policy(path)
    assert "detection.unscreenable.files" in str(bad.value)
    assert f"{path}:14:" in str(bad.value)
    path.write_text(text.replace("  secrets: {}\n", "  secrets: {}\n  unscreenable: {files: allow, images: block}\n"))
    unscreenable = load_policy(path).detection.unscreenable  # type: ignore[union-attr]
    assert unscreenable.blocked(["files", "images", "tool_credentials"]) == ["images", "tool_credentials"]
