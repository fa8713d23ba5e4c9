"""``aigw usage --by user|group|model|provider [--since 30d] [--until] [--format table|csv|json]``.

Requests, tokens and spend per user, group, model or provider, from the prompt log the settings
name (``gateway.promptlog.usage``): run it where the gateway runs, or against the PostgreSQL a fleet
shares. The default period is the last 30 days. Requests to a model without a price are counted in
tokens and shown as *unpriced*.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gateway.cli.logs import time_arg, with_store
from gateway.config.settings import Settings
from gateway.promptlog.store import PromptStore
from gateway.promptlog.usage import BY, UsageQuery, render, usage
from gateway.time_ranges import period

FORMATS = ("table", "csv", "json")


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("usage", parents=parents, help="requests, tokens and spend per user, group, model or provider")
    p.add_argument("--by", choices=BY, default="user")
    p.add_argument("--since", type=time_arg, help="ISO time, or 30m, 24h, 7d ago (default: 30 days ago)")
    p.add_argument("--until", type=time_arg, help="ISO time, or 30m, 24h, 7d ago (default: now)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(run=_usage)


def _usage(args: argparse.Namespace, settings: Settings) -> int:
    try:
        since, until = period(args.since, args.until)
    except ValueError as exc:
        print(f"aigw: {exc}", file=sys.stderr)
        return 2

    async def work(store: PromptStore) -> int:
        rows = await usage(store, UsageQuery(args.by, since, until))
        print(render(rows, args.by, args.format))
        return 0

    return with_store(settings, work)


__all__ = ["add_parser"]
