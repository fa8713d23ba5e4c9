"""The ``aigw`` command."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from gateway.auth.keystore import KeyStore
from gateway.cli import assure as assure_cli
from gateway.cli import incidents as incidents_cli
from gateway.cli import inventory as inventory_cli
from gateway.cli import logs as logs_cli
from gateway.cli import policy as policy_cli
from gateway.cli import report as report_cli
from gateway.cli import scan as scan_cli
from gateway.cli import usage as usage_cli
from gateway.config.redact import redacted
from gateway.config.settings import Settings, load_settings
from gateway.errors import ConfigError
from gateway.logs import configure_logging
from gateway.providers import resolve_credentials
from gateway.screening.pool import default_workers
from gateway.server.serve import run_loop, serve
from gateway.server.workers import Supervisor

EXIT_CONFIG = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config, os.environ)
        result: int = args.run(args, settings)
        return result
    except ConfigError as exc:
        print(f"aigw: configuration error\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    except BrokenPipeError:  # `aigw incidents list | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 0


def _parser() -> argparse.ArgumentParser:
    config = argparse.ArgumentParser(add_help=False)
    default = os.environ.get("AIGW_CONFIG")
    config.add_argument(
        "--config",
        type=Path,
        default=Path(default) if default else None,
        help="settings file (default: $AIGW_CONFIG, else the embedded defaults)",
    )
    parser = argparse.ArgumentParser(prog="aigw", description="AI-usage security gateway")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("serve", parents=[config], help="run the gateway")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="gateway processes sharing the listeners (SO_REUSEPORT); 0: one per core (default 1)",
    )
    p.set_defaults(run=_serve)

    config_actions = sub.add_parser("config", help="inspect settings").add_subparsers(required=True, metavar="ACTION")
    show = config_actions.add_parser(
        "show", parents=[config], help="print the effective settings (no secrets are in them)"
    )
    show.set_defaults(run=_config_show)

    scan_cli.add_parser(sub, [config])
    policy_cli.add_parser(sub, [config])

    keys = sub.add_parser("keys", help="manage per-employee gateway keys").add_subparsers(
        required=True, metavar="ACTION"
    )
    create = keys.add_parser("create", parents=[config], help="create a key and print it once")
    create.add_argument("--user", required=True)
    create.add_argument("--group", action="append", default=[], help="repeat for several groups")
    create.set_defaults(run=_keys_create)
    listing = keys.add_parser("list", parents=[config], help="list keys (never their secrets)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=_keys_list)
    revoke = keys.add_parser("revoke", parents=[config], help="revoke a key by its id")
    revoke.add_argument("key_id")
    revoke.set_defaults(run=_keys_revoke)
    logs_cli.add_parsers(sub, keys, [config])
    incidents_cli.add_parsers(sub, [config])
    report_cli.add_parser(sub, [config])
    usage_cli.add_parser(sub, [config])
    inventory_cli.add_parser(sub, [config])
    assure_cli.add_parser(sub, [config])
    return parser


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    configure_logging(settings.log)
    workers = default_workers() if args.workers == 0 else args.workers
    if workers < 0:
        print("aigw: --workers must be 0 (one per core) or more", file=sys.stderr)
        return EXIT_CONFIG
    if workers > 1:
        return Supervisor(settings, workers).run()
    credentials = resolve_credentials(settings, os.environ)
    run_loop(serve(settings, credentials))
    return 0


def _config_show(args: argparse.Namespace, settings: Settings) -> int:
    shown = redacted(settings.model_dump(mode="json"))  # a URL's password is never printed
    print(yaml.safe_dump(shown, sort_keys=False), end="")
    return 0


def _keys_create(args: argparse.Namespace, settings: Settings) -> int:
    if not args.user.strip():
        print("aigw: --user must not be empty", file=sys.stderr)
        return EXIT_CONFIG
    store = KeyStore.open(settings.store, os.environ)
    try:
        record, key = store.create(args.user.strip(), tuple(dict.fromkeys(g.strip() for g in args.group if g.strip())))
    finally:
        store.close()
    print(key)
    groups = ", ".join(record.groups) or "(none: the policy's default group applies)"
    print(
        f"created key {record.key_id} for {record.user}, groups: {groups}. It is shown only this once.", file=sys.stderr
    )
    return 0


def _keys_list(args: argparse.Namespace, settings: Settings) -> int:
    store = KeyStore.open(settings.store, os.environ)
    try:
        records = store.list()
    finally:
        store.close()
    if args.json:
        rows = [
            {"key_id": r.key_id, "user": r.user, "groups": list(r.groups), "created_at": r.created_at}
            | {"revoked_at": r.revoked_at}
            for r in records
        ]
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'KEY ID':<14} {'USER':<24} {'GROUPS':<30} {'CREATED':<26} STATUS")
    for r in records:
        status = f"revoked {r.revoked_at}" if r.revoked_at else "active"
        print(f"{r.key_id:<14} {r.user:<24} {','.join(r.groups):<30} {r.created_at:<26} {status}")
    return 0


def _keys_revoke(args: argparse.Namespace, settings: Settings) -> int:
    store = KeyStore.open(settings.store, os.environ)
    try:
        revoked = store.revoke(args.key_id)
    finally:
        store.close()
    if not revoked:
        print(f"aigw: no active key with id {args.key_id}", file=sys.stderr)
        return 1
    print(f"revoked key {args.key_id}; running gateways stop accepting it within seconds", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
