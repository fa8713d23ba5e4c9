"""``aigw assure`` as a CI step runs it: a real ``aigw serve`` process, and the command finding it at the
settings' listen and admin addresses, making and revoking its own credentials in the settings' key store."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

from gateway.cli.assure import listener_url
from tests.conftest import free_port, stores_yaml
from tests.gateway.cli.test_cli import AIGW, aigw, wait_for_listening

DEFAULT_POLICY = Path(__file__).resolve().parents[3] / "policies" / "default.yaml"


def test_assure_finds_the_gateway_from_the_settings_and_passes(tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text(
        f"""
listen: {{host: 0.0.0.0, port: {free_port()}}}
admin: {{port: {free_port()}}}
policy_path: {DEFAULT_POLICY}
{stores_yaml(tmp_path)}log: {{format: json}}
detection: {{workers: 1}}
providers:
  echo: {{type: echo, models: [echo-1]}}
routes:
  - {{match: "*", provider: echo}}
"""
    )
    proc = subprocess.Popen(
        [*AIGW, "serve", "--config", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        wait_for_listening(proc)
        result = aigw("assure", "--json", config=config)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    statuses = {r["control"]: r["status"] for r in report["results"]}
    # Every model here is served by echo and approved for everyone: no unapproved model to ask for.
    assert statuses.pop("unapproved_model_refused") == "skip"
    assert set(statuses.values()) == {"pass"}
    assert "tool_rules_enforced" in statuses  # keys of other groups, made by another process, were accepted
    assert report["ok"] is True
    assert report["policy_version"].startswith("1+")
    keys = json.loads(aigw("keys", "list", "--json", config=config).stdout)
    # The probing key, the revoked one, and one per policy group with approved-tool rules (everyone, engineering).
    assert sorted(tuple(k["groups"]) for k in keys) == [
        ("aigw-assurance",),
        ("aigw-assurance",),
        ("engineering",),
        ("everyone",),
    ]
    assert {k["user"] for k in keys} == {"aigw-assurance"}
    assert all(k["revoked_at"] for k in keys)


def test_a_listener_on_every_address_is_probed_over_loopback() -> None:
    assert listener_url("0.0.0.0", 8080) == "http://127.0.0.1:8080"
    assert listener_url("::", 8081) == "http://127.0.0.1:8081"
    assert listener_url("::1", 8081) == "http://[::1]:8081"
    assert listener_url("gw.internal", 8080) == "http://gw.internal:8080"
