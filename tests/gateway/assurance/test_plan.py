"""What each probe expects under a policy, the canaries it plants, and what counts as a sealed record."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import aiohttp
import pytest
import yaml

from gateway.assurance import canaries, tool_rules
from gateway.assurance.checks import sealed
from gateway.assurance.plan import (
    ANSWER_TARGET,
    DATA_TARGETS,
    JAILBREAK_TARGET,
    STREAM_TARGET,
    DataTarget,
    expectation,
    pick_models,
)
from gateway.assurance.probes import Sent, observed
from gateway.config.settings import Settings, load_settings
from gateway.policy.data_rules import Action
from gateway.policy.policy import Policy, load_policy
from tests.gateway.policy_helpers import DEFAULT_POLICY, ROOT

TARGETS = {t.control: t for t in (*DATA_TARGETS, STREAM_TARGET, ANSWER_TARGET, JAILBREAK_TARGET)}
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
        "name_protected": (Action.PSEUDONYMIZE, "people-pseudonymize", None),
        "stream_protected": (Action.REDACT, "ids-redact", None),
        "answer_stream_protected": (Action.REDACT, "ids-redact", None),  # the rule applies to answers too
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
        ({"log_level": "hash", "has_text": False, "prompt_hash": None, "status": 200}, False),
        ({"log_level": "hash", "has_text": False, "prompt_hash": None, "status": 403}, True),  # refused: no text
        ({"log_level": "hash", "has_text": True, "prompt_hash": None, "status": 403}, False),
        ({"log_level": "metadata", "has_text": False, "rule": "x CANARY y"}, False),
    ],
)
def test_a_sealed_record_keeps_text_only_as_its_level_says(record: dict[str, object], ok: bool) -> None:
    assert sealed(record, ["CANARY"]) is ok


def test_the_assurance_credentials_in_the_environment_are_not_read_as_settings() -> None:
    environ = {"AIGW_ASSURANCE_KEY": "aigw_x_y", "AIGW_ADMIN_TOKEN": "aigwadm_x_y", "AIGW_LISTEN__PORT": "9000"}
    assert load_settings(None, environ).listen.port == 9000


def test_the_answer_probe_reads_the_rule_for_answers(tmp_path: Path) -> None:
    """A rule for prompts only leaves answers to no rule: the answer probe is skipped, the prompt's is not."""
    ids = "CREDIT_CARD, IBAN_CODE, MEDICAL_RECORD_NUMBER]\n    action: redact"
    policy = edited(tmp_path, ids, ids.replace("    action:", "    directions: [prompt]\n    action:"))
    assert expectation(policy, target("card_protected")).action is Action.REDACT
    assert expectation(policy, ANSWER_TARGET).describe() == "no data rule for this type"
    policy = edited(tmp_path, ids, ids.replace("    action:", "    directions: [response]\n    action:"))
    assert expectation(policy, target("card_protected")).action is None
    assert expectation(policy, ANSWER_TARGET).action is Action.REDACT


def test_canaries_hold_a_person_and_an_answer_card_that_no_prompt_holds() -> None:
    one = canaries.fresh()
    assert one.person in one.values
    assert one.answer_card in one.values
    assert canaries.luhn_valid(one.answer_card)
    assert one.answer_card != one.card
    assert one.answer_card.replace(" ", "") not in one.plant_nonce


def test_tool_rules_are_probed_per_group_with_a_key_of_a_member_key_group(tmp_path: Path) -> None:
    settings = Settings.model_validate(
        {
            "policy_path": str(DEFAULT_POLICY),
            "providers": {
                "echo": {"type": "echo", "models": ["echo-1"]},
                "openai": {"type": "openai", "models": ["gpt-4o", "gpt-5.5"]},
            },
            "routes": [{"match": "echo-*", "provider": "echo"}, {"match": "gpt-*", "provider": "openai"}],
        }
    )
    members = "  engineering:\n    description: Software engineering.\n"
    policy = edited(tmp_path, members, members + "    members: {key_groups: [eng-staff]}\n")
    groups, notes = tool_rules.plan(settings, policy)
    assert notes == []
    assert [(g.group, g.key_group, g.approved, g.untested, g.refused, g.refused_on_echo) for g in groups] == [
        ("everyone", "everyone", (("groups.everyone.approved_tools[0]", "echo-1"),), (), "gpt-4o", False),
        (
            "engineering",
            "eng-staff",
            (("groups.engineering.approved_tools[0]", "echo-1"),),
            ("groups.engineering.approved_tools[1]", "groups.engineering.approved_tools[2]"),
            "gpt-4o",  # gpt-5.5 is approved for engineering
            False,
        ),
    ]
    sso_only = edited(tmp_path, members, members + "    members: {key_groups: []}\n")
    groups, notes = tool_rules.plan(settings, sso_only)
    assert [g.group for g in groups] == ["everyone"]
    assert notes == ["engineering: no key group is a member (SSO only)"]


@pytest.mark.parametrize(
    ("old", "new", "outcome"),
    [
        # Credentials let through: a broken approval would send to the real provider. Not asked.
        ("    action: block", "    action: allow", None),
        # Monitor mode enforces no approval: failed without sending anything.
        (
            "  mode: enforce",
            "  mode: monitor",
            (False, "groups.everyone: gpt-4o would be let through: the policy is in monitor mode"),
        ),
    ],
)
def test_a_model_served_by_a_real_provider_is_asked_only_when_nothing_could_reach_it(
    tmp_path: Path, old: str, new: str, outcome: tuple[bool, str] | None
) -> None:
    policy = edited(tmp_path, old, new)
    group = tool_rules.GroupProbe("everyone", "everyone", (), (), "gpt-4o", refused_on_echo=False)

    async def refuse() -> tuple[bool, str] | None:
        async with aiohttp.ClientSession() as session:  # nothing listens at the discard port: a request would raise
            return await tool_rules._refusal(session, "http://127.0.0.1:9", "aigw_x_y", policy, group, canaries.fresh())

    assert asyncio.run(refuse()) == outcome


def test_the_expectation_is_read_for_where_the_probe_puts_its_value(tmp_path: Path) -> None:
    """A rule limited by `sources` is judged for the user's text of a prompt, where the probes plant."""
    policy = edited(
        tmp_path,
        "                     CREDIT_CARD, IBAN_CODE, MEDICAL_RECORD_NUMBER]\n",
        "                     CREDIT_CARD, IBAN_CODE, MEDICAL_RECORD_NUMBER]\n      sources: [text]\n",
    )
    assert expectation(policy, target("card_protected")).action is Action.REDACT
    assert expectation(policy, target("card_protected")).rule == "ids-redact"


def test_a_name_caught_only_in_part_is_not_protected() -> None:
    [person] = [t for t in DATA_TARGETS if t.entity_type == "PERSON"]
    name = "Laura K. Harris"
    partial = Sent(200, None, "My colleague <PERSON_1> K. Harris asked for the quarterly report.", "req_1")
    whole = Sent(200, None, "My colleague <PERSON_1> asked for the quarterly report.", "req_2")
    assert observed(partial, name, person) == "sent in part"
    assert observed(whole, name, person) == "pseudonymize"
