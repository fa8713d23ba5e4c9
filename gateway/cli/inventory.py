"""``aigw inventory [--since 90d] [--until] [--format table|md|csv|json]``: the live AI inventory.

The AI tool register of the policy the settings name, each entry with its status and review date
and what the prompt log and the incident log show of it; the tools used that the register does not
cover; and the shadow demand, models asked for that are not approved (``gateway.report.inventory``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from gateway.cli.logs import time_arg, with_store
from gateway.config.settings import Settings
from gateway.policy.policy import load_policy
from gateway.promptlog.store import PromptStore
from gateway.report.inventory import inventory
from gateway.report.inventory_render import FORMS, render
from gateway.time_ranges import INVENTORY_DAYS, period


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("inventory", parents=parents, help="the AI tool register with what the gateway saw of each tool")
    p.add_argument("--since", type=time_arg, help="ISO time, or 30m, 24h, 7d ago (default: 90 days ago)")
    p.add_argument("--until", type=time_arg, help="ISO time, or 30m, 24h, 7d ago (default: now)")
    p.add_argument("--format", choices=FORMS, default="table")
    p.set_defaults(run=_inventory)


def _inventory(args: argparse.Namespace, settings: Settings) -> int:
    try:
        since, until = period(args.since, args.until, INVENTORY_DAYS)
    except ValueError as exc:
        print(f"aigw: {exc}", file=sys.stderr)
        return 2
    register = load_policy(settings.policy_path).document.tool_register

    async def work(store: PromptStore) -> int:
        found = await inventory(store, register, since, until, datetime.now(UTC).date())
        print(render(found, args.format), end="" if args.format in ("csv", "md") else "\n")
        return 0

    return with_store(settings, work)


__all__ = ["add_parser"]
