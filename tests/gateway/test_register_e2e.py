"""The AI tool register through the real gateway and SDKs: a tool whose review lapsed is refused with
the entry and its owner named (enforce) or served and recorded (monitor); a suspended tool is refused
like an unapproved one; a review falling due raises a low incident and shows on /metrics."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from detectors.base import Category
from gateway.api.register_gate import check_register
from gateway.auth.identity import ASSURANCE_USER
from gateway.cli.main import main
from gateway.errors import ApiFormat
from gateway.exchange import Exchange
from gateway.lifecycle.state import STATE
from gateway.policy.policy import load_policy
from gateway.testing import RunningGateway
from tests.conftest import TEST_POLICY, StartGateway, stores_yaml
from tests.gateway.admin.test_admin_api import get, token


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def register_yaml(enforcement: str = "enforce") -> str:
    terms = "data_terms: {retains_prompts: true, retention_days: 30}"
    cloud = "hosting: {type: cloud, region: eu-west-1}"
    return f"""
tool_register:
  enforcement: {enforcement}
  warn_days: 30
  entries:
    - {{id: openai-gpt4o, provider: openai, models: ["gpt-4o"], vendor: OpenAI, owner: procurement@example.com,
        {cloud}, {terms}, risk_assessed: "{day(-400)}", review_by: "{day(-1)}", status: approved}}
    - {{id: openai-other, provider: openai, vendor: OpenAI, owner: procurement@example.com, {cloud}, {terms},
        risk_assessed: "{day(-10)}", review_by: "{day(300)}", status: approved}}
    - {{id: anthropic, provider: anthropic, vendor: Anthropic, owner: legal@example.com, {cloud}, {terms},
        risk_assessed: "{day(-10)}", review_by: "{day(300)}", status: suspended, notes: terms under review}}
    - {{id: echo-local, provider: echo, vendor: Our team, owner: platform@example.com,
        hosting: {{type: self_hosted}}, data_terms: {{retains_prompts: false}},
        risk_assessed: "{day(-300)}", review_by: "{day(10)}", status: conditional}}
