"""`aigw logs search|show|purge`, `aigw keys rotate-log-key` and `aigw admin-tokens`."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from pathlib import Path

import pytest

from gateway.cli.main import main
from gateway.policy.schema import LogLevel
from gateway.promptlog.crypto import load_keyring
from gateway.promptlog.record import LogRecord
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import now_us
from tests.conftest import TEST_POLICY, stores_yaml


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "gateway.yaml"
    path.write_text(f"policy_path: {TEST_POLICY}\n{stores_yaml(tmp_path)}")
    return path


def seed(tmp_path: Path, with_key: bool) -> None:
    ring = load_keyring(tmp_path / "log-keys.json", "UNSET", {}) if with_key else None
    t = now_us()
    records = [
        LogRecord(
            "req_a",
            t - 2000,
            200,
            "ok",
            LogLevel.FULL if ring else LogLevel.METADATA,
            t + 10**12,
            user="alice",
            groups=("engineering",),
            model="gpt-4o",
            decision="allow",
            findings={"PERSON:pseudonymize": 1},
            entity_types=("PERSON",),
            prompt_text="hi Maria",
            finding_sources={"PERSON": ["tool/tool_result"]},
        ),
        LogRecord(
            "req_b", t - 1000, 403, "rejected", LogLevel.METADATA, t - 1, user="bob", model="gpt-4o", decision="deny"
        ),
    ]

    async def write() -> None:
        store = SqlitePromptStore(tmp_path / "prompt-log.db")
        await store.open()
        await store.write([r.seal(ring) for r in records])
        await store.close()

    asyncio.run(write())


def test_search_filters_and_prints_no_text(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed(tmp_path, with_key=False)
    assert main(["logs", "search", "--config", str(config), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["request_id"] for r in lines] == ["req_b", "req_a"]
    assert main(["logs", "search", "--config", str(config), "--entity-type", "PERSON", "--since", "1h"]) == 0
    out = capsys.readouterr().out
    assert "req_a" in out
    assert "req_b" not in out
    assert "PERSON:pseudonymize=1" in out
    assert main(["logs", "search", "--config", str(config), "--source", "tool_result", "--json"]) == 0
    [found] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (found["request_id"], found["finding_sources"]) == ("req_a", {"PERSON": ["tool/tool_result"]})


def test_show_opens_text_only_when_asked_and_records_the_read(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "rotate-log-key", "--config", str(config)]) == 0
    key_file = tmp_path / "log-keys.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    seed(tmp_path, with_key=True)
    assert main(["logs", "show", "req_a", "--config", str(config)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["has_text"] is True
    assert "prompt_text" not in shown
    assert main(["logs", "show", "req_a", "--text", "--config", str(config)]) == 0
    assert json.loads(capsys.readouterr().out)["prompt_text"] == "hi Maria"

    async def reads() -> list[dict[str, object]]:
        store = SqlitePromptStore(tmp_path / "prompt-log.db")
        await store.open()
        try:
            return await store.text_reads("req_a")
        finally:
            await store.close()

    [read] = asyncio.run(reads())
    assert (read["role"], read["via"]) == ("operator", "cli")
    assert main(["logs", "show", "req_missing", "--config", str(config)]) == 1


def test_a_rotated_key_file_keeps_old_keys(config: Path, tmp_path: Path) -> None:
    assert main(["keys", "rotate-log-key", "--config", str(config)]) == 0
    first = load_keyring(tmp_path / "log-keys.json", "UNSET", {})
    assert main(["keys", "rotate-log-key", "--config", str(config)]) == 0
    second = load_keyring(tmp_path / "log-keys.json", "UNSET", {})
    assert first is not None
    assert second is not None
    assert first.current in second.key_ids
    assert second.current != first.current
    os.chmod(tmp_path / "log-keys.json", 0o644)
    assert main(["logs", "show", "req_a", "--text", "--config", str(config)]) == 2  # refuses a readable key file


def test_purge_dry_run_then_for_real(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed(tmp_path, with_key=False)
    assert main(["logs", "purge", "--dry-run", "--config", str(config)]) == 0
    assert "would delete 1 records past retention; 0 kept on legal hold (policy 7+" in capsys.readouterr().out
    assert main(["logs", "purge", "--config", str(config)]) == 0
    assert "deleted 1 records" in capsys.readouterr().out
    assert main(["logs", "search", "--config", str(config), "--json"]) == 0
    assert [json.loads(line)["request_id"] for line in capsys.readouterr().out.splitlines()] == ["req_a"]


def test_admin_tokens_are_created_listed_and_revoked(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["admin-tokens", "create", "--name", "carol", "--role", "auditor", "--config", str(config)]) == 0
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("aigwadm_")
    token_id = secret.split("_")[1]
    assert main(["admin-tokens", "list", "--config", str(config)]) == 0
    listed = capsys.readouterr().out
    assert token_id in listed
    assert "auditor" in listed
    # No piece of the secret is listed. (The secret is URL-safe base64, which has "_" in it: its first
    # "_"-separated piece was checked before, and was now and then "" or one letter, in any listing.)
    hidden = secret.removeprefix(f"aigwadm_{token_id}_")
    assert len(hidden) >= 32
    assert not any(hidden[i : i + 8] in listed for i in range(len(hidden) - 7))
    assert main(["admin-tokens", "revoke", token_id, "--config", str(config)]) == 0
    assert main(["admin-tokens", "revoke", token_id, "--config", str(config)]) == 1


def test_a_held_record_survives_purges_until_released(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(tmp_path, with_key=False)  # req_b is past its retention
    assert main(["logs", "hold", "req_b", "--reason", "INC-7", "--config", str(config)]) == 0
    assert main(["logs", "hold", "req_nope", "--reason", "x", "--config", str(config)]) == 1
    assert main(["logs", "purge", "--config", str(config)]) == 0
    assert "deleted 0 records past retention; 1 kept on legal hold" in capsys.readouterr().out
    assert main(["logs", "release", "req_b", "--config", str(config)]) == 0
    assert main(["logs", "purge", "--config", str(config)]) == 0
    assert "deleted 1 records past retention; 0 kept" in capsys.readouterr().out
