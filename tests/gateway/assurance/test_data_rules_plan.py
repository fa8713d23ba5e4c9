"""Which data rule is probed with which type, read from the policy by the gateway's own decision code:
the first rule deciding a type in a prompt is the one its canary exercises; a rule decided away by
earlier rules is not reachable; a rule in monitor mode enforces nothing (it fails without a probe)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.assurance import data_rules
from gateway.assurance.data_rules import RulePlan, SentProbe
from gateway.assurance.probes import Sent
from gateway.policy.data_rules import Direction
from gateway.policy.policy import Policy, load_policy
from tests.gateway.policy_helpers import DEFAULT_POLICY

EXAMPLES = DEFAULT_POLICY.parent / "examples"
K8S_POLICY = DEFAULT_POLICY.parents[1] / "deploy" / "kubernetes" / "policies" / "default.yaml"
SECRETS_RULE = "  - id: secrets-block\n"
IDS_REDACT = "CREDIT_CARD, IBAN_CODE, MEDICAL_RECORD_NUMBER]\n    action: redact"


def summary(policy: Policy) -> dict[str, str]:
    """Per rule: the type it is probed with ("answer:" for an answer's), or why not."""
    return {p.rule.removeprefix("data_rules."): _one(p) for p in data_rules.plan(policy)}


def _one(plan: RulePlan) -> str:
    if plan.off is not None:
        return f"FAIL {plan.off}"
    if plan.target is None:
        return plan.note
    return ("answer:" if plan.direction is Direction.RESPONSE else "") + plan.target.entity_type


def edited(tmp_path: Path, old: str, new: str, policy: Path = DEFAULT_POLICY) -> Policy:
    text = policy.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / policy.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if policy.parent == EXAMPLES:
        (tmp_path / "finance-terms.txt").write_text((EXAMPLES / "finance-terms.txt").read_text(), encoding="utf-8")
    return load_policy(path)


def with_rule_first(tmp_path: Path, rule: str) -> Policy:
    return edited(tmp_path, SECRETS_RULE, rule + SECRETS_RULE)


DEFAULT = {
    "secrets-block": "GITHUB_TOKEN",
    "ids-redact": "UK_NINO",
    "people-pseudonymize": "PHONE_NUMBER",
    "addresses-redact": "STREET_ADDRESS",
    "markers-redact": "CLASSIFICATION_MARKER",  # no terms in the default policy: its banner is the probe
    "injection-audit": "INJECTION_INSTRUCTION_OVERRIDE",
}


def test_the_default_policies_probe_every_rule_with_a_type_the_core_does_not_plant() -> None:
    assert summary(load_policy(DEFAULT_POLICY)) == DEFAULT
    assert summary(load_policy(K8S_POLICY)) == DEFAULT


def test_the_example_policies() -> None:
    assert summary(load_policy(EXAMPLES / "strict-finance.yaml")) == {
        "secrets-block": "GITHUB_TOKEN",
        "client-data-block": "CONFIDENTIAL_TERM",  # the policy's own client and deal names come first
        "ids-block": "UK_NINO",
        "people-pseudonymize": "PHONE_NUMBER",
        "tool-result-injection-block": "not probed (matches only in tool_result, document, file parts)",
        "injection-block": "INJECTION_INSTRUCTION_OVERRIDE",
    }
    assert summary(load_policy(EXAMPLES / "permissive.yaml")) == {
        "secrets-block": "GITHUB_TOKEN",
        "injection-audit": "INJECTION_INSTRUCTION_OVERRIDE",
    }


def test_a_rule_decided_away_by_earlier_rules_is_not_reachable(tmp_path: Path) -> None:
    """No single earlier rule covers it (the policy check refuses that at load): together they do."""
    late = "  - id: leftovers-redact\n    match: {entity_types: [GITHUB_TOKEN, UK_NINO]}\n    action: redact\n"
    policy = edited(tmp_path, "  - id: people-pseudonymize\n", late + "  - id: people-pseudonymize\n")
    assert summary(policy)["leftovers-redact"] == (
        "not reachable (earlier rules decide every type it matches: data_rules.ids-redact, data_rules.secrets-block)"
    )


def test_an_earlier_rule_takes_a_type_and_the_later_one_is_probed_with_another(tmp_path: Path) -> None:
    policy = with_rule_first(
        tmp_path, "  - id: github-redact\n    match: {entity_types: [GITHUB_TOKEN]}\n    action: redact\n"
    )
    found = summary(policy)
    assert found["github-redact"] == "GITHUB_TOKEN"
    assert found["secrets-block"] == "SLACK_TOKEN"  # the next type it still decides first


def test_a_rule_in_monitor_mode_fails_without_a_probe(tmp_path: Path) -> None:
    policy = edited(tmp_path, "    action: redact\n", "    action: redact\n    mode: monitor\n")
    found = summary(policy)
    assert found["ids-redact"] == "FAIL rule ids-redact is in monitor mode: nothing is enforced"
    assert found["people-pseudonymize"] == "PHONE_NUMBER"


def test_a_policy_in_monitor_mode_enforces_no_rule_but_still_records(tmp_path: Path) -> None:
    policy = edited(tmp_path, "  mode: enforce", "  mode: monitor")
    found = summary(policy)
    assert found.pop("injection-audit") == "INJECTION_INSTRUCTION_OVERRIDE"  # audit records in monitor mode too
    assert found == {rule: f"FAIL rule {rule} is in monitor mode: nothing is enforced" for rule in found}


def test_an_allow_rule_has_nothing_to_enforce(tmp_path: Path) -> None:
    policy = with_rule_first(
        tmp_path, "  - id: phones-ok\n    match: {entity_types: [PHONE_NUMBER]}\n    action: allow\n"
    )
    found = summary(policy)
    assert found["phones-ok"] == "allows (nothing to enforce)"
    # The allow rule decides phone numbers first: the people rule is probed with a type it still decides.
    assert found["people-pseudonymize"] == "EMAIL_ADDRESS"


def test_a_rule_for_answers_only_is_probed_with_the_echo_plant_when_it_decides_cards(tmp_path: Path) -> None:
    answers = "\n    directions: [response]\n"
    cards = f"  - id: answer-cards\n    match: {{entity_types: [CREDIT_CARD]}}{answers}    action: block\n"
    phones = f"  - id: answer-phones\n    match: {{entity_types: [PHONE_NUMBER]}}{answers}    action: redact\n"
    found = summary(with_rule_first(tmp_path, cards + phones))
    assert found["answer-cards"] == "answer:CREDIT_CARD"
    assert found["answer-phones"] == "not probed (answers only, and the echo can plant only a card there)"
    assert found["ids-redact"] == "UK_NINO"  # prompts: the answer rules do not take its types


def test_a_rule_no_configured_detector_can_fire_fails(tmp_path: Path) -> None:
    permissive = EXAMPLES / "permissive.yaml"
    cards = "  - id: cards-redact\n    match: {categories: [pii]}\n    action: redact\n"
    policy = edited(tmp_path, SECRETS_RULE, cards + SECRETS_RULE, permissive)  # no PII detector configured
    assert summary(policy)["cards-redact"] == "FAIL no configured detector reports a type it matches"


def test_a_rule_with_a_score_floor_above_the_canarys_is_probed_with_another_type(tmp_path: Path) -> None:
    high = "  - id: sure-secrets\n    match: {categories: [secret], min_score: 0.95}\n    action: redact\n"
    found = summary(with_rule_first(tmp_path, high))
    assert found["sure-secrets"] == "GITHUB_TOKEN"  # tokens with a prefix of their own score 1.0
    assert found["secrets-block"] == "GENERIC_SECRET"  # found at 0.7: under the floor, left to this rule


def test_the_policys_own_pattern_is_probed_when_no_term_is_given(tmp_path: Path) -> None:
    strict = EXAMPLES / "strict-finance.yaml"
    policy = edited(tmp_path, "    terms_files: [finance-terms.txt]", "    terms_files: []", strict)
    assert summary(policy)["client-data-block"] == "CONFIDENTIAL_PATTERN"


def sent_probe(rule: str, entity: str, status: int, text: str, value: str, code: str | None = None) -> SentProbe:
    """A probe as sent under the default policy, and what the echo (or the refusal) gave back."""
    plan = next(p for p in data_rules.plan(load_policy(DEFAULT_POLICY)) if p.rule == f"data_rules.{rule}")
    assert plan.target is not None
    assert plan.target.entity_type == entity
    return SentProbe(plan, plan.target, value, Sent(status, code, text, "req_1"))


RECORD = {"log_level": "metadata", "has_text": False, "status": 200, "entity_types": ["UK_NINO"]}


@pytest.mark.parametrize(
    ("probe", "record", "verdict"),
    [
        (sent_probe("ids-redact", "UK_NINO", 200, "nino [UK_NINO].", "AB 12 34 56 C"), RECORD, (True, "redact")),
        (
            sent_probe("ids-redact", "UK_NINO", 200, "nino AB 12 34 56 C.", "AB 12 34 56 C"),
            RECORD,
            (False, "redact expected; the provider got: sent as is"),
        ),
        (
            sent_probe("secrets-block", "GITHUB_TOKEN", 403, "", "ghp_x", "sensitive_data_blocked"),
            RECORD | {"status": 403},
            (True, "block"),
        ),
        (
            sent_probe("secrets-block", "GITHUB_TOKEN", 503, "", "ghp_x", "detection_unavailable"),
            RECORD | {"status": 503},
            (
                False,
                "block expected; the provider got: refused 503 detection_unavailable: detection could not run, "
                "the control is not operating",
            ),
        ),
        (
            sent_probe("ids-redact", "UK_NINO", 200, "nino [UK_NINO].", "AB 12 34 56 C"),
            None,
            (False, "redact; no prompt-log record for the probe"),
        ),
        (
            sent_probe("ids-redact", "UK_NINO", 200, "nino [UK_NINO].", "AB 12 34 56 C"),
            RECORD | {"rule": "AB 12 34 56 C"},
            (False, "redact; its prompt-log record shows text outside its seal"),
        ),
    ],
)
def test_what_a_probe_of_a_protecting_rule_saw_is_judged_by_its_action(
    probe: SentProbe, record: dict[str, object] | None, verdict: tuple[bool, str]
) -> None:
    assert data_rules.judge(probe, record, [probe.value]) == verdict


def test_an_audit_rule_passes_only_when_the_value_went_through_and_its_record_has_the_finding(
    tmp_path: Path,
) -> None:
    policy = edited(tmp_path, IDS_REDACT, IDS_REDACT.replace("redact", "audit"))
    plan = next(p for p in data_rules.plan(policy) if p.rule == "data_rules.ids-redact")
    target = plan.target
    assert target is not None
    value = "AB 12 34 56 C"

    def judged(text: str, types: list[str]) -> tuple[bool, str]:
        probe = SentProbe(plan, target, value, Sent(200, None, text, "req_1"))
        return data_rules.judge(probe, RECORD | {"entity_types": types}, [])

    assert judged(f"nino {value}.", ["UK_NINO"]) == (True, "audit: let through, recorded as UK_NINO")
    assert judged(f"nino {value}.", []) == (
        False,
        "audit expected; let through, but no UK_NINO finding in its prompt-log record",
    )
    assert judged("nino [UK_NINO].", ["UK_NINO"]) == (
        False,
        "audit expected (let through, recorded); the provider got: redact",
    )
