"""What the prompt log costs: records per second per backend, and request latency with it on and off.

Part 1 (in this process, see ``loadtests.prompt_log_load``): the real ``PromptLogWriter``
with a real store, SQLite and PostgreSQL, at the metadata level and at ``full`` (about
1 KB of prompt and 1 KB of answer sealed with AES-GCM per record): records per second
from submit until in the store, and the store's count checked against what was submitted.

Part 2: gateways as their own processes on 127.0.0.1 in front of one instant mock provider
(``loadtests.mock_provider``), all at log level warning with ``tests/data/policy.yaml``:

* ``baseline``: the gateway at commit acc7346, the last one before the prompt log (its tree
  from ``git archive``, run with ``python -P`` and ``PYTHONPATH`` set to that tree);
* ``sqlite-metadata``: this tree's gateway, prompt log at the metadata level on SQLite;
* ``sqlite-full``: the same with the policy at ``prompt_log.level: full`` and a key file;
* ``pg-metadata``: metadata level on PostgreSQL, in a fresh schema dropped afterwards.

This process is the client. c=1: rounds in which every target, in an order rotated each
round, gets a block of back-to-back requests (so the writer's work for one request falls
on the next ones, as it would for a real client, while noise is shared across targets).
c=16: rounds of one burst per target, rotated likewise. Added latency = target minus
baseline at the same percentile; also the median over rounds of the per-round p50
difference. CPU per request comes from /proc (the gateway process; PostgreSQL's own work is
not in it). Afterwards each logging gateway's store must hold one record per request sent.

    python -m loadtests.bench_prompt_log            # about 2 minutes on 2 CPUs
    python -m loadtests.bench_prompt_log --quick    # about 30 seconds
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import uvloop
import yaml

from gateway.promptlog.crypto import load_keyring
from gateway.promptlog.postgres_store import PostgresPromptStore
from gateway.promptlog.record import open_text
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import PromptStore
from loadtests.bench_fleet import _url, aigw_command, child_env, create_gateway_key, gateway_settings
from loadtests.bench_load import CHAT_PATH, PROMPT, Target, burst, close_sessions, request_once, rotated
from loadtests.bench_overhead import cancel_on_sigterm
from loadtests.bench_plan import CONCURRENCY, ROOT, BenchError, progress
from loadtests.bench_processes import Service, cpu_seconds, free_ports, http_probe, stop_all
from loadtests.bench_report import machine
from loadtests.bench_stats import percentile
from loadtests.prompt_log_load import NO_KEY_ENV, PG_DSN, make_keyring, pg_schema, render_writer, writer_cases

BASELINE_COMMIT = "acc7346"
TARGET_ADDED_P50_MS = 0.3
NAMES = ("baseline", "sqlite-metadata", "sqlite-full", "pg-metadata")
QUEUE_METRIC = b"aigw_prompt_log_queue_depth"  # on /metrics only where the prompt log exists
# Records written, writes (batches) and seconds spent writing, from the writer's own metrics.
WRITE_METRICS = (
    "aigw_prompt_log_records_written_total",
    "aigw_prompt_log_write_duration_seconds_count",
    "aigw_prompt_log_write_duration_seconds_sum",
)


@dataclass(frozen=True)
class Plan:
    records: int  # part 1, per backend and level
    rounds_c1: int
    block_c1: int  # back-to-back requests per target per c=1 round
    rounds_c16: int
    burst_c16: int  # requests per target per c=16 round
    warmup: int


PLANS = {"default": Plan(50_000, 20, 100, 8, 800, 300), "quick": Plan(10_000, 6, 60, 3, 400, 100)}


@dataclass
class Phase:
    """One target's measurements at one concurrency."""

    samples: list[float] = field(default_factory=list)  # seconds
    round_p50: list[float] = field(default_factory=list)  # ms, per round
    seconds: float = 0.0  # wall time of the blocks or bursts
    cpu_s: float = 0.0
    writes: tuple[float, ...] = (0.0, 0.0, 0.0)  # WRITE_METRICS over the phase

    def p(self, q: float) -> float:
        return percentile(self.samples, q) * 1000


@dataclass
class Gateway:
    name: str
    target: Target
    store: PromptStore | None  # where its records go (None: the baseline keeps none)
    admin: str
    sent: int = 0
    phases: dict[int, Phase] = field(default_factory=dict)  # by concurrency


