"""A control-assurance key reaches echo models only (``gateway.api.assurance_gate``): it is exempt from
limits and spend and its incidents are the probes' evidence, so a standing assurance key must not be
a way to a real provider; nor may a probe reach one when the policy only monitors (monitor mode serves
an unapproved model). The policy's own refusal still comes first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.auth.identity import ASSURANCE_USER
from loadtests.mock_provider import MockProvider
from tests.conftest import StartGateway

DEFAULT_POLICY = Path(__file__).resolve().parents[3] / "policies" / "default.yaml"


def test_an_assurance_key_is_refused_a_real_provider_its_group_may_use(
    start_gateway: StartGateway, mock: MockProvider, closing: list[Any]
) -> None:
    gateway = start_gateway()
    probe = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key(ASSURANCE_USER, "engineering"))
    staff = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("ann", "engineering"))
    closing.extend([probe, staff])
    with pytest.raises(openai.PermissionDeniedError) as refused:
        probe.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert refused.value.code == "assurance_echo_only"
    assert not mock.requests  # nothing left the host
    everyone = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key(ASSURANCE_USER))
    closing.append(everyone)
    with pytest.raises(openai.PermissionDeniedError) as unapproved:  # the policy's own refusal comes first
        everyone.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert unapproved.value.code == "model_not_approved"
    answer = probe.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "hi"}])
    assert answer.choices[0].message.content  # echo models: served
    staff.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert len(mock.requests) == 1  # staff's keys are not confined


def test_in_monitor_mode_the_unapproved_model_probe_fails_without_reaching_the_provider(
    start_gateway: StartGateway, mock: MockProvider, tmp_path: Path
) -> None:
    policy = tmp_path / "monitor.yaml"
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    assert "\n  mode: enforce\n" in text
    policy.write_text(text.replace("\n  mode: enforce\n", "\n  mode: monitor\n", 1), encoding="utf-8")
    gateway = start_gateway(policy_path=str(policy), detection={"workers": 1})
    results = gateway.assure(policy, wait_s=3.0)
    [unapproved] = [r for r in results if r.control == "unapproved_model_refused"]
    assert unapproved.status == "fail"
    assert "assurance_echo_only" in unapproved.seen
    assert not mock.requests  # the real provider's model was never asked
