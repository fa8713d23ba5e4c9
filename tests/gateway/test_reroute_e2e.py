"""Routing by data sensitivity through the real gateway and SDKs: a prompt carrying data of a class its
cloud tool may not receive goes to the self-hosted tool the policy names, and the caller gets a normal
answer from it (its model named), told in response headers; the prompt log and an audit incident
record it. Data the tool may receive stays on its route; a target that cannot take it leaves the refusal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.errors import ConfigError
from gateway.policy.diff import Effect, diff
from gateway.policy.policy import load_policy
from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import OPENAI_KEY, MockProvider
from tests.conftest import UPSTREAM_ENV, StartGateway

POLICY = """
policy: {id: reroute, version: "1"}
default_group: everyone
groups:
  everyone:
    approved_tools:
      - provider: openai
        models: ["gpt-*"]
        data_classes: [pii]
        reroute_to: {provider: local, model: llama-3.3-70b}
      - {provider: local, models: ["llama-*"]}
detection:
  pii: {entities: [EMAIL_ADDRESS]}
  confidential: {terms: [Project Nightingale]}
data_rules:
  - {id: terms-audit, match: {categories: [confidential]}, action: audit}
  - {id: email-audit, match: {entity_types: [EMAIL_ADDRESS]}, action: audit}
tool_register:
  entries:
    - {id: local-llama, provider: local, vendor: Platform team, owner: platform@example.com,
       hosting: {type: self_hosted}, data_terms: {retains_prompts: false}, data_classes: [pii, confidential],
       risk_assessed: 2026-01-01, review_by: 2099-01-01, status: approved}
"""
LOCAL_PROVIDER = {
    "type": "openai",
    "base_url": "{mock}/v1",
    "api_key_env": "MOCK_LOCAL_KEY",
    "models": ["llama-3.3-70b"],
}
LOCAL = {
    "providers": {"local": LOCAL_PROVIDER},
    "routes": [{"match": "gpt-*", "provider": "openai"}, {"match": "llama-*", "provider": "local"}],
}
SECRET_PROJECT = "What is the status of Project Nightingale?"


@pytest.fixture
def local_mock(bg_loop: BackgroundLoop) -> Iterator[MockProvider]:
    """The self-hosted model's server: a mock of its own, on another port."""
    server = MockProvider()
    bg_loop.run(server.start())
    yield server
    bg_loop.run(server.stop())


def start(
    start_gateway: StartGateway, tmp_path: Path, local_mock: MockProvider, with_local: bool = True, text: str = ""
) -> RunningGateway:
    policy = tmp_path / "policy.yaml"
    policy.write_text(text or POLICY)
    local: dict[str, Any] = json.loads(json.dumps(LOCAL).replace("{mock}", local_mock.url))
    env = {**UPSTREAM_ENV, **({"MOCK_LOCAL_KEY": OPENAI_KEY} if with_local else {})}
    return start_gateway(env=env, policy_path=str(policy), detection={"workers": 1}, **local)


def client(gateway: RunningGateway, closing: list[Any]) -> openai.OpenAI:
    sdk = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("ann", "everyone"), max_retries=0)
    closing.append(sdk)
    return sdk


def test_confidential_data_goes_to_the_self_hosted_tool_and_the_caller_is_told(
    start_gateway: StartGateway, tmp_path: Path, mock: MockProvider, local_mock: MockProvider, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path, local_mock)
    sdk = client(gateway, closing)
    raw = sdk.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": SECRET_PROJECT}]
    )
    answer = raw.parse()
    assert answer.choices[0].message.content  # a normal answer, in the OpenAI shape
    assert answer.model == "llama-3.3-70b"  # named honestly
    assert (raw.headers["x-aigw-rerouted-to"], raw.headers["x-aigw-rerouted-for"]) == (
        "local/llama-3.3-70b",
        "confidential",
    )
    [sent] = [r for r in local_mock.requests if r.path.endswith("/chat/completions")]
    assert sent.body["model"] == "llama-3.3-70b"
    assert not mock.requests  # the cloud provider's server got nothing
    record = gateway.log_record(raw.headers["x-request-id"])
    assert (record["provider"], record["model"]) == ("local", "llama-3.3-70b")
    assert record["rule"] == "groups.everyone.approved_tools[0].reroute_to"
    [audit] = [i for i in gateway.incidents() if i["type"] == "SENSITIVE_DATA_REROUTED"]
    assert audit["severity"] == "info"
    assert audit["details"] == {
        "asked_for": "openai/gpt-4o",
        "sent_to": "local/llama-3.3-70b",
        "classes": ["confidential"],
    }
    assert "Nightingale" not in json.dumps(audit)
    # streamed, the same
    with sdk.chat.completions.with_streaming_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": SECRET_PROJECT}], stream=True
    ) as stream:
        assert stream.headers["x-aigw-rerouted-to"] == "local/llama-3.3-70b"
        chunks = list(stream.parse())
    assert {c.model for c in chunks} == {"llama-3.3-70b"}
    assert not mock.requests
    assert len(local_mock.requests) == 2