def baseline_tree(path: Path) -> Path:
    """The gateway as it was before the prompt log: ``git archive`` (reads the repository, changes nothing)."""
    if (path / "gateway" / "__main__.py").exists():
        return path
    progress(f"extracting commit {BASELINE_COMMIT} into {path}")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", BASELINE_COMMIT], cwd=ROOT, capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise BenchError(f"git archive {BASELINE_COMMIT} failed: {archive.stderr.decode(errors='replace')}")
    path.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(path, filter="data")
    return path


def write_configs(tmp: Path, ports: dict[str, int], schema: str) -> dict[str, Path]:
    policy = yaml.safe_load((ROOT / "tests" / "data" / "policy.yaml").read_text())
    policy["prompt_log"] = {"level": "full"}
    full_policy = tmp / "policy-full.yaml"
    full_policy.write_text(yaml.safe_dump(policy, sort_keys=False))
    make_keyring(tmp)  # tmp/log-keys.json, for sqlite-full
    configs: dict[str, Path] = {}
    for name in NAMES:
        settings: dict[str, Any] = gateway_settings(tmp, ports[name], ports[f"{name}_admin"], ports["mock"], "warning")
        if name == "baseline":  # the baseline's settings know no prompt_log section
            settings.pop("prompt_log", None)
        else:
            log: dict[str, Any] = {
                "sqlite_path": str(tmp / f"{name}.db"),
                "key_file": str(tmp / ("log-keys.json" if name == "sqlite-full" else "no-keys.json")),
                "key_env": NO_KEY_ENV,
                "spool_path": str(tmp / f"{name}.spool"),
            }
            if name == "pg-metadata":
                log.update(postgres_dsn=PG_DSN, postgres_schema=schema)
            settings["prompt_log"] = log
        if name == "sqlite-full":
            settings["policy_path"] = str(full_policy)
        configs[name] = tmp / f"{name}.yaml"
        configs[name].write_text(yaml.safe_dump(settings, sort_keys=False))
    return configs


def services(tmp: Path, ports: dict[str, int], configs: dict[str, Path]) -> list[Service]:
    mock_argv = [sys.executable, "-m", "loadtests.mock_provider", "--host", "127.0.0.1", "--no-record"]
    mock = [*mock_argv, "--port", str(ports["mock"])]
    out = [Service("mock", mock, http_probe(_url(ports, "mock") + "/v1/models"), tmp / "mock.out", tmp / "mock.err")]
    for name in NAMES:
        # -P: not the working directory's gateway package, but the one on PYTHONPATH (the baseline's tree).
        command = [sys.executable, "-P", "-m", "gateway"] if name == "baseline" else aigw_command()
        argv = [*command, "serve", "--config", str(configs[name])]
        probe = http_probe(_url(ports, f"{name}_admin") + "/readyz")
        out.append(Service(name, argv, probe, tmp / f"{name}.out", tmp / f"{name}.err"))
    return out


async def check_builds(ports: dict[str, int], baseline_logs: bool = False) -> None:
    """The baseline really is the gateway without a prompt log (unless ``--baseline-tree`` names a
    later one, to measure what came after the log), and the others really have one."""
    async with aiohttp.ClientSession(trust_env=False) as session:
        for name in NAMES:
            async with session.get(_url(ports, f"{name}_admin") + "/metrics") as resp:
                has_log = QUEUE_METRIC in await resp.read()
            if has_log != (name != "baseline" or baseline_logs):
                raise BenchError(f"{name}: prompt log metric {'present' if has_log else 'missing'} on /metrics")


async def warm_up(gateways: Sequence[Gateway], count: int) -> None:
    for gw in gateways:
        await burst(gw.target, count, CONCURRENCY, [])
        for _ in range(count):
            await request_once(gw.target)
        gw.sent += 2 * count


async def measure(gateways: Sequence[Gateway], concurrency: int, rounds: int, count: int) -> None:
    """``rounds`` rounds; in each, every gateway in turn (order rotated) gets ``count`` requests,
    ``concurrency`` in flight (1: back to back)."""
    for gw in gateways:
        gw.phases[concurrency] = Phase()
    for r in range(rounds):
        for gw in rotated_gateways(gateways, r):
            phase = gw.phases[concurrency]
            latencies: list[float] = []
            assert gw.target.service is not None
            pid = gw.target.service.pid
            cpu = cpu_seconds(pid)
            phase.seconds += await burst(gw.target, count, concurrency, latencies)
            phase.cpu_s += cpu_seconds(pid) - cpu
            phase.samples += latencies
            phase.round_p50.append(percentile(latencies, 50) * 1000)
            gw.sent += count


