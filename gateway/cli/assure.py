"""``aigw assure [--json] [--url URL] [--admin-url URL]``: prove now that the controls work.

Sends the assurance probes to a running gateway and checks the evidence they leave; prints
one result per control (pass, fail or skip; what was expected, what was seen, never a
planted value or any prompt text) and exits 1 if any control failed: a CI/CD step before a
policy ships. Expectations come from the policy file the settings name (the one to ship).
The run is stored (origin ``command``) in the settings' audit database unless ``--no-record``.

Credentials: ``AIGW_ASSURANCE_KEY`` (a gateway key, best issued to the user ``aigw-assurance``)
and ``AIGW_ADMIN_TOKEN`` (an admin token) from the environment; either one missing is created
for this run in the settings' key store (user and token name ``aigw-assurance``) and revoked
when the run ends. Never options: a command line is visible to every user of the host.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any

import aiohttp

from gateway.assurance.credentials import RunCredentials
from gateway.assurance.probes import Result
from gateway.assurance.runner import Target, failed, run
from gateway.cli.logs import with_store
from gateway.config.settings import Settings
from gateway.incidents.assurance_runs import AssuranceRun, ControlOutcome, RunRejected, new_run_id, record_run
from gateway.policy.policy import load_policy
from gateway.promptlog.store import PromptStore, StoreUnavailable, now_us

EXIT_FAILED = 1
_ANY_HOST = ("0.0.0.0", "::", "")  # a listener on every address is probed over loopback


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    assure = sub.add_parser("assure", parents=parents, help="probe a running gateway's controls now")
    assure.add_argument("--json", action="store_true", help="results as JSON")
    assure.add_argument("--url", help="the API listener (default: the settings' listen address)")
    assure.add_argument("--admin-url", help="the admin listener (default: the settings' admin address)")
    assure.add_argument("--wait", type=float, default=15.0, help="seconds to wait for records and incidents")
    assure.add_argument("--no-record", action="store_true", help="do not store the run in the settings' audit database")
    assure.set_defaults(run=_assure)


def listener_url(host: str, port: int) -> str:
    host = "127.0.0.1" if host in _ANY_HOST else host
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _assure(args: argparse.Namespace, settings: Settings) -> int:
    policy = load_policy(settings.policy_path)
    url = args.url or listener_url(settings.listen.host, settings.listen.port)
    admin_url = args.admin_url or listener_url(settings.admin.host, settings.admin.port)
    credentials = RunCredentials.open(settings, os.environ)
    started_us = now_us()
    try:
        target = Target(url, admin_url, credentials.key, credentials.admin_token, credentials.revoked_key)
        results = asyncio.run(run(settings, policy, target, args.wait, credentials=credentials))
    except (aiohttp.ClientError, TimeoutError) as exc:
        print(f"aigw: cannot run the probes against {url} / {admin_url}: {type(exc).__name__}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        credentials.close()
    _print(results, policy.version, args.json)
    if not args.no_record:
        outcomes = tuple(ControlOutcome.of(r) for r in results)
        evidence = AssuranceRun(new_run_id(), started_us, now_us(), "command", policy.id, policy.version, outcomes)
        _record(settings, evidence)
    return EXIT_FAILED if failed(results) else 0


def _record(settings: Settings, evidence: AssuranceRun) -> None:
    """Into the settings' audit database, beside the scheduled runs; a store this host cannot reach
    (a staging gateway's, probed from CI) is said on stderr and changes nothing else."""
    try:
        with_store(settings, lambda store: _store(store, evidence))
    except (StoreUnavailable, RunRejected, OSError) as exc:
        print(f"aigw: the run was not recorded in the audit database: {type(exc).__name__}", file=sys.stderr)
        return
    print(f"aigw: recorded as assurance run {evidence.run_id}", file=sys.stderr)


async def _store(store: PromptStore, evidence: AssuranceRun) -> int:
    await record_run(store, evidence)
    return 0


def _print(results: list[Result], policy_version: str, as_json: bool) -> None:
    if as_json:
        body = {"policy_version": policy_version, "ok": not failed(results), "results": [r.as_json() for r in results]}
        print(json.dumps(body, indent=2))
        return
    print(f"control assurance, policy {policy_version}")
    for r in results:
        print(f"{r.status.upper():<5} {r.control:<26} expected: {r.expected}\n{'':<32} seen: {r.seen}")
    counts = {s: sum(r.status == s for r in results) for s in ("pass", "fail", "skip")}
    print(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped")


__all__ = ["add_parser"]
