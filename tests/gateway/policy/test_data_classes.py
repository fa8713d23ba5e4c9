"""Per-tool data classes: what an approved provider may receive as it is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.errors import ConfigError
from gateway.policy.diff import Change, Effect, diff
from gateway.policy.policy import load_policy
from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import policy_gateway, sdk_client

POLICY = """
policy: {id: classes, version: "1"}
default_group: everyone
groups:
  everyone:
    approved_tools:
      - {provider: echo, models: ["*"]}
      - {provider: openai, models: ["gpt-4o-mini"], data_classes: []}
      - {provider: openai, models: ["gpt-*"], data_classes: [pii]}
detection:
  pii: {entities: [US_SSN, EMAIL_ADDRESS]}
  confidential: {terms: [Project Nightingale]}
data_rules:
  - {id: terms-audit, match: {categories: [confidential]}, action: audit}
  - {id: email-redact, match: {entity_types: [EMAIL_ADDRESS]}, action: redact}
"""
RULE = "groups.everyone.approved_tools[2].data_classes"


@pytest.fixture(scope="module")
def gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    folder = tmp_path_factory.mktemp("classes")
    (folder / "policy.yaml").write_text(POLICY)
    with policy_gateway(bg_loop, mock_server, folder, folder / "policy.yaml") as running:
        yield running


def ask(client: openai.OpenAI, model: str, text: str) -> str | None:
    reply = client.chat.completions.create(model=model, messages=[{"role": "user", "content": text}])
    return reply.choices[0].message.content


def test_a_class_the_tool_may_not_receive_is_blocked(
    gateway: RunningGateway, mock: MockProvider, closing: list[Any]
) -> None:
    client = sdk_client(gateway, closing)
    with pytest.raises(openai.PermissionDeniedError) as blocked:
        ask(client, "gpt-4o", "Status of Project Nightingale?")
    assert blocked.value.code == "sensitive_data_blocked"
    assert f"contains confidential data, which provider 'openai' may not receive (rule: {RULE})" in str(blocked.value)
    assert "Nightingale" not in str(blocked.value)
    assert not mock.requests


def test_other_tools_and_allowed_classes_pass(gateway: RunningGateway, mock: MockProvider, closing: list[Any]) -> None:
    client = sdk_client(gateway, closing)
    assert ask(client, "echo-1", "Status of Project Nightingale?") == "Status of Project Nightingale?"
    ask(client, "gpt-4o", "SSN 536-22-8726 for the form")  # pii: this tool may receive it
    assert mock.requests[0].body["messages"][0]["content"] == "SSN 536-22-8726 for the form"


def test_data_removed_by_a_rule_does_not_count(gateway: RunningGateway, mock: MockProvider, closing: list[Any]) -> None:
    client = sdk_client(gateway, closing)
    ask(client, "gpt-4o-mini", "write to ana@example.com")  # redacted before it leaves: no pii reaches openai
    assert mock.requests[0].body["messages"][0]["content"] == "write to [EMAIL_ADDRESS]"
    with pytest.raises(openai.PermissionDeniedError) as blocked:
        ask(client, "gpt-4o-mini", "SSN 536-22-8726 for the form")  # audited, so it would leave as it is
    assert "groups.everyone.approved_tools[1].data_classes" in str(blocked.value)


def test_data_classes_need_detection(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY.split("detection:")[0])
    with pytest.raises(ConfigError) as failed:
        load_policy(path)
    assert "groups.everyone.approved_tools[1].data_classes" in str(failed.value)
    assert f"{path}:8:" in str(failed.value)


def test_widening_what_a_tool_receives_is_a_loosening(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(POLICY)
    new.write_text(POLICY.replace("data_classes: [pii]", "data_classes: [pii, confidential]"))
    changes = diff(load_policy(old).document, load_policy(new).document)
    where = "groups.everyone.approved_tools[openai: gpt-*].data_classes"
    assert changes == [Change(Effect.LOOSENED, where, "['pii'] -> ['confidential', 'pii']")]
    assert diff(load_policy(new).document, load_policy(old).document)[0].effect is Effect.TIGHTENED
