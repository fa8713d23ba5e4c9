"""Assurance runs on the admin API: listed newest first by period for both roles, the chain verified on
its own, and nothing without an admin token."""

from __future__ import annotations

import socket
from typing import Any

from gateway.incidents.assurance_runs import AssuranceRun, ControlOutcome, record_run
from gateway.lifecycle.state import STATE
from gateway.promptlog.store import now_us
from gateway.testing import RunningGateway
from tests.gateway.admin.test_admin_api import get, token

HOUR_US = 3_600_000_000


def stored_runs(gateway: RunningGateway) -> list[AssuranceRun]:
    """Three runs in the last three hours, the middle one failing the card control."""
    start = now_us() - 3 * HOUR_US
    runs = [
        AssuranceRun(
            f"run-{n}",
            start + n * HOUR_US,
            start + n * HOUR_US + 1_000_000,
            "schedule" if n else "command",
            "acme",
            f"{n}+abc",
            (
                ControlOutcome("card_redacted", "fail" if n == 1 else "pass", "CREDIT_CARD redacted", f"status {n}"),
                ControlOutcome("revoked_key", "skip", "a revoked key is refused", "no key store"),
            ),
        )
        for n in range(3)
    ]

    async def record() -> None:
        for run in runs:
            await record_run(gateway.server.app[STATE].prompt_log.store, run)

    gateway.run(record())
    return runs


def execute(gateway: RunningGateway, sql: str) -> None:
    gateway.run(gateway.server.app[STATE].prompt_log.store.execute(sql))


def test_assurance_calls_need_an_admin_token(gateway: RunningGateway) -> None:
    for path in ("/admin/assurance", "/admin/assurance/verify"):
        for presented in (None, "aigwadm_0000_nope"):
            status, body = get(f"{gateway.admin_url}{path}", presented)
            assert status == 401, path
            assert "admin token" in body["error"]["message"]


def test_both_roles_list_runs_newest_first(gateway: RunningGateway) -> None:
    runs = stored_runs(gateway)
    for role in ("secops", "auditor"):
        status, body = get(f"{gateway.admin_url}/admin/assurance", token(gateway, f"t-{role}", role))
        assert status == 200, role
        assert [r["run_id"] for r in body["runs"]] == ["run-2", "run-1", "run-0"]
    newest: dict[str, Any] = body["runs"][1]
    assert newest["failed"] == ["card_redacted"]
    assert (newest["origin"], newest["policy_id"], newest["policy_version"]) == ("schedule", "acme", "1+abc")
    assert newest["outcomes"][0] == {
        "control": "card_redacted",
        "status": "fail",
        "expected": "CREDIT_CARD redacted",
        "seen": "status 1",
    }
    assert newest["started_us"] == runs[1].started_us
    assert newest["instance"] == socket.gethostname()  # the machine that ran it
    assert newest["started"].endswith("+00:00")


def test_runs_are_chosen_by_period_and_limit(gateway: RunningGateway) -> None:
    stored_runs(gateway)
    secops = token(gateway, "sam", "secops")
    status, body = get(f"{gateway.admin_url}/admin/assurance?limit=2", secops)
    assert (status, [r["run_id"] for r in body["runs"]]) == (200, ["run-2", "run-1"])
    status, body = get(f"{gateway.admin_url}/admin/assurance?since=150m", secops)  # runs 1 and 2 started since
    assert [r["run_id"] for r in body["runs"]] == ["run-2", "run-1"]
    status, body = get(f"{gateway.admin_url}/admin/assurance?since=4h&until=150m", secops)
    assert [r["run_id"] for r in body["runs"]] == ["run-0"]
    for bad in ("since=yesterday", "limit=0", "limit=many", "since=1h&until=2h"):
        status, body = get(f"{gateway.admin_url}/admin/assurance?{bad}", secops)
        assert status == 400, bad
        assert "assurance parameter" in body["error"]["message"]


def test_the_assurance_chain_is_verified_apart_from_the_incidents(gateway: RunningGateway) -> None:
    stored_runs(gateway)
    auditor = token(gateway, "ann", "auditor")
    status, body = get(f"{gateway.admin_url}/admin/assurance/verify", auditor)
    assert (status, body) == (200, {"ok": True, "runs": 3, "problems": []})
    execute(gateway, "UPDATE assurance_runs SET body = REPLACE(body, '\"fail\"', '\"pass\"') WHERE seq = 2")
    status, body = get(f"{gateway.admin_url}/admin/assurance/verify", auditor)
    assert (status, body["ok"], body["problems"]) == (
        200,
        False,
        ["run 2: its content does not match its hash (edited)"],
    )
    status, body = get(f"{gateway.admin_url}/admin/incidents/verify", auditor)
    assert (status, body["ok"]) == (200, True)
