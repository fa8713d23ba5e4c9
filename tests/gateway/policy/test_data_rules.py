"""Data rules: first match wins, per direction, every decision names its rule."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from detectors.base import Category, Finding
from gateway.policy.data_rules import DEFAULT_RULE, Action, DataRule, DataRules, Direction

RULES = DataRules(
    [
        DataRule.model_validate({"id": "secrets-block", "match": {"categories": ["secret"]}, "action": "block"}),
        DataRule.model_validate(
            {"id": "low-score-ignored", "match": {"categories": ["pii"]}, "action": "allow"}
            | {"directions": ["prompt"], "match": {"entity_types": ["PERSON"], "min_score": 0.0}}
        ),
        DataRule.model_validate(
            {"id": "email-pseudo", "match": {"entity_types": ["EMAIL_ADDRESS"]}, "directions": ["prompt"]}
            | {"action": "pseudonymize"}
        ),
        DataRule.model_validate(
            {"id": "pii-out", "match": {"categories": ["pii"]}, "directions": ["response"]} | {"action": "redact"}
        ),
    ]
)


def finding(entity_type: str, category: Category, score: float = 0.9, detector: str = "d") -> Finding:
    return Finding(entity_type, 0, 1, score, detector, category)


@pytest.mark.parametrize(
    ("f", "direction", "action", "rule"),
    [
        (finding("AWS_ACCESS_KEY_ID", Category.SECRET), Direction.PROMPT, Action.BLOCK, "data_rules.secrets-block"),
        (finding("AWS_ACCESS_KEY_ID", Category.SECRET), Direction.RESPONSE, Action.BLOCK, "data_rules.secrets-block"),
        (finding("PERSON", Category.PII), Direction.PROMPT, Action.ALLOW, "data_rules.low-score-ignored"),
        (finding("EMAIL_ADDRESS", Category.PII), Direction.PROMPT, Action.PSEUDONYMIZE, "data_rules.email-pseudo"),
        (finding("EMAIL_ADDRESS", Category.PII), Direction.RESPONSE, Action.REDACT, "data_rules.pii-out"),
        (finding("CONFIDENTIAL_TERM", Category.CONFIDENTIAL), Direction.PROMPT, Action.AUDIT, DEFAULT_RULE),
    ],
)
def test_first_match_wins(f: Finding, direction: Direction, action: Action, rule: str):
    (decision,) = RULES.decide([f], direction)
    assert (decision.action, decision.rule) == (action, rule)


def test_match_fields_combine():
    rule = DataRule.model_validate(
        {"id": "r", "match": {"detectors": ["pii"], "min_score": 0.6, "entity_types": ["PERSON"]}, "action": "redact"}
    )
    assert rule.match.matches(finding("PERSON", Category.PII, 0.7, "pii"))
    assert not rule.match.matches(finding("PERSON", Category.PII, 0.5, "pii"))
    assert not rule.match.matches(finding("PERSON", Category.PII, 0.7, "other"))
    assert not rule.match.matches(finding("LOCATION", Category.PII, 0.7, "pii"))


@pytest.mark.parametrize(
    "raw",
    [
        {"id": "r", "action": "shred"},
        {"id": "bad id!", "action": "block"},
        {"id": "r", "action": "block", "match": {"categories": ["weather"]}},
        {"id": "r", "action": "pseudonymize", "directions": ["response"]},
        {"id": "r", "action": "block", "match": {"min_score": 2}},
    ],
)
def test_invalid_rules_are_rejected(raw: dict[str, object]):
    with pytest.raises(ValidationError):
        DataRule.model_validate(raw)


def test_acts_on():
    only_allow = DataRules([DataRule.model_validate({"id": "a", "action": "allow"})])
    assert not only_allow.acts_on(Direction.PROMPT)
    assert RULES.acts_on(Direction.RESPONSE)


def test_answers_are_scanned_only_for_what_response_rules_name():
    known = {"AWS_ACCESS_KEY_ID": Category.SECRET, "PERSON": Category.PII, "EMAIL_ADDRESS": Category.PII}
    rules = DataRules(
        [
            DataRule.model_validate({"id": "a", "match": {"categories": ["secret"]}, "action": "block"}),
            DataRule.model_validate(
                {"id": "b", "match": {"entity_types": ["PERSON"]}, "directions": ["prompt"], "action": "pseudonymize"}
            ),
            DataRule.model_validate({"id": "c", "match": {"entity_types": ["EMAIL_ADDRESS"]}, "action": "allow"}),
        ]
    )
    assert rules.answer_entities(known) == {"AWS_ACCESS_KEY_ID"}
    everything = DataRules([DataRule.model_validate({"id": "d", "directions": ["response"], "action": "audit"})])
    assert everything.answer_entities(known) is None
    by_detector = DataRules([DataRule.model_validate({"id": "e", "match": {"detectors": ["pii"]}, "action": "redact"})])
    assert by_detector.answer_entities(known) is None


def test_action_strength_is_the_one_ordering_of_actions() -> None:
    """`aigw scan` (the strongest action is a text's decision) and the policy diff (tightened or
    loosened) both order actions by Action.strength."""
    weakest_first = [Action.ALLOW, Action.AUDIT, Action.REDACT, Action.PSEUDONYMIZE, Action.BLOCK]
    assert sorted(Action, key=lambda a: a.strength, reverse=True) == weakest_first[::-1]
    assert [a.strength for a in weakest_first] == sorted({a.strength for a in Action})  # distinct and rising
    assert max([Action.REDACT, Action.BLOCK, Action.AUDIT], key=lambda a: a.strength) is Action.BLOCK
    assert max([Action.PSEUDONYMIZE, Action.REDACT], key=lambda a: a.strength) is Action.PSEUDONYMIZE
    assert sorted(Action) != weakest_first  # the str order (by spelling) is not it: hence a property
