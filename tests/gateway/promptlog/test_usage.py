"""Usage and spend from the prompt log, on both backends: per user, group, model and provider over a
period; costs kept per currency; requests without a price counted in tokens and flagged."""

from __future__ import annotations

import csv
import io
import json

from gateway.policy.schema import LogLevel
from gateway.promptlog.record import LogRecord
from gateway.promptlog.store import PromptStore, now_us
from gateway.promptlog.usage import NONE, UsageQuery, render, totals, usage

DAY_US = 86_400 * 1_000_000


def exchange(n: int, user: str | None, groups: tuple[str, ...], model: str, **changes: object) -> LogRecord:
    fields: dict[str, object] = {
        "request_id": f"req_{n}",
        "ts_us": now_us() - DAY_US,
        "status": 200,
        "outcome": "ok",
        "level": LogLevel.METADATA,
        "expires_us": now_us() + 30 * DAY_US,
        "user": user,
        "groups": groups,
        "provider": "openai",
        "model": model,
        "prompt_tokens": 100,
        "completion_tokens": 10,
        "cost": 0.5,
        "cost_currency": "USD",
    }
    fields.update(changes)
    return LogRecord(**fields)  # type: ignore[arg-type]


async def fill(store: PromptStore) -> None:
    records = [
        exchange(1, "alice", ("engineering", "eu"), "gpt-6-sol"),
        exchange(2, "alice", ("engineering", "eu"), "gpt-6-sol", prompt_tokens=300, cost=1.25),
        exchange(3, "bob", ("sales",), "gpt-6-mini", cost=0.02),
        # a model without a price: tokens counted, no cost, flagged
        exchange(4, "bob", ("sales",), "local-llama", provider="ollama", cost=None, cost_currency=None),
        # a refusal: no usage, no cost, and not "unpriced"
        exchange(5, "carol", (), "gpt-6-sol", status=403, prompt_tokens=None, completion_tokens=None, cost=None),
        exchange(6, "dave", ("eu",), "claude-opus-9", provider="anthropic", cost=2.0, cost_currency="EUR"),
        exchange(7, "alice", ("engineering",), "gpt-6-sol", ts_us=now_us() - 40 * DAY_US),  # outside the period
    ]
    await store.write([r.seal(None) for r in records])


def last_30_days(by: str) -> UsageQuery:
    return UsageQuery(by, now_us() - 30 * DAY_US, now_us())  # type: ignore[arg-type]


async def test_usage_per_user_sums_the_period_only(store: PromptStore) -> None:
    await fill(store)
    rows = {r.key: r for r in await usage(store, last_30_days("user"))}
    assert set(rows) == {"alice", "bob", "carol", "dave"}  # req_7 is 40 days old
    alice = rows["alice"]
    assert (alice.requests, alice.prompt_tokens, alice.completion_tokens) == (2, 400, 20)
    assert alice.cost == {"USD": 1.75}
    assert (rows["bob"].cost, rows["bob"].unpriced) == ({"USD": 0.02}, 1)
    assert (rows["carol"].requests, rows["carol"].total_tokens, rows["carol"].unpriced, rows["carol"].cost) == (
        1,
        0,
        0,
        {},
    )
    assert rows["dave"].cost == {"EUR": 2.0}  # never converted, never added to dollars


async def test_usage_per_group_counts_a_user_in_each_of_their_groups(store: PromptStore) -> None:
    await fill(store)
    rows = {r.key: r for r in await usage(store, last_30_days("group"))}
    assert set(rows) == {"engineering", "eu", "sales", NONE}
    assert rows["engineering"].requests == 2
    assert rows["eu"].requests == 3  # alice's two and dave's
    assert rows["eu"].cost == {"USD": 1.75, "EUR": 2.0}
    assert rows[NONE].requests == 1  # carol has no group


async def test_usage_per_model_and_provider_most_costly_first(store: PromptStore) -> None:
    await fill(store)
    by_model = await usage(store, last_30_days("model"))
    assert [r.key for r in by_model] == [
        "anthropic/claude-opus-9",
        "openai/gpt-6-sol",
        "openai/gpt-6-mini",
        "ollama/local-llama",
    ]
    assert by_model[-1].unpriced == 1
    total = totals(by_model, "model")
    assert (total.requests, total.prompt_tokens, total.unpriced) == (6, 700, 1)
    providers = {r.key: r.requests for r in await usage(store, last_30_days("provider"))}
    assert providers == {"openai": 4, "ollama": 1, "anthropic": 1}


async def test_the_formats_carry_the_same_figures(store: PromptStore) -> None:
    await fill(store)
    rows = await usage(store, last_30_days("user"))
    as_json = json.loads(render(rows, "user", "json"))
    assert as_json["by"] == "user"
    assert as_json["rows"][0] == {
        "key": "dave",
        "requests": 1,
        "prompt_tokens": 100,
        "completion_tokens": 10,
        "total_tokens": 110,
        "cost": {"EUR": 2.0},
        "unpriced_requests": 0,
    }
    table = list(csv.DictReader(io.StringIO(render(rows, "user", "csv"))))
    assert [r["user"] for r in table] == ["dave", "alice", "bob", "carol"]
    assert (table[1]["cost_USD"], table[1]["cost_EUR"], table[2]["unpriced_requests"]) == ("1.750000", "", "1")
    text = render(rows, "user", "table")
    assert "1.75 USD" in text
    assert "2.00 EUR" in text
    assert text.splitlines()[-2].startswith("total")
    assert "unpriced" in text.splitlines()[-1]


async def test_no_exchange_is_an_empty_usage(store: PromptStore) -> None:
    assert await usage(store, last_30_days("group")) == []
    assert json.loads(render([], "group", "json"))["rows"] == []


async def test_assurance_records_are_not_usage(store: PromptStore) -> None:
    """Probes of ``aigw assure`` are left out by their mark, not their user name: a staff record of the same
    user (an SSO identity claiming it) is usage; a marked one of any user, in any group, is not."""
    await fill(store)
    probes = [
        exchange(10, "aigw-assurance", ("aigw-assurance",), "gpt-6-sol", auth="key", assurance=True, cost=9.0),
        exchange(11, "aigw-assurance", ("engineering",), "gpt-6-sol", auth="key", assurance=True, cost=9.0),
        exchange(12, "aigw-assurance", ("sales",), "gpt-6-mini", auth="trusted_header", cost=0.25),
    ]
    await store.write([r.seal(None) for r in probes])
    by_user = {r.key: r for r in await usage(store, last_30_days("user"))}
    assert (by_user["aigw-assurance"].requests, by_user["aigw-assurance"].cost) == (1, {"USD": 0.25})
    assert by_user["alice"].cost == {"USD": 1.75}  # as before the probes
    by_group = {r.key: r for r in await usage(store, last_30_days("group"))}
    assert "aigw-assurance" not in by_group
    assert by_group["engineering"].requests == 2
    by_model = {r.key: r for r in await usage(store, last_30_days("model"))}
    assert by_model["openai/gpt-6-sol"].cost == {"USD": 1.75}
