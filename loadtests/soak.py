"""Sustained load on one gateway, with its prompt log watched: does it slow down, or fall off a cliff?

Starts the instant mock and one gateway (``aigw serve``; ``--policy test``: tests/data/policy.yaml, no
detection; ``--policy default``: policies/default.yaml, every detector; the prompt log on SQLite in a
temporary folder, or with ``--store postgres`` in a fresh schema of the local PostgreSQL, dropped
afterwards), then keeps ``--concurrency`` chat completions (about 400 characters of clean work text)
in flight for ``--seconds``. Every ``--every`` seconds it prints the answers per second (200 and 503
apart), the prompt log's queue depth, the records written so far and the requests that waited at
admission (from the gateway's ``/metrics``), and the CPU and resident memory of the gateway and its
detection workers. At the end: the answers by status, the largest queue depth, memory at the first and
last sample, and the store's count of records against the answers sent. Issue 18's cliff showed as the
queue reaching its size and 503s replacing 200s.

    python -m loadtests.soak                                                       # 30 s at c=32
    python -m loadtests.soak --seconds 300 --concurrency 64 --policy default       # the 5-minute soak
    python -m loadtests.soak --seconds 300 --concurrency 64 --policy default --store postgres
    python -m loadtests.soak --tree /tmp/base     # another build: its source tree (git archive), this venv
    python -m loadtests.soak --policy default --prompt secret   # every request blocked, an incident each
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import secrets
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import uvloop
import yaml

from loadtests.bench_ab import STREAM_MODEL, gateway_fleet, start_all
from loadtests.bench_fleet import aigw_command, child_env, create_gateway_key
from loadtests.bench_load import PROMPT
from loadtests.bench_plan import HOST, MODEL, ROOT
from loadtests.bench_processes import Service, stop_all, tree_cpu, tree_memory

PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"
GAUGES = {
    "queue": "aigw_prompt_log_queue_depth",
    "written": "aigw_prompt_log_records_written_total",
    "waited": "aigw_prompt_log_admission_wait_seconds_count",
    "incidents": "aigw_incident_queue_depth",
    "dropped": "aigw_incidents_dropped_total",
}
# --prompt secret: a GitHub token shape in every prompt; the default policy blocks it (403) and
# records an incident for each, so the incident recorder is under the same load as the prompt log.
SECRET = " Deploy with token ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 please."


@dataclass
class Soak:
    """What the run saw, for the summary."""

    incidents: bool = False  # every request raises one: watch the incident recorder too
    seen: Counter[str] = field(default_factory=Counter)
    max_queue: float = 0.0
    rss_mib: list[float] = field(default_factory=list)


def _sample(metrics: str, name: str) -> float:
    found = re.search(rf"^{name}(?:\{{[^}}]*\}})? (\S+)", metrics, re.M)
    return float(found.group(1)) if found else float("nan")


async def _load(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str], body: bytes, until: float, soak: Soak
) -> None:
    while time.monotonic() < until:
        async with session.post(url, data=body, headers=headers) as reply:
            await reply.read()
            soak.seen[str(reply.status)] += 1


async def _watch(gateway: Service, admin_url: str, until: float, every: float, soak: Soak) -> None:
    seen = soak.seen
    started, last, then = time.monotonic(), Counter(seen), time.monotonic()
    cpu_then = tree_cpu(gateway.pid)
    async with aiohttp.ClientSession(trust_env=False) as probe:  # its own pool: never queued behind the load
        while time.monotonic() < until:
            await asyncio.sleep(every)
            async with probe.get(admin_url + "/metrics") as reply:
                metrics = await reply.text()
            now, cpu_now = time.monotonic(), tree_cpu(gateway.pid)
            rss, _pss, processes = tree_memory(gateway.pid)
            queue = _sample(metrics, GAUGES["queue"])
            soak.max_queue, soak.rss_mib = max(soak.max_queue, queue), [*soak.rss_mib, rss]
            rates = {status: (seen[status] - last[status]) / (now - then) for status in ("200", "403", "503")}
            incidents = f"  incident queue={_sample(metrics, GAUGES['incidents']):5.0f} " if soak.incidents else ""
            incidents += f"dropped={_sample(metrics, GAUGES['dropped']):4.0f}" if soak.incidents else ""
            print(
                f"t={now - started:6.1f} s  200/s={rates['200']:6.0f}  403/s={rates['403']:6.0f}  "
                f"503/s={rates['503']:6.0f}{incidents}  "
                f"queue={queue:6.0f}  written={_sample(metrics, GAUGES['written']):8.0f}  "
                f"waited={_sample(metrics, GAUGES['waited']):6.0f}  "
                f"CPU={(cpu_now - cpu_then) / (now - then):.2f} ({processes} processes)  RSS={rss:5.0f} MiB",
                flush=True,
            )
            last, cpu_then, then = Counter(seen), cpu_now, now


def _configure(config: Path, policy: str, schema: str | None) -> str:
    """Point the gateway's settings at the chosen policy and store; the model the policy allows."""
    settings: dict[str, Any] = yaml.safe_load(config.read_text())
    model = MODEL
    if policy == "default":
        settings["policy_path"] = str(ROOT / "policies" / "default.yaml")
        settings["providers"]["openai"]["models"] = [model := STREAM_MODEL]
    if schema is not None:
        settings["prompt_log"] |= {"postgres_dsn": PG_DSN, "postgres_schema": schema}
    config.write_text(yaml.safe_dump(settings, sort_keys=False))
    return model


