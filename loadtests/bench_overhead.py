"""How much latency and throughput the gateway costs, next to a bare proxy and no proxy.

Starts, each as its own process on 127.0.0.1: the mock provider (twice: an instant
one, and a streaming one with a time to first token), the gateway (``aigw serve``,
once at log level ``info``, the production default and the headline figure, and
once at ``warning``), and the bare pass-through proxy in ``loadtests.baseline_proxy``.
This process is the client (aiohttp under uvloop). It then measures, with every
target warmed up first and the targets taken in turn so that machine noise falls
on all of them alike:

* c=1, non-streaming: latency p50/p90/p99 direct to the mock, via the baseline
  proxy and via the gateway; the gateway's added latency is gateway minus direct.
* c=16, non-streaming: throughput (req/s) of each target, gateway/baseline ratio.
* c=1, streaming (mock: ttft 20 ms, 2 ms between chunks, 50 words): time to the
  first body byte (the first SSE event) via the gateway, the baseline and direct.

Every loop has a fixed request count; all processes are stopped at the end, even
on error, Ctrl-C or SIGTERM.

    python -m loadtests.bench_overhead            # about 75 seconds on 2 CPUs
    python -m loadtests.bench_overhead --quick    # about 20 seconds
    python -m loadtests.bench_overhead --write    # also update loadtests/RESULTS.md
    python -m loadtests.bench_overhead --pin      # proxies on a CPU of their own (needs 2 CPUs)

The parts: ``bench_plan`` (request counts, shared facts), ``bench_processes`` and
``bench_fleet`` (the child processes), ``bench_load`` (the load and its timings),
``bench_stats`` and ``bench_report`` (statistics, Markdown, RESULTS.md).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import uvloop

from loadtests.bench_fleet import plain_targets, prepare_fleet, start_fleet, streaming_targets
from loadtests.bench_load import Target, close_sessions, measure_latency, measure_stream, measure_throughput, warm_up
from loadtests.bench_plan import CONCURRENCY, ROOT, BenchError, Plan, progress
from loadtests.bench_processes import cpu_steal, steal_percent, stop_all
from loadtests.bench_report import RESULTS_PATH, machine, render, write_results
from loadtests.bench_stats import LatencyResult, Results, StreamResult, ThroughputResult

Measurements = tuple[dict[str, LatencyResult], dict[str, ThroughputResult], dict[str, StreamResult]]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--requests",
        type=int,
        help="c=1 requests per target (default 3000, 600 with --quick); the other phases scale with it",
    )
    parser.add_argument("--quick", action="store_true", help="a short run, about 20 s")
    parser.add_argument("--no-warning-level", action="store_true", help="skip the gateway at log level warning")
    parser.add_argument(
        "--pin", action="store_true", help="client and mocks on CPU 0, proxies on CPU 1 (the proxy-bound case)"
    )
    parser.add_argument("--verbose", action="store_true", help="print each c=16 burst's rate")
    parser.add_argument("--write", action="store_true", help=f"replace the results section of {RESULTS_PATH.name}")
    args = parser.parse_args(argv)
    if args.requests is not None and args.requests < 1:
        parser.error("--requests must be at least 1")
    return args


def command_line(argv: Sequence[str] | None) -> str:
    """The command as the report quotes it: without --write, so that it reads the same in either mode."""
    given = argv if argv is not None else sys.argv[1:]
    return "python -m loadtests.bench_overhead" + "".join(f" {a}" for a in given if a != "--write")


def cancel_on_sigterm() -> None:
    """SIGTERM cancels the run, whose clean-up then stops every child process."""
    main_task = asyncio.current_task()
    if main_task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)


async def measure(plain: Sequence[Target], streaming: Sequence[Target], plan: Plan) -> Measurements:
    progress("warming up")
    await warm_up(plain, plan)
    progress(f"c=1 latency: {plan.latency_requests} requests per target, targets in turn")
    latency = await measure_latency(plain, plan)
    bursts = f"{plan.throughput_rounds} rounds x {plan.throughput_burst} requests"
    progress(f"c={CONCURRENCY} throughput: {bursts} per target")
    throughput = await measure_throughput(plain, plan)
    progress(f"streaming TTFT: {plan.stream_requests} streams per target, c=1")
    stream = await measure_stream(streaming, plan)
    return latency, throughput, stream


async def run(plan: Plan, tmp: Path) -> Results:
    started = time.perf_counter()
    steal_before = cpu_steal()
    cancel_on_sigterm()
    fleet = await prepare_fleet(plan, tmp)
    targets: list[Target] = []
    try:
        await start_fleet(fleet, plan.pin)
        plain, streaming = plain_targets(fleet, plan.with_warning_level), streaming_targets(fleet)
        targets = [*plain, *streaming]
        for t in targets:
            t.open_session()
        latency, throughput, stream = await measure(plain, streaming, plan)
    finally:
        await close_sessions(targets)
        stop_all(fleet.services)
    log_lines = fleet.request_log_lines()
    steal_pct = steal_percent(steal_before, cpu_steal())
    return Results(latency, throughput, stream, log_lines, time.perf_counter() - started, steal_pct)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    plan = Plan.make(args.requests, args.quick, not args.no_warning_level, args.verbose, args.pin)
    info = machine()  # before the run, so that the load average is the machine's own
    with tempfile.TemporaryDirectory(prefix="aigw-bench-") as tmp:
        try:
            results = uvloop.run(run(plan, Path(tmp)))
        except asyncio.CancelledError:  # SIGTERM: the child processes have been stopped
            progress("stopped by SIGTERM")
            return 128 + signal.SIGTERM
    section = render(results, plan, info, command_line(argv))
    print(section)
    if args.write:
        write_results(section, plan.pin)
        progress(f"wrote {RESULTS_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench_overhead: {exc}", file=sys.stderr)
        sys.exit(1)
