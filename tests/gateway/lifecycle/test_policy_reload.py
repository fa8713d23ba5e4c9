"""Hot reload: a changed policy file (or SIGHUP) swaps the policy atomically; an invalid one
is rejected and the old policy stays; traffic during reloads never fails."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import structlog

from gateway.lifecycle.state import STATE
from gateway.testing import BackgroundLoop, RunningGateway
from tests.conftest import TEST_POLICY, UPSTREAM_ENV, gateway_settings, stores_yaml
from tests.gateway.cli.test_cli import AIGW, aigw, drain, wait_for_listening

T = TypeVar("T")
BASE = TEST_POLICY.read_text()
# Marketing gets echo too; and a detector, so that the swap needs a new detection pool.
WIDER = (
    BASE.replace('version: "7"', 'version: "8"').replace(
        '      - provider: openai\n        models: ["gpt-4o-mini"]',
        '      - provider: openai\n        models: ["gpt-4o-mini"]\n      - provider: echo\n        models: ["*"]',
    )
    + "detection:\n  secrets: {}\ndata_rules:\n  - {id: secrets-block, match: {categories: [secret]}, action: block}\n"
)


def chat(url: str, key: str, text: str = "hello") -> int:
    return exchange(url, key, text)[0]


def exchange(url: str, key: str, text: str) -> tuple[int, str, str]:
    """(status, the x-aigw-policy-version header, body) of one chat request."""
    body = json.dumps({"model": "echo-1", "messages": [{"role": "user", "content": text}]}).encode()
    request = urllib.request.Request(
        f"{url}/v1/chat/completions", data=body, headers={"Authorization": f"Bearer {key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, resp.headers.get("x-aigw-policy-version", ""), resp.read().decode()
    except urllib.error.HTTPError as failed:
        with failed:
            return failed.code, failed.headers.get("x-aigw-policy-version", ""), failed.read().decode()


def swap_under_traffic(
    gateway: RunningGateway, policy_file: Path, swaps: list[tuple[str, str]], request: Callable[[], T]
) -> list[T]:
    """Six clients send ``request`` in a loop while the policy file is rewritten with each text
    in turn (waiting until its version label is in force); the results of every request."""
    results: list[T] = []
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            results.append(request())

    threads = [threading.Thread(target=client) for _ in range(6)]
    for thread in threads:
        thread.start()
    try:
        for text, label in swaps:
            policy_file.write_text(text)
            wait_for(lambda label=label: version(gateway).startswith(label))  # type: ignore[misc]
            time.sleep(0.3)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return results


def version(gateway: RunningGateway) -> str:
    """The policy version in force, ready or not (not ready while a file is rejected)."""
    return str(readyz(gateway)[1]["policy_version"])


def readyz(gateway: RunningGateway) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"{gateway.admin_url}/readyz", timeout=10) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as failed:
        with failed:
            return failed.code, json.load(failed)


def wait_for(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(BASE)
    return path


@pytest.fixture
def watched(bg_loop: BackgroundLoop, mock: Any, tmp_path: Path, policy_file: Path) -> Iterator[RunningGateway]:
    overrides = {
        "policy_path": str(policy_file),
        "policy_reload": {"watch_interval_s": 0.1},
        "detection": {"workers": 1, "inline_max_chars": 0},
    }
    gateway = RunningGateway.start(bg_loop, gateway_settings(tmp_path, mock.url, overrides), UPSTREAM_ENV)
    yield gateway
    gateway.stop()


def test_a_changed_file_takes_effect_without_a_restart(watched: RunningGateway, policy_file: Path):
    key = watched.create_key("mia", "marketing")
    assert version(watched).startswith("7+")
    assert chat(watched.url, key) == 403  # marketing may not use echo under version 7
    with structlog.testing.capture_logs() as logs:
        policy_file.write_text(WIDER)
        wait_for(lambda: version(watched).startswith("8+"))
    assert chat(watched.url, key) == 200
    assert chat(watched.url, key, "token ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8") == 403  # new detector
    (changed,) = [e for e in logs if e["event"] == "policy_changed"]
    assert changed["old_version"].startswith("7+")
    assert changed["policy_version"].startswith("8+")
    assert changed["loosened"] == 1
    assert changed["tightened"] >= 2
    assert "loosened   groups.marketing.approved_tools: now approved: echo/*" in changed["changes"]


def test_an_invalid_file_is_rejected_and_the_old_policy_stays(watched: RunningGateway, policy_file: Path):
    key = watched.create_key("eve", "engineering")
    before = version(watched)
    with structlog.testing.capture_logs() as logs:
        policy_file.write_text(BASE.replace("default_group: everyone", "default_group: nobody"))
        wait_for(lambda: any(e["event"] == "policy_reload_rejected" for e in logs))
    (rejected,) = [e for e in logs if e["event"] == "policy_reload_rejected"]
    assert any(f"{policy_file}:" in p and "default_group" in p for p in rejected["problems"])
    assert version(watched) == before
    assert chat(watched.url, key) == 200
    policy_file.write_text(WIDER)  # a fixed file is picked up as usual
    wait_for(lambda: version(watched).startswith("8+"))


def test_traffic_during_reloads_never_fails_or_leaks_pools(watched: RunningGateway, policy_file: Path):
    key = watched.create_key("eve", "engineering")
    # Each swap starts or drops a detection pool.
    swaps = [(WIDER, "8+"), (BASE, "7+"), (WIDER, "8+"), (BASE, "7+")]
    statuses = swap_under_traffic(watched, policy_file, swaps, lambda: chat(watched.url, key, "summarise the report"))
    assert len(statuses) > 50
    assert set(statuses) == {200}
    state = watched.server.app[STATE]
    wait_for(lambda: not state.closing)
    assert state.runtime.pool is None  # BASE has no detection: the last pool was closed, not leaked


def test_sighup_reloads_a_running_process(tmp_path: Path, policy_file: Path):
    config = tmp_path / "gateway.yaml"
    config.write_text(
        f"listen: {{port: 0}}\nadmin: {{port: 0}}\npolicy_path: {policy_file}\npolicy_reload: {{watch_interval_s: 0}}\n"
        f"{stores_yaml(tmp_path)}log: {{format: json}}\n"
        "providers:\n  echo: {type: echo, models: [echo-1]}\nroutes:\n  - {match: '*', provider: echo}\n"
    )
    key = aigw("keys", "create", "--user", "mia", "--group", "marketing", config=config).stdout.strip()
    proc = subprocess.Popen(
        [*AIGW, "serve", "--config", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        api = wait_for_listening(proc)
        lines, reader = drain(proc)
        assert chat(api, key) == 403
        policy_file.write_text(WIDER)
        time.sleep(0.5)
        assert chat(api, key) == 403  # not watched: nothing changes until told
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: chat(api, key) == 200)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    reader.join(timeout=10)
    events = [json.loads(line) for line in lines if line.startswith("{")]
    (changed,) = [e for e in events if e["event"] == "policy_changed"]
    assert changed["reason"] == "SIGHUP"


# The same secrets rule, blocking in one version and redacting in the other.
REDACTING = WIDER.replace('version: "8"', 'version: "9"').replace(
    "{categories: [secret]}, action: block}", "{categories: [secret]}, action: redact}"
)
TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def test_no_request_sees_a_mix_of_two_policies(watched: RunningGateway, policy_file: Path):
    """Every answer during swaps is wholly one version's: blocked and stamped 8, or redacted and
    stamped 9 -- never blocked under 9, redacted under 8, nor the token passed by either."""
    assert REDACTING != WIDER
    policy_file.write_text(WIDER)
    wait_for(lambda: version(watched).startswith("8+"))
    key = watched.create_key("eve", "engineering")
    swaps = [(REDACTING, "9+"), (WIDER, "8+"), (REDACTING, "9+"), (WIDER, "8+")]
    seen = swap_under_traffic(watched, policy_file, swaps, lambda: exchange(watched.url, key, f"use {TOKEN} now"))
    blocked = [s for s in seen if s[0] == 403]
    redacted = [s for s in seen if s[0] == 200]
    assert len(blocked) + len(redacted) == len(seen)
    assert blocked, "version 8 served no traffic"
    assert redacted, "version 9 served no traffic"
    assert all(stamp.startswith("8+") and "secrets-block" in body for _, stamp, body in blocked)
    assert all(stamp.startswith("9+") and "[GITHUB_TOKEN]" in body for _, stamp, body in redacted)
    assert not any(TOKEN in body for _, _, body in seen)


def metrics(gateway: RunningGateway) -> str:
    with urllib.request.urlopen(f"{gateway.admin_url}/metrics", timeout=10) as resp:
        assert resp.headers["content-type"].startswith("text/plain")
        return str(resp.read().decode())


def test_reloads_are_counted_and_the_version_in_force_exported(watched: RunningGateway, policy_file: Path):
    before = metrics(watched)
    assert 'aigw_policy_reloads_total{result="accepted"} 0.0' in before
    assert 'aigw_policy_reloads_total{result="rejected"} 0.0' in before
    first = version(watched)
    assert f'aigw_policy_info{{policy="test-policy",version="{first}"}} 1.0' in before
    policy_file.write_text("policy: [\n")
    wait_for(lambda: 'aigw_policy_reloads_total{result="rejected"} 1.0' in metrics(watched))
    time.sleep(0.5)  # the watcher does not retry the same broken file
    assert 'aigw_policy_reloads_total{result="rejected"} 1.0' in metrics(watched)
    policy_file.write_text(WIDER)
    wait_for(lambda: 'aigw_policy_reloads_total{result="accepted"} 1.0' in metrics(watched))
    after = metrics(watched)
    assert f'version="{version(watched)}"' in after
    assert f'version="{first}"' not in after  # one series: the policy in force


def test_a_changed_terms_file_reloads_the_policy(watched: RunningGateway, policy_file: Path):
    """The terms a policy names are part of it: editing them changes the version and takes effect."""
    terms = policy_file.with_name("terms.txt")
    terms.write_text("Bluebird\n")
    policy_file.write_text(
        BASE.replace('version: "7"', 'version: "10"')
        + "detection:\n  confidential: {terms_files: [terms.txt]}\n"
        + "data_rules:\n  - {id: terms-block, match: {categories: [confidential]}, action: block}\n"
    )
    wait_for(lambda: version(watched).startswith("10+"))
    first = version(watched)
    key = watched.create_key("eve", "engineering")
    assert chat(watched.url, key, "status of Bluebird") == 403
    assert chat(watched.url, key, "status of Kestrel") == 200
    terms.write_text("Bluebird\nKestrel\n")
    wait_for(lambda: version(watched) != first)
    assert version(watched).startswith("10+")  # same label, new content hash
    assert chat(watched.url, key, "status of Kestrel") == 403
