"""Provider-side features with side effects are the policy's to allow, per group."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gateway.policy.diff import Effect, diff
from gateway.policy.policy import load_policy
from gateway.policy.schema import ProviderFeatures
from gateway.provider_features import Feature, features_used, refused_feature
from loadtests.mock_provider import MockProvider
from tests.conftest import TEST_POLICY, StartGateway

MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize(
    ("body", "headers", "feature"),
    [
        ({"mcp_servers": [{"type": "url", "url": "https://mcp.example"}]}, {}, Feature.REMOTE_MCP),
        ({"tools": [{"type": "mcp", "server_url": "https://mcp.example"}]}, {}, Feature.REMOTE_MCP),
        ({"tools": [{"type": "web_search_20250305", "name": "web_search"}]}, {}, Feature.WEB_SEARCH),
        ({"tools": [{"type": "web_search_preview"}]}, {}, Feature.WEB_SEARCH),
        ({"web_search_options": {}}, {}, Feature.WEB_SEARCH),
        ({"tools": [{"type": "web_fetch_20250910"}]}, {}, Feature.WEB_FETCH),
        ({"tools": [{"type": "code_execution_20250522"}]}, {}, Feature.CODE_EXECUTION),
        ({"tools": [{"type": "code_interpreter", "container": {"type": "auto"}}]}, {}, Feature.CODE_EXECUTION),
        ({}, {"anthropic-beta": "mcp-client-2025-04-04, files-api-2025-04-14"}, Feature.BETA_HEADERS),
    ],
)
def test_features_are_recognised(body: dict[str, object], headers: dict[str, str], feature: Feature) -> None:
    assert feature in features_used(body, headers)


def test_ordinary_tools_are_no_feature() -> None:
    body = {
        "tools": [{"type": "function", "function": {"name": "web_search_helper"}}, {"name": "x", "input_schema": {}}]
    }
    assert features_used(body, {}) == {}


def test_any_group_that_allows_a_feature_allows_it() -> None:
    used = features_used({"mcp_servers": [{}]}, {"anthropic-beta": "a,b"})
    closed, open_ = ProviderFeatures(), ProviderFeatures(remote_mcp="allow", beta_headers=("a", "b", "c"))
    refused = refused_feature(used, {"everyone": closed})
    assert refused is not None
    assert refused.feature is Feature.REMOTE_MCP
    assert refused.rule == "groups.everyone.provider_features.remote_mcp"
    assert refused_feature(used, {"everyone": closed, "labs": open_}) is None
    only_a = ProviderFeatures(remote_mcp="allow", beta_headers=("a",))
    beta = refused_feature(used, {"labs": only_a})
    assert beta is not None
    assert beta.feature is Feature.BETA_HEADERS


def policy_with(tmp_path: Path, features: str) -> Path:
    text = TEST_POLICY.read_text().replace(
        "  engineering:\n", f"  engineering:\n    provider_features: {features}\n", 1
    )
    path = tmp_path / "features.yaml"
    path.write_text(text)
    return path


def test_remote_mcp_is_refused_by_default_and_allowed_by_the_policy(
    start_gateway: StartGateway, tmp_path: Path, mock: MockProvider
) -> None:
    gateway = start_gateway()
    key = gateway.create_key("alice", "engineering")
    body = {
        "model": "claude-sonnet-5-5",
        "max_tokens": 5,
        "messages": MESSAGES,
        "mcp_servers": [{"type": "url", "url": "https://mcp.example", "name": "x", "authorization_token": "t0k"}],
    }
    mock.requests.clear()
    answer = httpx.post(f"{gateway.url}/v1/messages", json=body, headers={"x-api-key": key}, timeout=30)
    assert answer.status_code == 403
    assert answer.json()["error"]["type"] == "permission_error"
    assert "remote_mcp" in answer.json()["error"]["message"]
    assert not mock.requests  # nothing left the building
    record = gateway.log_record(answer.headers["x-request-id"])
    assert (record["decision"], record["rule"]) == ("deny", "groups.engineering.provider_features.remote_mcp")
    allowed = start_gateway(policy_path=str(policy_with(tmp_path, "{remote_mcp: allow}")))
    key = allowed.create_key("alice", "engineering")
    answer = httpx.post(f"{allowed.url}/v1/messages", json=body, headers={"x-api-key": key}, timeout=30)
    assert answer.status_code == 200


def test_beta_headers_can_be_limited_to_a_list(start_gateway: StartGateway, tmp_path: Path) -> None:
    gateway = start_gateway(policy_path=str(policy_with(tmp_path, "{beta_headers: [prompt-caching-2024-07-31]}")))
    key = gateway.create_key("alice", "engineering")
    body = {"model": "claude-sonnet-5-5", "max_tokens": 5, "messages": MESSAGES}
    ok = {"x-api-key": key, "anthropic-beta": "prompt-caching-2024-07-31"}
    assert httpx.post(f"{gateway.url}/v1/messages", json=body, headers=ok, timeout=30).status_code == 200
    other = {"x-api-key": key, "anthropic-beta": "computer-use-2025-01-24"}
    refused = httpx.post(f"{gateway.url}/v1/messages", json=body, headers=other, timeout=30)
    assert refused.status_code == 403
    assert refused.json()["error"]["message"].count("beta_headers") == 2  # the feature and the rule


def test_a_policy_change_to_features_is_loosened_or_tightened(tmp_path: Path) -> None:
    base = load_policy(policy_with(tmp_path, "{}")).document
    opened = load_policy(policy_with(tmp_path, "{remote_mcp: allow, web_search: deny}")).document
    effects = {c.where: c.effect for c in diff(base, opened)}
    assert effects["groups.engineering.provider_features.remote_mcp"] is Effect.LOOSENED
    assert effects["groups.engineering.provider_features.web_search"] is Effect.TIGHTENED
    listed = load_policy(policy_with(tmp_path, "{beta_headers: [a]}")).document
    assert {c.where: c.effect for c in diff(base, listed)}["groups.engineering.provider_features.beta_headers"] is (
        Effect.TIGHTENED
    )
