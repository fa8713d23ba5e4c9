"""The policy's limits: validated with line numbers, resolved most-specific-first, diffed loosened/tightened."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gateway.cli.policy import summary
from gateway.config.settings import Settings
from gateway.errors import ConfigError, RateLimited
from gateway.policy.diff import Change, Effect, diff
from gateway.policy.limits import Metric
from gateway.policy.policy import Policy, load_policy
from gateway.usage.limiter import Limiter, Used

HEAD = """\
policy: {id: t, version: "1"}
default_group: staff
groups:
  staff: {}
  eng: {}
  research: {}
limits:
"""


def policy(tmp_path: Path, limits: str, name: str = "p.yaml") -> Policy:
    path = tmp_path / name
    path.write_text(HEAD + limits, encoding="utf-8")
    return load_policy(path)


def problem(tmp_path: Path, limits: str) -> str:
    with pytest.raises(ConfigError) as info:
        policy(tmp_path, limits)
    return str(info.value)


@pytest.mark.parametrize(
    ("limits", "where", "says"),
    [
        ("  rules:\n    - {group: nope, requests_per_minute: 1}\n", ":9:", "group 'nope' is not one of the groups"),
        ("  rules:\n    - {group: eng, user: ann, requests_per_minute: 1}\n", ":9:", "exactly one of group, user"),
        ("  rules:\n    - {user: ann}\n", ":9:", "at least one of: requests_per_minute"),
        ("  rules:\n    - {user: ann, shared: true, tokens_per_day: 5}\n", ":9:", "shared applies to group rules"),
        ("  rules:\n    - {group: eng, models: gpt-4o, tokens_per_day: 5}\n", ":9:", "'provider/glob'"),
        ("  rules:\n    - {group: eng, tokens_per_day: 0}\n", ":9:", "greater than 0"),
        ("  on_store_failure: maybe\n", ":8:", "fail_open"),
    ],
)
def test_invalid_limits_are_refused_with_their_line(tmp_path: Path, limits: str, where: str, says: str) -> None:
    message = problem(tmp_path, limits)
    assert where in message, message
    assert says in message, message


def test_a_key_beats_a_user_beats_a_group_per_limit(tmp_path: Path) -> None:
    loaded = policy(
        tmp_path,
        "  rules:\n"
        "    - {group: eng, requests_per_minute: 10, tokens_per_day: 1000}\n"
        "    - {user: ann, requests_per_minute: 20}\n"
        "    - {key: k1, requests_per_minute: 5}\n",
    )
    by_metric = {a.metric: a for a in loaded.limits.applicable(None, "ann", ("eng",), "openai", "gpt-4o")}
    assert by_metric[Metric.REQUESTS_PER_MINUTE].limit == 20  # her own rule
    assert by_metric[Metric.TOKENS_PER_DAY].limit == 1000  # the group's, for what her rule leaves unset
    with_key = {a.metric: a for a in loaded.limits.applicable("k1", "ann", ("eng",), "openai", "gpt-4o")}
    assert with_key[Metric.REQUESTS_PER_MINUTE].limit == 5
    assert with_key[Metric.REQUESTS_PER_MINUTE].counter == "key:k1|*|requests_per_minute"


@pytest.mark.parametrize(("combine", "expected"), [("most_generous", 30), ("most_restrictive", 10)])
def test_a_member_of_several_groups(tmp_path: Path, combine: str, expected: int) -> None:
    loaded = policy(
        tmp_path,
        f"  groups_combine: {combine}\n  rules:\n"
        "    - {group: eng, requests_per_minute: 10}\n"
        "    - {group: research, requests_per_minute: 30}\n",
    )
    (applied,) = loaded.limits.applicable(None, "ann", ("eng", "research"), "openai", "gpt-4o")
    assert applied.limit == expected
    assert applied.counter == "user:ann|*|requests_per_minute"  # the member's own count, whichever group's limit


def test_model_rules_add_their_own_counter_and_shared_budgets_count_the_group(tmp_path: Path) -> None:
    loaded = policy(
        tmp_path,
        "  rules:\n"
        "    - {group: eng, shared: true, spend_per_month: 100}\n"
        "    - {group: eng, shared: true, models: 'openai/gpt-6-*', spend_per_month: 20.5}\n",
    )
    big = sorted(a.counter for a in loaded.limits.applicable(None, "ann", ("eng",), "openai", "gpt-6-sol"))
    assert big == ["group:eng|*|spend_per_month", "group:eng|openai/gpt-6-*|spend_per_month"]
    small = loaded.limits.applicable(None, "ann", ("eng",), "openai", "gpt-4o")
    assert [a.counter for a in small] == ["group:eng|*|spend_per_month"]
    assert small[0].limit == 100_000_000  # millionths of a dollar
    assert not loaded.limits.applicable(None, "ann", ("staff",), "openai", "gpt-6-sol")


def test_diff_labels_limit_changes(tmp_path: Path) -> None:
    old = policy(
        tmp_path,
        "  rules:\n    - {group: eng, requests_per_minute: 10, tokens_per_day: 5}\n"
        "    - {user: ann, spend_per_day: 3}\n",
        "old.yaml",
    )
    new = policy(
        tmp_path,
        "  on_store_failure: fail_open\n  rules:\n"
        "    - {group: eng, requests_per_minute: 20, tokens_per_day: 4}\n    - {user: bob, spend_per_day: 3}\n",
        "new.yaml",
    )
    changes = [c for c in diff(old.document, new.document) if c.where.startswith("limits")]
    assert changes == [
        Change(Effect.LOOSENED, "limits[group eng].requests_per_minute", "10 -> 20"),
        Change(Effect.TIGHTENED, "limits[group eng].tokens_per_day", "5 -> 4"),
        Change(Effect.LOOSENED, "limits[user ann].spend_per_day", "3 -> no limit"),
        Change(Effect.TIGHTENED, "limits[user bob].spend_per_day", "no limit -> 3"),
        Change(Effect.LOOSENED, "limits.on_store_failure", "fail_closed -> fail_open"),
    ]


def test_policy_check_prints_the_limits(tmp_path: Path) -> None:
    loaded = policy(
        tmp_path,
        "  on_store_failure: fail_open\n  rules:\n"
        "    - {group: eng, shared: true, models: 'openai/gpt-6-*', spend_per_month: 20.5}\n"
        "    - {key: k1, requests_per_minute: 5}\n",
    )
    text = summary(tmp_path / "p.yaml", loaded)
    assert "  limits: most generous across groups; store down: fail_open\n" in text
    assert "    group eng on openai/gpt-6-* (shared): spend_per_month 20.5\n" in text
    assert "    key k1: requests_per_minute 5\n" in text


def test_a_rule_may_count_completion_tokens_only(tmp_path: Path) -> None:
    loaded = policy(tmp_path, "  rules:\n    - {user: ann, tokens: completion, tokens_per_day: 30}\n")
    limits = loaded.limits.applicable(None, "ann", ("staff",), "openai", "gpt-4o")
    assert [a.counter for a in limits] == ["user:ann|*|tokens_per_day:completion"]
    limiter = Limiter(Settings(), _Quiet(), lambda model: model or "", lambda mode: None)

    async def run() -> tuple[bool, str]:
        policy_limits = loaded.document.limits
        first = await limiter.admit(policy_limits, limits, "staff", "openai", "gpt-4o", 5000, 0)
        assert first is not None  # a long prompt: not counted
        limiter.settle(first, "USD", Used(5000, 40))
        await asyncio.sleep(0)  # the correction is applied
        try:
            await limiter.admit(policy_limits, limits, "staff", "openai", "gpt-4o", 1, 0)
        except RateLimited as refused:
            return False, refused.message
        return True, ""

    admitted, message = asyncio.run(run())
    assert not admitted
    assert "30 completion tokens per day" in message


class _Quiet:
    def limit_hit(self, group: str, model: str, limit: str) -> None: ...
    def spent(self, group: str, model: str, currency: str, amount: float) -> None: ...
    def limit_used(self, group: str, limit: str, ratio: float) -> None: ...
    def limit_store_failed(self, mode: str) -> None: ...
