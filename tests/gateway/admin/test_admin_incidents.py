"""The incident log on the admin API: both roles read it, only SecOps works it, and every
change lands on the hash chain with the token's name."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.lifecycle.state import STATE
from gateway.testing import RunningGateway
from tests.conftest import TEST_POLICY, StartGateway
from tests.gateway.admin.test_admin_api import get, token
from tests.gateway.report.month_report import SECTION_IDS

SSN = "536-22-8726"
AWS_KEY = "AKIA" + "QWERTYUIOPASDFGH"
POLICY = TEST_POLICY.read_text() + (
    "detection:\n  secrets: {}\n  pii: {entities: [US_SSN]}\n"
    "data_rules:\n"
    "  - {id: secrets-block, match: {categories: [secret]}, action: block}\n"
    "  - {id: ssn-redact, match: {entity_types: [US_SSN]}, action: redact}\n"
)


def call(url: str, token: str, body: bytes | None = None, method: str = "POST") -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as failed:
        with failed:
            return failed.code, json.load(failed)


def raw(url: str, token: str) -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return resp.headers["content-type"], resp.read().decode()


@pytest.fixture
def gateway(start_gateway: StartGateway, tmp_path: Path, closing: list[Any]) -> RunningGateway:
    """A gateway with two incidents: sam's redacted SSN (medium), alice's blocked AWS key (high)."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    gateway = start_gateway(policy_path=str(policy), detection={"workers": 1})
    for user, text in (("sam", f"my SSN is {SSN}"), ("alice", f"why does {AWS_KEY} fail?")):
        sdk = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key(user, "engineering"))
        closing.append(sdk)
        try:
            sdk.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}])
        except openai.PermissionDeniedError:
            assert user == "alice"
    gateway.run(gateway.server.app[STATE].incidents.flush())
    return gateway


def test_both_roles_search_and_read_incidents(gateway: RunningGateway) -> None:
    url = f"{gateway.admin_url}/admin/incidents"
    assert get(url, None)[0] == 401
    for role in ("auditor", "secops"):
        status, body = get(url, token(gateway, f"{role}-1", role))
        assert status == 200
        assert sorted(i["actor"]["user"] for i in body["incidents"]) == ["alice", "sam"]
    auditor = token(gateway, "aud", "auditor")
    status, body = get(f"{url}?severity=high&type=SECRET_OR_CREDENTIAL_IN_PROMPT", auditor)
    [secret] = body["incidents"]
    assert (secret["actor"]["user"], secret["excerpt"]) == ("alice", "why does <AWS_ACCESS_KEY_ID> fail?")
    assert get(f"{url}?user=nobody", auditor)[1] == {"incidents": []}
    status, shown = get(f"{url}/{secret['id']}", auditor)
    assert (status, shown["id"], shown["status"]) == (200, secret["id"], "open")
    assert get(f"{url}/inc_0000000000000000", auditor)[0] == 404
    status, problem = get(f"{url}?severity=urgent", auditor)
    assert (status, problem["error"]["param"]) == (400, "severity")
    assert get(f"{url}?since=last-tuesday", auditor)[0] == 400


def test_only_secops_works_incidents_and_each_change_is_on_the_chain(gateway: RunningGateway) -> None:
    url = f"{gateway.admin_url}/admin/incidents"
    secops, auditor = token(gateway, "sam-soc", "secops"), token(gateway, "aud", "auditor")
    [incident] = get(f"{url}?user=sam", auditor)[1]["incidents"]
    status, denied = call(f"{url}/{incident['id']}/ack", auditor)
    assert status == 403
    assert "secops" in denied["error"]["message"]
    status, acked = call(f"{url}/{incident['id']}/ack", secops, b'{"note": "looking"}')
    assert (status, acked["status"]) == (200, "acknowledged")
    status, resolved = call(f"{url}/{incident['id']}/resolve", secops, b'{"note": "user reminded of the policy"}')
    assert (status, resolved["status"]) == (200, "resolved")
    assert [(w["status"], w["by"], w["note"]) for w in resolved["workflow"]] == [
        ("acknowledged", "sam-soc (admin api)", "looking"),
        ("resolved", "sam-soc (admin api)", "user reminded of the policy"),
    ]
    status, conflict = call(f"{url}/{incident['id']}/false-positive", secops)
    assert (status, conflict["error"]["code"]) == (409, "conflict")
    assert call(f"{url}/{incident['id']}/reopen", secops)[0] == 404
    assert call(f"{url}/inc_0000000000000000/ack", secops)[0] == 404
    assert call(f"{url}/{incident['id']}/ack", secops, b"not json")[0] == 400
    assert call(f"{url}/{incident['id']}/ack", secops, json.dumps({"note": 7}).encode())[0] == 400
    for hostile in (b"[" * 5_000 + b"]" * 5_000, b'{"note": "x \\ud800 y"}', b'{"note": "a", "note": "b"}'):
        assert call(f"{url}/{incident['id']}/ack", secops, hostile)[0] == 400  # were 500s
    status, chain = get(f"{url}/verify", auditor)
    assert (status, chain["ok"], chain["incidents"]) == (200, True, 2)
    assert chain["events"] == 4  # two opened, one acknowledged, one resolved
    assert get(f"{url}?status=resolved", auditor)[1]["incidents"][0]["id"] == incident["id"]


def test_export_as_jsonl_and_csv_without_the_values(gateway: RunningGateway) -> None:
    url = f"{gateway.admin_url}/admin/incidents/export"
    auditor = token(gateway, "aud", "auditor")
    content_type, jsonl = raw(url, auditor)
    assert content_type.startswith("application/x-ndjson")
    assert sorted(json.loads(line)["type"] for line in jsonl.splitlines()) == [
        "PII_IN_PROMPT",
        "SECRET_OR_CREDENTIAL_IN_PROMPT",
    ]
    content_type, text = raw(f"{url}?format=csv&severity=medium", auditor)
    assert content_type.startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["type"], row["user"], row["entity_types"], row["excerpt"]) == (
        "PII_IN_PROMPT",
        "sam",
        "US_SSN=1",
        "my SSN is <US_SSN>",
    )
    assert "iso27001_2022:A.5.34" in row["controls"].split(";")
    assert get(f"{url}?format=xml", auditor)[0] == 400
    assert not any(value in jsonl + text for value in (SSN, AWS_KEY))


def test_the_evidence_report_on_the_admin_api(gateway: RunningGateway) -> None:
    url = f"{gateway.admin_url}/admin/report"
    auditor = token(gateway, "aud", "auditor")
    content_type, page = raw(url, auditor)
    assert content_type.startswith("text/html")
    sections = re.findall(r'<section id="([a-z]+)"', page)
    assert sections == SECTION_IDS
    assert "my SSN is &lt;US_SSN&gt;" in page  # the sample's redacted excerpt, escaped
    _, data = raw(f"{url}?format=json&since=1h", auditor)
    report = json.loads(data)
    assert (report["summary"]["incidents"], report["chain"]["ok"]) == (2, True)
    assert report["by_group"] == {"engineering": 2}
    _, markdown = raw(f"{url}?format=md", auditor)
    assert "## Incidents per control" in markdown
    assert not any(value in page + data + markdown for value in (SSN, AWS_KEY))
    assert get(f"{url}?format=pdf", auditor)[0] == 400
    assert get(f"{url}?since=1h&until=2h", auditor)[0] == 400