async def write_stats(
    gateways: Sequence[Gateway], concurrency: int = 0, before: dict[str, tuple[float, ...]] | None = None
) -> dict[str, tuple[float, ...]]:
    """The writer metrics of every logging gateway now; with ``before``, also stored as the phase's deltas."""
    now: dict[str, tuple[float, ...]] = {}
    async with aiohttp.ClientSession(trust_env=False) as session:
        for gw in gateways[1:]:
            async with session.get(gw.admin + "/metrics") as resp:
                lines = (await resp.text()).splitlines()
            values = {ln.split()[0]: float(ln.split()[1]) for ln in lines if ln.startswith(WRITE_METRICS)}
            now[gw.name] = tuple(values.get(m, 0.0) for m in WRITE_METRICS)
            if before is not None:
                gw.phases[concurrency].writes = tuple(a - b for a, b in zip(now[gw.name], before[gw.name], strict=True))
    return now


def rotated_gateways(gateways: Sequence[Gateway], by: int) -> list[Gateway]:
    order = rotated([gw.target for gw in gateways], by)
    return [next(gw for gw in gateways if gw.target is t) for t in order]


async def check_stores(gateways: Sequence[Gateway], tmp: Path) -> dict[str, int]:
    """After the gateways stopped (draining their queues): one record per request, none spooled, text sealed."""
    keyring = load_keyring(tmp / "log-keys.json", NO_KEY_ENV, {})
    counts: dict[str, int] = {}
    for gw in gateways:
        if gw.store is None:
            continue
        spool = tmp / f"{gw.name}.spool"
        if spool.exists() and spool.stat().st_size:
            raise BenchError(f"{gw.name}: records were spooled ({spool})")
        await gw.store.open()
        try:
            counts[gw.name] = await gw.store.count()
            if gw.name == "sqlite-full":
                rows = await gw.store.fetch("SELECT request_id FROM exchanges LIMIT 1")
                row = await gw.store.get(str(rows[0]["request_id"]))
                if keyring is None or row is None or open_text(row, "prompt", keyring) != PROMPT:
                    raise BenchError("sqlite-full: the stored prompt does not open to the prompt sent")
        finally:
            await gw.store.close()
        if counts[gw.name] != gw.sent:
            raise BenchError(f"{gw.name}: {gw.sent} requests sent but {counts[gw.name]} records in the store")
    return counts


async def run_gateways(tmp: Path, plan: Plan, tree: Path) -> tuple[list[Gateway], dict[str, int]]:
    names = ["mock", *NAMES, *(f"{n}_admin" for n in NAMES)]
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    env = child_env()
    async with pg_schema(PG_DSN) as schema:
        configs = write_configs(tmp, ports, schema)
        key = await create_gateway_key(configs["sqlite-metadata"], env)  # one key store, shared by all
        procs = services(tmp, ports, configs)
        stores: dict[str, PromptStore | None] = {
            "baseline": None,
            "sqlite-metadata": SqlitePromptStore(tmp / "sqlite-metadata.db"),
            "sqlite-full": SqlitePromptStore(tmp / "sqlite-full.db"),
            "pg-metadata": PostgresPromptStore(PG_DSN, schema),
        }
        gateways = [
            Gateway(
                n, Target(n, n, _url(ports, n) + CHAT_PATH, key, procs[i + 1]), stores[n], _url(ports, f"{n}_admin")
            )
            for i, n in enumerate(NAMES)
        ]
        try:
            for s in procs:
                s.start({**env, "PYTHONPATH": str(tree)} if s.name == "baseline" else env)
            async with aiohttp.ClientSession(trust_env=False) as probe_session:
                await asyncio.gather(*(s.wait_ready(probe_session) for s in procs))
            progress("started " + ", ".join(f"{s.name}={s.pid}" for s in procs))
            await check_builds(ports, baseline_logs=(tree / "gateway" / "promptlog").is_dir())
            for gw in gateways:
                gw.target.open_session()
            progress(f"warming up: {plan.warmup} requests at c=16 and {plan.warmup} at c=1 per gateway")
            await warm_up(gateways, plan.warmup)
            progress(f"c=1: {plan.rounds_c1} rounds x {plan.block_c1} back-to-back requests per gateway")
            before = await write_stats(gateways)
            await measure(gateways, 1, plan.rounds_c1, plan.block_c1)
            before = await write_stats(gateways, 1, before)
            progress(f"c={CONCURRENCY}: {plan.rounds_c16} rounds x {plan.burst_c16} requests per gateway")
            await measure(gateways, CONCURRENCY, plan.rounds_c16, plan.burst_c16)
            await write_stats(gateways, CONCURRENCY, before)
        finally:
            await close_sessions([gw.target for gw in gateways])
            stop_all(procs)
        return gateways, await check_stores(gateways, tmp)


