"""Two gateway builds side by side in one run: this checkout ("this") and another ("other", e.g. the
commit before a change, in a git worktree with its own ``make install``), in front of the same mock,
driven by the same client, the targets taken in turn so that machine noise falls on both alike: what
a change costs, measured against the code before it rather than against figures from another day.

Plain (the default): tests/data/policy.yaml (no detection); per round, c=1 latency p50 and c=16
throughput with the gateway process's CPU per request. ``--stream``: policies/default.yaml (answers
scanned), the streaming mock (20 ms to the first token, 2 ms between chunks, 50 words); per round,
time to the first byte, the whole stream, and the gateway process's CPU per stream (its detection
workers not counted). Medians over the rounds at the end.

    git worktree add --detach ../base <commit> && (cd ../base && make install)
    python -m loadtests.bench_ab --other ../base/.venv/bin/aigw             # about 2 minutes
    python -m loadtests.bench_ab --other ../base/.venv/bin/aigw --stream    # about 1 minute
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
import uvloop
import yaml

from loadtests import bench_load
from loadtests.bench_fleet import STREAM_MOCK_ARGS, _service, aigw_command, child_env, create_gateway_key
from loadtests.bench_fleet import gateway_settings as plain_settings
from loadtests.bench_load import (
    Target,
    close_sessions,
    measure_latency,
    measure_stream,
    measure_throughput,
    proxy_cpu,
    proxy_cpu_since,
    warm_up,
)
from loadtests.bench_plan import HOST, ROOT, Plan
from loadtests.bench_processes import Service, free_ports, http_probe, stop_all, tcp_probe

STREAM_MODEL = "gpt-5.5"  # the default policy lets engineering use openai gpt-5.5*
Series = dict[str, dict[str, list[float]]]  # gateway -> measure -> one value per round


def _settings(tmp: Path, port: int, admin_port: int, mock_port: int, stream: bool) -> dict[str, Any]:
    settings = plain_settings(tmp, port, admin_port, mock_port, "info")
    if stream:
        settings["policy_path"] = str(ROOT / "policies" / "default.yaml")
        settings["providers"]["openai"]["models"] = [STREAM_MODEL]
    return settings


def gateway_fleet(
    tmp: Path,
    binaries: dict[str, list[str]],
    stream: bool,
    mock_args: Sequence[str] | None = None,
    baseline: bool = False,
) -> tuple[list[Service], dict[str, Path], dict[str, int]]:
    """The mock (with ``mock_args``, else the streaming mock's when ``stream``), a bare proxy in front
    of it named "baseline" if asked, and one gateway per build, each with its own settings file and ports."""
    mock, baseline_port, *gateway_ports = free_ports(2 + 2 * len(binaries))
    mock_argv = [sys.executable, "-m", "loadtests.mock_provider", "--host", HOST, "--no-record", "--port", str(mock)]
    mock_argv += list(mock_args if mock_args is not None else STREAM_MOCK_ARGS if stream else ())
    services = [_service(tmp, "mock", mock_argv, http_probe(f"http://{HOST}:{mock}/v1/models"))]
    configs: dict[str, Path] = {}
    ports: dict[str, int] = {}
    if baseline:
        ports["baseline"] = baseline_port
        argv = [sys.executable, "-m", "loadtests.baseline_proxy", "--host", HOST, "--port", str(baseline_port)]
        argv += ["--upstream", f"http://{HOST}:{mock}"]
        services.append(_service(tmp, "baseline", argv, tcp_probe(baseline_port)))
    for i, (name, command) in enumerate(binaries.items()):
        ports[name], admin_port = gateway_ports[2 * i], gateway_ports[2 * i + 1]
        configs[name] = tmp / f"{name}.yaml"
        settings = _settings(tmp, ports[name], admin_port, mock, stream)
        configs[name].write_text(yaml.safe_dump(settings, sort_keys=False))
        argv = [*command, "serve", "--config", str(configs[name])]
        services.append(_service(tmp, name, argv, http_probe(f"http://{HOST}:{admin_port}/readyz")))
    return services, configs, ports


async def start_all(services: Sequence[Service], env: dict[str, str]) -> None:
    """Start every process and wait until each answers its probe (the caller stops them, whatever happens)."""
    for service in services:
        service.start(env)
    async with aiohttp.ClientSession(trust_env=False) as probe:
        await asyncio.gather(*(s.wait_ready(probe) for s in services))


async def _plain_round(targets: Sequence[Target], plan: Plan, series: Series) -> None:
    latency = await measure_latency(targets, plan)
    throughput = await measure_throughput(targets, plan)
    for t in targets:
        series[t.name]["c=1 p50 ms"].append(latency[t.name].p(50))
        series[t.name]["c=16 req/s"].append(throughput[t.name].rate)
        series[t.name]["c=16 CPU us/request"].append(
            1e6 * throughput[t.name].cpu_s / max(1, throughput[t.name].requests)
        )


async def _stream_round(targets: Sequence[Target], plan: Plan, series: Series) -> None:
    before = proxy_cpu(targets)
    streams = await measure_stream(targets, plan)
    used = proxy_cpu_since(targets, before)
    for t in targets:
        result = streams[t.name]
        series[t.name]["first byte p50 ms"].append(1000 * statistics.median(result.ttfb))
        series[t.name]["whole stream p50 ms"].append(1000 * statistics.median(result.total))
        series[t.name]["CPU ms/stream"].append(1000 * used[t.name] / max(1, len(result.total)))


def _line(series: Series, pick: str) -> str:
    return "; ".join(
        f"{name}: "
        + ", ".join(
            f"{measure} {values[-1] if pick == 'last' else statistics.median(values):.2f}"
            for measure, values in measures.items()
        )
        for name, measures in series.items()
    )


async def run(other: list[str], rounds: int, requests: int, stream: bool) -> None:
    binaries = {"this": aigw_command(), "other": other}
    if stream:  # the default policy approves other models than tests/data/policy.yaml
        body = {"model": STREAM_MODEL, "messages": [{"role": "user", "content": bench_load.PROMPT}], "stream": True}
        bench_load.STREAM_BODY = json.dumps(body).encode()
    with tempfile.TemporaryDirectory(prefix="aigw-ab-") as folder:
        tmp = Path(folder)
        services, configs, ports = gateway_fleet(tmp, binaries, stream)
        env = child_env()
        key = await create_gateway_key(configs["this"], env)  # one credential database for both
        try:
            await start_all(services, env)
            by_name = {s.name: s for s in services}
            url = "http://{}:{}/v1/chat/completions"
            targets = [Target(n, n, url.format(HOST, ports[n]), key, by_name[n]) for n in binaries]
            for t in targets:
                t.open_session()
            plan = Plan.make(requests, quick=False, with_warning_level=False, verbose=False, pin=False)
            series: Series = {n: {} for n in binaries}
            for measures in series.values():
                for measure in (
                    ("first byte p50 ms", "whole stream p50 ms", "CPU ms/stream")
                    if stream
                    else ("c=1 p50 ms", "c=16 req/s", "c=16 CPU us/request")
                ):
                    measures[measure] = []
            if not stream:
                await warm_up(targets, plan)
            for r in range(rounds):
                await (_stream_round if stream else _plain_round)(targets, plan, series)
                print(f"round {r + 1}: {_line(series, 'last')}", flush=True)
            print(f"median of {rounds} rounds: {_line(series, 'median')}")
            await close_sessions(targets)
        finally:
            stop_all(services)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--other", required=True, help="the other build's aigw (e.g. ../base/.venv/bin/aigw)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, help="c=1 requests per round and gateway (default 600; stream 1500)")
    parser.add_argument("--stream", action="store_true", help="default policy, streamed answers")
    args = parser.parse_args(argv)
    requests = args.requests or (1500 if args.stream else 600)
    uvloop.run(run([args.other], args.rounds, requests, args.stream))


if __name__ == "__main__":
    main()
