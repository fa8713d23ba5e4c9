"""More incident types through the real gateway, driven by the real OpenAI and Anthropic SDKs.

Proves that PII in an answer (whole or streamed), a live policy reload (loosened, rejected,
tightened), a prompt-log write failure (the store refusing rows, or down altogether), and an
unapproved model used in monitor mode each end as exactly one incident with the controls and
severity of the violation mapping, escalated where it says so (what was carried, a privileged
actor); that no incident holds a planted value; and that the incident chain verifies.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest
from anthropic.types import MessageParam

from gateway.incidents.store import IncidentQuery
from gateway.lifecycle.state import STATE
from gateway.testing import RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import TEST_POLICY, StartGateway
from tests.gateway.incidents.test_incidents_e2e import by_type, client, primary

SSN = "536-22-8726"
EMAIL = "maria.lopez@example.org"
BASE = TEST_POLICY.read_text()
Found = list[dict[str, Any]]


# --- helpers -------------------------------------------------------------------------------
def incidents(gateway: RunningGateway) -> Found:
    """Every stored incident, once the incident log has stored all it was given."""
    state = gateway.server.app[STATE]

    async def stored() -> Found:
        await state.incidents.flush()
        return await state.incidents.store.search(IncidentQuery())

    return gateway.run(stored())


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.02)


def assert_clean(gateway: RunningGateway, *planted: str) -> None:
    """No incident holds a planted value, and the incident chain verifies."""
    everything = json.dumps(incidents(gateway))
    assert not [value for value in planted if value in everything]
    assert gateway.run(gateway.server.app[STATE].incidents.store.verify()).ok


def start(start_gateway: StartGateway, tmp_path: Path, policy_text: str, **overrides: Any) -> RunningGateway:
    policy = tmp_path / "policy.yaml"
    policy.write_text(policy_text)
    return start_gateway(policy_path=str(policy), **overrides)


# --- PII_IN_OUTPUT -------------------------------------------------------------------------
OUTPUT_POLICY = BASE + (
    "detection:\n  pii: {entities: [US_SSN, EMAIL_ADDRESS]}\n"
    "data_rules:\n"
    "  - {id: ssn-answers, match: {entity_types: [US_SSN]}, directions: [response], action: redact}\n"
    "  - {id: email-answers, match: {entity_types: [EMAIL_ADDRESS]}, directions: [response], action: audit}\n"
)
OUTPUT_CONTROLS = {"A.5.34", "A.8.12", "A.8.11", "A.8.3"}


def claude(gateway: RunningGateway, closing: list[Any], user: str) -> anthropic.Anthropic:
    sdk = anthropic.Anthropic(base_url=gateway.url, api_key=gateway.create_key(user, "engineering"), max_retries=0)
    closing.append(sdk)
    return sdk


def test_pii_in_an_answer_is_one_pii_in_output_incident_per_exchange(
    start_gateway: StartGateway, mock: MockProvider, tmp_path: Path, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path, OUTPUT_POLICY, detection={"workers": 1})
    question: list[MessageParam] = [{"role": "user", "content": "What is on file for the customer?"}]
    mock.configure(reply_text=f"The SSN on file is {SSN}, nothing else.")
    answer = claude(gateway, closing, "olga").messages.create(
        model="claude-sonnet-5-5", max_tokens=64, messages=question
    )
    assert answer.content[0].type == "text"
    assert answer.content[0].text == "The SSN on file is [US_SSN], nothing else."
    mock.configure(reply_text=("Here is the record you asked for. " * 9) + f"SSN {SSN}; regards.")
    with claude(gateway, closing, "stan").messages.stream(
        model="claude-sonnet-5-5", max_tokens=64, messages=question
    ) as stream:
        streamed = stream.get_final_text()
        request_id = stream.response.headers["x-request-id"]
    assert streamed.endswith("SSN [US_SSN]; regards.")
    gateway.log_record(request_id)  # a stream's exchange is recorded after its last byte: then it is observed
    mock.configure(reply_text=f"Write to {EMAIL} for details.")  # an audit-only rule: it reaches the caller
    claude(gateway, closing, "ada").messages.create(model="claude-sonnet-5-5", max_tokens=64, messages=question)

    found = by_type(incidents(gateway))
    assert sorted(found) == ["PII_IN_OUTPUT"]  # the answers' PII only: no prompt incident
    output = {i["actor"]["user"]: i for i in found["PII_IN_OUTPUT"]}
    assert sorted(output) == ["ada", "olga", "stan"]
    for user in ("olga", "stan"):
        incident = output[user]
        assert (incident["severity"], incident["let_through"], incident["enforced"]) == ("medium", False, True)
        assert (incident["occurrences"], incident["entity_types"]) == (1, {"US_SSN": 1})
        assert primary(incident, "iso27001_2022") >= OUTPUT_CONTROLS
        assert "LLM02:2025" in primary(incident, "owasp_llm_2025")
        assert "<US_SSN>" in incident["excerpt"]
        assert incident["destination"] == {
            "provider": "anthropic",
            "model": "claude-sonnet-5-5",
            "endpoint": "messages",
        }
    assert request_id in output["stan"]["request_ids"]
    assert output["olga"]["excerpt"] == "The SSN on file is <US_SSN>, nothing else."
    assert (output["ada"]["severity"], output["ada"]["let_through"]) == ("high", True)
    assert output["ada"]["excerpt"] == "Write to <EMAIL_ADDRESS> for details."
    assert_clean(gateway, SSN, EMAIL, "maria")


def test_a_streamed_value_rescanned_as_context_is_counted_once(
    start_gateway: StartGateway, mock: MockProvider, tmp_path: Path, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path, OUTPUT_POLICY, detection={"workers": 1})
    mock.configure(reply_text="lorem " * 40 + f"SSN {SSN} " + "lorem " * 30)  # released, then scanned as context
    with claude(gateway, closing, "stan").messages.stream(
        model="claude-sonnet-5-5", max_tokens=64, messages=[{"role": "user", "content": "What is on file?"}]
    ) as stream:
        assert "SSN [US_SSN] lorem" in stream.get_final_text()
        request_id = stream.response.headers["x-request-id"]
    gateway.log_record(request_id)
    (incident,) = incidents(gateway)
    assert incident["entity_types"] == {"US_SSN": 1}  # one SSN in the answer, counted once


# --- POLICY_CHANGE -------------------------------------------------------------------------
MARKETING_TOOLS = '      - provider: openai\n        models: ["gpt-4o-mini"]'
LOOSER = BASE.replace('version: "7"', 'version: "8"').replace(
    MARKETING_TOOLS, MARKETING_TOOLS + '\n      - provider: echo\n        models: ["*"]'
)
INVALID = LOOSER.replace("default_group: everyone", "default_group: nobody")
TIGHTER = BASE.replace('version: "7"', 'version: "9"')  # marketing loses echo again
CHANGE_CONTROLS = {"A.8.32", "A.8.9", "A.5.1"}


def rewrite(path: Path, text: str) -> None:
    """Replace the policy file in one step: the watcher never reads it half-written."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def in_force(gateway: RunningGateway) -> str:
    return str(gateway.server.app[STATE].runtime.policy.version)


