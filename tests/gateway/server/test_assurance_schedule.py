"""Issue 21: the gateway probes its own controls every ``assurance.interval_s`` through its own listener.
Under the default policy every control passes and /metrics says so; a policy edit that lets cards
through makes the card probes fail within one interval, raising a critical CONTROL_FAILURE incident
and the metric; a run that cannot reach the gateway is itself a failed control."""

from __future__ import annotations

import asyncio
import math
import sqlite3
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway.assurance import runner
from gateway.assurance.probes import Result
from gateway.auth.admin_tokens import AdminTokenStore
from gateway.auth.identity import ASSURANCE_USER
from gateway.auth.keystore import KeyStore
from gateway.compliance.catalog import load_compliance
from gateway.incidents.assurance_runs import AssuranceRun, ControlOutcome, runs_between, verify_runs
from gateway.incidents.export import iso_time
from gateway.lifecycle.state import STATE
from gateway.promptlog.store import now_us
from gateway.report.gather import gather
from gateway.report.model import ControlsTested
from gateway.server.assurance_schedule import RUN_CONTROL, AssuranceSchedule, _exposed
from gateway.server.assurance_spool import load, spool_path
from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import UPSTREAM_ENV, StartGateway, gateway_settings
from tests.gateway.assurance.test_assure_breaks import broken_factory, pool_of, replace_workers, unstartable_factory
from tests.gateway.screening.test_detection_pool import until

DEFAULT_POLICY = Path(__file__).resolve().parents[3] / "policies" / "default.yaml"
IDS_RULE = "CREDIT_CARD, IBAN_CODE, MEDICAL_RECORD_NUMBER]\n    action: redact"
WAIT_S = 120.0