def render_latency(gateways: Sequence[Gateway], concurrency: int, counts: dict[str, int]) -> str:
    base = gateways[0].phases[concurrency]
    rate_head = " req/s |" if concurrency > 1 else ""
    out = [
        f"| gateway | requests | p50 ms | p95 ms | added p50 | added p95 | added p50, median of rounds "
        f"| CPU µs/request |{rate_head} records per write | ms per write | records stored |",
        "|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if concurrency > 1 else "") + "---:|---:|---:|",
    ]
    for gw in gateways:
        ph = gw.phases[concurrency]
        added = [t - b for t, b in zip(ph.round_p50, base.round_p50, strict=True)]
        same = gw is gateways[0]
        cells = [
            gw.name,
            str(len(ph.samples)),
            f"{ph.p(50):.3f}",
            f"{ph.p(95):.3f}",
            "" if same else f"{ph.p(50) - base.p(50):+.3f}",
            "" if same else f"{ph.p(95) - base.p(95):+.3f}",
            "" if same else f"{percentile(added, 50):+.3f}",
            f"{ph.cpu_s / len(ph.samples) * 1e6:.0f}",
        ]
        if concurrency > 1:
            cells.append(f"{len(ph.samples) / ph.seconds:,.0f}")
        records, writes, write_s = ph.writes
        cells += [f"{records / writes:.2f}", f"{write_s / writes * 1000:.3f}"] if writes else ["", ""]
        cells.append(str(counts.get(gw.name, "-")))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def verdict(gateways: Sequence[Gateway]) -> str:
    base = gateways[0].phases[1]
    lines = [f"Target: at most {TARGET_ADDED_P50_MS} ms added at p50 (c=1):"]
    for gw in gateways[1:]:
        added = gw.phases[1].p(50) - base.p(50)
        rounds = percentile([t - b for t, b in zip(gw.phases[1].round_p50, base.round_p50, strict=True)], 50)
        met = "met" if max(added, rounds) <= TARGET_ADDED_P50_MS else "**missed**"
        lines.append(f"* {gw.name}: {added:+.3f} ms (median of rounds {rounds:+.3f} ms): {met}")
    return "\n".join(lines)


async def run(plan: Plan, tmp: Path, tree: Path, skip_writer: bool) -> str:
    cancel_on_sigterm()
    sections: list[str] = []
    if not skip_writer:
        results = await writer_cases(plan.records, tmp / "writer", PG_DSN, progress)
        sections += ["### Records per second (writer and store, in-process)", "", render_writer(results), ""]
    gw_tmp = tmp / "gateways"
    gw_tmp.mkdir()
    gateways, counts = await run_gateways(gw_tmp, plan, tree)
    for c in (1, CONCURRENCY):
        sections += [f"### Request latency, c={c} (end to end, ms)", "", render_latency(gateways, c, counts), ""]
    sections.append(verdict(gateways))
    return "\n".join(sections)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer records and requests, about 30 s")
    parser.add_argument("--records", type=int, help="part 1: records per backend and level (default 50,000)")
    parser.add_argument("--skip-writer", action="store_true", help="only the latency part")
    parser.add_argument(
        "--baseline-tree",
        type=Path,
        default=Path(tempfile.gettempdir()) / "aigw-baseline-acc7346",
        help=f"where commit {BASELINE_COMMIT}'s tree is (extracted there if missing)",
    )
    args = parser.parse_args(argv)
    plan = PLANS["quick" if args.quick else "default"]
    if args.records:
        plan = dataclasses.replace(plan, records=args.records)
    given = argv if argv is not None else sys.argv[1:]
    info = machine()
    tree = baseline_tree(args.baseline_tree.resolve())
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="aigw-bench-promptlog-") as tmp:
        try:
            body = uvloop.run(run(plan, Path(tmp), tree, args.skip_writer))
        except asyncio.CancelledError:
            progress("stopped by SIGTERM")
            return 143
    print(
        f"Run: {info['date']}, `python -m loadtests.bench_prompt_log{''.join(f' {a}' for a in given)}`, "
        f"{time.perf_counter() - started:.0f} s in all.  \nMachine: {info['cpus']} CPUs ({info['cpu']}), "
        f"{info['os']}, Python {info['python']}, aiohttp {info['aiohttp']}, uvloop {info['uvloop']}; "
        f"load average before the run {info['load']}.\n"
    )
    print(body)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench_prompt_log: {exc}", file=sys.stderr)
        sys.exit(1)