def policy_changes(gateway: RunningGateway) -> Found:
    return sorted(by_type(incidents(gateway)).get("POLICY_CHANGE", []), key=lambda i: i["opened_us"])


def test_a_live_reload_records_loosened_rejected_and_tightened_changes(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path, BASE, policy_reload={"watch_interval_s": 0.05})
    policy = tmp_path / "policy.yaml"
    mia = client(gateway, closing, "mia", "marketing")
    first = in_force(gateway)
    with pytest.raises(openai.PermissionDeniedError):
        mia.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "hi"}])
    assert policy_changes(gateway) == []  # starting with a policy is no change

    rewrite(policy, LOOSER)
    wait_for(lambda: in_force(gateway).startswith("8+"))
    looser = in_force(gateway)
    mia.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "hi"}])
    (loosened,) = policy_changes(gateway)
    assert (loosened["severity"], loosened["policy_version"], loosened["actor"]) == (
        "high",
        looser,
        {"source": "policy_reload"},
    )
    assert loosened["details"] == {"old_version": first, "loosened": 1, "tightened": 0}
    assert any("loosened" in reason for reason in loosened["severity_reasons"])
    assert primary(loosened, "iso27001_2022") >= CHANGE_CONTROLS

    rewrite(policy, INVALID)
    wait_for(lambda: len(policy_changes(gateway)) == 2)
    rejected = policy_changes(gateway)[1]
    assert rejected["severity"] == "medium"
    assert rejected["details"]["problems"] > 0
    assert (rejected["details"]["in_force"], rejected["policy_version"]) == (looser, looser)
    assert in_force(gateway) == looser  # the old policy stays, and serves
    mia.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "still here"}])

    rewrite(policy, TIGHTER)
    wait_for(lambda: in_force(gateway).startswith("9+"))
    tightened = policy_changes(gateway)[2]
    assert (tightened["severity"], tightened["policy_version"]) == ("info", in_force(gateway))
    assert tightened["details"] == {"old_version": looser, "loosened": 0, "tightened": 1}
    with pytest.raises(openai.PermissionDeniedError):
        mia.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "hi"}])
    assert len(policy_changes(gateway)) == 3  # one incident per change
    (denied,) = by_type(incidents(gateway))["UNAPPROVED_AI_PROVIDER_OR_MODEL"]  # and mia's two denials
    assert (denied["occurrences"], denied["policy_version"]) == (2, first)
    assert_clean(gateway)