def test_data_the_tool_may_receive_stays_on_its_route(
    start_gateway: StartGateway, tmp_path: Path, mock: MockProvider, local_mock: MockProvider, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path, local_mock)
    raw = client(gateway, closing).chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Mail ann@example.org the minutes"}]
    )
    assert raw.parse().model == "gpt-4o"
    assert "x-aigw-rerouted-to" not in raw.headers
    assert mock.requests[-1].body["model"] == "gpt-4o"
    assert not local_mock.requests


def test_a_target_that_cannot_take_it_leaves_the_refusal(
    start_gateway: StartGateway, tmp_path: Path, mock: MockProvider, local_mock: MockProvider, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path, local_mock, with_local=False)  # the local provider has no credential
    with pytest.raises(openai.PermissionDeniedError) as refused:
        client(gateway, closing).chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": SECRET_PROJECT}]
        )
    assert refused.value.code == "sensitive_data_blocked"
    assert not mock.requests  # nothing left the building
    assert not local_mock.requests


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{provider: local, model: llama-3.3-70b}", "{provider: local, model: mistral-7b}", "not another tool"),
        ("{provider: local, model: llama-3.3-70b}", "{provider: local, model: llama-*}", "not a glob"),
        ("        data_classes: [pii]\n", "", "needs data_classes"),
        ("hosting: {type: self_hosted}", "hosting: {type: cloud}", "not self-hosted"),
    ],
    ids=["target-not-approved", "target-glob", "no-data-classes", "target-in-the-cloud"],
)
def test_a_reroute_that_would_not_keep_data_in_house_is_refused(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY.replace(old, new))
    with pytest.raises(ConfigError) as refused:
        load_policy(path)
    [problem] = refused.value.problems
    assert message in problem.message
    assert problem.path.startswith("groups.everyone.approved_tools[0]")


def test_diff_labels_a_new_reroute_loosened(tmp_path: Path) -> None:
    (tmp_path / "new.yaml").write_text(POLICY)
    (tmp_path / "old.yaml").write_text(
        POLICY.replace("        reroute_to: {provider: local, model: llama-3.3-70b}\n", "")
    )
    old, new = load_policy(tmp_path / "old.yaml").document, load_policy(tmp_path / "new.yaml").document
    [added] = [c for c in diff(old, new) if c.where.endswith("reroute_to")]
    assert added.effect is Effect.LOOSENED
    assert [c.effect for c in diff(new, old) if c.where.endswith("reroute_to")] == [Effect.TIGHTENED]


def test_a_reroute_raises_only_its_audit_record_and_undoes_a_monitored_register_refusal(
    start_gateway: StartGateway, tmp_path: Path, mock: MockProvider, local_mock: MockProvider, closing: list[Any]
) -> None:
    # the cloud tool's own register entry is suspended, in monitor mode: the request would be served by it
    suspended_cloud = POLICY.replace(
        "tool_register:\n  entries:\n",
        "tool_register:\n  enforcement: monitor\n  entries:\n"
        "    - {id: openai, provider: openai, vendor: OpenAI, owner: o@example.com, hosting: {type: cloud},\n"
        "       data_terms: {retains_prompts: true}, risk_assessed: 2026-01-01, review_by: 2099-01-01,\n"
        "       status: suspended}\n",
    )
    gateway = start(start_gateway, tmp_path, local_mock, text=suspended_cloud)
    raw = client(gateway, closing).chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": SECRET_PROJECT}]
    )
    assert raw.headers["x-aigw-rerouted-to"] == "local/llama-3.3-70b"
    assert not mock.requests
    record = gateway.log_record(raw.headers["x-request-id"])
    assert (record["provider"], record["decision"]) == ("local", "allow")  # the suspended tool was not used
    found = gateway.incidents()
    assert [i["type"] for i in found] == ["SENSITIVE_DATA_REROUTED"]  # no "confidential data reached" alarm
    assert found[0]["severity"] == "info"


def test_a_reroute_target_must_be_on_record_as_self_hosted(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY[: POLICY.index("tool_register:")])  # no register entry for the target
    with pytest.raises(ConfigError) as refused:
        load_policy(path)
    assert "has no register entry" in refused.value.problems[0].message


def test_a_target_whose_register_entry_does_not_cover_the_data_leaves_the_refusal(
    start_gateway: StartGateway, tmp_path: Path, mock: MockProvider, local_mock: MockProvider, closing: list[Any]
) -> None:
    narrow = POLICY.replace("data_classes: [pii, confidential]", "data_classes: [pii]")
    gateway = start(start_gateway, tmp_path, local_mock, text=narrow)
    with pytest.raises(openai.PermissionDeniedError) as refused:
        client(gateway, closing).chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": SECRET_PROJECT}]
        )
    assert refused.value.code == "sensitive_data_blocked"
    assert not mock.requests
    assert not local_mock.requests
