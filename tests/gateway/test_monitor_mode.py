"""Monitor mode: the request passes unchanged; what enforcement would have done is recorded."""

from __future__ import annotations

import json
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from detectors.base import Category, Finding
from gateway.policy.data_rules import Action, DataRule, DataRules, Direction, Mode
from tests.conftest import stores_yaml
from tests.gateway.cli.test_cli import AIGW, aigw, wait_for_listening

SSN = Finding("US_SSN", 4, 15, 0.9, "pii", Category.PII)
KEY = Finding("AWS_ACCESS_KEY_ID", 20, 40, 1.0, "secrets", Category.SECRET)
RULES = [
    DataRule.model_validate({"id": "ids", "match": {"entity_types": ["US_SSN"]}, "action": "redact"}),
    DataRule.model_validate({"id": "keys", "match": {"categories": ["secret"]}, "action": "block", "mode": "enforce"}),
]


def test_a_monitored_rule_records_its_action_and_changes_nothing():
    ssn, key = DataRules(RULES, Mode.MONITOR).decide([SSN, KEY], Direction.PROMPT)
    assert (ssn.action, ssn.monitored, ssn.rule, ssn.label) == (
        Action.AUDIT,
        Action.REDACT,
        "data_rules.ids",
        "US_SSN:redact(monitor)",
    )
    assert (key.action, key.monitored, key.label) == (
        Action.BLOCK,
        None,
        "AWS_ACCESS_KEY_ID:block",
    )  # rule says enforce


def test_enforce_is_the_default_and_a_rule_can_be_monitored_alone():
    ssn, key = DataRules(RULES).decide([SSN, KEY], Direction.PROMPT)
    assert (ssn.action, ssn.monitored) == (Action.REDACT, None)
    monitored = [RULES[0].model_copy(update={"mode": Mode.MONITOR}), RULES[1]]
    ssn, key = DataRules(monitored).decide([SSN, KEY], Direction.PROMPT)
    assert (ssn.action, ssn.monitored) == (Action.AUDIT, Action.REDACT)
    assert (key.action, key.monitored) == (Action.BLOCK, None)


POLICY = """
policy: {id: rollout, version: "3", mode: monitor}
default_group: everyone
groups:
  everyone:
    approved_tools: [{provider: echo, models: ["echo-1"]}]
detection:
  pii: {entities: [US_SSN]}
  secrets: {}
data_rules:
  - {id: ids-redact, match: {entity_types: [US_SSN]}, action: redact}
  - {id: secrets-block, match: {categories: [secret]}, action: block, mode: enforce}
"""


@pytest.fixture
def monitor_config(tmp_path: Path) -> Path:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    config = tmp_path / "gateway.yaml"
    config.write_text(
        f"listen: {{port: 0}}\nadmin: {{port: 0}}\npolicy_path: {policy}\n"
        f"{stores_yaml(tmp_path)}log: {{format: json}}\n"
        "detection: {workers: 1}\n"
        "providers:\n  echo: {type: echo, models: [echo-1, echo-2]}\nroutes:\n  - {match: '*', provider: echo}\n"
    )
    return config


def chat(api: str, key: str, model: str, text: str) -> tuple[int, str]:
    body = {"model": model, "messages": [{"role": "user", "content": text}]}
    request = urllib.request.Request(
        f"{api}/v1/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.load(resp)["choices"][0]["message"]["content"]
    except urllib.error.HTTPError as failed:
        with failed:
            return failed.code, json.load(failed)["error"]["message"]


def test_a_monitored_policy_passes_requests_unchanged_and_records_what_it_would_do(monitor_config: Path):
    key = aigw("keys", "create", "--user", "mo", config=monitor_config).stdout.strip()
    proc = subprocess.Popen(
        [*AIGW, "serve", "--config", str(monitor_config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        api = wait_for_listening(proc)
        assert chat(api, key, "echo-1", "SSN 536-22-8726 please") == (200, "SSN 536-22-8726 please")  # not redacted
        assert chat(api, key, "echo-2", "hello") == (200, "hello")  # not approved, but only recorded
        status, message = chat(api, key, "echo-1", "key AKIA" + "QWERTYUIOPASDFGH")  # this rule enforces
        assert status == 403
        assert "secrets-block" in message
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    events = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    requests = [e for e in events if e["event"] == "request"]
    assert requests[0]["findings"] == {"US_SSN:redact(monitor)": 1}
    assert requests[1]["decision"] == "monitor_deny"
    assert requests[1]["rule"] == "approved_tools.default_deny"
    (denial,) = [e for e in events if e["event"] == "policy_decision"]
    assert (denial["decision"], denial["mode"], denial["model"]) == ("deny", "monitor", "echo-2")
    assert requests[2]["findings"] == {"AWS_ACCESS_KEY_ID:block": 1}
    assert "536-22-8726" not in output