# --- LOGGING_OR_RETENTION_FAILURE ----------------------------------------------------------
LOGGING_CONTROLS = {"A.8.15", "A.5.33", "A.8.16", "A.8.17", "A.5.28", "A.8.10"}
FAIL_WRITES = "CREATE TRIGGER test_fail_writes BEFORE INSERT ON exchanges BEGIN SELECT RAISE(ABORT, 'disk full'); END"


def ask(sdk: openai.OpenAI, text: str, model: str = "gpt-4o") -> str:
    reply = sdk.chat.completions.create(model=model, messages=[{"role": "user", "content": text}])
    return str(reply.choices[0].message.content)


def assert_logging_failure(found: Found) -> None:
    (incident,) = found
    assert (incident["type"], incident["severity"], incident["actor"]) == (
        "LOGGING_OR_RETENTION_FAILURE",
        "high",
        {"source": "prompt_log"},
    )
    assert (incident["details"], incident["occurrences"]) == ({"reason": "store_unavailable"}, 1)
    assert primary(incident, "iso27001_2022") >= LOGGING_CONTROLS
    assert {"GDPR Art. 5(1)(e)", "GDPR Art. 5(2)"} <= primary(incident, "gdpr")


def test_a_failing_prompt_log_write_is_one_logging_failure_incident(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path, BASE + "prompt_log: {on_failure: spool}\n")
    database = sqlite3.connect(tmp_path / "prompt-log.db", isolation_level=None)
    database.execute(FAIL_WRITES)  # the exchanges table refuses rows; the incident tables still work
    writer = gateway.server.app[STATE].prompt_log.writer
    alice = client(gateway, closing, "alice")
    for _ in range(3):
        assert ask(alice, f"my SSN is {SSN}") == "Hello from the mock provider."  # spool mode keeps serving
    gateway.run(writer.flush())
    assert not writer.healthy
    assert_logging_failure(incidents(gateway))  # one outage, one incident: not one per failed write
    database.execute("DROP TRIGGER test_fail_writes")
    database.close()
    ask(alice, "and now?")
    gateway.run(writer.flush())
    assert writer.healthy
    assert len(incidents(gateway)) == 1
    assert_clean(gateway, SSN)


def test_a_logging_failure_with_the_whole_store_down_lands_once_it_is_back(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path, BASE)  # on_failure: block (the default)
    state = gateway.server.app[STATE]
    store, writer = state.prompt_log.store, state.prompt_log.writer
    alice = client(gateway, closing, "alice")
    gateway.run(store.close())  # the prompt store -- and so the incident store -- is down
    ask(alice, f"my SSN is {SSN}")  # admitted before the outage was known
    wait_for(lambda: not writer.healthy)
    with pytest.raises(openai.InternalServerError) as refused:
        ask(alice, "refused while nothing can be recorded")
    assert refused.value.status_code == 503
    gateway.run(store.connect())  # back: the retried incident (and the retried record) land
    assert_logging_failure(incidents(gateway))
    wait_for(lambda: writer.healthy)
    assert_clean(gateway, SSN)


# --- UNAPPROVED_AI_PROVIDER_OR_MODEL in monitor mode -----------------------------------------
MONITOR_POLICY = BASE.replace('version: "7"', 'version: "7"\n  mode: monitor') + (
    "detection:\n  pii: {entities: [US_SSN]}\n"
    "data_rules:\n  - {id: ssn-redact, match: {entity_types: [US_SSN]}, directions: [prompt], action: redact}\n"
)


