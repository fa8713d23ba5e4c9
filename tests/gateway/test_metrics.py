"""/metrics after real traffic through the gateway: the counters and histograms move as they
should, and no label carries a user, a key, a raw model string or a planted value."""

from __future__ import annotations

import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.auth.identity import ASSURANCE_USER
from gateway.lifecycle.state import STATE
from gateway.testing import RunningGateway
from tests.conftest import TEST_POLICY, StartGateway

AWS_KEY = "AKIA" + "QWERTYUIOPASDFGH"
SSN = "536-22-8726"
POLICY = TEST_POLICY.read_text() + (
    "detection:\n  secrets: {}\n  pii: {entities: [US_SSN]}\n"
    "data_rules:\n"
    "  - {id: secrets-block, match: {categories: [secret]}, action: block}\n"
    "  - {id: ssn-redact, match: {entity_types: [US_SSN]}, action: redact}\n"
)
Samples = dict[str, list[tuple[dict[str, str], float]]]


def scrape(gateway: RunningGateway) -> Samples:
    gateway.run(gateway.server.app[STATE].incidents.flush())
    with urllib.request.urlopen(f"{gateway.admin_url}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    samples: Samples = defaultdict(list)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[sample.name].append((dict(sample.labels), sample.value))
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum over the samples of ``name`` whose labels include ``labels``."""
    return sum(v for have, v in samples.get(name, []) if labels.items() <= have.items())


@pytest.fixture
def gateway(start_gateway: StartGateway, tmp_path: Path) -> RunningGateway:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    return start_gateway(policy_path=str(policy), detection={"workers": 1})


def test_traffic_moves_the_counters_and_histograms(gateway: RunningGateway, closing: list[Any]) -> None:
    before = scrape(gateway)
    alice = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("alice", "engineering"))
    closing.append(alice)
    ask = alice.chat.completions.create
    ask(model="gpt-4o", messages=[{"role": "user", "content": f"my SSN is {SSN}"}])  # redacted, allowed
    with pytest.raises(openai.PermissionDeniedError):
        ask(model="gpt-4o", messages=[{"role": "user", "content": f"why does {AWS_KEY} fail?"}])  # blocked
    random_model = "gpt-zz-" + "9" * 40  # a caller-chosen name: must not become a label
    ask(model=random_model, messages=[{"role": "user", "content": "hi"}])
    stream = ask(model="gpt-4o", messages=[{"role": "user", "content": "stream it"}], stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    mark = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("mark", "marketing"))
    closing.append(mark)
    with pytest.raises(openai.PermissionDeniedError):
        mark.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])  # not approved
    claude = anthropic.Anthropic(base_url=gateway.url, api_key=gateway.create_key("alice", "engineering"))
    closing.append(claude)
    claude.messages.create(model="claude-sonnet-5-5", max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    bad = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key="sk-wrong", max_retries=0)
    closing.append(bad)
    with pytest.raises(openai.AuthenticationError):
        bad.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    after = scrape(gateway)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    chat = {"provider": "openai", "endpoint": "chat.completions"}
    assert moved("aigw_requests_total", **chat, model="gpt-4o", decision="allow", status="200") == 2
    assert moved("aigw_requests_total", **chat, model="gpt-4o", decision="allow", status="403") == 1  # blocked data
    assert moved("aigw_requests_total", **chat, model="gpt-*", decision="allow", status="200") == 1  # the route
    assert moved("aigw_requests_total", **chat, decision="deny", status="403") == 1
    assert moved("aigw_requests_total", provider="anthropic", endpoint="messages", status="200") == 1
    assert moved("aigw_requests_total", status="401", decision="none") == 1  # the failed login
    assert moved("aigw_requests_total") == 7
    assert moved("aigw_auth_failures_total", target="api") == 1
    assert moved("aigw_request_duration_seconds_count", endpoint="chat.completions") == 6
    assert moved("aigw_upstream_duration_seconds_count", **chat) == 3  # the two refused never left
    assert moved("aigw_gateway_overhead_seconds_count", endpoint="chat.completions") == 3
    assert moved("aigw_time_to_first_token_seconds_count", **chat) == 1
    detections = {"direction": "prompt", "mode": "enforce"}
    assert moved("aigw_detections_total", **detections, entity_type="US_SSN", action="redact", category="pii") == 1
    assert moved("aigw_detections_total", **detections, category="secret", action="block") == 1
    assert moved("aigw_detection_duration_seconds_count", direction="prompt") >= 4
    assert moved("aigw_detector_duration_seconds_count", detector="secrets") >= 4
    assert moved("aigw_tokens_total", provider="openai", model="gpt-4o", direction="prompt") > 0
    assert moved("aigw_tokens_total", provider="anthropic", direction="completion") > 0
    assert moved("aigw_violations_total", type="SECRET_OR_CREDENTIAL_IN_PROMPT", severity="high") == 1
    assert moved("aigw_incidents_opened_total", type="PII_IN_PROMPT") == 1
    assert moved("aigw_incidents_opened_total", type="UNAPPROVED_AI_PROVIDER_OR_MODEL", severity="medium") == 1
    assert value(after, "aigw_incident_chain_intact") == 1
    assert value(after, "aigw_incident_queue_depth") == 0
    assert value(after, "aigw_build_info") == 1

    labels = {v for samples in after.values() for have, _ in samples for v in have.values()}
    for planted in ("alice", "mark", random_model, SSN, AWS_KEY, "sk-wrong"):
        assert not any(planted in label for label in labels), planted
    assert max(map(len, labels)) <= 64


def test_assurance_traffic_is_labelled_apart_and_is_not_usage(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any]
) -> None:
    """traffic="assurance" only for a gateway key of the assurance user (any group); an SSO identity
    naming that user is staff's traffic like any other."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    gateway = start_gateway(
        policy_path=str(policy),
        detection={"workers": 1},
        identity={"modes": ["keys", "trusted_header"], "trusted_header": {"trusted_proxies": ["127.0.0.0/8"]}},
    )

    def client(key: str, headers: dict[str, str] | None = None) -> openai.OpenAI:
        made = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0, default_headers=headers)
        closing.append(made)
        return made

    before = scrape(gateway)
    probe = client(gateway.create_key(ASSURANCE_USER, "engineering"))
    probe.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": f"my SSN is {SSN}"}])
    with pytest.raises(openai.PermissionDeniedError):  # the default group may not use gpt-4o
        client(gateway.create_key(ASSURANCE_USER)).chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
        )
    probes = scrape(gateway)
    alice = client(gateway.create_key("alice", "engineering"))
    alice.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": f"my SSN is {SSN}"}])
    claimed = client("sso", {"x-forwarded-user": ASSURANCE_USER, "x-forwarded-groups": "engineering"})
    claimed.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    after = scrape(gateway)

    def moved(since: Samples, until: Samples, name: str, **labels: str) -> float:
        return value(until, name, **labels) - value(since, name, **labels)

    chat = {"provider": "openai", "endpoint": "chat.completions", "model": "gpt-4o"}
    echo = {"provider": "echo", "endpoint": "chat.completions"}
    assert moved(before, after, "aigw_requests_total", **echo, traffic="assurance", status="200") == 1
    assert moved(before, after, "aigw_requests_total", **chat, traffic="assurance", decision="deny") == 1
    assert moved(before, after, "aigw_requests_total", traffic="assurance") == 2
    assert moved(before, after, "aigw_requests_total", **chat, traffic="user", status="200") == 2  # alice, the SSO
    ssn = {"entity_type": "US_SSN", "action": "redact", "direction": "prompt"}
    assert moved(before, after, "aigw_detections_total", **ssn, traffic="assurance") == 1
    assert moved(before, after, "aigw_detections_total", **ssn, traffic="user") == 1
    assert moved(before, probes, "aigw_tokens_total") == 0  # the probes' tokens are not usage
    assert moved(probes, after, "aigw_tokens_total", provider="openai", direction="prompt") > 0
