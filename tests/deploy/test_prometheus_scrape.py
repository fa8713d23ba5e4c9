"""A real Prometheus (Debian's package) scrapes a running gateway with the shipped alert rules;
an alert fires when its condition is provoked through the gateway.

The provoked condition: a policy reload that is rejected (an invalid file written over the
watched policy). ``AigwPolicyReloadRejected`` must go from inactive to firing, and the
gateway's request counters must be queryable in Prometheus.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml

from gateway.testing import RunningGateway
from tests.conftest import TEST_POLICY, StartGateway, free_port

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
DEADLINE_S = 60.0


def wait_for(condition: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        result = condition()
        if result:
            return result
        assert time.monotonic() < deadline, f"not within {DEADLINE_S} s: {what}"
        time.sleep(0.25)


def api(base: str, path: str, **params: str) -> Any:
    url = f"{base}{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
    with urllib.request.urlopen(url, timeout=10) as resp:
        body = json.load(resp)
    assert body["status"] == "success", body
    return body["data"]


@pytest.fixture
def prometheus_binary() -> str:
    found = shutil.which("prometheus")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("prometheus is not installed: `make test` installs Debian's prometheus package")
        pytest.skip("prometheus is not installed (apt-get install -y prometheus)")
    return found


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(TEST_POLICY.read_text())
    return path


@pytest.fixture
def gateway(start_gateway: StartGateway, policy_file: Path) -> RunningGateway:
    return start_gateway(policy_path=str(policy_file), policy_reload={"watch_interval_s": 0.2})


@pytest.fixture
def prometheus(prometheus_binary: str, gateway: RunningGateway, tmp_path: Path) -> Iterator[str]:
    """Prometheus scraping the gateway's admin listener every second, evaluating the shipped rules."""
    target = urllib.parse.urlsplit(gateway.admin_url).netloc
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [{"job_name": "aigw", "static_configs": [{"targets": [target]}]}],
    }
    config_file = tmp_path / "prometheus.yml"
    config_file.write_text(yaml.safe_dump(config))
    port = free_port()
    log = (tmp_path / "prometheus.log").open("w")
    proc = subprocess.Popen(
        [
            prometheus_binary,
            f"--config.file={config_file}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--web.enable-lifecycle",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _ready(base) or proc.poll() is not None, "Prometheus ready")
        assert proc.poll() is None, (tmp_path / "prometheus.log").read_text()[-3000:]
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/-/ready", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def alert_state(base: str, name: str) -> str | None:
    alerts = api(base, "/api/v1/alerts")["alerts"]
    states = [a["state"] for a in alerts if a["labels"].get("alertname") == name]
    return "firing" if "firing" in states else (states[0] if states else None)


def test_prometheus_scrapes_the_gateway_and_a_provoked_alert_fires(
    prometheus: str, gateway: RunningGateway, policy_file: Path, closing: list[Any]
) -> None:
    sdk = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("alice", "engineering"))
    closing.append(sdk)
    for _ in range(3):
        sdk.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "hello"}])

    def scraped() -> bool:
        targets = api(prometheus, "/api/v1/targets")["activeTargets"]
        return bool(targets) and targets[0]["health"] == "up"

    wait_for(scraped, "the gateway's target is up")
    rules = {r["name"] for g in api(prometheus, "/api/v1/rules")["groups"] for r in g["rules"]}
    assert "AigwPolicyReloadRejected" in rules  # the shipped rules loaded

    def requests_seen() -> float:
        result = api(prometheus, "/api/v1/query", query='sum(aigw_requests_total{endpoint="chat.completions"})')
        return float(result["result"][0]["value"][1]) if result["result"] else 0.0

    wait_for(lambda: requests_seen() >= 3, "the requests counted in Prometheus")
    assert requests_seen() == 3.0
    # The rejected-reloads counter exists at 0 from the start, so increase() sees the step to 1.
    wait_for(
        lambda: api(prometheus, "/api/v1/query", query='aigw_policy_reloads_total{result="rejected"}')["result"],
        "the reload counter scraped at 0",
    )
    time.sleep(2)  # a couple of scrapes at 0 before the provocation
    assert alert_state(prometheus, "AigwPolicyReloadRejected") in (None, "inactive")

    policy_file.write_text("policy: [this is not a policy\n")  # the gateway watches it: the reload is rejected
    assert wait_for(lambda: alert_state(prometheus, "AigwPolicyReloadRejected") == "firing", "the alert fires")
    assert sdk.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "still up"}])