def test_a_monitored_unapproved_model_escalates_with_what_it_carried(
    start_gateway: StartGateway, mock: MockProvider, tmp_path: Path, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path, MONITOR_POLICY, detection={"workers": 1})
    assert ask(client(gateway, closing, "mark", "marketing"), f"my SSN is {SSN}") == "Hello from the mock provider."
    assert ask(client(gateway, closing, "meg", "marketing"), "hello") == "Hello from the mock provider."
    assert SSN in json.dumps(mock.requests[0].body)  # monitor mode: it went out unchanged

    found = by_type(incidents(gateway))
    assert sorted(found) == ["PII_IN_PROMPT", "UNAPPROVED_AI_PROVIDER_OR_MODEL"]
    unapproved = {i["actor"]["user"]: i for i in found["UNAPPROVED_AI_PROVIDER_OR_MODEL"]}
    assert sorted(unapproved) == ["mark", "meg"]
    carried, bare = unapproved["mark"], unapproved["meg"]
    assert (carried["severity"], carried["let_through"], carried["enforced"]) == ("critical", True, False)
    assert carried["entity_types"] == {"US_SSN": 1}
    assert any("carried PII" in reason for reason in carried["severity_reasons"])
    assert carried["excerpt"] == "my SSN is <US_SSN>"
    assert (bare["severity"], bare["let_through"], bare["entity_types"]) == ("high", True, {})
    for incident in (carried, bare):
        assert {"A.5.19", "A.5.20", "A.5.23", "A.5.10"} <= primary(incident, "iso27001_2022")
        assert incident["destination"]["model"] == "gpt-4o"
    (pii,) = found["PII_IN_PROMPT"]  # the monitored redaction is its own incident, let through
    assert (pii["actor"]["user"], pii["severity"], pii["let_through"]) == ("mark", "high", True)
    assert_clean(gateway, SSN)


# --- privileged actors ---------------------------------------------------------------------
PRIVILEGED_POLICY = BASE + (
    '  admins:\n    approved_tools:\n      - provider: openai\n        models: ["gpt-*"]\n'
    "detection:\n  pii: {entities: [US_SSN, EMAIL_ADDRESS]}\n"
    "data_rules:\n"
    "  - {id: ssn-redact, match: {entity_types: [US_SSN]}, directions: [prompt], action: redact}\n"
    "  - {id: email-audit, match: {entity_types: [EMAIL_ADDRESS]}, directions: [prompt], action: audit}\n"
    "incidents: {privileged_groups: [admins]}\n"
)


def test_a_privileged_actor_is_escalated_only_as_the_mapping_says(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path, PRIVILEGED_POLICY, detection={"workers": 1})
    specs = gateway.server.app[STATE].incidents.compliance.violations
    rules = {v.value: [r.when for r in s.severity.escalation if r.when.privileged] for v, s in specs.items()}
    (when,) = rules["PII_IN_PROMPT"]
    assert when.let_through is True  # PII: only when it went out unredacted
    (unapproved_when,) = rules["UNAPPROVED_AI_PROVIDER_OR_MODEL"]
    assert unapproved_when.let_through is None  # an unapproved tool: even when blocked
    for user, group in (("root", "admins"), ("eve", "engineering")):
        sdk = client(gateway, closing, user, group)
        ask(sdk, f"my SSN is {SSN}")  # redacted
        ask(sdk, f"write to {EMAIL}")  # audit only: let through
    for user, group in (("root", "admins"), ("mia", "marketing")):
        with pytest.raises(openai.PermissionDeniedError):
            ask(client(gateway, closing, user, group), "hello", model="echo-1")  # approved for neither group
    found = {(i["type"], i["actor"]["user"], i["let_through"]): i for i in incidents(gateway)}
    assert len(found) == 6
    pii = "PII_IN_PROMPT"
    assert found[pii, "root", False]["actor"]["groups"] == ["admins"]
    assert found[pii, "root", False]["severity"] == found[pii, "eve", False]["severity"] == "medium"
    assert found[pii, "root", True]["severity"] == "critical"  # privileged and let through
    assert found[pii, "eve", True]["severity"] == "high"  # let through alone
    unapproved = "UNAPPROVED_AI_PROVIDER_OR_MODEL"
    assert found[unapproved, "root", False]["severity"] == "high"  # privileged
    assert found[unapproved, "mia", False]["severity"] == "medium"
    assert_clean(gateway, SSN, EMAIL, "maria")


def test_policy_groups_given_by_key_group_membership_count_for_incidents(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any]
) -> None:
    policy = PRIVILEGED_POLICY.replace("  admins:\n", "  admins:\n    members: {key_groups: [it-admins]}\n").replace(
        "incidents: {privileged_groups: [admins]}\n",
        "incidents:\n  severity_overrides: [{violation: PII_IN_PROMPT, severity: critical, groups: [admins]}]\n",
    )
    gateway = start(start_gateway, tmp_path, policy, detection={"workers": 1})
    ask(client(gateway, closing, "root", "it-admins"), f"my SSN is {SSN}")  # allowed as admins (gpt-*)
    (incident,) = incidents(gateway)
    assert incident["severity"] == "critical"  # the override for admins (a policy group, by key group)
