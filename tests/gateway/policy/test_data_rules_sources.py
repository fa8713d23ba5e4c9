"""Where a finding was made (issue 16 item 3): injection findings in data the model reads are
indirect injections, and a rule may match the kind of part."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from detectors.base import Category, Finding
from detectors.injection import INDIRECT
from gateway.policy.data_rules import DEFAULT_RULE, Action, DataRule, DataRules, Direction
from gateway.policy.policy import load_policy
from gateway.wire.part_source import ANSWER, TOOL_RESULT, UNKNOWN, USER_TEXT, PartKind, Role, source
from tests.gateway.policy_helpers import ROOT, load_error, only_problem

BASE = (ROOT / "tests" / "data" / "policy_schema" / "base.yaml").read_text()

OVERRIDING = "INJECTION_INSTRUCTION_OVERRIDE"
OVERRIDE = Finding("INJECTION_INSTRUCTION_OVERRIDE", 0, 30, 0.93, "injection", Category.INJECTION)
SSN = Finding("US_SSN", 40, 51, 0.85, "pii", Category.PII)
RULES = DataRules(
    [
        DataRule.model_validate(
            {"id": "indirect-block", "match": {"entity_types": [INDIRECT], "sources": ["tool_result"]}}
            | {"directions": ["prompt"], "action": "block"}
        ),
        DataRule.model_validate({"id": "injection-audit", "match": {"categories": ["injection"]}, "action": "audit"}),
    ]
)


@pytest.mark.parametrize(
    ("where", "entity_type", "action", "rule"),
    [
        (USER_TEXT, OVERRIDING, Action.AUDIT, "data_rules.injection-audit"),
        (source(Role.SYSTEM, PartKind.TEXT), OVERRIDING, Action.AUDIT, "data_rules.injection-audit"),
        (source(Role.ASSISTANT, PartKind.TEXT), OVERRIDING, Action.AUDIT, "data_rules.injection-audit"),
        (TOOL_RESULT, INDIRECT, Action.BLOCK, "data_rules.indirect-block"),
        (source(Role.FUNCTION, PartKind.TOOL_RESULT), INDIRECT, Action.BLOCK, "data_rules.indirect-block"),
        # Indirect, but not a tool result: retyped, and only the audit rule matches.
        (source(Role.USER, PartKind.DOCUMENT), INDIRECT, Action.AUDIT, "data_rules.injection-audit"),
        (source(Role.USER, PartKind.FILE), INDIRECT, Action.AUDIT, "data_rules.injection-audit"),
    ],
)
def test_injection_in_data_the_model_reads_is_indirect(where, entity_type, action, rule) -> None:  # type: ignore[no-untyped-def]
    (decision,) = RULES.decide([OVERRIDE], Direction.PROMPT, where)
    assert decision.finding.entity_type == entity_type
    assert (decision.action, decision.rule, decision.source) == (action, rule, where)
    # Span, score and detector are the detector's own: only the type says where it was read.
    assert (decision.finding.start, decision.finding.end, decision.finding.score, decision.finding.detector) == (
        0,
        30,
        0.93,
        "injection",
    )


def test_other_findings_in_a_tool_result_keep_their_type() -> None:
    decisions = RULES.decide([SSN], Direction.PROMPT, TOOL_RESULT)
    assert [(d.finding, d.action, d.rule, d.source) for d in decisions] == [
        (SSN, Action.AUDIT, DEFAULT_RULE, TOOL_RESULT)
    ]


def test_answers_are_the_assistants_text_and_a_prompt_without_source_is_unknown() -> None:
    (answer,) = RULES.decide([OVERRIDE], Direction.RESPONSE)
    assert (answer.source, answer.finding.entity_type) == (ANSWER, "INJECTION_INSTRUCTION_OVERRIDE")
    (prompt,) = RULES.decide([OVERRIDE], Direction.PROMPT)
    assert (prompt.source, prompt.finding.entity_type) == (UNKNOWN, "INJECTION_INSTRUCTION_OVERRIDE")


def test_a_rule_with_sources_matches_only_those_kinds() -> None:
    rule = DataRule.model_validate({"id": "r", "match": {"sources": ["document", "tool_result"]}, "action": "block"})
    assert rule.match.sources == (PartKind.DOCUMENT, PartKind.TOOL_RESULT)
    assert rule.match.matches(SSN, TOOL_RESULT)
    assert rule.match.matches(SSN, source(Role.USER, PartKind.DOCUMENT))
    assert not rule.match.matches(SSN, USER_TEXT)
    assert not rule.match.matches(SSN)  # a finding of unknown origin is in no named kind


def test_an_unknown_source_kind_is_refused_with_the_allowed_values() -> None:
    with pytest.raises(ValidationError) as refused:
        DataRule.model_validate({"id": "r", "match": {"sources": ["tool_output"]}, "action": "block"})
    message = str(refused.value)
    assert "tool_output" in message
    assert all(kind.value in message for kind in PartKind)


def test_a_policy_names_the_bad_source_kind_where_it_stands(tmp_path: Path) -> None:
    text = BASE.replace("{entity_types: [US_SSN]}", "{entity_types: [US_SSN], sources: [tool_output]}", 1)
    _, err = load_error(tmp_path, text)
    problem = only_problem(err)
    assert problem.path == "data_rules[1].match.sources[0]"
    assert all(kind.value in problem.message for kind in PartKind)  # the allowed values


def test_a_rule_for_some_parts_does_not_hide_a_later_rule_for_all(tmp_path: Path) -> None:
    narrow = BASE.replace("{entity_types: [US_SSN]}", "{entity_types: [US_SSN], sources: [tool_result]}", 1)
    path = tmp_path / "narrow.yaml"
    path.write_text(narrow.replace("{categories: [pii]}", "{entity_types: [US_SSN]}", 1))
    rules = load_policy(path).data_rules.rules
    assert [r.id for r in rules] == ["secrets-block", "ssn-redact", "people"]
    # The other way round the later rule can never apply: the earlier one matches in every part.
    broad = BASE.replace("{categories: [pii]}", "{entity_types: [US_SSN], sources: [tool_result]}", 1)
    _, err = load_error(tmp_path, broad)
    assert "above it matches every finding" in only_problem(err).message
