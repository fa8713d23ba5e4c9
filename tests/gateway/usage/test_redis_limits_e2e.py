"""Limits across a fleet: two ``aigw serve`` processes share their counters in Redis (127.0.0.1:6379),
and when Redis is down the policy decides (fail_closed: 503; fail_open: each process counts alone,
with a log line, a metric and an incident). Real processes, the real SDKs, the mock provider."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import anthropic
import openai
import pytest

from gateway.usage.limiter import RETRY_STORE_S
from loadtests.mock_provider import MockProvider
from tests.conftest import UPSTREAM_ENV, free_port, stores_yaml
from tests.gateway.cli.test_cli import AIGW, aigw
from tests.gateway.server.test_workers import wait_for

REDIS = "redis://127.0.0.1:6379/0"
POLICY = """\
policy: {{id: fleet-limits, version: "1"}}
default_group: everyone
groups:
  everyone:
    approved_tools:
      - {{provider: openai, models: ["gpt-*"]}}
      - {{provider: anthropic, models: ["claude-*"]}}
limits:
  on_store_failure: {mode}
  rules:
    - {{user: {user}, requests_per_minute: {rpm}}}
"""


@dataclass
class Gateway:
    proc: subprocess.Popen[str]
    api: str
    admin: str
    log_file: Path
    config: Path

    def events(self, name: str) -> list[dict[str, object]]:
        lines = self.log_file.read_text().splitlines()
        return [e for line in lines if line.startswith("{") and (e := json.loads(line)).get("event") == name]

    def metrics(self) -> str:
        with urllib.request.urlopen(f"{self.admin}/metrics", timeout=10) as resp:
            return str(resp.read().decode())


Start = Callable[..., tuple[list[Gateway], str]]


@pytest.fixture
def fleet(tmp_path: Path, mock: MockProvider) -> Iterator[Start]:
    """Start N gateway processes sharing one key store, one policy and ``redis_url``; returns them and a key."""
    procs: list[subprocess.Popen[str]] = []

    def start(count: int, redis_url: str, mode: str = "fail_closed", rpm: int = 10) -> tuple[list[Gateway], str]:
        user = f"ann-{secrets.token_hex(4)}"  # its own counters in the shared Redis
        policy = tmp_path / "policy.yaml"
        policy.write_text(POLICY.format(mode=mode, user=user, rpm=rpm))
        gateways = []
        for n in range(count):
            (tmp_path / f"gw{n}").mkdir(exist_ok=True)
            own_prompt_log = stores_yaml(tmp_path / f"gw{n}").split("\n", 1)[1]  # its prompt_log: line
            api, admin = free_port(), free_port()
            config = tmp_path / f"gateway{n}.yaml"
            config.write_text(
                f"listen: {{port: {api}}}\nadmin: {{port: {admin}}}\npolicy_path: {policy}\n"
                f"store: {{sqlite_path: {tmp_path / 'aigw.db'}}}\n"  # one key store; each its own prompt log
                f"{own_prompt_log}"
                "log: {format: json}\npolicy_reload: {watch_interval_s: 0}\n"
                "providers:\n"
                f"  openai: {{type: openai, base_url: '{mock.url}/v1', api_key_env: MOCK_OPENAI_KEY}}\n"
                f"  anthropic: {{type: anthropic, base_url: '{mock.url}', api_key_env: MOCK_ANTHROPIC_KEY}}\n"
                "routes:\n  - {match: 'gpt-*', provider: openai}\n  - {match: 'claude-*', provider: anthropic}\n"
            )
            log_file = tmp_path / f"gateway{n}.log"
            with log_file.open("w") as out:
                proc = subprocess.Popen(
                    [*AIGW, "serve", "--config", str(config)],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    text=True,
                    env={**os.environ, **UPSTREAM_ENV, "AIGW_STORE__REDIS_URL": redis_url},  # the env var works too
                )
            procs.append(proc)
            gateway = Gateway(proc, f"http://127.0.0.1:{api}", f"http://127.0.0.1:{admin}", log_file, config)
            gateways.append(gateway)
            # One at a time: processes opening one SQLite key store at the same instant can race on its
            # journal mode ("database is locked"; a fleet shares PostgreSQL, not a SQLite file).
            wait_for(lambda g=gateway: bool(g.events("listening")) or g.proc.poll() is not None, "listening")
            assert gateway.proc.poll() is None, gateway.log_file.read_text()[-3000:]
        created = aigw("keys", "create", "--user", user, config=gateways[0].config)
        assert created.returncode == 0, created.stderr
        return gateways, created.stdout.strip()

    yield start
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def sdk(gateway: Gateway, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{gateway.api}/v1", api_key=key, max_retries=0, timeout=30)


def ask(client: openai.OpenAI) -> int:
    try:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    except openai.APIStatusError as err:
        return err.status_code
    return 200


def test_two_processes_share_one_count_in_redis(fleet: Start) -> None:
    (one, two), key = fleet(2, REDIS, rpm=10)
    clients = [sdk(one, key), sdk(two, key)]
    statuses = [ask(clients[n % 2]) for n in range(10)]
    assert statuses == [200] * 10
    assert [ask(clients[0]), ask(clients[1])] == [429, 429]  # the 11th on either process
    claude = anthropic.Anthropic(base_url=two.api, api_key=key, max_retries=0)
    with pytest.raises(anthropic.RateLimitError):
        claude.messages.create(model="claude-haiku-5-5", max_tokens=5, messages=[{"role": "user", "content": "hi"}])
    for client in clients:
        client.close()
    claude.close()


def test_redis_down_fail_closed_refuses_with_503(fleet: Start) -> None:
    (gateway,), key = fleet(1, f"redis://127.0.0.1:{free_port()}/0", mode="fail_closed")
    client = sdk(gateway, key)
    with pytest.raises(openai.InternalServerError) as info:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert info.value.status_code == 503
    assert info.value.code == "limit_store_unavailable"
    assert info.value.response.headers["retry-after"] == "5"
    assert gateway.events("limit_store_unavailable")
    assert 'aigw_limit_store_failures_total{mode="fail_closed"} 1.0' in gateway.metrics()
    client.close()


def test_redis_down_fail_open_counts_in_the_process(fleet: Start) -> None:
    (gateway,), key = fleet(1, f"redis://127.0.0.1:{free_port()}/0", mode="fail_open", rpm=3)
    client = sdk(gateway, key)
    assert [ask(client) for _ in range(4)] == [200, 200, 200, 429]  # the local count still limits
    events = gateway.events("limit_store_unavailable")
    assert len(events) == 1  # once per outage, not once per request
    assert events[0]["mode"] == "fail_open"
    assert 'aigw_limit_store_failures_total{mode="fail_open"} 4.0' in gateway.metrics()
    client.close()
    gateway.proc.terminate()  # the incident recorder stores what it holds at shutdown
    gateway.proc.wait(timeout=30)
    listed = aigw("incidents", "list", "--json", "--type", "RATE_OR_BUDGET_EXCEEDED", config=gateway.config)
    incidents = [json.loads(line) for line in listed.stdout.splitlines()]
    store_down = [i for i in incidents if i["actor"] == {"source": "limit_store"}]
    assert len(store_down) == 1
    assert store_down[0]["details"] == {"reason": "limit_store_unavailable", "mode": "fail_open"}
    assert any(i["actor"].get("user", "").startswith("ann-") for i in incidents)  # and the 429 itself


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """A Redis of this test's own on a free port, started when the test says (until then: down)."""
    port = free_port()
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> None:
        argv = ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)]
        procs.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(lambda: _pings(port), "redis-server answering")

    start.url = f"redis://127.0.0.1:{port}/0"  # type: ignore[attr-defined]
    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)


def _pings(port: int) -> bool:
    done = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False)
    return done.stdout.strip() == "PONG"


def test_fail_open_goes_back_to_redis_when_it_returns(
    fleet: Start, private_redis: Callable[[], None], tmp_path: Path
) -> None:
    url: str = private_redis.url  # type: ignore[attr-defined]
    (gateway,), key = fleet(1, url, mode="fail_open", rpm=5)
    client = sdk(gateway, key)
    assert [_remaining(client) for _ in range(2)] == ["4", "3"]  # counted in the process meanwhile
    private_redis()
    time.sleep(RETRY_STORE_S + 0.2)  # Redis is tried again at most this often
    assert _remaining(client) == "4"  # counted in the fresh Redis (the process's count would say 2)
    wait_for(lambda: bool(gateway.events("limit_store_recovered")), "the recovery logged")
    assert len(gateway.events("limit_store_unavailable")) == 1
    client.close()


def _remaining(client: openai.OpenAI) -> str:
    raw = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=[{"role": "user", "content": "a"}])
    return str(raw.headers["x-ratelimit-remaining-requests"])