"""


def start(start_gateway: StartGateway, tmp_path: Path, enforcement: str = "enforce") -> RunningGateway:
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEST_POLICY.read_text() + register_yaml(enforcement))
    return start_gateway(policy_path=str(policy))


def metrics(gateway: RunningGateway) -> str:
    with urllib.request.urlopen(f"{gateway.admin_url}/metrics", timeout=10) as resp:
        return resp.read().decode()


def test_a_lapsed_review_refuses_and_a_suspended_tool_is_refused(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path)
    key = gateway.create_key("alice", "engineering")
    oai = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0)
    claude = anthropic.Anthropic(base_url=gateway.url, api_key=key, max_retries=0)
    closing.extend([oai, claude])
    with pytest.raises(openai.PermissionDeniedError) as lapsed:
        oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    message = str(lapsed.value)
    assert "openai-gpt4o" in message
    assert "procurement@example.com" in message
    assert f"lapsed on {day(-1)}" in message
    assert lapsed.value.code == "tool_out_of_service"
    # the same provider's other models: their own entry, in service
    assert oai.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]).choices
    with pytest.raises(anthropic.PermissionDeniedError) as suspended:
        claude.messages.create(model="claude-sonnet-5-5", max_tokens=20, messages=[{"role": "user", "content": "hi"}])
    assert "'anthropic' (Anthropic)" in str(suspended.value)
    assert "suspended" in str(suspended.value)
    found = {(i["type"], i["actor"].get("user") or i["actor"].get("source")): i for i in gateway.incidents()}
    lapse = found[("SUPPLIER_REVIEW_LAPSED", "alice")]
    assert (lapse["severity"], lapse["details"]["register_entry"]) == ("medium", "openai-gpt4o")
    assert "A.5.22" in {c["id"] for c in lapse["controls"]}
    withdrawn = found[("UNAPPROVED_AI_PROVIDER_OR_MODEL", "alice")]
    assert withdrawn["details"]["status"] == "suspended"
    # the watch: the lapsed entry and the one falling due, for their owners, before anyone asked
    owners = {i["details"]["register_entry"]: i["severity"] for i in gateway.incidents() if i["actor"].get("source")}
    assert owners == {"openai-gpt4o": "medium", "echo-local": "low"}
    listed = {m.id for m in oai.models.list()}
    assert "gpt-4o-mini" in listed
    assert not listed & {"gpt-4o", "claude-sonnet-5-5"}  # out of service: not offered
    shown = metrics(gateway)
    assert 'aigw_tool_register_review_days{entry="echo-local"} 10.0' in shown
    assert 'aigw_tool_register_review_days{entry="anthropic"}' not in shown  # suspended: no review to renew
    assert 'aigw_tool_register_in_service{entry="openai-gpt4o"} 0.0' in shown
    assert 'aigw_tool_register_in_service{entry="openai-other"} 1.0' in shown


def test_monitor_mode_serves_a_lapsed_tool_and_records_it_as_let_through(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path, enforcement="monitor")
    oai = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("bob", "engineering"), max_retries=0)
    closing.append(oai)
    answer = oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert answer.choices[0].message.content
    [lapse] = [i for i in gateway.incidents() if i["type"] == "SUPPLIER_REVIEW_LAPSED" and i["actor"].get("user")]
    assert lapse["severity"] == "high"  # it reached the tool
    assert lapse["let_through"] is True


def test_the_inventory_counts_what_the_log_holds_and_shows_shadow_demand(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    gateway = start(start_gateway, tmp_path)
    eng = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("ann", "engineering"), max_retries=0)
    sales = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("sam", "marketing"), max_retries=0)
    closing.extend([eng, sales])
    ids = []
    asks = [
        (eng, "gpt-4o-mini"),
        (eng, "openai/gpt-4o-mini"),
        (eng, "echo-1"),
        (eng, "openai/gpt-4o"),
        (sales, "gpt-4o"),
    ]
    asks.append((eng, "deepseek-chat"))  # served by no provider here: shadow demand too
    for sdk, model in asks:
        try:
            raw = sdk.chat.completions.with_raw_response.create(
                model=model, messages=[{"role": "user", "content": "x"}]
            )
            ids.append(raw.headers["x-request-id"])
        except (openai.PermissionDeniedError, openai.NotFoundError) as refused:
            ids.append(refused.response.headers["x-request-id"])
    for request_id in ids:
        gateway.log_record(request_id)
    status, body = get(f"{gateway.admin_url}/admin/inventory?since=1h", token(gateway, "sec", "secops"))
    assert status == 200
    entries = {e["id"]: e for e in body["entries"]}
    other, lapsed, echo = (
        entries["openai-other"]["seen"],
        entries["openai-gpt4o"]["seen"],
        entries["echo-local"]["seen"],
    )
    assert (other["requests"], other["allowed"], other["users"], other["groups"]) == (2, 2, 1, ["engineering"])
    assert other["prompt_tokens"] > 0
    assert (lapsed["requests"], lapsed["refused"], lapsed["incidents"]) == (1, 1, {"SUPPLIER_REVIEW_LAPSED": 1})
    assert (entries["openai-gpt4o"]["standing"], entries["openai-gpt4o"]["owner"]) == (
        "review_lapsed",
        "procurement@example.com",
    )
    assert echo["requests"] == 1
    assert entries["anthropic"]["seen"]["requests"] == 0
    unserved, shadow = body["shadow_demand"]  # marketing may use gpt-4o-mini only; deepseek is served by none
    assert (shadow["tool"], shadow["seen"]["requests"], shadow["seen"]["groups"]) == ("openai/gpt-4o", 1, ["marketing"])
    assert shadow["seen"]["incidents"] == {"UNAPPROVED_AI_PROVIDER_OR_MODEL": 1}
    assert (unserved["tool"], unserved["seen"]["requests"]) == ("(none)/deepseek-chat", 1)
    assert body["unregistered"] == []  # provider/model names count towards their entries
    shadows = sum(s["seen"]["requests"] for s in body["shadow_demand"])
    assert sum(e["seen"]["requests"] for e in body["entries"]) + shadows == len(ids)  # each exchange once
    status, report = get(f"{gateway.admin_url}/admin/report?format=json&since=1h", token(gateway, "aud", "auditor"))
    assert status == 200
    in_report = report["inventory"]
    assert [e["id"] for e in in_report["entries"]] == ["openai-gpt4o", "openai-other", "anthropic", "echo-local"]
    lapsed_row = in_report["entries"][0]
    assert (lapsed_row["requests"], lapsed_row["standing"]) == (1, "review_lapsed")
    assert {"tool": "openai/gpt-4o", "requests": 1, "users": 1, "groups": ["marketing"]} in in_report["shadow_demand"]
    config = tmp_path / "cli.yaml"
    config.write_text(f"policy_path: {tmp_path / 'policy.yaml'}\n{stores_yaml(tmp_path)}")
    capsys.readouterr()  # the gateway's own log lines so far
    assert main(["inventory", "--config", str(config), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [e["seen"]["requests"] for e in printed["entries"]] == [e["seen"]["requests"] for e in body["entries"]]
    assert main(["inventory", "--config", str(config), "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "| openai-gpt4o | openai/gpt-4o | OpenAI | cloud (eu-west-1) | approved |" in markdown
    assert "## Shadow demand (requested, not approved)" in markdown


def test_a_register_change_by_reload_applies_at_once_and_is_in_the_inventorys_history(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any]
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEST_POLICY.read_text() + register_yaml())
    gateway = start_gateway(policy_path=str(policy), policy_reload={"watch_interval_s": 0.1})
    oai = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("al", "engineering"), max_retries=0)
    closing.append(oai)
    assert oai.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]).choices
    # the owner suspends the provider-wide OpenAI entry: a reload, no restart
    approved = f'review_by: "{day(300)}", status: approved}}'
    suspended = f'review_by: "{day(300)}", status: suspended}}'
    policy.write_text(policy.read_text().replace(approved, suspended, 1))
    deadline = time.monotonic() + 30
    while gateway.server.app[STATE].policy.document.tool_register.entries[1].status.value != "suspended":
        assert time.monotonic() < deadline, "the reload did not happen"
        time.sleep(0.1)
    with pytest.raises(openai.PermissionDeniedError) as refused:
        oai.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert "'openai-other'" in str(refused.value)
    status, report = get(f"{gateway.admin_url}/admin/report?format=json&since=1h", token(gateway, "a", "auditor"))
    assert status == 200
    [change] = report["inventory"]["register_changes"]
    assert change["changes"] == ["tightened  tool_register.openai-other.status: approved -> suspended"]
    assert change["policy_version"] == gateway.server.app[STATE].policy.version


def test_an_entry_stating_its_data_classes_narrows_its_grant(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        TEST_POLICY.read_text() + register_yaml().replace("status: approved}", "status: approved, data_classes: [pii]}")
    )
    loaded = load_policy(policy)
    exchange = Exchange(api=ApiFormat.OPENAI)
    tool = loaded.check_tool(("engineering",), "openai", "gpt-4o-mini")
    assert tool.data_classes is None  # the grant states none
    narrowed = check_register(loaded, exchange, "openai", "gpt-4o-mini", tool)
    assert narrowed.data_classes == frozenset({Category.PII})
    echo = loaded.check_tool(("engineering",), "echo", "echo-1")
    assert check_register(loaded, exchange, "echo", "echo-1", echo).data_classes is None  # its entry states none


def test_require_entry_refuses_an_approved_tool_the_register_does_not_cover(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any]
) -> None:
    register = register_yaml().replace("  warn_days: 30\n", "  warn_days: 30\n  require_entry: true\n")
    start = register.index("    - {id: openai-other,")  # gpt-4o-mini stays approved for the group, on no entry
    register = register[:start] + register[register.index("    - {id: anthropic,", start) :]
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEST_POLICY.read_text() + register)
    gateway = start_gateway(policy_path=str(policy))
    oai = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("zoe", "engineering"), max_retries=0)
    closing.append(oai)
    assert oai.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "hi"}]).choices
    with pytest.raises(openai.PermissionDeniedError) as refused:
        oai.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert refused.value.code == "tool_not_registered"
    assert "tool_register.require_entry" in str(refused.value)
    assert "gpt-4o-mini" not in {m.id for m in oai.models.list()}
    [incident] = [i for i in gateway.incidents() if i["actor"].get("user") == "zoe"]
    assert incident["type"] == "UNAPPROVED_AI_PROVIDER_OR_MODEL"


def test_a_register_changed_by_a_restart_is_in_the_history_too(start_gateway: StartGateway, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEST_POLICY.read_text() + register_yaml())
    first = start_gateway(policy_path=str(policy))
    assert not [i for i in first.incidents() if i["type"] == "POLICY_CHANGE"]  # a first start changes nothing
    first.stop()
    approved = f'review_by: "{day(300)}", status: approved}}'
    policy.write_text(policy.read_text().replace(approved, f'review_by: "{day(300)}", status: suspended}}', 1))
    second = start_gateway(policy_path=str(policy))  # the same stores: a deploy of a new policy file
    [change] = [i for i in second.incidents() if i["type"] == "POLICY_CHANGE"]
    assert change["details"]["register_changes"] == [
        "tightened  tool_register.openai-other.status: approved -> suspended"
    ]
    status, report = get(f"{second.admin_url}/admin/report?format=json&since=1h", token(second, "a", "auditor"))
    assert status == 200
    [history] = report["inventory"]["register_changes"]
    assert history["policy_version"] == second.server.app[STATE].policy.version
    second.stop()
    third = start_gateway(policy_path=str(policy))  # the same policy again: nothing new
    assert len([i for i in third.incidents() if i["type"] == "POLICY_CHANGE"]) == 1


def test_a_stored_register_no_longer_valid_does_not_stop_the_gateway(
    start_gateway: StartGateway, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEST_POLICY.read_text() + register_yaml())
    first = start_gateway(policy_path=str(policy))
    first.run(first.server.app[STATE].prompt_log.store.execute("UPDATE policy_registers SET register = '{\"x\": 1}'"))
    first.stop()
    policy.write_text(policy.read_text().replace("warn_days: 30", "warn_days: 20"))
    second = start_gateway(policy_path=str(policy))  # history is evidence, not a control: the gateway starts
    assert second.server.app[STATE].policy.document.tool_register.warn_days == 20
    assert not [i for i in second.incidents() if i["type"] == "POLICY_CHANGE"]


def test_assurance_probes_are_not_in_the_inventory(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path)
    probe = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key(ASSURANCE_USER), max_retries=0)
    closing.append(probe)
    ids = [probe.chat.completions.with_raw_response.create(model="echo-1", messages=[{"role": "user", "content": "x"}])]
    with pytest.raises(openai.PermissionDeniedError) as refused:  # an unapproved model, asked for on purpose
        probe.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}])
    for request_id in (ids[0].headers["x-request-id"], refused.value.response.headers["x-request-id"]):
        assert gateway.log_record(request_id)["assurance"] is True
    status, body = get(f"{gateway.admin_url}/admin/inventory?since=1h", token(gateway, "sec", "secops"))
    assert status == 200
    assert body["shadow_demand"] == []  # not demand
    assert all(e["seen"]["requests"] == 0 for e in body["entries"])  # nor use
    [unapproved] = [i for i in gateway.incidents() if i["type"] == "UNAPPROVED_AI_PROVIDER_OR_MODEL"]
    assert unapproved["actor"] == {"user": ASSURANCE_USER, "groups": ["everyone"], "assurance": True}
    assert (unapproved["assurance"], unapproved["status"]) == (True, "resolved")  # the probe's evidence
