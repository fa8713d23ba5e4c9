"""A group's shared budget applies to every member's request, always: a member's own limit (the
group's per-member rule, a user's or key's rule, another group's) never replaces it. Specificity and
groups_combine choose among a person's own limits only."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from gateway.config.settings import Settings
from gateway.errors import RateLimited
from gateway.policy.limits import LimitRule, Limits, LimitsPolicy
from gateway.usage.limiter import Limiter


def counters(policy: LimitsPolicy, user: str, groups: tuple[str, ...]) -> dict[str, int]:
    applied = Limits(policy).applicable(None, user, groups, "openai", "gpt-6-sol")
    return {limit.counter: limit.limit for limit in applied}


@pytest.mark.parametrize("combine", ["most_generous", "most_restrictive"])
def test_a_groups_per_member_limit_and_its_shared_budget_both_apply(combine: str) -> None:
    policy = LimitsPolicy(
        rules=(
            LimitRule(group="eng", tokens_per_day=100_000),
            LimitRule(group="eng", shared=True, tokens_per_day=10**6),
        ),
        groups_combine=combine,  # type: ignore[arg-type]
    )
    assert counters(policy, "alice", ("eng",)) == {
        "user:alice|*|tokens_per_day": 100_000,
        "group:eng|*|tokens_per_day": 1_000_000,
    }


def test_a_users_own_rule_does_not_take_the_team_budget_away() -> None:
    policy = LimitsPolicy(
        rules=(
            LimitRule(group="eng", shared=True, spend_per_month=Decimal(1000)),
            LimitRule(user="alice", spend_per_month=Decimal(800)),
        )
    )
    assert counters(policy, "alice", ("eng",)) == {
        "user:alice|*|spend_per_month": 800_000_000,
        "group:eng|*|spend_per_month": 1_000_000_000,
    }
    assert counters(policy, "bob", ("eng",)) == {"group:eng|*|spend_per_month": 1_000_000_000}


def test_one_groups_shared_budget_survives_another_groups_per_member_limit() -> None:
    policy = LimitsPolicy(
        rules=(
            LimitRule(group="a", shared=True, spend_per_month=Decimal(100)),
            LimitRule(group="b", spend_per_month=Decimal(500)),
        )
    )
    assert counters(policy, "carol", ("a", "b")) == {
        "user:carol|*|spend_per_month": 500_000_000,
        "group:a|*|spend_per_month": 100_000_000,
    }


def test_a_member_with_their_own_limit_still_spends_the_teams_budget() -> None:
    policy = LimitsPolicy(
        rules=(LimitRule(group="eng", shared=True, tokens_per_day=1000), LimitRule(user="alice", tokens_per_day=5000))
    )
    limits = Limits(policy)
    limiter = Limiter(Settings(), _Quiet(), lambda model: model or "", lambda mode: None)

    async def run() -> str:
        alice = limits.applicable(None, "alice", ("eng",), "openai", "gpt-4o")
        assert await limiter.admit(policy, alice, "eng", "openai", "gpt-4o", 900, 0) is not None
        bob = limits.applicable(None, "bob", ("eng",), "openai", "gpt-4o")
        try:
            await limiter.admit(policy, bob, "eng", "openai", "gpt-4o", 200, 0)
        except RateLimited as refused:
            return refused.message
        return "admitted"

    assert "1000 tokens per day" in asyncio.run(run())  # alice's 900 came out of the team's 1000


class _Quiet:
    def limit_hit(self, group: str, model: str, limit: str) -> None: ...
    def spent(self, group: str, model: str, currency: str, amount: float) -> None: ...
    def limit_used(self, group: str, limit: str, ratio: float) -> None: ...
    def limit_store_failed(self, mode: str) -> None: ...
