"""Policy change summaries: every change is labelled loosened, tightened or changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli import main
from gateway.policy import load_policy
from gateway.policy_diff import Change, Effect, diff

DEFAULT = Path(__file__).resolve().parent.parent.parent / "policies" / "default.yaml"
TEXT = DEFAULT.read_text()
INJECTION_RULE = """  - id: injection-audit
    description: Prompt-injection attempts are recorded for review, not blocked.
    match: {categories: [injection]}
    directions: [prompt]
    action: audit
"""
TOOLS = "groups.engineering.approved_tools"
SECRETS_MATCH = "    match: {categories: [secret]}\n"
MARKERS_RULE = """  - id: markers-redact
    description: Classification banners are removed from prompts and answers.
    match: {entity_types: [CLASSIFICATION_MARKER]}
    action: redact
"""


def changed(tmp_path: Path, *edits: tuple[str, str]) -> list[Change]:
    text = TEXT
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    edited = tmp_path / "edited.yaml"
    edited.write_text(text)
    return diff(load_policy(DEFAULT).document, load_policy(edited).document)


CASES = [
    (
        [('models: ["gpt-6*", "gpt-5.5*"', 'models: ["gpt-6*", "gpt-5.5*", "o9*"')],
        [Change(Effect.LOOSENED, "groups.engineering.approved_tools", "now approved: openai/o9*")],
    ),
    (
        [('      - provider: anthropic\n        models: ["claude-sonnet-5*", "claude-haiku-5*"]\n', "")],
        [
            Change(
                Effect.TIGHTENED, "groups.engineering.approved_tools", "no longer approved: anthropic/claude-haiku-5*"
            ),
            Change(
                Effect.TIGHTENED, "groups.engineering.approved_tools", "no longer approved: anthropic/claude-sonnet-5*"
            ),
        ],
    ),
    (
        [("    action: redact\n  - id: people", "    action: block\n  - id: people")],
        [Change(Effect.TIGHTENED, "data_rules.ids-redact", "action redact -> block")],
    ),
    (
        [
            (
                "    match: {categories: [secret]}\n    action: block",
                "    match: {categories: [secret]}\n    action: audit",
            )
        ],
        [Change(Effect.LOOSENED, "data_rules.secrets-block", "action block -> audit")],
    ),
    (
        [(MARKERS_RULE, MARKERS_RULE.replace("    action: redact", "    directions: [prompt]\n    action: redact"))],
        [Change(Effect.LOOSENED, "data_rules.markers-redact", "no longer applies to response")],
    ),
    (
        [("on_failure: block", "on_failure: allow")],
        [Change(Effect.LOOSENED, "detection.on_failure", "block -> allow")],
    ),
    (
        [("  injection: {}", ""), (INJECTION_RULE, "")],
        [
            Change(Effect.LOOSENED, "detection.injection", "detector disabled: nothing it finds is acted on"),
            Change(Effect.CHANGED, "data_rules.injection-audit", "removed (was audit)"),
        ],
    ),
    (
        [
            (
                INJECTION_RULE,
                INJECTION_RULE
                + INJECTION_RULE.replace("injection-audit", "injection-block").replace(
                    "action: audit", "action: block"
                ),
            )
        ],
        [Change(Effect.TIGHTENED, "data_rules.injection-block", "added (block)")],
    ),
    (
        [(MARKERS_RULE, ""), (INJECTION_RULE, INJECTION_RULE + MARKERS_RULE)],
        [Change(Effect.CHANGED, "data_rules", "rules reordered (the first match wins)")],
    ),
]


CASES += [
    (
        [("  mode: enforce\n", "  mode: monitor\n")],
        [Change(Effect.LOOSENED, "policy.mode", "enforce -> monitor (rules without their own mode)")],
    ),
    (
        [(MARKERS_RULE, MARKERS_RULE.replace("    action: redact", "    action: redact\n    mode: monitor"))],
        [Change(Effect.LOOSENED, "data_rules.markers-redact", "mode enforce -> monitor")],
    ),
]


@pytest.mark.parametrize(("edits", "expected"), CASES)
def test_each_change_is_labelled(tmp_path: Path, edits: list[tuple[str, str]], expected: list[Change]):
    assert changed(tmp_path, *edits) == expected


def test_an_unchanged_policy_has_no_changes():
    assert diff(load_policy(DEFAULT).document, load_policy(DEFAULT).document) == []


def test_cli_exits_non_zero_when_a_control_is_loosened(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    loosened = tmp_path / "loosened.yaml"
    loosened.write_text(TEXT.replace("on_failure: block", "on_failure: allow"))
    tightened = tmp_path / "tightened.yaml"
    tightened.write_text(TEXT.replace("time_limit_ms: 2000", "time_limit_ms: 1000"))
    assert main(["policy", "diff", str(DEFAULT), str(loosened)]) == 1
    assert "loosened   detection.on_failure: block -> allow" in capsys.readouterr().out
    assert main(["policy", "diff", str(DEFAULT), str(tightened)]) == 0
    assert "changed    detection.time_limit_ms: 2000 -> 1000" in capsys.readouterr().out
