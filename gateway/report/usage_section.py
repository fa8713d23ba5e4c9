"""The evidence report's usage and spend: what the period's AI use was, per group and per model.

An auditor reads it next to the incidents (how much use the violations came out of) and the
supplier side of the policy (which tools the money went to). Figures come from the prompt log
(``gateway.promptlog.usage``); the same numbers as ``aigw usage``.
"""

from __future__ import annotations

from typing import cast

from gateway.promptlog.store import PromptStore
from gateway.promptlog.usage import UsageQuery, UsageRow, money, totals, usage
from gateway.report.blocks import Block, Cell, Mark, Para, Table
from gateway.report.model import EvidenceReport, UsageLine, UsageSection

MAX_ROWS = 25  # per table; the rest are summed into one "other" row


async def gather_usage(store: PromptStore, since_us: int, until_us: int) -> UsageSection:
    by_model = await usage(store, UsageQuery("model", since_us, until_us))
    by_group = await usage(store, UsageQuery("group", since_us, until_us))
    return {
        "total": _line(totals(by_model, "model")),
        "by_group": [_line(r) for r in _top(by_group, "group")],
        "by_model": [_line(r) for r in _top(by_model, "model")],
    }


def _top(rows: list[UsageRow], by: str) -> list[UsageRow]:
    if len(rows) <= MAX_ROWS:
        return rows
    rest = totals(rows[MAX_ROWS - 1 :], by)
    rest.key = f"{len(rows) - MAX_ROWS + 1} others"
    return [*rows[: MAX_ROWS - 1], rest]


def _line(row: UsageRow) -> UsageLine:
    return cast(UsageLine, row.as_json())


def _row(line: UsageLine) -> list[Cell]:
    unpriced: Cell = Mark(f"{line['unpriced_requests']:,}", "warn") if line["unpriced_requests"] else 0
    return [
        line["key"],
        line["requests"],
        line["prompt_tokens"],
        line["completion_tokens"],
        money(line["cost"]),
        unpriced,
    ]


def usage_blocks(report: EvidenceReport) -> list[Block]:
    section = report["usage"]
    headers = ("", "Requests", "Prompt tokens", "Completion tokens", "Cost", "Unpriced requests")
    total = section["total"]
    blocks: list[Block] = [
        Para(
            (
                f"{total['requests']:,} requests, {total['total_tokens']:,} tokens, cost {money(total['cost'])}. "
                "Costs were priced from the settings' price table when each exchange was made; unpriced requests "
                "went to a model without a price and are counted in tokens only. A user in several groups "
                "counts in each.",
            )
        ),
        Table(("Group", *headers[1:]), [_row(line) for line in section["by_group"]] or [["-", 0, 0, 0, "-", 0]]),
        Table(("Model", *headers[1:]), [_row(line) for line in section["by_model"]] or [["-", 0, 0, 0, "-", 0]]),
    ]
    return blocks
