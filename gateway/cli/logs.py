"""``aigw logs search|show|purge``, ``aigw keys rotate-log-key`` and ``aigw admin-tokens``.

They work on the store the settings name (SQLite file or PostgreSQL), so an operator
runs them where the gateway runs. ``show`` opens prompt text only with ``--text`` and
the log key, and records the read.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from collections.abc import Awaitable, Callable
from contextlib import closing
from typing import Any

from gateway.auth.admin_tokens import ROLES, AdminTokenStore
from gateway.config.settings import Settings
from gateway.logs import configure_logging
from gateway.policy.policy import load_policy
from gateway.promptlog.access import read_record, view
from gateway.promptlog.crypto import load_keyring, rotate_key_file
from gateway.promptlog.service import build_store, purge
from gateway.promptlog.store import PromptStore, SearchQuery
from gateway.time_ranges import parse_time


def add_parsers(sub: Any, keys: Any, parents: list[argparse.ArgumentParser]) -> None:
    logs = sub.add_parser("logs", help="search and read the prompt log").add_subparsers(required=True, metavar="ACTION")
    search = logs.add_parser("search", parents=parents, help="records by user, group, model, decision, type, time")
    for name in ("user", "group", "model", "decision", "entity-type"):
        search.add_argument(f"--{name}")
    search.add_argument("--source", help="where a finding was made: a part kind (tool_result) or role/kind")
    search.add_argument("--since", type=time_arg, help="ISO time, or 30m, 24h, 7d ago")
    search.add_argument("--until", type=time_arg, help="ISO time, or 30m, 24h, 7d ago")
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--json", action="store_true", help="one JSON record per line")
    search.set_defaults(run=lambda args, settings: with_store(settings, lambda store: _search(store, args)))
    show = logs.add_parser("show", parents=parents, help="one record; --text opens its text (the read is recorded)")
    show.add_argument("request_id")
    show.add_argument("--text", action="store_true", help="decrypt prompt and answer (needs the log key)")
    show.set_defaults(run=lambda args, settings: with_store(settings, lambda store: _show(store, args, settings)))
    prune = logs.add_parser("purge", parents=parents, help="delete records past their retention (not those on hold)")
    prune.add_argument("--dry-run", action="store_true", help="count only (the run is still recorded)")
    prune.set_defaults(run=lambda args, settings: with_store(settings, lambda store: _purge(store, args, settings)))

    hold = logs.add_parser("hold", parents=parents, help="keep a record past its retention (legal hold)")
    hold.add_argument("request_id")
    hold.add_argument("--reason", required=True, help="why, e.g. the incident it belongs to")
    hold.set_defaults(run=lambda args, settings: with_store(settings, lambda store: _hold(store, args)))
    release = logs.add_parser("release", parents=parents, help="end a legal hold; retention applies again")
    release.add_argument("request_id")
    release.set_defaults(run=lambda args, settings: with_store(settings, lambda store: _release(store, args)))

    rotate = keys.add_parser("rotate-log-key", parents=parents, help="add a new prompt-log key and make it current")
    rotate.set_defaults(run=_rotate)

    tokens = sub.add_parser("admin-tokens", help="tokens for the admin API").add_subparsers(
        required=True, metavar="ACTION"
    )
    create = tokens.add_parser("create", parents=parents, help="create a token and print it once")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=ROLES, help="auditor: may read text; secops: metadata only")
    create.set_defaults(run=_token_create)
    listing = tokens.add_parser("list", parents=parents, help="list tokens (never their secrets)")
    listing.set_defaults(run=_token_list)
    revoke = tokens.add_parser("revoke", parents=parents, help="revoke a token by its id")
    revoke.add_argument("token_id")
    revoke.set_defaults(run=_token_revoke)


def time_arg(text: str) -> int:
    """``type=`` of ``--since``/``--until``: argparse shows the message and exits 2."""
    try:
        return parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def with_store(settings: Settings, work: Callable[[PromptStore], Awaitable[int]]) -> int:
    # Events (e.g. a recorded text read) go to stderr, off the command's output.
    configure_logging(settings.log, "stderr", cache_loggers=False)

    async def run() -> int:
        store = build_store(settings.prompt_log, os.environ)
        await store.open()
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())


async def _search(store: PromptStore, args: argparse.Namespace) -> int:
    query = SearchQuery(
        user=args.user,
        group=args.group,
        model=args.model,
        decision=args.decision,
        entity_type=args.entity_type,
        source=args.source,
        since_us=args.since,
        until_us=args.until,
        limit=args.limit,
    )
    rows = [view(row) for row in await store.search(query)]
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return 0
    print(f"{'TIME':<29} {'REQUEST ID':<29} {'USER':<18} {'MODEL':<20} {'DECISION':<12} {'STATUS':<6} FINDINGS")
    for r in rows:
        findings = ", ".join(f"{k}={v}" for k, v in r["findings"].items()) or "-"
        line = f"{r['time']:<29} {r['request_id']:<29} {(r['user_name'] or '-')[:18]:<18} "
        print(line + f"{(r['model'] or '-')[:20]:<20} {r['decision'] or '-':<12} {r['status']:<6} {findings}")
    print(f"{len(rows)} records", file=sys.stderr)
    return 0


async def _show(store: PromptStore, args: argparse.Namespace, settings: Settings) -> int:
    conf = settings.prompt_log
    keyring = load_keyring(conf.key_file, conf.key_env, os.environ) if args.text else None
    record = await read_record(
        store, keyring, args.request_id, reader=getpass.getuser(), role="operator", via="cli", with_text=args.text
    )
    if record is None:
        print(f"aigw: no record {args.request_id}", file=sys.stderr)
        return 1
    print(json.dumps(record, indent=2))
    return 0


async def _purge(store: PromptStore, args: argparse.Namespace, settings: Settings) -> int:
    version = load_policy(settings.policy_path).version
    result = await purge(store, version, dry_run=args.dry_run)
    verb = "would delete" if result.dry_run else "deleted"
    print(f"{verb} {result.deleted} records past retention; {result.held} kept on legal hold (policy {version})")
    return 0


async def _hold(store: PromptStore, args: argparse.Namespace) -> int:
    if await store.get(args.request_id) is None:
        print(f"aigw: no record {args.request_id}", file=sys.stderr)
        return 1
    await store.hold(args.request_id, args.reason)
    print(f"{args.request_id} is on legal hold: purges keep it until it is released", file=sys.stderr)
    return 0


async def _release(store: PromptStore, args: argparse.Namespace) -> int:
    await store.release(args.request_id)
    print(f"{args.request_id} is no longer held; its retention applies again", file=sys.stderr)
    return 0


def _rotate(args: argparse.Namespace, settings: Settings) -> int:
    path = settings.prompt_log.key_file
    kid = rotate_key_file(path)
    print(
        f"new prompt-log key {kid} is current in {path}; older keys stay there to read older records. "
        "Send the gateways SIGHUP (or restart them) to seal new records with it.",
        file=sys.stderr,
    )
    return 0


def _token_create(args: argparse.Namespace, settings: Settings) -> int:
    with closing(AdminTokenStore.open(settings.store, os.environ)) as store:
        token, secret = store.create(args.name, args.role)
    print(secret)
    print(f"created admin token {token.token_id} for {token.name} ({token.role}); shown once", file=sys.stderr)
    return 0


def _token_list(args: argparse.Namespace, settings: Settings) -> int:
    with closing(AdminTokenStore.open(settings.store, os.environ)) as store:
        tokens = store.list()
    for t in tokens:
        print(f"{t.token_id:<14} {t.name:<24} {t.role:<8} {t.created_at:<26} {t.revoked_at or 'active'}")
    return 0


def _token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    with closing(AdminTokenStore.open(settings.store, os.environ)) as store:
        done = store.revoke(args.token_id)
    if not done:
        print(f"aigw: no active admin token {args.token_id}", file=sys.stderr)
    return 0 if done else 1
