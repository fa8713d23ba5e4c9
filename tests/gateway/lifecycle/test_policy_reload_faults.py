"""Hot reload under faults: a file caught mid-write is not loaded, a reload that failed for a
reason other than the file is retried, and /readyz and the metrics say when the policy file
on disk is not the policy in force."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import structlog

from detectors.base import Detector
from detectors.registry import build_detectors
from gateway.lifecycle.reload import PolicyReloader
from gateway.lifecycle.state import STATE, detection_pool
from gateway.policy.policy import load_policy
from gateway.promptlog.service import require_key_for
from gateway.testing import BackgroundLoop, RunningGateway
from tests.conftest import UPSTREAM_ENV, gateway_settings
from tests.gateway.lifecycle.test_policy_reload import BASE, TOKEN, WIDER, chat, metrics, readyz, version, wait_for

CRASH_ENV = "AIGW_TEST_DETECTOR_CRASH_FILE"
# A strict policy (tokens blocked) and its next version; everything before `detection:` in the
# next version parses, and would turn detection off.
STRICT = WIDER.replace('version: "8"', 'version: "11"')
NEXT = WIDER.replace('version: "8"', 'version: "12"')
PARTIAL = NEXT[: NEXT.index("detection:")]


def crashing_while_marked(spec: Any) -> Sequence[Detector]:  # imported by name in the spawned workers
    marker = os.environ.get(CRASH_ENV)
    if marker and Path(marker).exists():
        os._exit(3)  # what a worker killed (out of memory, say) while loading looks like
    return build_detectors(spec)


def metric(gateway: RunningGateway, series: str) -> float:
    found = re.search(rf"^{re.escape(series)} (\S+)$", metrics(gateway), re.MULTILINE)
    assert found is not None, series
    return float(found.group(1))


def file_current(gateway: RunningGateway) -> float:
    return metric(gateway, "aigw_policy_file_current")


def reloads(gateway: RunningGateway, result: str) -> float:
    return metric(gateway, f'aigw_policy_reloads_total{{result="{result}"}}')


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(BASE)
    return path


@pytest.fixture
def start(bg_loop: BackgroundLoop, mock: Any, tmp_path: Path, policy_file: Path) -> Iterator[Any]:
    started: list[RunningGateway] = []

    def start(**reload: Any) -> RunningGateway:
        overrides = {
            "policy_path": str(policy_file),
            "policy_reload": {"watch_interval_s": 0.1, **reload},
            "detection": {"workers": 1, "inline_max_chars": 0},
        }
        started.append(RunningGateway.start(bg_loop, gateway_settings(tmp_path, mock.url, overrides), UPSTREAM_ENV))
        return started[-1]

    yield start
    for gateway in started:
        gateway.stop()


def test_a_half_written_file_is_not_loaded_until_it_holds_still(start: Any, policy_file: Path) -> None:
    policy_file.write_text(STRICT)
    gateway = start(watch_interval_s=0)  # no watcher of its own: the test takes each look
    key = gateway.create_key("eve", "engineering")
    reloader = PolicyReloader(gateway.server.app[STATE], detection_pool)
    gateway.run(reloader.poll())  # the first look: the files as loaded
    assert version(gateway).startswith("11+")

    policy_file.write_text(PARTIAL)  # a writer half-way through the next version
    load_policy(policy_file)  # which parses: loaded, it would turn detection off
    gateway.run(reloader.poll())
    assert version(gateway).startswith("11+"), "a file that changed since the last look was loaded"
    policy_file.write_text(NEXT)  # the writer is done
    gateway.run(reloader.poll())
    assert version(gateway).startswith("11+")  # changed since the last look too
    assert chat(gateway.url, key, f"use {TOKEN} now") == 403
    gateway.run(reloader.poll())  # the same as last time: it holds still
    assert version(gateway).startswith("12+")
    assert chat(gateway.url, key, f"use {TOKEN} now") == 403
    assert reloads(gateway, "rejected") == reloads(gateway, "failed") == 0


def test_a_reload_that_failed_transiently_is_retried_until_it_works(
    start: Any, policy_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "crash"
    monkeypatch.setenv(CRASH_ENV, str(marker))  # spawned workers inherit it
    monkeypatch.setattr("gateway.lifecycle.state.build_detectors", crashing_while_marked)
    gateway = start(retry_initial_s=0.1, retry_max_s=0.5)
    key = gateway.create_key("eve", "engineering")
    marker.touch()
    policy_file.write_text(WIDER)  # its detection pool's worker exits while starting
    wait_for(lambda: reloads(gateway, "failed") >= 2)  # retried without the file changing
    status, body = readyz(gateway)
    assert (status, body["failing"], body["policy_file"]) == (503, ["policy"], "retrying")
    assert body["policy_version"].startswith("7+")
    assert file_current(gateway) == 0
    assert reloads(gateway, "rejected") == 0

    marker.unlink()  # the fault passes; the file stays as it was
    wait_for(lambda: version(gateway).startswith("8+"))
    status, body = readyz(gateway)
    assert (status, body["policy_file"]) == (200, "current")
    assert file_current(gateway) == 1
    assert chat(gateway.url, key, f"use {TOKEN} now") == 403


def test_an_invalid_file_keeps_the_policy_and_makes_the_replica_not_ready(start: Any, policy_file: Path) -> None:
    gateway = start()
    key = gateway.create_key("eve", "engineering")
    before = version(gateway)
    policy_file.write_text(BASE.replace("default_group: everyone", "default_group: nobody"))
    wait_for(lambda: readyz(gateway)[0] == 503)
    body = readyz(gateway)[1]
    assert (body["failing"], body["policy_file"], body["policy_version"]) == (["policy"], "rejected", before)
    assert file_current(gateway) == 0
    assert chat(gateway.url, key) == 200  # the policy in force still serves

    policy_file.write_text(BASE)  # put back as it was: the file is the policy in force again
    wait_for(lambda: readyz(gateway)[0] == 200)
    assert readyz(gateway)[1]["policy_file"] == "current"
    assert file_current(gateway) == 1
    assert reloads(gateway, "accepted") == 0


def test_ready_while_rejected_keeps_the_replica_ready_and_still_says_so(start: Any, policy_file: Path) -> None:
    gateway = start(ready_while_rejected=True)
    policy_file.write_text("policy: [\n")
    wait_for(lambda: file_current(gateway) == 0)
    status, body = readyz(gateway)
    assert (status, body["checks"]["policy"], body["policy_file"]) == (200, True, "rejected")
    policy_file.write_text(WIDER)
    wait_for(lambda: version(gateway).startswith("8+"))
    assert file_current(gateway) == 1
    assert readyz(gateway)[1]["policy_file"] == "current"


def test_a_sighup_or_retry_that_raises_unexpectedly_is_logged_and_retried(
    start: Any, policy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SIGHUP task and the retry tasks are awaited by nobody: an exception no reload
    expects is logged (type and where, not its text) and the reload retried with backoff."""
    gateway = start(watch_interval_s=0, retry_initial_s=0.05, retry_max_s=0.2)  # no watcher to step in
    reloader = PolicyReloader(gateway.server.app[STATE], detection_pool)
    calls = 0

    def surprised(*args: Any) -> None:
        nonlocal calls
        calls += 1
        if calls <= 3:  # the SIGHUP reload and two retries
            raise RuntimeError("secret-looking text")
        require_key_for(*args)

    monkeypatch.setattr("gateway.lifecycle.reload.require_key_for", surprised)
    policy_file.write_text(WIDER)

    async def sighup() -> None:
        reloader._sighup()

    with structlog.testing.capture_logs() as logs:
        gateway.run(sighup())
        wait_for(lambda: version(gateway).startswith("8+"))
    crashed = [e for e in logs if e["event"] == "policy_reload_crashed"]
    assert [(e["reason"], e["error_type"]) for e in crashed] == [("SIGHUP", "RuntimeError")] + [
        ("retry", "RuntimeError")
    ] * 2
    assert all(e["where"].endswith(f"{Path(__file__).name}:{surprised.__code__.co_firstlineno + 4}") for e in crashed)
    assert "secret-looking" not in repr(logs)
    assert reloads(gateway, "failed") == 3
    assert file_current(gateway) == 1