@pytest.fixture(scope="module")
def policy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("assurance-policy") / "policy.yaml"
    path.write_text(DEFAULT_POLICY.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, policy_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    overrides = {
        "policy_path": str(policy_file),
        "detection": {"workers": 1},
        "policy_reload": {"watch_interval_s": 0.2},
        "assurance": {"interval_s": 1.0, "first_run_after_s": 0.0, "wait_s": 10.0},
    }
    settings = gateway_settings(tmp_path_factory.mktemp("assurance"), mock_server.url, overrides)
    running = RunningGateway.start(bg_loop, settings, UPSTREAM_ENV)
    try:
        yield running
    finally:
        running.stop()


def schedule(gateway: RunningGateway) -> AssuranceSchedule:
    assert gateway.server.assurance is not None
    return gateway.server.assurance


def wait_for_run(gateway: RunningGateway, accept: Callable[[AssuranceRun], bool]) -> AssuranceRun:
    """The first run (by the schedule itself) that ``accept`` takes, polling what the schedule last finished."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        last = schedule(gateway).last
        if last is not None and accept(last):
            return last
        time.sleep(0.2)
    raise AssertionError("no accepted assurance run in time")


def metric(gateway: RunningGateway, name: str, control: str) -> float | None:
    with urllib.request.urlopen(f"{gateway.admin_url}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    prefix = f'{name}{{control="{control}"}} '
    values = [float(line.removeprefix(prefix)) for line in text.splitlines() if line.startswith(prefix)]
    return values[0] if values else None


def stored_runs(gateway: RunningGateway) -> list[AssuranceRun]:
    async def read() -> list[AssuranceRun]:
        store = gateway.server.app[STATE].prompt_log.store
        assert (await verify_runs(store)).ok
        return await runs_between(store, 0, now_us() + 1)

    return gateway.run(read())


def report_section(gateway: RunningGateway) -> ControlsTested:
    async def read() -> ControlsTested:
        state = gateway.server.app[STATE]
        report = await gather(state.prompt_log.store, load_compliance(), 0, now_us() + 1)
        return report["controls_tested"]

    return gateway.run(read())


def policy_version(gateway: RunningGateway) -> str:
    async def read() -> str:
        return gateway.server.app[STATE].policy.version

    return gateway.run(read())


def test_the_schedule_proves_every_control_of_the_default_policy(gateway: RunningGateway) -> None:
    run = wait_for_run(gateway, lambda run: run.origin == "schedule")
    statuses = {o.control: o.status for o in run.outcomes}
    assert run.failed == ()
    assert statuses[RUN_CONTROL] == "pass"
    for control in ("card_protected", "credential_blocked", "stream_protected", "incidents_recorded"):
        assert statuses[control] == "pass"
    assert statuses["tool_rules_enforced"] == "pass"  # keys for the policy's groups, made for the run
    assert run.policy_version == policy_version(gateway)
    assert run in stored_runs(gateway)  # evidence: in the audit database, on its chain
    assert metric(gateway, "aigw_control_assurance_passing", "card_protected") == 1.0
    last_success = metric(gateway, "aigw_control_assurance_last_success_timestamp_seconds", "card_protected")
    assert last_success is not None
    assert last_success > time.time() - WAIT_S
    assert not [i for i in gateway.incidents() if i["type"] == "CONTROL_FAILURE"]


def test_a_policy_edit_that_lets_cards_through_fails_within_one_interval(
    gateway: RunningGateway, policy_file: Path
) -> None:
    wait_for_run(gateway, lambda run: run.failed == ())
    good = policy_file.read_text(encoding="utf-8")
    assert IDS_RULE in good
    before = policy_version(gateway)
    policy_file.write_text(good.replace(IDS_RULE, IDS_RULE.replace("redact", "audit")), encoding="utf-8")
    try:
        broken = wait_for_run(gateway, lambda run: run.policy_version != before)
        assert {"card_protected", "ssn_protected", "stream_protected"} <= set(broken.failed)  # one rule, both types
        assert "email_protected" not in broken.failed  # another rule: still operating
        assert metric(gateway, "aigw_control_assurance_passing", "card_protected") == 0.0
        failures = [i for i in gateway.incidents() if i["type"] == "CONTROL_FAILURE"]
        by_control = {i["details"]["control"]: i for i in failures}
        assert {"card_protected", "stream_protected"} <= set(by_control)
        card = by_control["card_protected"]
        assert card["severity"] == "critical"  # a data control: real cards may be passing
        assert card["evidence"]["assurance_run"].startswith("asr_")
        assert "audit" in card["details"]["seen"]
        assert any(c["id"] == "A.5.36" for c in card["controls"])
    finally:
        policy_file.write_text(good, encoding="utf-8")
    fixed = wait_for_run(gateway, lambda run: run.policy_version == before and run.failed == ())
    assert metric(gateway, "aigw_control_assurance_passing", "card_protected") == 1.0
    # The evidence report shows the window: from the first failing run until the run that passed again.
    section = report_section(gateway)
    [window] = [w for w in section["failure_windows"] if w["control"] == "card_protected"]
    assert window["began"] == iso_time(broken.started_us)
    assert window["ended"] == iso_time(fixed.started_us)
    assert {broken.policy_version, before} <= set(section["policy_versions"])
    assert section["probe_incidents"] > 0  # the probes' own incidents: counted apart


def test_a_run_that_cannot_reach_the_gateway_is_a_failed_control(gateway: RunningGateway) -> None:
    async def run_against_nothing() -> AssuranceRun:
        state = gateway.server.app[STATE]
        lost = AssuranceSchedule(state, "http://127.0.0.1:9", "http://127.0.0.1:9", {})
        return await lost.run_once(origin="command")

    run = gateway.run(run_against_nothing(), timeout=60)
    assert run.failed == (RUN_CONTROL,)
    assert run in stored_runs(gateway)
    [outcome] = run.outcomes
    assert "ClientConnectorError" in outcome.seen
    incidents = [i for i in gateway.incidents() if i["type"] == "CONTROL_FAILURE"]
    assert any(i["details"]["control"] == RUN_CONTROL and i["severity"] == "high" for i in incidents)


@pytest.fixture
def scheduled(bg_loop: BackgroundLoop, mock: MockProvider, tmp_path: Path) -> Iterator[RunningGateway]:
    """A gateway of this test's own (a control is broken in it), probing itself every second."""
    overrides = {
        "policy_path": str(DEFAULT_POLICY),
        "detection": {"workers": 1},
        "assurance": {"interval_s": 1.0, "first_run_after_s": 0.0, "wait_s": 3.0},
    }
    running = RunningGateway.start(bg_loop, gateway_settings(tmp_path, mock.url, overrides), UPSTREAM_ENV)
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize(("factory", "live"), [(broken_factory, 1), (unstartable_factory, 0)])
def test_a_broken_detector_or_a_pool_without_workers_fails_within_one_interval(
    scheduled: RunningGateway, factory: Callable[[Any], Any], live: int
) -> None:
    wait_for_run(scheduled, lambda run: run.failed == ())
    if live:
        pool_of(scheduled)._inline = None  # every scan in the workers, where the broken detector runs
    replace_workers(scheduled, factory, live=live)
    broken_at = now_us()
    run = wait_for_run(scheduled, lambda run: run.started_us > broken_at and "card_protected" in run.failed)
    [card] = [o for o in run.outcomes if o.control == "card_protected"]
    assert card.seen == "refused 503 detection_unavailable: detection could not run, the control is not operating"
    assert metric(scheduled, "aigw_control_assurance_passing", "card_protected") == 0.0
    assert metric(scheduled, "aigw_control_assurance_passing", "unapproved_model_refused") == 1.0  # still operating
    failures = [i for i in scheduled.incidents() if i["type"] == "CONTROL_FAILURE"]
    [incident] = [i for i in failures if i["details"]["control"] == "card_protected"]
    assert incident["severity"] == "high"  # failed closed: no card got through (a leak would be critical)
    assert incident["details"]["seen"] == card.seen


def test_an_unwritable_log_store_fails_within_one_interval(scheduled: RunningGateway) -> None:
    wait_for_run(scheduled, lambda run: run.failed == ())
    db = scheduled.server.app[STATE].prompt_log.store._db  # type: ignore[attr-defined]
    db.execute("PRAGMA query_only = ON")  # every write fails, as on a read-only file system; reads work
    try:
        broken_at = now_us()
        wait_for_run(scheduled, lambda run: run.started_us > broken_at and "prompt_log_sealed" in run.failed)
        assert metric(scheduled, "aigw_control_assurance_passing", "prompt_log_sealed") == 0.0
    finally:
        db.execute("PRAGMA query_only = OFF")
    failures = [i for i in scheduled.incidents() if i["type"] == "CONTROL_FAILURE"]
    assert any(i["details"]["control"] == "prompt_log_sealed" for i in failures)


def test_runs_the_store_refuses_are_kept_and_stored_once_it_takes_them(scheduled: RunningGateway) -> None:
    """The evidence of an outage is the runs made during it: none is lost while the store refuses them."""
    wait_for_run(scheduled, lambda run: run.failed == ())
    store = scheduled.server.app[STATE].prompt_log.store

    async def rename(old: str, new: str) -> None:
        await store.execute(f"ALTER TABLE {old} RENAME TO {new}")

    scheduled.run(rename("assurance_runs", "assurance_runs_away"))  # every run's insert now fails
    try:
        refused_from = now_us()
        refused = [wait_for_run(scheduled, lambda run: run.started_us > refused_from)]
        refused.append(wait_for_run(scheduled, lambda run: run.started_us > refused[0].finished_us))
    finally:
        scheduled.run(rename("assurance_runs_away", "assurance_runs"))
    after = wait_for_run(scheduled, lambda run: run.started_us > refused[1].finished_us)
    stored = stored_runs(scheduled)  # the chain verifies (stored_runs checks it)
    assert refused[0] in stored
    assert refused[1] in stored
    assert after in stored
    assert stored.index(refused[0]) < stored.index(refused[1]) < stored.index(after)
    not_recorded = [i for i in scheduled.incidents() if i["type"] == "LOGGING_OR_RETENTION_FAILURE"]
    assert any(i["details"].get("reason") == "assurance_run_not_recorded" for i in not_recorded)


def test_a_run_the_policy_changes_under_is_not_judged(
    bg_loop: BackgroundLoop, mock: MockProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reload landing mid-run (its probes met two policies) neither passes nor fails anything: no
    incident, no page; the run is stored with every control skipped and says why."""
    policy = tmp_path / "policy.yaml"
    good = DEFAULT_POLICY.read_text(encoding="utf-8")
    policy.write_text(good, encoding="utf-8")
    overrides = {
        "policy_path": str(policy),
        "detection": {"workers": 1},
        "policy_reload": {"watch_interval_s": 0.05},
        "assurance": {"interval_s": 0, "wait_s": 3.0},
    }
    gateway = RunningGateway.start(bg_loop, gateway_settings(tmp_path, mock.url, overrides), UPSTREAM_ENV)
    real_run = runner.run

    async def run_then_reload(*args: Any, **kwargs: Any) -> list[Result]:
        results = await real_run(*args, **kwargs)  # the probes, under the old policy...
        state = gateway.server.app[STATE]
        before = state.policy.version
        policy.write_text(good.replace(IDS_RULE, IDS_RULE.replace("redact", "audit")), encoding="utf-8")
        await until(lambda: state.policy.version != before)  # ...and a real reload before the run ends
        return results

    monkeypatch.setattr(runner, "run", run_then_reload)
    try:

        async def once() -> AssuranceRun:
            assert gateway.server.assurance is not None
            return await gateway.server.assurance.run_once()

        run = gateway.run(once(), timeout=120)
        assert {o.status for o in run.outcomes} == {"skip"}
        assert all(o.seen.startswith("not judged: the policy changed during the run") for o in run.outcomes)
        assert run in stored_runs(gateway)
        assert not [i for i in gateway.incidents() if i["type"] == "CONTROL_FAILURE"]
        passing = metric(gateway, "aigw_control_assurance_passing", "card_protected")
        assert passing is None or math.isnan(passing)  # neither passing nor failing
    finally:
        gateway.stop()


def test_a_run_stopped_while_its_credentials_are_made_leaves_none_behind(start_gateway: StartGateway) -> None:
    gateway = start_gateway()  # its own schedule off: the only keys made are the stopped run's

    async def stop_early() -> None:
        state = gateway.server.app[STATE]
        run = asyncio.ensure_future(AssuranceSchedule(state, gateway.url, gateway.admin_url, {}).run_once())
        for _ in range(3):  # into the thread that makes the key and the token
            await asyncio.sleep(0)
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run

    gateway.run(stop_early())
    keys, tokens = KeyStore.open(gateway.settings.store, {}), AdminTokenStore.open(gateway.settings.store, {})
    try:
        deadline = time.monotonic() + 30
        while not [t for t in tokens.list() if t.name == ASSURANCE_USER]:  # the thread made them all (token last)
            assert time.monotonic() < deadline, "the run's credentials were never made"
            time.sleep(0.05)
        while time.monotonic() < deadline:  # then revoked, once made
            live_keys = [k for k in keys.list(include_revoked=False) if k.user == ASSURANCE_USER]
            live_tokens = [t for t in tokens.list() if t.revoked_at is None and t.name == ASSURANCE_USER]
            if not live_keys and not live_tokens:
                break
            time.sleep(0.1)
        assert not live_keys
        assert not live_tokens
        assert [k for k in keys.list() if k.user == ASSURANCE_USER]  # they did exist
    finally:
        keys.close()
        tokens.close()


@pytest.mark.parametrize(
    ("control", "seen", "exposed"),
    [
        ("card_protected", "rule ids-redact lets the type through (audit); the provider got: sent as is", True),
        (
            "card_protected",
            "refused 503 detection_unavailable: detection could not run, the control is not operating",
            False,
        ),
        (
            "data_rules_enforced",
            "FAILED data_rules.a (UK_NINO): redact expected; the provider got: sent as is; "
            "FAILED data_rules.b (IBAN_CODE): refused 503 detection_unavailable: ..., the control is not operating",
            True,
        ),
        ("incident_chain_verifies", "broken: 2 problems", False),
    ],
)
def test_a_failure_is_critical_only_when_a_data_control_let_its_value_through(
    control: str, seen: str, exposed: bool
) -> None:
    assert _exposed(ControlOutcome(control, "fail", "expected", seen)) is exposed


def test_runs_still_refused_at_shutdown_are_spooled_and_stored_after_a_restart(
    bg_loop: BackgroundLoop, mock: MockProvider, tmp_path: Path
) -> None:
    overrides = {
        "policy_path": str(DEFAULT_POLICY),
        "detection": {"workers": 1},
        "assurance": {"interval_s": 1.0, "first_run_after_s": 0.0, "wait_s": 3.0},
    }
    settings = gateway_settings(tmp_path, mock.url, overrides)
    first = RunningGateway.start(bg_loop, settings, UPSTREAM_ENV)
    try:
        wait_for_run(first, lambda run: run.failed == ())
        store = first.server.app[STATE].prompt_log.store
        first.run(store.execute("ALTER TABLE assurance_runs RENAME TO assurance_runs_away"))
        refused_from = now_us()
        refused = wait_for_run(first, lambda run: run.started_us > refused_from)
    finally:
        first.stop()
    spool = spool_path(settings.prompt_log.spool_path)
    assert refused in load(spool)  # on disk, 0600, while the gateway is down
    assert spool.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(settings.prompt_log.sqlite_path) as db:  # the store takes runs again
        db.execute("ALTER TABLE assurance_runs_away RENAME TO assurance_runs")
    second = RunningGateway.start(bg_loop, settings, UPSTREAM_ENV)
    try:
        wait_for_run(second, lambda run: True)
        stored = stored_runs(second)
        assert refused in stored
        assert not spool.exists()
    finally:
        second.stop()
