"""``aigw report --since --until --format html|json|md [--output FILE]``: the evidence report.

Read-only, on the database the settings name: run it where the gateway runs, or against a
PostgreSQL the fleet shares. The default period is the last 30 days.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from gateway.cli.logs import time_arg, with_store
from gateway.compliance.catalog import load_compliance
from gateway.config.settings import Settings
from gateway.policy.policy import load_policy
from gateway.promptlog.store import PromptStore
from gateway.report.gather import gather
from gateway.report.render import FORMATS, render
from gateway.time_ranges import period


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    report = sub.add_parser("report", parents=parents, help="the evidence report for auditors")
    report.add_argument("--since", type=time_arg, help="ISO time, or 30m, 24h, 7d ago (default: 30 days ago)")
    report.add_argument("--until", type=time_arg, help="ISO time, or 30m, 24h, 7d ago (default: now)")
    report.add_argument("--format", choices=FORMATS, default="html")
    report.add_argument("--output", "-o", type=Path, help="write here (mode 0600) instead of to stdout")
    report.set_defaults(run=_report)


def _report(args: argparse.Namespace, settings: Settings) -> int:
    try:
        since, until = period(args.since, args.until)
    except ValueError as exc:
        print(f"aigw: {exc}", file=sys.stderr)
        return 2
    compliance = load_compliance()
    register = load_policy(settings.policy_path).document.tool_register

    async def work(store: PromptStore) -> int:
        text = render(await gather(store, compliance, since, until, register), args.format)
        if args.output is None:
            sys.stdout.write(text)
        else:  # evidence names users: not world-readable
            fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            print(f"wrote {args.output}", file=sys.stderr)
        return 0

    return with_store(settings, work)


__all__ = ["add_parser"]
