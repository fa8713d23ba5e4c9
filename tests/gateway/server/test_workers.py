"""``aigw serve --workers 2``: two real gateway processes on one port share the traffic; the
admin listener's /metrics gives one view of both; SIGHUP reloads both; a killed worker is
started again; SIGTERM stops them all."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.config.settings import Settings
from gateway.server.workers import worker_settings
from tests.conftest import TEST_POLICY, free_port, stores_yaml
from tests.gateway.cli.test_cli import AIGW, aigw

DEADLINE_S = 60.0


@dataclass
class Fleet:
    proc: subprocess.Popen[str]
    api: str
    admin: str
    key: str
    log_file: Path
    policy: Path

    def events(self, name: str) -> list[dict[str, Any]]:
        lines = self.log_file.read_text().splitlines()
        return [e for line in lines if line.startswith("{") and (e := json.loads(line)).get("event") == name]

    def metric(self, name: str, **labels: str) -> float:
        with urllib.request.urlopen(f"{self.admin}/metrics", timeout=10) as resp:  # a new connection each time
            text = resp.read().decode()
        return sum(
            s.value
            for f in text_string_to_metric_families(text)
            for s in f.samples
            if s.name == name and labels.items() <= s.labels.items()
        )


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, f"not within {DEADLINE_S} s: {what}"
        time.sleep(0.05)


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    api_port, admin_port = free_port(), free_port()
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEST_POLICY.read_text())
    config = tmp_path / "gateway.yaml"
    config.write_text(
        f"listen: {{port: {api_port}}}\nadmin: {{port: {admin_port}}}\npolicy_path: {policy}\n"
        f"{stores_yaml(tmp_path)}log: {{format: json}}\npolicy_reload: {{watch_interval_s: 0}}\n"
        "providers:\n  echo: {type: echo, models: [echo-1]}\nroutes:\n  - {match: '*', provider: echo}\n"
    )
    created = aigw("keys", "create", "--user", "alice", "--group", "engineering", config=config)
    assert created.returncode == 0, created.stderr
    log_file = tmp_path / "gateway.log"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    (tmp_path / "metrics").mkdir()
    with log_file.open("w") as out:
        proc = subprocess.Popen(
            [*AIGW, "serve", "--workers", "2", "--config", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
    gateway = Fleet(
        proc,
        f"http://127.0.0.1:{api_port}",
        f"http://127.0.0.1:{admin_port}",
        created.stdout.strip(),
        log_file,
        policy,
    )
    try:
        wait_for(lambda: len(gateway.events("listening")) == 2 or proc.poll() is not None, "two workers listening")
        assert proc.poll() is None, log_file.read_text()[-3000:]
        yield gateway
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def chat(fleet: Fleet, text: str) -> int:
    body = json.dumps({"model": "echo-1", "messages": [{"role": "user", "content": text}]}).encode()
    request = urllib.request.Request(
        f"{fleet.api}/v1/chat/completions",
        data=body,
        headers={"Authorization": f"Bearer {fleet.key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=15) as resp:  # a new connection: the kernel picks a worker
        return int(resp.status)


def test_two_workers_share_the_port_and_report_one_view(fleet: Fleet, closing: list[Any]) -> None:
    workers = {e["worker"]: e["pid"] for e in fleet.events("listening")}
    assert sorted(workers) == [0, 1]
    assert all(chat(fleet, f"hello {n}") == 200 for n in range(40))
    sdk = openai.OpenAI(base_url=f"{fleet.api}/v1", api_key=fleet.key, max_retries=0)
    closing.append(sdk)
    reply = sdk.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "and the SDK"}])
    assert reply.choices[0].message.content == "and the SDK"
    served = {e["worker"] for e in fleet.events("request")}
    assert served == {0, 1}  # both took connections
    # Whichever worker answers /metrics, it reports both workers' requests.
    totals = {fleet.metric("aigw_requests_total", endpoint="chat.completions", status="200") for _ in range(6)}
    assert totals == {41.0}
    assert fleet.metric("aigw_request_duration_seconds_count") == 41
    assert fleet.metric("aigw_build_info") == 1

    # SIGHUP reloads the policy in every worker.
    fleet.policy.write_text(TEST_POLICY.read_text().replace('version: "7"', 'version: "8"'))
    fleet.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: len(fleet.events("policy_changed")) == 2, "both workers reloaded")
    assert {e["worker"] for e in fleet.events("policy_changed")} == {0, 1}
    new_version = fleet.events("policy_changed")[0]["policy_version"]
    assert fleet.metric("aigw_policy_info", version=new_version) == 1
    assert fleet.metric("aigw_policy_reloads_total", result="accepted") == 2

    # A worker that dies is started again, and the port keeps answering meanwhile.
    os.kill(workers[1], signal.SIGKILL)
    wait_for(lambda: len(fleet.events("listening")) == 3, "the killed worker started again")
    assert fleet.events("listening")[-1]["worker"] == 1
    assert all(chat(fleet, f"after {n}") == 200 for n in range(10))

    # SIGTERM: every worker drains and exits, then the supervisor.
    fleet.proc.send_signal(signal.SIGTERM)
    assert fleet.proc.wait(timeout=DEADLINE_S) == 0
    assert len(fleet.events("stopped")) == 2
    with pytest.raises(urllib.error.URLError, match="refused"):
        chat(fleet, "anyone there?")


def test_only_worker_zero_runs_the_once_per_machine_schedules() -> None:
    settings = Settings.model_validate({"assurance": {"interval_s": 3600}})
    first, second = worker_settings(settings, 0, 2), worker_settings(settings, 1, 2)
    assert first.assurance.interval_s == 3600  # its probes reach every worker through the shared port
    assert second.assurance.interval_s == 0
    assert second.prompt_log.purge_interval_s == 0
    assert first.prompt_log.purge_interval_s > 0
