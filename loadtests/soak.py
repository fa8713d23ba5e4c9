"""Sustained load on one gateway, with its prompt log watched: does it slow down, or fall off a cliff?

Starts the instant mock and one gateway (``aigw serve``, tests/data/policy.yaml: no detection, the
prompt log on SQLite in a temporary folder), then keeps ``--concurrency`` chat completions in flight
for ``--seconds``. Every ``--every`` seconds it prints the answers per second (200 and 503 apart), the
prompt log's queue depth and the records written so far (from the gateway's ``/metrics``), and the
gateway process's CPU. Issue 18's cliff shows as the queue reaching its size and 503s replacing 200s.

    python -m loadtests.soak                                  # 30 s at c=32
    python -m loadtests.soak --seconds 300 --concurrency 64   # the 5-minute soak
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import uvloop
import yaml

from loadtests.bench_ab import gateway_fleet, start_all
from loadtests.bench_fleet import aigw_command, child_env, create_gateway_key
from loadtests.bench_load import REQUEST_BODY
from loadtests.bench_plan import HOST
from loadtests.bench_processes import Service, cpu_seconds, stop_all

GAUGES = {"queue": "aigw_prompt_log_queue_depth", "written": "aigw_prompt_log_records_written_total"}


def _sample(metrics: str, name: str) -> str:
    found = re.search(rf"^{name}(?:\{{[^}}]*\}})? (\S+)", metrics, re.M)
    return found.group(1) if found else "?"


async def _load(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str], until: float, seen: Counter[str]
) -> None:
    while time.monotonic() < until:
        async with session.post(url, data=REQUEST_BODY, headers=headers) as reply:
            await reply.read()
            seen[str(reply.status)] += 1


async def _watch(gateway: Service, admin_url: str, until: float, every: float, seen: Counter[str]) -> None:
    started, last, cpu_then, then = time.monotonic(), Counter(seen), cpu_seconds(gateway.pid), time.monotonic()
    async with aiohttp.ClientSession(trust_env=False) as probe:  # its own pool: never queued behind the load
        while time.monotonic() < until:
            await asyncio.sleep(every)
            async with probe.get(admin_url + "/metrics") as reply:
                metrics = await reply.text()
            now, cpu_now = time.monotonic(), cpu_seconds(gateway.pid)
            rates = {status: (seen[status] - last[status]) / (now - then) for status in ("200", "503")}
            print(
                f"t={now - started:6.1f} s  200/s={rates['200']:6.0f}  503/s={rates['503']:6.0f}  "
                f"queue={_sample(metrics, GAUGES['queue'])}  written={_sample(metrics, GAUGES['written'])}  "
                f"gateway CPU={(cpu_now - cpu_then) / (now - then):.2f}",
                flush=True,
            )
            last, cpu_then, then = Counter(seen), cpu_now, now


async def run(seconds: float, concurrency: int, every: float) -> None:
    with tempfile.TemporaryDirectory(prefix="aigw-soak-") as folder:
        tmp = Path(folder)
        services, configs, ports = gateway_fleet(tmp, {"gateway": aigw_command()}, stream=False)
        admin_port = yaml.safe_load(configs["gateway"].read_text())["admin"]["port"]
        env = child_env()
        key = await create_gateway_key(configs["gateway"], env)
        try:
            await start_all(services, env)
            gateway = next(s for s in services if s.name == "gateway")
            url = f"http://{HOST}:{ports['gateway']}/v1/chat/completions"
            headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}
            seen: Counter[str] = Counter()
            until = time.monotonic() + seconds
            connector = aiohttp.TCPConnector(limit=concurrency)
            async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:
                load = [_load(session, url, headers, until, seen) for _ in range(concurrency)]
                await asyncio.gather(_watch(gateway, f"http://{HOST}:{admin_port}", until, every, seen), *load)
            print(f"answers by status over {seconds:.0f} s at c={concurrency}: {dict(sorted(seen.items()))}")
        finally:
            stop_all(services)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between samples")
    args = parser.parse_args(argv)
    uvloop.run(run(args.seconds, args.concurrency, args.every))


if __name__ == "__main__":
    main()
