"""The policy's limits: requests, tokens and spend per group, user or gateway key.

A rule names one principal (``group``, ``user`` or ``key``), optionally a ``models`` pattern
(``provider/glob``), and one or more limits. For each limit (and each model scope) the most
specific rule that sets it wins: a key's rule over a user's over a group's. A user in several
groups whose rules set the same limit gets the most generous of them (``limits.groups_combine:
most_generous``, the default: membership of another group never takes an allowance away), or the
most restrictive (``most_restrictive``). That choice is among a person's own limits only: a
group's shared budget (``shared: true``) always applies to every member's request, on top.

A rule without ``models`` counts every request; one with ``models`` counts only the requests to
those models, on its own counter, on top of the rules without: a group may have 100 a day in all
and 20 of it on the largest model. A group's limit is each member's own (``shared: false``) or
one budget for the whole group together (``shared: true``).

Counters are named after what they count (the user, key or group, the model scope, the limit),
not after the rule, so a reload that changes a limit keeps what was used so far.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gateway.config.yamlconfig import LocatedError
from gateway.model_names import glob_regex

SPEND_UNITS = 1_000_000  # spend is counted in millionths of the currency: integers, exact, atomic in Redis
LIMIT_CACHE_SIZE = 4096  # (key, user, groups, provider, model) -> limits; bounded as model names come from callers


class Metric(enum.StrEnum):
    REQUESTS_PER_MINUTE = "requests_per_minute"
    TOKENS_PER_MINUTE = "tokens_per_minute"
    TOKENS_PER_DAY = "tokens_per_day"
    SPEND_PER_DAY = "spend_per_day"
    SPEND_PER_MONTH = "spend_per_month"

    @property
    def window(self) -> Literal["minute", "day", "month"]:
        return "minute" if self.value.endswith("minute") else "day" if self.value.endswith("day") else "month"

    @property
    def kind(self) -> Literal["requests", "tokens", "spend"]:
        return "requests" if self.value.startswith("requests") else "tokens" if "tokens" in self.value else "spend"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LimitRule(_Strict):
    group: str | None = None
    user: str | None = Field(default=None, min_length=1)
    key: str | None = Field(default=None, min_length=1)  # a gateway key's id (`aigw keys list`)
    models: str | None = None  # "provider/glob": this rule counts only requests to these models
    shared: bool = False  # group rules: one budget for the whole group (else each member's own)
    tokens: Literal["total", "prompt", "completion"] = "total"  # which tokens its token limits count
    description: str = ""
    requests_per_minute: int | None = Field(default=None, gt=0)
    tokens_per_minute: int | None = Field(default=None, gt=0)  # prompt and completion together, or as `tokens` says
    tokens_per_day: int | None = Field(default=None, gt=0)
    spend_per_day: Decimal | None = Field(default=None, gt=0, le=10**9)  # in limits.currency
    spend_per_month: Decimal | None = Field(default=None, gt=0, le=10**9)

    @model_validator(mode="after")
    def _check(self) -> LimitRule:
        named = [name for name in ("group", "user", "key") if getattr(self, name) is not None]
        if len(named) != 1:
            raise LocatedError("a limit rule names exactly one of group, user or key", *(named[1:2] or ["group"]))
        if self.shared and self.group is None:
            raise LocatedError("shared applies to group rules only (a user's or key's limit is its own)", "shared")
        if not self.values():
            raise LocatedError(f"a limit rule sets at least one of: {', '.join(Metric)}", named[0])
        if self.models is not None:
            provider, slash, glob = self.models.partition("/")
            if not slash or not provider or not glob:
                raise LocatedError("models is 'provider/glob', e.g. 'openai/gpt-6-*'", "models")
        return self

    def values(self) -> dict[Metric, int | Decimal]:
        return {m: v for m in Metric if (v := getattr(self, m.value)) is not None}

    @property
    def principal(self) -> tuple[Literal["key", "user", "group"], str]:
        if self.key is not None:
            return "key", self.key
        if self.user is not None:
            return "user", self.user
        return "group", self.group or ""


class LimitsPolicy(_Strict):
    rules: tuple[LimitRule, ...] = ()
    groups_combine: Literal["most_generous", "most_restrictive"] = "most_generous"
    # When the shared counter store (settings store.redis_url) cannot be reached: fail_closed refuses
    # requests that have limits (503); fail_open counts in each replica alone meanwhile (logged, metric, incident).
    on_store_failure: Literal["fail_open", "fail_closed"] = "fail_closed"
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")  # spend limits' currency (the price table's)


def limit_label(rule: LimitRule, metric: Metric) -> str:
    """What one limit of a rule limits: "group eng", "user alice on openai/gpt-6-*", "group eng (shared)",
    "group eng (prompt tokens)". Two rules with the same label for the same metric are one limit set twice."""
    kind, name = rule.principal
    label = f"{kind} {name}" + (f" on {rule.models}" if rule.models else "") + (" (shared)" if rule.shared else "")
    return label + (f" ({rule.tokens} tokens)" if metric.kind == "tokens" and rule.tokens != "total" else "")


def check_limits(limits: LimitsPolicy, groups: Mapping[str, object]) -> None:
    seen: dict[tuple[str, Metric], int] = {}
    for index, rule in enumerate(limits.rules):
        if rule.group is not None and rule.group not in groups:
            message = f"group {rule.group!r} is not one of the groups defined ({', '.join(groups)})"
            raise LocatedError(message, "limits", "rules", index, "group")
        for metric in rule.values():
            key = (limit_label(rule, metric), metric)
            if key in seen:  # only one of them would apply, and a diff could not tell which changed
                message = f"limits.rules[{seen[key]}] already sets {metric.value} for {key[0]}: set it once"
                raise LocatedError(message, "limits", "rules", index, metric.value)
            seen[key] = index


@dataclass(frozen=True, slots=True)
class AppliedLimit:
    """One limit on one request: what it counts (``counter``), how much is allowed, and where it came from."""

    metric: Metric
    limit: int  # requests, tokens, or millionths of the currency
    counter: str  # "<subject>|<scope>|<metric>", e.g. "user:alice|*|tokens_per_day"
    rule: str  # "limits.rules[3]"
    group: str | None  # the policy group whose rule it is (a metric label); None: a user's or key's rule
    scope: str  # "*" or the rule's "provider/glob"
    tokens: str = "total"  # token limits: which tokens they count (total, prompt, completion)

    @property
    def shown_limit(self) -> str:
        """The limit as the policy wrote it (spend in currency units)."""
        if self.metric.kind == "spend":
            return str((Decimal(self.limit) / SPEND_UNITS).normalize())
        return str(self.limit)


_LEVEL = {"group": 1, "user": 2, "key": 3}


@dataclass(frozen=True, slots=True)
class _Compiled:
    index: int
    rule: LimitRule
    provider: str | None
    pattern: re.Pattern[str] | None  # a compiled glob over the model


class Limits:
    """A policy's limit rules, compiled; ``applicable`` answers for one request (cached)."""

    def __init__(self, policy: LimitsPolicy) -> None:
        self.policy = policy
        self._rules: list[_Compiled] = []
        for index, rule in enumerate(policy.rules):
            provider, _, glob = (rule.models or "").partition("/")
            pattern = glob_regex(glob) if rule.models else None
            self._rules.append(_Compiled(index, rule, provider or None, pattern))
        self._applicable = functools.lru_cache(maxsize=LIMIT_CACHE_SIZE)(self._uncached)

    def __bool__(self) -> bool:
        return bool(self._rules)

    def applicable(
        self, key_id: str | None, user: str, groups: Iterable[str], provider: str, model: str
    ) -> tuple[AppliedLimit, ...]:
        return self._applicable(key_id, user, tuple(groups), provider, model)

    def _uncached(
        self, key_id: str | None, user: str, groups: tuple[str, ...], provider: str, model: str
    ) -> tuple[AppliedLimit, ...]:
        generous = self.policy.groups_combine == "most_generous"
        # Per person: (metric, scope, tokens counted) -> (level, limit, rule). A group's shared budget
        # is the group's, not a person's: every one of the caller's groups applies, always, on its own
        # counter (a member's own limit, or a user's, does not replace it).
        chosen: dict[tuple[Metric, str, str], tuple[int, int, _Compiled]] = {}
        budgets: list[tuple[Metric, str, int, _Compiled]] = []
        for compiled in self._rules:
            rule = compiled.rule
            kind, name = rule.principal
            if not _names(kind, name, key_id, user, groups) or not _matches(compiled, provider, model):
                continue
            level, scope = _LEVEL[kind], rule.models or "*"
            for metric, value in rule.values().items():
                units = int(value * SPEND_UNITS) if metric.kind == "spend" else int(value)
                if rule.shared:
                    budgets.append((metric, scope, units, compiled))
                    continue
                slot = (metric, scope, rule.tokens if metric.kind == "tokens" else "total")
                held = chosen.get(slot)
                better = (
                    held is None
                    or level > held[0]
                    or (level == held[0] == 1 and (units > held[1] if generous else units < held[1]))
                )
                if better:
                    chosen[slot] = (level, units, compiled)
        out = []
        picked = [(metric, scope, units, compiled) for (metric, scope, _), (_, units, compiled) in chosen.items()]
        for metric, scope, units, compiled in picked + budgets:
            rule = compiled.rule
            kind, name = rule.principal
            subject = f"key:{key_id}" if kind == "key" else f"group:{name}" if rule.shared else f"user:{user}"
            group = name if kind == "group" else None
            counted = rule.tokens if metric.kind == "tokens" else "total"
            counter = f"{subject}|{scope}|{metric.value}" + ("" if counted == "total" else f":{counted}")
            rule_name = f"limits.rules[{compiled.index}]"
            out.append(AppliedLimit(metric, units, counter, rule_name, group, scope, counted))
        return tuple(out)


def _names(kind: str, name: str, key_id: str | None, user: str, groups: tuple[str, ...]) -> bool:
    if kind == "key":
        return key_id == name
    if kind == "user":
        return user == name
    return name in groups


def _matches(compiled: _Compiled, provider: str, model: str) -> bool:
    if compiled.provider is None:
        return True
    pattern = compiled.pattern
    return compiled.provider == provider and pattern is not None and bool(pattern.match(model))