async def _pg(sql: str) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(PG_DSN)
    try:
        return [dict(row) for row in await conn.fetch(sql)]
    finally:
        await conn.close()


EXCHANGES = "SELECT count(*) AS n FROM {}exchanges"
# The occurrences the incidents hold (repeats fold into one incident with a count).
OCCURRENCES = {
    "sqlite": "SELECT coalesce(sum(json_extract(state, '$.count')), 0) AS n FROM incidents",
    "postgres": "SELECT coalesce(sum((state::json->>'count')::bigint), 0) AS n FROM {}incidents",
}


async def _stored(config: Path, schema: str | None, sql: str) -> int:
    if schema is not None:
        return int((await _pg(sql.format(schema + ".")))[0]["n"])
    return await asyncio.to_thread(_sqlite_count, config, sql.format(""))


def _sqlite_count(config: Path, sql: str) -> int:
    path = yaml.safe_load(config.read_text())["prompt_log"]["sqlite_path"]
    with contextlib.closing(sqlite3.connect(path)) as db:
        return int(db.execute(sql).fetchone()[0])


def gateway_command(tree: Path | None, env: dict[str, str]) -> list[str]:
    """This checkout's ``aigw``, or the gateway in another source tree run with this venv's Python."""
    if tree is None:
        return aigw_command()
    env["PYTHONPATH"] = str(tree.resolve())
    return [sys.executable, "-P", "-m", "gateway"]


@dataclass(frozen=True)
class Plan:
    seconds: float
    concurrency: int
    every: float
    policy: str
    store: str
    tree: Path | None
    prompt: str


async def run(plan: Plan) -> None:
    schema = f"aigw_soak_{secrets.token_hex(4)}" if plan.store == "postgres" else None
    if schema is not None:
        await _pg(f"CREATE SCHEMA {schema}")
    try:
        with tempfile.TemporaryDirectory(prefix="aigw-soak-") as folder:
            await _soak(Path(folder), plan, schema)
    finally:
        if schema is not None:
            await _pg(f"DROP SCHEMA {schema} CASCADE")


async def _soak(tmp: Path, plan: Plan, schema: str | None) -> None:
    seconds, concurrency, policy = plan.seconds, plan.concurrency, plan.policy
    env = child_env()
    services, configs, ports = gateway_fleet(tmp, {"gateway": gateway_command(plan.tree, env)}, stream=False)
    model = _configure(configs["gateway"], policy, schema)
    prompt = PROMPT + (SECRET if plan.prompt == "secret" else "")
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": prompt}]}).encode()
    admin_port = yaml.safe_load(configs["gateway"].read_text())["admin"]["port"]
    key = await create_gateway_key(configs["gateway"], env)
    soak = Soak(incidents=plan.prompt == "secret")
    try:
        await start_all(services, env)
        gateway = next(s for s in services if s.name == "gateway")
        url = f"http://{HOST}:{ports['gateway']}/v1/chat/completions"
        headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}
        until = time.monotonic() + seconds
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:
            load = [_load(session, url, headers, body, until, soak) for _ in range(concurrency)]
            await asyncio.gather(_watch(gateway, f"http://{HOST}:{admin_port}", until, plan.every, soak), *load)
    finally:
        stop_all(services)  # the gateway drains its queue into the store before it exits
    answers = sum(soak.seen.values())
    print(
        f"answers by status over {seconds:.0f} s at c={concurrency} ({policy} policy, {schema or 'SQLite'}): "
        f"{dict(sorted(soak.seen.items()))}; {answers / seconds:.0f}/s"
    )
    first, last = (soak.rss_mib[0], soak.rss_mib[-1]) if soak.rss_mib else (float("nan"), float("nan"))
    print(
        f"largest queue depth {soak.max_queue:.0f}; RSS first/last sample {first:.0f}/{last:.0f} MiB, "
        f"largest {max(soak.rss_mib, default=float('nan')):.0f} MiB"
    )
    print(f"records in the store: {await _stored(configs['gateway'], schema, EXCHANGES)} for {answers} answers")
    if soak.incidents:
        occurrences = await _stored(configs["gateway"], schema, OCCURRENCES["postgres" if schema else "sqlite"])
        print(f"violations the incidents hold: {occurrences} for {soak.seen['403']} blocked requests")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between samples")
    parser.add_argument("--policy", choices=("test", "default"), default="test")
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--tree", type=Path, help="run the gateway from this source tree (e.g. a git archive)")
    parser.add_argument(
        "--prompt", choices=("clean", "secret"), default="clean", help="secret: blocked, an incident each"
    )
    args = parser.parse_args(argv)
    plan = Plan(args.seconds, args.concurrency, args.every, args.policy, args.store, args.tree, args.prompt)
    uvloop.run(run(plan))


if __name__ == "__main__":
    main()
