"""Every class of policy error, each refused with the file, line and column to fix and a hint.

One valid policy (``tests/data/policy_schema/base.yaml``) is edited one way per case;
line and column point at the key or value a person has to change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.base import Category
from gateway.policy.policy import load_policy
from gateway.policy.schema import LogLevel, PromptLogPolicy
from tests.gateway.policy_helpers import ROOT, load_error, only_problem

BASE = (ROOT / "tests" / "data" / "policy_schema" / "base.yaml").read_text()

# (old text, new text, key path, line, column, message fragment)
CASES = {
    # --- YAML and shape
    "invalid-yaml": ("  mode: enforce\n", "  mode: [enforce\n", "", 5, 14, "invalid YAML"),
    "tab-indent": ("  mode: enforce\n", "\tmode: enforce\n", "", 4, 1, "invalid YAML"),
    # --- unknown keys, with the closest allowed key as a hint
    "unknown-meta-key": ("  mode: enforce\n", "  mdoe: enforce\n", "policy.mdoe", 4, 3, "did you mean 'mode'?"),
    "unknown-top-key": ("incidents:\n", "incident:\n", "incident", 41, 1, "did you mean 'incidents'?"),
    "unknown-members-key": (
        "sso_groups: [eng-all]",
        "sso_group: [eng-all]",
        "groups.engineering.members.sso_group",
        12,
        42,
        "did you mean 'sso_groups'?",
    ),
    "unknown-rule-key": (
        "    directions: [prompt]\n",
        "    direction: [prompt]\n",
        "data_rules[2].direction",
        34,
        5,
        "did you mean 'directions'?",
    ),
    "unknown-match-key": (
        "{entity_types: [US_SSN]}",
        "{entity: [US_SSN]}",
        "data_rules[1].match.entity",
        30,
        13,
        "did you mean 'entity_types'?",
    ),
    "unknown-log-key": (
        "  retention_days: 90\n",
        "  retention: 90\n",
        "prompt_log.retention",
        38,
        3,
        "did you mean 'retention_days'?",
    ),
    "unknown-key-no-match": (
        "  on_failure: block\n",
        "  on_failure: block\n  colour: red\n",
        "detection.colour",
        20,
        3,
        "unknown key",
    ),
    # --- missing keys and wrong types
    "missing-version": ('  version: "3"\n', "", "policy.version", 1, 1, "required key is missing"),
    "missing-action": ("    action: redact\n", "", "data_rules[1].action", 29, 5, "required key is missing"),
    "members-not-mapping": (
        "members: {key_groups: [engineering], sso_groups: [eng-all]}",
        "members: everyone",
        "groups.engineering.members",
        12,
        5,
        "valid dictionary",
    ),
    "models-not-list": (
        'models: ["gpt-6*", "o[0-9]*"]',
        "models: 7",
        "groups.engineering.approved_tools[0].models",
        15,
        9,
        "valid tuple",
    ),
    "time-limit-not-int": (
        "time_limit_ms: 2000",
        "time_limit_ms: soon",
        "detection.time_limit_ms",
        18,
        3,
        "valid integer",
    ),
    "retention-not-int": (
        "retention_days: 90",
        "retention_days: forever",
        "prompt_log.retention_days",
        38,
        3,
        "valid integer",
    ),
    # --- values out of range
    "retention-zero": ("retention_days: 90", "retention_days: 0", "prompt_log.retention_days", 38, 3, "greater than 0"),
    "threshold-above-one": (
        "score_threshold: 0.5",
        "score_threshold: 1.5",
        "detection.pii.score_threshold",
        21,
        52,
        "less than or equal to 1",
    ),
    "time-limit-zero": ("time_limit_ms: 2000", "time_limit_ms: 0", "detection.time_limit_ms", 18, 3, "greater than 0"),
    "max-scan-chars-zero": (
        "time_limit_ms: 2000\n",
        "time_limit_ms: 2000\n  max_scan_chars: 0\n",
        "detection.max_scan_chars",
        19,
        3,
        "greater than 0",
    ),
    "max-scan-chars-not-a-number": (
        "time_limit_ms: 2000\n",
        "time_limit_ms: 2000\n  max_scan_chars: 1MB\n",
        "detection.max_scan_chars",
        19,
        3,
        "valid integer",
    ),
    # --- values outside a closed set
    "bad-mode": ("  mode: enforce\n", "  mode: shadow\n", "policy.mode", 4, 3, "'enforce' or 'monitor'"),
    "bad-action": ("action: redact", "action: delete", "data_rules[1].action", 31, 5, "'pseudonymize' or 'block'"),
    "bad-direction": (
        "directions: [prompt]",
        "directions: [input]",
        "data_rules[2].directions[0]",
        34,
        18,
        "'prompt' or 'response'",
    ),
    "bad-data-class": (
        "data_classes: [pii]",
        "data_classes: [biometric]",
        "groups.engineering.approved_tools[0].data_classes[0]",
        16,
        24,
        "'pii', 'secret'",
    ),
    "bad-log-level": ("  level: metadata\n", "  level: verbose\n", "prompt_log.level", 37, 3, "'redacted' or 'full'"),
    "bad-log-class": (
        "    secret: {level",
        "    secrets: {level",
        "prompt_log.data_classes.secrets",
        40,
        5,
        "'pii', 'secret'",
    ),
    "bad-violation": (
        "violation: PII_IN_PROMPT",
        "violation: PII",
        "incidents.severity_overrides[0].violation",
        43,
        8,
        "'PII_IN_PROMPT'",
    ),
    "bad-severity": (
        "severity: high",
        "severity: urgent",
        "incidents.severity_overrides[0].severity",
        43,
        34,
        "'high' or 'critical'",
    ),
    "bad-on-failure": ("on_failure: block", "on_failure: ignore", "detection.on_failure", 19, 3, "'block' or 'allow'"),
    # --- bad names, globs and regexes
    "glob-with-space": (
        '"gpt-6*"',
        '"gpt 6*"',
        "groups.engineering.approved_tools[0].models[0]",
        15,
        18,
        "has characters no model name holds",
    ),
    "glob-unclosed-class": (
        '"o[0-9]*"',
        '"o[0-9*"',
        "groups.engineering.approved_tools[0].models[1]",
        15,
        28,
        "opens '[' without closing it",
    ),
    "glob-nested-class": (
        '"o[0-9]*"',
        '"o[[0-9]]*"',
        "groups.engineering.approved_tools[0].models[1]",
        15,
        28,
        "nests '['",
    ),
    "provider-upper-case": (
        "provider: openai",
        "provider: OpenAI",
        "groups.engineering.approved_tools[0].provider",
        14,
        9,
        "lower-case letters",
    ),
    "bad-regex": (
        '"DEAL-[0-9]{6}"',
        '"DEAL-([0-9]{6}"',
        "detection.confidential.patterns[0]",
        24,
        16,
        "invalid regex: missing ),",
    ),
    "bad-rule-id": ("- id: ssn-redact", "- id: ssn redact", "data_rules[1].id", 29, 5, "should match pattern"),
    "unknown-pii-entity": (
        "entities: [PERSON, US_SSN",
        "entities: [PERSON, US_SNN",
        "detection.pii.entities",
        21,
        9,
        "unknown PII entity types ['US_SNN']",
    ),
    # --- names the enabled detectors never report, or that are not defined
    "rule-unknown-entity": (
        "[US_SSN]}\n    action",
        "[US_SNN]}\n    action",
        "data_rules[1].match.entity_types[0]",
        30,
        28,
        "did you mean 'US_SSN'?",
    ),
    "rule-entity-not-enabled": (
        "[US_SSN]}\n    action",
        "[CREDIT_CARD]}\n    action",
        "data_rules[1].match.entity_types[0]",
        30,
        28,
        "is not reported by the detectors",
    ),
    "rule-unknown-detector": (
        "{categories: [secret]}",
        "{detectors: [injection]}",
        "data_rules[0].match.detectors[0]",
        27,
        25,
        "detector 'injection' is not one this policy enables",
    ),
    "default-group-undefined": (
        "default_group: staff",
        "default_group: everyone",
        "default_group",
        5,
        1,
        "is not one of the groups defined (staff, engineering)",
    ),
    "override-group-undefined": (
        "high, groups: [engineering]",
        "high, groups: [finance]",
        "incidents.severity_overrides[0].groups[0]",
        43,
        59,
        "group 'finance'",
    ),
    "override-unknown-entity": (
        "[engineering], entity_types: [US_SSN]}",
        "[engineering], entity_types: [SSN]}",
        "incidents.severity_overrides[0].entity_types[0]",
        43,
        88,
        "is not reported",
    ),
    # --- contradictions
    "duplicate-rule-id": ("- id: people", "- id: ssn-redact", "data_rules[2].id", 32, 5, "is used twice"),
    "entity-outside-categories": (
        "{entity_types: [US_SSN]}",
        "{entity_types: [US_SSN], categories: [secret]}",
        "data_rules[1].match.categories",
        30,
        37,
        "US_SSN is pii",
    ),
    "unreachable-rule": (
        "{entity_types: [US_SSN]}",
        "{categories: [pii, secret]}",
        "data_rules[2].id",
        32,
        5,
        "rule 'ssn-redact' above it matches every finding",
    ),
    "pseudonymize-answers-only": (
        "directions: [prompt]",
        "directions: [response]",
        "data_rules[2].action",
        35,
        5,
        "pseudonymize applies to prompts",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_error_class_is_located(tmp_path: Path, case: tuple[str, str, str, int, int, str]) -> None:
    old, new, path, line, column, fragment = case
    assert old in BASE
    file, err = load_error(tmp_path, BASE.replace(old, new, 1))
    problem = only_problem(err)
    assert (problem.source, problem.path, problem.line, problem.column) == (str(file), path, line, column)
    assert fragment in problem.message
    assert str(err) == f"{file}:{line}:{column}: {path + ': ' if path else ''}{problem.message}"


def test_data_classes_need_detection(tmp_path: Path) -> None:
    """Without a detection section no data class is ever known (data rules go too: they would name types)."""
    text = BASE[: BASE.index("detection:")] + BASE[BASE.index("prompt_log:") :].replace(
        "    - {violation: PII_IN_PROMPT, severity: high, groups: [engineering], entity_types: [US_SSN]}\n",
        "    - {violation: PII_IN_PROMPT, severity: high, groups: [engineering]}\n",
    )
    _, err = load_error(tmp_path, text)
    problem = only_problem(err)
    assert (problem.path, problem.line) == ("groups.engineering.approved_tools[0].data_classes", 16)
    assert "data_classes needs detection" in problem.message


def test_the_base_policy_is_valid_and_reads_as_written(tmp_path: Path) -> None:
    policy = load_policy(ROOT / "tests" / "data" / "policy_schema" / "base.yaml")
    doc = policy.document
    assert doc.groups["engineering"].members.sso_groups == ("eng-all",)
    assert doc.prompt_log.data_classes[Category.SECRET].level is LogLevel.NONE
    [override] = doc.incidents.severity_overrides
    assert (override.violation.value, override.severity.value, override.entity_types) == (
        "PII_IN_PROMPT",
        "high",
        ("US_SSN",),
    )


@pytest.mark.parametrize(
    ("classes", "level", "days"),
    [
        (set(), LogLevel.REDACTED, 90),  # no detected data: the policy-wide settings
        ({Category.INJECTION}, LogLevel.FULL, 365),  # a class may keep more, for longer (forensics)
        ({Category.SECRET}, LogLevel.METADATA, 90),  # level set, retention inherited
        ({Category.PII}, LogLevel.REDACTED, 30),  # retention set, level inherited
        ({Category.PII, Category.SECRET}, LogLevel.METADATA, 30),  # several: least text, shortest retention
        ({Category.INJECTION, Category.SECRET}, LogLevel.METADATA, 90),
        ({Category.CONFIDENTIAL}, LogLevel.REDACTED, 90),  # a class not listed: the policy-wide settings
    ],
)
def test_prompt_log_settings_for_a_record(classes: set[Category], level: LogLevel, days: int) -> None:
    log = PromptLogPolicy.model_validate(
        {
            "level": "redacted",
            "retention_days": 90,
            "data_classes": {
                "secret": {"level": "metadata"},
                "pii": {"retention_days": 30},
                "injection": {"level": "full", "retention_days": 365},
            },
        }
    )
    assert log.for_classes(classes) == (level, days)
