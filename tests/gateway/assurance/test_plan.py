"""What each probe expects under a policy, the canaries it plants, and what counts as a sealed record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from gateway.assurance import canaries
from gateway.assurance.checks import sealed
from gateway.assurance.plan import DATA_TARGETS, JAILBREAK_TARGET, STREAM_TARGET, DataTarget, expectation, pick_models
from gateway.config.settings import Settings, load_settings
from gateway.policy.data_rules import Action
from gateway.policy.policy import Policy, load_policy
from tests.gateway.policy_helpers import DEFAULT_POLICY, ROOT

TARGETS = {t.control: t for t in (*DATA_TARGETS, STREAM_TARGET, JAILBREAK_TARGET)}
AWS_KEY_ID = yaml.safe_load((ROOT / "detectors" / "data" / "secret_rules.yaml").read_text())


def edited(tmp_path: Path, old: str, new: str) -> Policy:
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_policy(path)


def target(control: str) -> DataTarget:
    return TARGETS[control]


def test_the_default_policy_expects_what_its_rules_say() -> None:
    policy = load_policy(DEFAULT_POLICY)
    actions = {control: expectation(policy, t) for control, t in TARGETS.items()}
    assert {c: (e.action, e.rule, e.off) for c, e in actions.items()} == {
        "credential_blocked": (Action.BLOCK, "secrets-block", None),
        "card_protected": (Action.REDACT, "ids-redact", None),
        "ssn_protected": (Action.REDACT, "ids-redact", None),
        "email_protected": (Action.PSEUDONYMIZE, "people-pseudonymize", None),
        "stream_protected": (Action.REDACT, "ids-redact", None),
        "jailbreak_recorded": (Action.AUDIT, "injection-audit", None),
    }


def test_a_rule_that_lets_the_type_through_is_a_control_switched_off(tmp_path: Path) -> None:
    policy = edited(tmp_path, "    action: block", "    action: allow")
    expect = expectation(policy, target("credential_blocked"))
    assert expect.off == "rule secrets-block lets the type through (allow)"


def test_a_rule_in_monitor_mode_enforces_nothing(tmp_path: Path) -> None:
    policy = edited(tmp_path, "    action: redact\n", "    action: redact\n    mode: monitor\n")
    off = expectation(policy, target("card_protected")).off
    assert off == "rule ids-redact is in monitor mode: nothing is enforced"
    assert expectation(policy, target("email_protected")).off is None


def test_a_rule_whose_detector_is_off_does_not_protect(tmp_path: Path) -> None:
    policy = edited(tmp_path, "  secrets: {}", "  secrets: null")
    off = expectation(policy, target("credential_blocked")).off
    assert off == "no detector configured in the policy reports this type"


def test_a_type_no_rule_names_is_skipped(tmp_path: Path) -> None:
    policy = edited(tmp_path, "[PERSON, EMAIL_ADDRESS, PHONE_NUMBER]", "[PERSON, PHONE_NUMBER]")
    expect = expectation(policy, target("email_protected"))
    assert (expect.action, expect.describe()) == (None, "no data rule for this type")


def test_the_unapproved_model_is_one_the_probes_can_send_and_the_echo_model_is_approved() -> None:
    settings = Settings.model_validate({"policy_path": str(DEFAULT_POLICY)})
    models = pick_models(settings, load_policy(DEFAULT_POLICY))
    assert models.echo == "echo-1"
    assert (models.unapproved_provider, models.unapproved) == ("openai", "gpt-5.5")  # anthropic speaks another API


@pytest.mark.parametrize("run", range(20))
def test_canaries_are_fresh_and_shaped_like_the_real_thing(run: int) -> None:
    one, two = canaries.fresh(), canaries.fresh()
    assert one != two
    assert canaries.luhn_valid(one.card)
    assert one.card.replace(" ", "").startswith(canaries.TEST_CARD_PREFIX)
    area, group, serial = (int(p) for p in one.ssn.split("-"))
    assert 100 <= area < 900
    assert area != 666
    assert group > 0
    assert serial > 0
    assert one.email.endswith("@example.org")
    rule = next(r for r in AWS_KEY_ID["rules"] if r["type"] == "AWS_ACCESS_KEY_ID")
    assert re.search(rule["pattern"], one.aws_key_id)
    assert one.aws_key_id.startswith("AKIA")


def test_the_luhn_check_refuses_a_wrong_check_digit() -> None:
    assert canaries.luhn_valid("4111 1111 1111 1111")
    assert not canaries.luhn_valid("4111 1111 1111 1112")


@pytest.mark.parametrize(
    ("record", "ok"),
    [
        ({"log_level": "metadata", "has_text": False}, True),
        ({"log_level": "metadata", "has_text": True}, False),
        ({"log_level": "redacted", "has_text": True, "status": 200}, True),
        ({"log_level": "full", "has_text": False, "status": 200}, False),
        ({"log_level": "redacted", "has_text": False, "status": 403}, True),  # refused: nothing was forwarded
        ({"log_level": "hash", "has_text": False, "prompt_hash": "ab"}, True),
        ({"log_level": "hash", "has_text": False, "prompt_hash": None}, False),
        ({"log_level": "metadata", "has_text": False, "rule": "x CANARY y"}, False),
    ],
)
def test_a_sealed_record_keeps_text_only_as_its_level_says(record: dict[str, object], ok: bool) -> None:
    assert sealed(record, ["CANARY"]) is ok


def test_the_assurance_credentials_in_the_environment_are_not_read_as_settings() -> None:
    environ = {"AIGW_ASSURANCE_KEY": "aigw_x_y", "AIGW_ADMIN_TOKEN": "aigwadm_x_y", "AIGW_LISTEN__PORT": "9000"}
    assert load_settings(None, environ).listen.port == 9000
