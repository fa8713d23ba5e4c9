"""The model name is read by the provider too: a value the rules act on there refuses the
request (it cannot be redacted in place); real model names pass."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gateway.testing import RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import TEST_POLICY, StartGateway

POLICY = TEST_POLICY.read_text() + (
    "detection:\n  secrets: {}\n  pii: {entities: [EMAIL_ADDRESS, PERSON]}\n"
    "data_rules:\n"
    "  - {id: secrets-block, match: {categories: [secret]}, action: block}\n"
    "  - {id: people, match: {entity_types: [EMAIL_ADDRESS, PERSON]}, action: pseudonymize}\n"
)


@pytest.fixture
def gateway(start_gateway: StartGateway, tmp_path: Path) -> RunningGateway:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    return start_gateway(policy_path=str(policy), detection={"workers": 1})


def ask(gateway: RunningGateway, key: str, model: str) -> httpx.Response:
    body = {"model": model, "messages": [{"role": "user", "content": "hi"}]}
    return httpx.post(f"{gateway.url}/v1/chat/completions", json=body, headers={"authorization": f"Bearer {key}"})


@pytest.mark.parametrize("model", ["gpt-4o-AKIA" + "QWERTYUIOPASDFGH", "gpt-6-alice@acme.corp"])
def test_a_model_name_carrying_protected_data_is_refused(
    gateway: RunningGateway, mock: MockProvider, model: str
) -> None:
    key = gateway.create_key("alice", "engineering")
    mock.requests.clear()
    answer = ask(gateway, key, model)
    assert answer.status_code == 403
    assert "model name" in answer.json()["error"]["message"]
    assert model[7:] not in answer.text
    assert not mock.requests


@pytest.mark.parametrize("model", ["gpt-4o-2024-08-06", "gpt-4o-mini", "gpt-Qwen-Llama-Mistral"])
def test_real_model_names_pass(gateway: RunningGateway, model: str) -> None:
    key = gateway.create_key("alice", "engineering")
    assert ask(gateway, key, model).status_code == 200


def test_a_refused_model_name_is_not_logged_as_sent(
    gateway: RunningGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    key = gateway.create_key("alice", "engineering")
    secret = "AKIA" + "QWERTYUIOPASDFGH"
    answer = ask(gateway, key, f"gpt-4o-{secret}")
    assert answer.status_code == 403
    record = gateway.log_record(answer.headers["x-request-id"])
    assert record["model"] == "[model name refused: protected data]"
    assert secret not in capsys.readouterr().out
