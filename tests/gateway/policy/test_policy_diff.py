"""Policy change summaries: every change is labelled loosened, tightened or changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli.main import main
from gateway.policy.diff import Change, Effect, diff
from gateway.policy.policy import load_policy

DEFAULT = Path(__file__).resolve().parent.parent.parent.parent / "policies" / "default.yaml"
TEXT = DEFAULT.read_text()
INJECTION_RULE = (
    (
        "  - id: injection-audit\n"
        "    description: Prompt-injection attempts (direct, and indirect in tool results and documents) are recorded"
        " for review, not blocked.\n"
    )
    + """    match: {categories: [injection]}
    directions: [prompt]
    action: audit
"""
)
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
                # Above the audit rule and narrower, so that both can apply.
                INJECTION_RULE.replace("injection-audit", "injection-block")
                .replace("action: audit", "action: block")
                .replace("[injection]}", "[injection], min_score: 0.9}")
                + INJECTION_RULE,
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


LOG = "prompt_log"
CASES += [
    (
        [("  level: metadata\n  retention", "  level: full\n  retention")],
        # injection data inherits the level, so it changes too; secret data has its own.
        [
            Change(Effect.LOOSENED, LOG, "level metadata -> full"),
            Change(Effect.LOOSENED, LOG + ".data_classes.injection", "level metadata -> full"),
        ],
    ),
    (
        [("  level: metadata\n  retention", "  level: none\n  retention")],
        [
            Change(Effect.CHANGED, LOG, "level metadata -> none"),
            Change(Effect.CHANGED, LOG + ".data_classes.injection", "level metadata -> none"),
        ],
    ),
    ([("retention_days: 90", "retention_days: 30")], [Change(Effect.CHANGED, LOG, "retention 90 -> 30 days")]),
    (
        [("secret: {level: metadata, retention_days: 30}", "secret: {level: redacted, retention_days: 60}")],
        [
            Change(Effect.LOOSENED, LOG + ".data_classes.secret", "level metadata -> redacted"),
            Change(Effect.LOOSENED, LOG + ".data_classes.secret", "retention 30 -> 60 days"),
        ],
    ),
    (
        # A class no longer listed follows the policy-wide settings: 30 -> 90 days.
        [("    secret: {level: metadata, retention_days: 30}\n", "")],
        [Change(Effect.LOOSENED, LOG + ".data_classes.secret", "retention 30 -> 90 days")],
    ),
    (
        [("  engineering:\n", "  engineering:\n    members: {sso_groups: [eng-all]}\n")],
        [
            Change(Effect.LOOSENED, "groups.engineering.members", "SSO group eng-all now a member"),
            Change(Effect.TIGHTENED, "groups.engineering.members", "SSO group engineering no longer a member"),
        ],
    ),
    (
        [("      severity: high\n", "      severity: medium\n")],
        [Change(Effect.LOOSENED, "incidents.severity_overrides[PII_IN_PROMPT]", "severity high -> medium")],
    ),
    (
        [("      severity: high\n", "      severity: critical\n")],
        [Change(Effect.TIGHTENED, "incidents.severity_overrides[PII_IN_PROMPT]", "severity high -> critical")],
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
