"""``aigw incidents list|show|ack|resolve|false-positive|verify|export``.

They work on the database the settings name (the prompt store), so the security team
runs them where the gateway runs. Status changes are appended to the hash chain with
who made them; ``verify`` exits 1 when the chain shows tampering.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any

from gateway.cli.logs import time_arg, with_store
from gateway.config.settings import Settings
from gateway.incidents.export import FORMATS, iso_time, render, to_jsonl
from gateway.incidents.store import IncidentQuery, IncidentStore, WorkflowError
from gateway.policy.violations import Severity, Violation
from gateway.promptlog.crypto import load_keyring

STATUSES = ("open", "acknowledged", "resolved", "false_positive")


def add_parsers(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    incidents = sub.add_parser("incidents", help="work the incident log").add_subparsers(
        required=True, metavar="ACTION"
    )
    listing = incidents.add_parser("list", parents=parents, help="incidents, newest first")
    _filters(listing)
    listing.add_argument("--json", action="store_true", help="one JSON incident per line")
    listing.set_defaults(run=_on_store(_list))
    show = incidents.add_parser("show", parents=parents, help="one incident with its controls and workflow")
    show.add_argument("incident_id")
    show.set_defaults(run=_on_store(_show))
    for name, status, what in (
        ("ack", "acknowledged", "acknowledge: someone is on it"),
        ("resolve", "resolved", "resolve, with a note on what was done"),
        ("false-positive", "false_positive", "close as a false positive"),
    ):
        change = incidents.add_parser(name, parents=parents, help=what)
        change.add_argument("incident_id")
        change.add_argument("--note", default="")
        change.add_argument("--by", default=None, help="who (default: the login name)")
        change.set_defaults(run=_on_store(_transition), status=status)
    verify = incidents.add_parser("verify", parents=parents, help="check the hash chain; exit 1 on tampering")
    verify.set_defaults(run=_on_store(_verify))
    export = incidents.add_parser("export", parents=parents, help="incidents as JSONL or CSV on stdout")
    _filters(export)
    export.add_argument("--format", choices=FORMATS, default="jsonl")
    export.set_defaults(run=_on_store(_export))
    find = incidents.add_parser(
        "find-value",
        parents=parents,
        help="incidents whose evidence hashes match a value read from stdin (needs the log key)",
    )
    _filters(find)
    find.set_defaults(run=_find_value)


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--status", choices=STATUSES)
    parser.add_argument("--type", choices=[v.value for v in Violation])
    parser.add_argument("--severity", choices=[s.value for s in Severity])
    parser.add_argument("--user", help="the actor (user, or source address)")
    parser.add_argument("--since", type=time_arg, help="ISO time, or 30m, 24h, 7d ago")
    parser.add_argument("--until", type=time_arg, help="ISO time, or 30m, 24h, 7d ago")
    parser.add_argument("--limit", type=int, default=1000)


def _on_store(work: Any) -> Any:
    def run(args: argparse.Namespace, settings: Settings) -> int:
        return with_store(settings, lambda store: work(IncidentStore(store), args))

    return run


def _query(args: argparse.Namespace) -> IncidentQuery:
    return IncidentQuery(
        status=args.status,
        type=args.type,
        severity=args.severity,
        actor=args.user,
        since_us=args.since,
        until_us=args.until,
        limit=args.limit,
    )


async def _list(incidents: IncidentStore, args: argparse.Namespace) -> int:
    found = await incidents.search(_query(args))
    if args.json:  # the export's JSONL
        sys.stdout.write(to_jsonl(found))
        return 0
    print(f"{'OPENED':<26} {'ID':<21} {'SEVERITY':<9} {'STATUS':<15} {'COUNT':>5}  {'TYPE':<32} ACTOR")
    for i in found:
        actor = i["actor"].get("user") or i["actor"].get("source") or "-"
        opened = iso_time(i["opened_us"])
        print(
            f"{opened:<26} {i['id']:<21} {i['severity']:<9} {i['status']:<15} {i['count']:>5}  {i['type']:<32} {actor}"
        )
    return 0


async def _show(incidents: IncidentStore, args: argparse.Namespace) -> int:
    incident = await incidents.get(args.incident_id)
    if incident is None:
        print(f"aigw: no incident {args.incident_id}", file=sys.stderr)
        return 1
    print(json.dumps(incident, indent=2))
    return 0


async def _transition(incidents: IncidentStore, args: argparse.Namespace) -> int:
    try:
        state = await incidents.transition(args.incident_id, args.status, args.by or getpass.getuser(), args.note)
    except WorkflowError as exc:
        print(f"aigw: {exc}", file=sys.stderr)
        return 1
    print(f"{state['id']} is {state['status']}")
    return 0


async def _verify(incidents: IncidentStore, args: argparse.Namespace) -> int:
    result = await incidents.verify()
    for problem in result.problems:
        print(f"TAMPERED: {problem}")
    verdict = "intact" if result.ok else f"{len(result.problems)} problem(s)"
    print(f"hash chain: {result.events} events, {result.incidents} incidents: {verdict}")
    return 0 if result.ok else 1


async def _export(incidents: IncidentStore, args: argparse.Namespace) -> int:
    sys.stdout.write(render(await incidents.search(_query(args)), args.format))
    return 0


def _find_value(args: argparse.Namespace, settings: Settings) -> int:
    """The value comes on stdin, never as an argument: arguments end up in shell history and ``ps``."""
    conf = settings.prompt_log
    keyring = load_keyring(conf.key_file, conf.key_env, os.environ)
    if keyring is None:
        print(f"aigw: no log key ({conf.key_file} or {conf.key_env}): cannot check evidence hashes", file=sys.stderr)
        return 2
    value = sys.stdin.read().strip()
    if not value:
        print('aigw: give the value on stdin: read -s V; printf %s "$V" | aigw incidents find-value', file=sys.stderr)
        return 2
    hashes = {kid: keyring.keyed_hash_under(kid, value) for kid in keyring.key_ids}

    async def find(incidents: IncidentStore) -> int:
        matches = [(i, _matching_types(i, hashes)) for i in await incidents.search(_query(args))]
        found = [(i, types) for i, types in matches if types]
        for incident, types in found:
            print(f"{incident['id']}  {incident['type']}  {iso_time(incident['opened_us'])}  {','.join(types)}")
        print(f"{len(found)} incident(s) hold this value's hash", file=sys.stderr)
        return 0 if found else 1

    return with_store(settings, lambda store: find(IncidentStore(store)))


def _matching_types(incident: dict[str, Any], hashes: dict[str, str]) -> list[str]:
    """The entity types under which the incident's evidence holds the value's hash (under its key)."""
    evidence = incident.get("evidence") or {}
    digest = hashes.get(evidence.get("key_id") or "")
    return [t for t, hs in (evidence.get("value_hashes") or {}).items() if digest in hs]


__all__ = ["STATUSES", "add_parsers"]
