"""Issue 21: what control assurance costs -- one run's time and gateway CPU, and what probing
does to the latency of users' requests served at the same time.

Starts ``aigw serve`` on 127.0.0.1 with the shipped default policy and the echo provider, and a
user key; alternately with the schedule off and with ``assurance.interval_s: 1`` (runs back to
back: the worst case; the default is one run an hour), restarted between the two. Then:

* idle, with the schedule on: the runs finished (``aigw_control_assurance_results_total``) and the
  CPU the gateway's processes (the gateway and its detection workers) spent, per run;
* users' requests (a short clean prompt, full detection, c=4), in rounds, each way.

    python -m loadtests.bench_assurance                   # about three minutes on 2 CPUs
    python -m loadtests.bench_assurance --requests 400    # users' requests per round (default 300)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import uvloop
import yaml

from loadtests.bench_fleet import aigw_command, child_env
from loadtests.bench_plan import HOST, ROOT, BenchError
from loadtests.bench_processes import Service, cpu_seconds, free_ports, http_probe, stop_all, tree

BODY = {"model": "echo-1", "messages": [{"role": "user", "content": "Summarise our meeting notes in three bullets."}]}
CONCURRENCY = 4


def settings(tmp: Path, api: int, admin: int, interval_s: float) -> Path:
    raw = {
        "listen": {"host": HOST, "port": api},
        "admin": {"host": HOST, "port": admin},
        "policy_path": str(ROOT / "policies" / "default.yaml"),
        "store": {"sqlite_path": str(tmp / "aigw.db")},
        "prompt_log": {
            "sqlite_path": str(tmp / "log.db"),
            "spool_path": str(tmp / "spool"),
            "key_file": str(tmp / "log-keys.json"),
        },
        "log": {"format": "json", "level": "warning"},
        "assurance": {"interval_s": interval_s, "first_run_after_s": 0},
    }
    path = tmp / f"gateway-{interval_s:g}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def aigw(config: Path, *args: str) -> str:
    done = subprocess.run(
        [*aigw_command(), *args, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=child_env(),
    )
    if done.returncode != 0:
        raise BenchError(f"aigw {args[0]} exited {done.returncode}: {done.stderr[-300:]}")
    return done.stdout.strip()


def gateway_cpu(pid: int) -> float:
    return sum(cpu_seconds(p) for p in tree(pid))


async def runs_so_far(session: aiohttp.ClientSession, admin_url: str) -> float:
    async with session.get(f"{admin_url}/metrics") as resp:
        text = await resp.text()
    prefix = 'aigw_control_assurance_results_total{control="assurance_run",result="pass"} '
    return sum(float(line.removeprefix(prefix)) for line in text.splitlines() if line.startswith(prefix))


async def users(session: aiohttp.ClientSession, url: str, key: str, count: int) -> list[float]:
    latencies: list[float] = []
    left = iter(range(count))
    headers = {"authorization": f"Bearer {key}"}

    async def worker() -> None:
        for _ in left:
            started = time.perf_counter()
            async with session.post(f"{url}/v1/chat/completions", json=BODY, headers=headers) as resp:
                await resp.read()
                if resp.status != 200:
                    raise BenchError(f"unexpected status {resp.status}")
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def run(tmp: Path, requests: int, rounds: int, idle_s: float) -> None:
    api, admin = free_ports(2)
    configs = {0.0: settings(tmp, api, admin, 0.0), 1.0: settings(tmp, api, admin, 1.0)}
    aigw(configs[0.0], "keys", "rotate-log-key")
    key = aigw(configs[0.0], "keys", "create", "--user", "bench", "--group", "everyone")
    url, admin_url = f"http://{HOST}:{api}", f"http://{HOST}:{admin}"
    latencies: dict[float, list[float]] = {0.0: [], 1.0: []}
    per_run: list[tuple[float, float]] = []  # (wall s, gateway CPU s) per run, idle
    async with aiohttp.ClientSession() as session:
        for n in range(rounds):
            for interval in (0.0, 1.0) if n % 2 == 0 else (1.0, 0.0):  # the order alternated
                argv = [*aigw_command(), "serve", "--config", str(configs[interval])]
                service = Service(f"gw{n}", argv, http_probe(f"{admin_url}/readyz"), tmp / "gw.out", tmp / "gw.err")
                try:
                    service.start(child_env())
                    await service.wait_ready(session)
                    await users(session, url, key, 50)  # warm up
                    if interval:
                        runs, cpu, started = (
                            await runs_so_far(session, admin_url),
                            gateway_cpu(service.pid),
                            time.time(),
                        )
                        await asyncio.sleep(idle_s)
                        done = await runs_so_far(session, admin_url) - runs
                        if done:
                            took = time.time() - started
                            per_run.append((took / done, (gateway_cpu(service.pid) - cpu) / done))
                    latencies[interval] += await users(session, url, key, requests)
                    if interval and not await runs_so_far(session, admin_url):
                        raise BenchError("no assurance run passed: the numbers would not be of a working gateway")
                finally:
                    stop_all([service])
    wall = statistics.median(w for w, _ in per_run)
    cpu_ms = statistics.median(c for _, c in per_run) * 1000
    print(f"one assurance run, idle gateway: {wall:.2f} s wall, {cpu_ms:.0f} ms gateway CPU (median of {len(per_run)})")
    print(f"\nusers' requests, c={CONCURRENCY}, {rounds} rounds of {requests} each way (ms)")
    print(f"{'':<34}{'p50':>8}{'p90':>8}{'p99':>8}")
    for interval, name in ((0.0, "schedule off"), (1.0, "runs back to back (interval 1 s)")):
        values = latencies[interval]
        print(f"{name:<34}{pct(values, 50):8.2f}{pct(values, 90):8.2f}{pct(values, 99):8.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=300, help="users' requests per round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--idle", type=float, default=8.0, help="seconds of idle probing per round, for the cost")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aigw-bench-assurance-") as tmp:
        uvloop.run(run(Path(tmp), args.requests, args.rounds, args.idle))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
