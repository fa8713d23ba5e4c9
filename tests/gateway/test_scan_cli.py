"""`aigw scan`: findings and decisions for a text, never the values unless asked."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gateway.cli import main
from tests.conftest import DATA

POLICY = str(DATA / "policy_dlp.yaml")
KEY = "AKIA" + "QWERTYUIOPASDFGH"
TEXT = f"CONFIDENTIAL: Initech uses {KEY}"


def test_json_result_has_offsets_actions_and_no_values(capsys: pytest.CaptureFixture[str]):
    assert main(["scan", "--policy", POLICY, "--json", TEXT]) == 0
    out = capsys.readouterr().out
    result = json.loads(out)
    assert result["decision"] == "block"
    assert [(f["entity_type"], f["action"]) for f in result["findings"]] == [
        ("CLASSIFICATION_MARKER", "redact"),
        ("CONFIDENTIAL_TERM", "pseudonymize"),
        ("AWS_ACCESS_KEY_ID", "block"),
    ]
    key = result["findings"][2]
    assert TEXT[key["start"] : key["end"]] == KEY
    assert KEY not in out
    assert "Initech" not in out


def test_show_values_and_rewrite(capsys: pytest.CaptureFixture[str]):
    assert main(["scan", "--policy", POLICY, "--json", "--show-values", "CONFIDENTIAL: Initech"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["rewritten"] == "[CLASSIFICATION_MARKER]: <CONFIDENTIAL_TERM_1>"
    assert [f["value"] for f in result["findings"]] == ["CONFIDENTIAL", "Initech"]


def test_jsonl_reads_a_corpus(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    lines = [json.dumps({"text": t}) for t in ("hello there", TEXT, "Initech")] + [""]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines)))
    assert main(["scan", "--policy", POLICY, "--jsonl"]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["decision"] for r in results] == ["allow", "block", "pseudonymize"]


def test_table_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setattr("sys.stdin", io.StringIO(TEXT))
    assert main(["scan", "--policy", POLICY]) == 0
    out = capsys.readouterr().out
    assert out.startswith("decision: block")
    assert "data_rules.secrets-block" in out
    assert KEY not in out


def test_caller_and_model_add_the_approved_tools_decision(capsys: pytest.CaptureFixture[str]):
    default = str(Path(__file__).resolve().parent.parent.parent / "policies" / "default.yaml")
    argv = ["scan", "--policy", default, "--json", "--user", "ana", "--group", "everyone", "--model", "gpt-5.5"]
    assert main([*argv, "key AKIA" + "QWERTYUIOPASDFGH"]) == 0
    denied = json.loads(capsys.readouterr().out)
    assert denied == {
        "decision": "deny", "rule": "approved_tools.default_deny", "findings": [],
        "user": "ana", "groups": ["everyone"], "model": "gpt-5.5", "tool_rule": "approved_tools.default_deny",
    }  # fmt: skip
    argv[argv.index("everyone")] = "engineering"
    assert main([*argv, "key AKIA" + "QWERTYUIOPASDFGH"]) == 0
    allowed = json.loads(capsys.readouterr().out)
    assert allowed["decision"] == "block"
    assert allowed["rule"] == "data_rules.secrets-block"
    assert allowed["tool_rule"] == "groups.engineering.approved_tools[1]"  # routed to openai by the settings
    assert "AKIA" not in json.dumps(allowed)
