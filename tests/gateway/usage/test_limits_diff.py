"""``aigw policy diff`` sees every limit, also when several rules name the same principal: each limit
is keyed by what it limits (principal, models, shared, which tokens) and its metric; a limit set twice
is refused at validation, with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import ConfigError
from gateway.policy.diff import Change, Effect, diff
from gateway.policy.policy import Policy, load_policy

HEAD = """\
policy: {id: t, version: "1"}
default_group: staff
groups:
  staff: {}
  eng: {}
limits:
  rules:
"""


def policy(tmp_path: Path, rules: str, name: str) -> Policy:
    path = tmp_path / name
    path.write_text(HEAD + rules, encoding="utf-8")
    return load_policy(path)


def limit_changes(tmp_path: Path, old: str, new: str) -> list[Change]:
    changes = diff(policy(tmp_path, old, "old.yaml").document, policy(tmp_path, new, "new.yaml").document)
    return [c for c in changes if c.where.startswith("limits")]


def test_a_loosened_limit_in_the_first_of_two_rules_for_one_group_is_seen(tmp_path: Path) -> None:
    rules = "    - {{group: eng, requests_per_minute: {rpm}}}\n    - {{group: eng, tokens_per_day: 1000000}}\n"
    assert limit_changes(tmp_path, rules.format(rpm=60), rules.format(rpm=6000)) == [
        Change(Effect.LOOSENED, "limits[group eng].requests_per_minute", "60 -> 6000")
    ]


def test_prompt_and_completion_budgets_of_one_group_are_diffed_apart(tmp_path: Path) -> None:
    rules = (
        "    - {{group: eng, tokens: prompt, tokens_per_day: {prompt}}}\n"
        "    - {{group: eng, tokens: completion, tokens_per_day: 200000}}\n"
    )
    assert limit_changes(tmp_path, rules.format(prompt=1_000_000), rules.format(prompt=100_000_000)) == [
        Change(Effect.LOOSENED, "limits[group eng (prompt tokens)].tokens_per_day", "1000000 -> 100000000")
    ]


def test_a_shared_budget_and_members_own_are_diffed_apart(tmp_path: Path) -> None:
    rules = "    - {{group: eng, shared: true, spend_per_month: {shared}}}\n    - {{group: eng, spend_per_month: 50}}\n"
    assert limit_changes(tmp_path, rules.format(shared=1000), rules.format(shared=9000)) == [
        Change(Effect.LOOSENED, "limits[group eng (shared)].spend_per_month", "1000 -> 9000")
    ]


def test_a_limit_set_twice_for_the_same_principal_is_refused_with_its_line(tmp_path: Path) -> None:
    rules = "    - {user: bob, requests_per_minute: 5}\n    - {user: bob, tokens_per_day: 9}\n"
    rules += "    - {user: bob, requests_per_minute: 10}\n"
    with pytest.raises(ConfigError) as info:
        policy(tmp_path, rules, "p.yaml")
    message = str(info.value)
    assert ":10:" in message, message  # the third rule
    assert "limits.rules[0] already sets requests_per_minute for user bob" in message


def test_the_same_metric_for_other_tokens_models_or_sharing_is_no_duplicate(tmp_path: Path) -> None:
    rules = (
        "    - {group: eng, tokens_per_day: 10}\n"
        "    - {group: eng, tokens: prompt, tokens_per_day: 5}\n"
        "    - {group: eng, shared: true, tokens_per_day: 100}\n"
        "    - {group: eng, models: 'openai/gpt-6-*', tokens_per_day: 3}\n"
    )
    assert len(policy(tmp_path, rules, "p.yaml").document.limits.rules) == 4
