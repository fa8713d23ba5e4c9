"""The `aigw` command as an operator runs it: a real process, real ports, real signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import TEST_POLICY, stores_yaml

AIGW = [sys.executable, "-m", "gateway"]
SECRET_PROMPT = "Patient Jane Roe, SSN 078-05-1120, marker-7f3a9c"


def aigw(*args: str, config: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AIGW, *args, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "gateway.yaml"
    path.write_text(
        f"""
listen: {{port: 0}}
admin: {{port: 0}}
policy_path: {TEST_POLICY}
{stores_yaml(tmp_path)}log: {{format: json}}
providers:
  echo: {{type: echo, models: [echo-1]}}
routes:
  - {{match: "*", provider: echo}}
"""
    )
    return path


def test_keys_create_list_revoke(config: Path):
    created = aigw("keys", "create", "--user", "alice", "--group", "engineering", config=config)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    key_id = key.split("_")[1]
    assert key.startswith(f"aigw_{key_id}_")
    assert "shown only this once" in created.stderr
    listed = json.loads(aigw("keys", "list", "--json", config=config).stdout)
    assert listed == [
        {
            "key_id": key_id,
            "user": "alice",
            "groups": ["engineering"],
            "created_at": listed[0]["created_at"],
            "revoked_at": None,
        }
    ]
    table = aigw("keys", "list", config=config).stdout
    assert key_id in table
    assert key.split("_", 2)[2] not in table  # the secret is never shown again
    assert aigw("keys", "revoke", key_id, config=config).returncode == 0
    assert aigw("keys", "revoke", key_id, config=config).returncode == 1
    assert json.loads(aigw("keys", "list", "--json", config=config).stdout)[0]["revoked_at"]


def test_bad_settings_file_stops_start_up_naming_file_and_key(tmp_path: Path):
    bad = tmp_path / "gateway.yaml"
    bad.write_text("listen:\n  port: 8080\n  hots: 0.0.0.0\n")
    result = aigw("serve", config=bad)
    assert result.returncode == 2
    assert f"{bad}:3:3: listen.hots: unknown key" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_environment_override_is_named(config: Path):
    result = aigw("serve", config=config, env={"AIGW_LIMITS__MAX_BODY_BYTES": "lots"})
    assert result.returncode == 2
    assert "environment variable AIGW_LIMITS__MAX_BODY_BYTES" in result.stderr


def test_config_show_applies_environment(config: Path):
    shown = aigw("config", "show", config=config, env={"AIGW_LIMITS__MAX_BODY_BYTES": "4096"})
    assert shown.returncode == 0
    assert "max_body_bytes: 4096" in shown.stdout


def test_serve_answers_then_drains_on_sigterm_and_logs_no_prompt_text(config: Path):
    key = aigw("keys", "create", "--user", "alice", config=config).stdout.strip()
    marketing_key = aigw("keys", "create", "--user", "mia", "--group", "marketing", config=config).stdout.strip()
    proc = subprocess.Popen(
        [*AIGW, "serve", "--config", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        api = wait_for_listening(proc)
        body = {"model": "echo-1", "messages": [{"role": "user", "content": SECRET_PROMPT}]}
        request = urllib.request.Request(
            f"{api}/v1/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            answer = json.load(resp)
        assert answer["choices"][0]["message"]["content"] == SECRET_PROMPT
        denied = urllib.request.Request(
            f"{api}/v1/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {marketing_key}", "Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as rejected:
            urllib.request.urlopen(denied, timeout=10)
        rejected.value.close()
        assert rejected.value.code == 403  # marketing may not use echo under the test policy
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    events = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    kinds = [e["event"] for e in events]
    assert "request" in kinds
    (decision,) = [e for e in events if e["event"] == "policy_decision"]
    assert decision["decision"] == "deny"
    assert decision["rule"] == "approved_tools.default_deny"
    assert decision["user"] == "mia"
    assert decision["policy_version"].startswith("7+")
    assert kinds[-1] == "stopped"
    assert "marker-7f3a9c" not in output
    assert "078-05-1120" not in output
    assert key not in output


def drain(proc: subprocess.Popen[str]) -> tuple[list[str], threading.Thread]:
    """Read the gateway's output as it comes (a pipe nobody reads fills up and stalls the gateway's
    logging, and so its requests): the lines, growing until the process exits, and the reader
    (join it after the process has exited to have them all)."""
    assert proc.stdout is not None
    lines: list[str] = []
    stdout = proc.stdout

    def read() -> None:
        with stdout:
            lines.extend(iter(stdout.readline, ""))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return lines, reader


def wait_for_listening(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("{") and json.loads(line).get("event") == "listening":
            return str(json.loads(line)["api"])
    raise AssertionError(f"gateway did not start (exit code {proc.poll()})")
