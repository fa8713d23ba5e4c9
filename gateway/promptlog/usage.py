"""Usage and spend over a period, from the prompt log: requests, tokens and cost per user, group,
model or provider (``aigw usage``, ``GET /admin/usage``, the evidence report).

The prompt log is the record of every exchange, so it is also the ledger: tokens are the provider's
own usage figures, and each record's cost was priced from the settings' price table when the
exchange was made (a later price change does not rewrite history). A request whose model has no
price is counted in tokens and flagged as *unpriced*, never guessed. A user in several groups counts
in each of them: per-group figures can add up to more than the total. Costs in different currencies
are kept apart, never converted. Control-assurance exchanges (the ``assurance`` mark, set from
``Identity.assurance``) are not usage: they are left out.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from gateway.promptlog.record import parse_list
from gateway.promptlog.store import PromptStore

By = Literal["user", "group", "model", "provider"]
BY: tuple[str, ...] = get_args(By)
NONE = "(none)"  # no user (an unauthenticated refusal), no group, or no model
_COLUMNS: dict[str, tuple[str, ...]] = {
    "user": ("user_name",),
    "group": ("groups",),
    "model": ("provider", "model"),
    "provider": ("provider",),
}


@dataclass(frozen=True)
class UsageQuery:
    by: By
    since_us: int
    until_us: int


@dataclass
class UsageRow:
    key: str
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: dict[str, float] = field(default_factory=dict)  # currency -> amount
    unpriced: int = 0  # requests with the provider's usage but no price for their model

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, found: dict[str, Any]) -> None:
        self.requests += int(found["requests"])
        self.prompt_tokens += int(found["prompt_tokens"] or 0)
        self.completion_tokens += int(found["completion_tokens"] or 0)
        self.unpriced += int(found["unpriced"] or 0)
        if found["cost"] is not None and found["cost_currency"]:
            currency = str(found["cost_currency"])
            self.cost[currency] = self.cost.get(currency, 0.0) + float(found["cost"])

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "requests": self.requests,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
            "cost": {currency: round(amount, 6) for currency, amount in sorted(self.cost.items())},
            "unpriced_requests": self.unpriced,
        }


async def usage(store: PromptStore, query: UsageQuery) -> list[UsageRow]:
    """One row per user, group, model or provider with exchanges in [since, until): the most costly
    first, then the most tokens."""
    columns = _COLUMNS[query.by]
    sql = (
        f"SELECT {', '.join(columns)}, cost_currency, COUNT(*) AS requests, "  # noqa: S608 - constant names
        "SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens, SUM(cost) AS cost, "
        "SUM(CASE WHEN cost IS NULL AND (prompt_tokens IS NOT NULL OR completion_tokens IS NOT NULL) "
        "THEN 1 ELSE 0 END) AS unpriced "
        f"FROM exchanges WHERE ts_us >= ? AND ts_us < ? AND NOT assurance GROUP BY {', '.join(columns)}, cost_currency"
    )
    rows: dict[str, UsageRow] = {}
    for found in await store.fetch(store.dialect.sql(sql), [query.since_us, query.until_us]):
        for key in _keys(query.by, found):
            rows.setdefault(key, UsageRow(key)).add(found)
    return sorted(rows.values(), key=lambda r: (-sum(r.cost.values()), -r.total_tokens, -r.requests, r.key))


def _keys(by: str, found: dict[str, Any]) -> Iterable[str]:
    if by == "group":
        return parse_list(found["groups"]) or [NONE]
    if by == "model":
        provider, model = found["provider"], found["model"]
        return [f"{provider}/{model}" if provider and model else model or NONE]
    value = found[_COLUMNS[by][0]]
    return [str(value) if value else NONE]


def totals(rows: Sequence[UsageRow], by: str) -> UsageRow:
    """All rows together (for groups, an exchange counts once per group it was made in)."""
    total = UsageRow("total" if by != "group" else "total (per group)")
    for row in rows:
        total.requests += row.requests
        total.prompt_tokens += row.prompt_tokens
        total.completion_tokens += row.completion_tokens
        total.unpriced += row.unpriced
        for currency, amount in row.cost.items():
            total.cost[currency] = total.cost.get(currency, 0.0) + amount
    return total


def money(cost: dict[str, float]) -> str:
    return "; ".join(f"{amount:,.2f} {currency}" for currency, amount in sorted(cost.items())) or "-"


def render(rows: Sequence[UsageRow], by: str, form: Literal["table", "csv", "json"]) -> str:
    if form == "json":
        return json.dumps({"by": by, "rows": [r.as_json() for r in rows]}, indent=2)
    if form == "csv":
        return _csv(rows, by)
    return _table(rows, by)


def _csv(rows: Sequence[UsageRow], by: str) -> str:
    currencies = sorted({c for r in rows for c in r.cost})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = [by, "requests", "prompt_tokens", "completion_tokens", "total_tokens"]
    writer.writerow([*header, *(f"cost_{c}" for c in currencies), "unpriced_requests"])
    for r in rows:
        costs = [f"{r.cost[c]:.6f}" if c in r.cost else "" for c in currencies]
        writer.writerow([r.key, r.requests, r.prompt_tokens, r.completion_tokens, r.total_tokens, *costs, r.unpriced])
    return out.getvalue()


def _table(rows: Sequence[UsageRow], by: str) -> str:
    header = (by, "requests", "prompt tokens", "completion tokens", "cost", "unpriced")
    body = [
        (r.key, f"{r.requests:,}", f"{r.prompt_tokens:,}", f"{r.completion_tokens:,}", money(r.cost), f"{r.unpriced:,}")
        for r in [*rows, totals(rows, by)]
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(_aligned(line, widths)) for line in [header, *body]]
    if any(r.unpriced for r in rows):
        lines.append("unpriced: requests whose model has no price in the settings (counted in tokens only)")
    return "\n".join(lines)


def _aligned(line: Sequence[str], widths: Sequence[int]) -> list[str]:
    return [cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths, strict=True))]
