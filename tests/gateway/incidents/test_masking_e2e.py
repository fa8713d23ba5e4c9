"""Through the real gateway, real detectors and the real OpenAI SDK: an answer carries a
person's name and an email beside the SSN an answer rule redacts; answers are scanned only for
US_SSN, yet neither the name nor the email reaches the incident store, the hash chain, the
JSONL/CSV export, the evidence report (HTML, Markdown, JSON) or the SIEM sink."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from gateway.incidents import export
from gateway.incidents.store import IncidentQuery
from gateway.lifecycle.state import STATE
from gateway.promptlog.store import now_us
from gateway.report.gather import gather
from gateway.report.render import render_html, render_markdown
from loadtests.mock_provider import MockProvider
from tests.conftest import TEST_POLICY, StartGateway
from tests.gateway.incidents.test_incidents_e2e import ask, client

NAME, EMAIL, SSN = "Maria Lopez", "maria.lopez@example.org", "536-22-8726"
PLANTED = (NAME, "Lopez", EMAIL, "maria.lopez", SSN)
POLICY = TEST_POLICY.read_text() + (
    "detection:\n  pii: {}\n"  # every PII type, NER included
    "data_rules:\n"
    "  - {id: ssn-answers, match: {entity_types: [US_SSN]}, directions: [response], action: redact}\n"
)


def test_names_and_emails_beside_an_answer_finding_are_masked_everywhere_the_incident_goes(
    start_gateway: StartGateway, mock: MockProvider, tmp_path: Path, closing: list[Any]
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    siem = tmp_path / "siem.jsonl"
    gateway = start_gateway(
        policy_path=str(policy), detection={"workers": 1}, siem=[{"type": "jsonl", "path": str(siem)}]
    )
    state = gateway.server.app[STATE]
    assert state.policy.answer_entities == frozenset({"US_SSN"})  # answers are scanned for nothing else
    mock.configure(reply_text=f"The customer is {NAME}, reachable at {EMAIL}, and her SSN is {SSN}.")
    ask(client(gateway, closing, "olga"), "What is on file for the customer?")

    async def everything() -> tuple[list[dict[str, Any]], str, dict[str, Any]]:
        await state.incidents.flush()
        found = await state.incidents.store.search(IncidentQuery())
        rows = await state.prompt_log.store.fetch("SELECT body FROM incident_chain", [])
        report = await gather(state.prompt_log.store, state.incidents.compliance, now_us() - 3_600_000_000, now_us())
        return found, json.dumps([row["body"] for row in rows], ensure_ascii=False), report

    found, chain, report = gateway.run(everything())
    [incident] = found
    assert incident["type"] == "PII_IN_OUTPUT"
    # 60 characters before the SSN fall inside the name: the excerpt widens to the whole name, masked.
    assert incident["excerpt"] == "…<PERSON>, reachable at <EMAIL_ADDRESS>, and her SSN is <US_SSN>."
    deadline = time.monotonic() + 10
    while not (siem.exists() and siem.read_text().strip()):
        assert time.monotonic() < deadline, "the incident did not reach the SIEM file"
        time.sleep(0.02)
    outputs = {
        "store": json.dumps(found, ensure_ascii=False),
        "chain": chain,
        "siem": siem.read_text(),
        "jsonl": export.to_jsonl(found),
        "csv": export.to_csv(found),
        "report.json": json.dumps(report, ensure_ascii=False),
        "report.md": render_markdown(report),
        "report.html": render_html(report),
    }
    assert "&lt;PERSON&gt;" in outputs["report.html"]  # the excerpt is in the report, masked
    leaks = {where: value for where, text in outputs.items() for value in PLANTED if value in text}
    assert leaks == {}
