"""`aigw incidents list|show|ack|resolve|false-positive|verify|export` on a real store."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from gateway.cli.main import main
from gateway.compliance.catalog import load_compliance
from gateway.incidents.model import Candidate
from gateway.incidents.store import IncidentStore
from gateway.policy.violations import Severity, Violation
from gateway.promptlog.crypto import load_keyring, rotate_key_file
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import now_us
from tests.conftest import TEST_POLICY, stores_yaml
from tests.gateway.cli.test_cli import AIGW

COMPLIANCE = load_compliance()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "gateway.yaml"
    path.write_text(f"policy_path: {TEST_POLICY}\n{stores_yaml(tmp_path)}")
    return path


def seed(tmp_path: Path) -> list[str]:
    async def write() -> list[str]:
        store = SqlitePromptStore(tmp_path / "prompt-log.db")
        await store.open()
        incidents = IncidentStore(store)
        ids = []
        for user, violation in (("alice", Violation.PII_IN_PROMPT), ("bob", Violation.SECRET_OR_CREDENTIAL_IN_PROMPT)):
            seen = Candidate(
                violation=violation,
                severity=Severity.HIGH,
                severity_reasons=("default",),
                controls=COMPLIANCE.refs(violation),
                catalogue_version=COMPLIANCE.catalogue_version,
                at_us=now_us(),
                actor={"user": user},
                entity_types={"US_SSN": 1},
                request_id=f"req_{user}",
            )
            ids.append((await incidents.record(seen, 300, lambda n: (Severity.HIGH, ("x",)))).state["id"])
        await store.close()
        return ids

    return asyncio.run(write())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_list_show_and_the_workflow(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alice, bob = seed(tmp_path)
    code, out = run(capsys, "incidents", "list", "--config", str(config))
    assert code == 0
    assert alice in out
    assert bob in out
    code, out = run(capsys, "incidents", "list", "--type", "PII_IN_PROMPT", "--json", "--config", str(config))
    assert [json.loads(line)["id"] for line in out.splitlines()] == [alice]
    assert run(capsys, "incidents", "ack", alice, "--by", "carol", "--note", "on it", "--config", str(config))[0] == 0
    assert run(capsys, "incidents", "resolve", alice, "--by", "carol", "--config", str(config))[0] == 0
    assert run(capsys, "incidents", "ack", alice, "--config", str(config))[0] == 1  # resolved is final
    code, out = run(capsys, "incidents", "show", alice, "--config", str(config))
    shown = json.loads(out)
    assert [(w["status"], w["by"]) for w in shown["workflow"]] == [("acknowledged", "carol"), ("resolved", "carol")]
    assert run(capsys, "incidents", "false-positive", bob, "--config", str(config))[0] == 0
    code, out = run(capsys, "incidents", "list", "--status", "open", "--json", "--config", str(config))
    assert out == ""
    assert run(capsys, "incidents", "show", "inc_missing", "--config", str(config))[0] == 1


def test_export_as_jsonl_and_csv(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alice, bob = seed(tmp_path)
    code, out = run(capsys, "incidents", "export", "--config", str(config))
    assert sorted(json.loads(line)["id"] for line in out.splitlines()) == sorted([alice, bob])
    code, out = run(capsys, "incidents", "export", "--format", "csv", "--config", str(config))
    assert code == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows[alice]["user"] == "alice"
    assert "iso27001_2022:A.5.34" in rows[alice]["controls"].split(";")
    assert rows[bob]["type"] == "SECRET_OR_CREDENTIAL_IN_PROMPT"


def test_verify_exits_1_on_tampering(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alice, _ = seed(tmp_path)
    code, out = run(capsys, "incidents", "verify", "--config", str(config))
    assert (code, out.strip()) == (0, "hash chain: 2 events, 2 incidents: intact")
    with sqlite3.connect(tmp_path / "prompt-log.db") as db:
        db.execute("DELETE FROM incidents WHERE id = ?", (alice,))
    code, out = run(capsys, "incidents", "verify", "--config", str(config))
    assert code == 1
    assert f"TAMPERED: incident {alice}: in the chain but not in the table (deleted)" in out


def test_find_value_matches_evidence_hashes_across_key_rotation(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "log-keys.json"
    rotate_key_file(key_file)
    keyring = load_keyring(key_file, "UNSET_ENV", {})
    assert keyring is not None

    async def write() -> str:
        store = SqlitePromptStore(tmp_path / "prompt-log.db")
        await store.open()
        ssn = Violation.PII_IN_PROMPT
        seen = Candidate(
            violation=ssn,
            severity=Severity.MEDIUM,
            severity_reasons=("default",),
            controls=COMPLIANCE.refs(ssn),
            catalogue_version=COMPLIANCE.catalogue_version,
            at_us=now_us(),
            actor={"user": "sam"},
            entity_types={"US_SSN": 1},
            excerpt="ssn <US_SSN>",
            evidence={
                "scheme": "hmac-sha256",
                "key_id": keyring.current,
                "value_hashes": {"US_SSN": [keyring.keyed_hash("536-22-8726")]},
            },
        )
        state = (await IncidentStore(store).record(seen, 300, lambda n: (Severity.MEDIUM, ("x",)))).state
        await store.close()
        return str(state["id"])

    incident_id = asyncio.run(write())
    rotate_key_file(key_file)  # a newer key is current: the incident's hash was made under the old one
    monkeypatch.setattr("sys.stdin", io.StringIO("536-22-8726\n"))
    code, out = run(capsys, "incidents", "find-value", "--config", str(config))
    assert code == 0
    assert out.split()[:2] == [incident_id, "PII_IN_PROMPT"]
    assert out.split()[-1] == "US_SSN"
    monkeypatch.setattr("sys.stdin", io.StringIO("078-05-1120"))
    assert run(capsys, "incidents", "find-value", "--config", str(config)) == (1, "")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert run(capsys, "incidents", "find-value", "--config", str(config))[0] == 2


def test_a_reader_that_stops_early_is_no_error(config: Path, tmp_path: Path) -> None:
    async def many() -> None:  # more lines than a pipe holds, so the writer meets the closed end
        store = SqlitePromptStore(tmp_path / "prompt-log.db")
        await store.open()
        pii = Violation.PII_IN_PROMPT
        batch = [
            Candidate(
                violation=pii,
                severity=Severity.HIGH,
                severity_reasons=("default",),
                controls=COMPLIANCE.refs(pii),
                catalogue_version=COMPLIANCE.catalogue_version,
                at_us=now_us(),
                actor={"user": f"user{n}"},
            )
            for n in range(1500)
        ]
        await IncidentStore(store).record_all(batch, 300, lambda _c: lambda _n: (Severity.HIGH, ("x",)))
        await store.close()

    asyncio.run(many())
    listing = subprocess.Popen(
        [*AIGW, "incidents", "list", "--config", str(config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert listing.stdout is not None
    listing.stdout.readline()  # like `| head -1`
    listing.stdout.close()
    _, err = listing.communicate(timeout=60)
    assert listing.returncode == 0
    assert b"Traceback" not in err
