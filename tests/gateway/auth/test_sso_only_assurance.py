"""A gateway that accepts only its SSO proxy's identity headers still proves its controls: a key of the
assurance user (admin-issued, echo models only) is accepted; any other key is refused as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.auth.identity import ASSURANCE_USER
from tests.conftest import StartGateway

DEFAULT_POLICY = Path(__file__).resolve().parents[3] / "policies" / "default.yaml"
SSO_ONLY = {"modes": ["trusted_header"], "trusted_header": {"trusted_proxies": ["10.0.0.0/8"]}}


def test_sso_only_refuses_staff_keys_and_accepts_the_assurance_users(
    start_gateway: StartGateway, closing: list[Any]
) -> None:
    gateway = start_gateway(identity=SSO_ONLY)

    def client(key: str) -> openai.OpenAI:
        made = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0)
        closing.append(made)
        return made

    hi = [{"role": "user", "content": "hi"}]
    with pytest.raises(openai.AuthenticationError) as refused:
        client(gateway.create_key("ann")).chat.completions.create(model="echo-1", messages=hi)
    assert "SSO proxy" in refused.value.message
    answer = client(gateway.create_key(ASSURANCE_USER)).chat.completions.create(model="echo-1", messages=hi)
    assert answer.choices[0].message.content
    with pytest.raises(openai.AuthenticationError) as wrong:  # a made-up secret for a real key id: no hint
        client(gateway.create_key(ASSURANCE_USER)[:-4] + "xxxx").chat.completions.create(model="echo-1", messages=hi)
    assert "SSO proxy" in wrong.value.message


def test_every_control_is_probed_on_an_sso_only_gateway(start_gateway: StartGateway) -> None:
    gateway = start_gateway(identity=SSO_ONLY, policy_path=str(DEFAULT_POLICY), detection={"workers": 1})
    results = gateway.assure(DEFAULT_POLICY)
    statuses = {r.control: r.status for r in results}
    assert "fail" not in statuses.values(), [r for r in results if r.status == "fail"]
    for control in ("card_protected", "revoked_key_refused", "incidents_recorded", "tool_rules_enforced"):
        assert statuses[control] in ("pass", "skip"), control
    assert statuses["card_protected"] == "pass"
    assert statuses["revoked_key_refused"] == "pass"
