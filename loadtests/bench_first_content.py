"""How soon a screened stream shows its first words (issue 18, items 2 and 5): time to the first
non-empty ``delta.content`` of a streamed chat answer, through the gateway with the default policy
(answers scanned) against a bare pass-through proxy (``loadtests.baseline_proxy``) in front of the
same paced mock (``loadtests.mock_provider --tokens-per-s``: one word-sized chunk per token, ordinary
prose), and optionally another gateway build (the code before a change) beside it.

All targets stream at once, each with ``--concurrency`` answers in flight, so machine noise falls on
them alike; per round, p50 and p95 of the first content and of the whole stream per target, and each
gateway process's CPU per stream (its detection workers not counted: the default policy's answer
rules need no NER, so answers are scanned in the gateway's own process). Medians over the rounds.

    python -m loadtests.bench_first_content [--other ../main/.venv/bin/aigw] [--tokens-per-s 30]
        [--leading-space] [--rounds 3] [--streams 40]     # about 2 minutes at the defaults
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import uvloop

from loadtests import bench_load
from loadtests.bench_ab import STREAM_MODEL, gateway_fleet, start_all
from loadtests.bench_fleet import aigw_command, child_env, create_gateway_key
from loadtests.bench_load import Target, close_sessions, proxy_cpu, proxy_cpu_since
from loadtests.bench_plan import HOST, BenchError
from loadtests.bench_processes import stop_all
from loadtests.mock_provider import OPENAI_KEY

_CONTENT = re.compile(rb'"content": ?"(?!")')  # a delta with text in it (the role chunk's content is "")


@dataclass
class Times:
    first: list[float] = field(default_factory=list)  # seconds to the first non-empty delta.content
    total: list[float] = field(default_factory=list)


async def stream_once(target: Target, body: bytes) -> tuple[float, float]:
    """Seconds from the request to the first content and to the stream's end."""
    t0 = time.perf_counter()
    first: float | None = None
    seen = b""
    async with target.client().post(target.url, data=body, headers=target.headers) as resp:
        if resp.status != 200:
            raise BenchError(f"{target.label}: HTTP {resp.status}: {(await resp.read())[:300]!r}")
        async for chunk in resp.content.iter_any():
            if first is None:
                seen += chunk
                if _CONTENT.search(seen):
                    first = time.perf_counter()
            else:
                seen = (seen + chunk)[-64:]
    end = time.perf_counter()
    if first is None or not seen.endswith(bench_load.STREAM_END):
        raise BenchError(f"{target.label}: no content, or no [DONE] at the end")
    return first - t0, end - t0


async def run_target(target: Target, body: bytes, streams: int, concurrency: int, times: Times) -> None:
    left = streams

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            first, total = await stream_once(target, body)
            times.first.append(first)
            times.total.append(total)

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def p(values: Sequence[float], q: int) -> float:
    return 1000 * statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def run(args: argparse.Namespace) -> None:
    binaries = {"this": aigw_command(), **({"other": [args.other]} if args.other else {})}
    mock_args = ["--ttft-ms", str(args.ttft_ms), "--tokens-per-s", str(args.tokens_per_s)]
    mock_args += ["--reply-prose", str(args.words), *(["--leading-space"] if args.leading_space else [])]
    message = {"role": "user", "content": bench_load.PROMPT}
    body = json.dumps({"model": STREAM_MODEL, "messages": [message], "stream": True}).encode()
    with tempfile.TemporaryDirectory(prefix="aigw-first-") as folder:
        tmp = Path(folder)
        services, configs, ports = gateway_fleet(tmp, binaries, True, mock_args, baseline=True)
        env = child_env()
        key = await create_gateway_key(configs["this"], env)
        by_name = {s.name: s for s in services}
        url = f"http://{HOST}:{{}}/v1/chat/completions"
        targets = [Target("baseline", "bare proxy", url.format(ports["baseline"]), OPENAI_KEY, by_name["baseline"])]
        targets += [Target(n, n, url.format(ports[n]), key, by_name[n]) for n in binaries]
        rounds: dict[str, dict[str, list[float]]] = {t.name: {} for t in targets}
        try:
            await start_all(services, env)
            for t in targets:
                t.open_session()
            for t in targets:  # warm up: connections, the detectors' first scans
                await run_target(t, body, 4, 2, Times())
            for r in range(args.rounds):
                times = {t.name: Times() for t in targets}
                before = proxy_cpu(targets)
                await asyncio.gather(
                    *(run_target(t, body, args.streams, args.concurrency, times[t.name]) for t in targets)
                )
                used = proxy_cpu_since(targets, before)
                for t in targets:
                    got = times[t.name]
                    measures = {
                        "first p50": p(got.first, 50),
                        "first p95": p(got.first, 95),
                        "whole p50": p(got.total, 50),
                        "CPU ms/stream": 1000 * used[t.name] / len(got.total),
                    }
                    for measure, value in measures.items():
                        rounds[t.name].setdefault(measure, []).append(value)
                print(f"round {r + 1}: " + _line(rounds, -1), flush=True)
            print(f"median of {args.rounds} rounds: " + _line(rounds, None))
            base = statistics.median(rounds["baseline"]["first p50"])
            for name in binaries:
                added = statistics.median(rounds[name]["first p50"]) - base
                print(f"{name}: first content added p50 {added:+.1f} ms over the bare proxy")
        finally:
            await close_sessions(targets)
            stop_all(services)


def _line(rounds: dict[str, dict[str, list[float]]], pick: int | None) -> str:
    def value(values: list[float]) -> float:
        return values[pick] if pick is not None else statistics.median(values)

    return "; ".join(
        f"{name}: " + ", ".join(f"{m} {value(values):.1f}" for m, values in measures.items())
        for name, measures in rounds.items()
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--other", help="another build's aigw beside this one (e.g. ../main/.venv/bin/aigw)")
    parser.add_argument("--tokens-per-s", type=float, default=30.0, help="the mock's pace")
    parser.add_argument("--ttft-ms", type=float, default=200.0, help="the mock's time to its first token")
    parser.add_argument("--words", type=int, default=60, help="words per answer")
    parser.add_argument("--leading-space", action="store_true", help='the mock sends " word" pieces, not "word "')
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--streams", type=int, default=40, help="streams per target and round")
    parser.add_argument("--concurrency", type=int, default=4, help="streams in flight per target")
    uvloop.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
