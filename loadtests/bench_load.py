"""The load the benchmark sends: c=1 latency, c=16 bursts and streaming time to first byte.

In every phase the targets take turns (request by request, or burst by burst) with
the order rotated each time, so that machine noise falls on all of them alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from loadtests.bench_plan import CONCURRENCY, MODEL, BenchError, Plan, progress
from loadtests.bench_processes import Service, cpu_seconds
from loadtests.bench_stats import LatencyResult, StreamResult, ThroughputResult

CHAT_PATH = "/v1/chat/completions"
REQUEST_TIMEOUT_S = 30.0
STREAM_WARMUP = 5  # streams per target before the streaming phase measures
STREAM_END = b"data: [DONE]\n\n"

# A realistic short prompt: about 400 characters of ordinary work text.
PROMPT = (
    "I'm reviewing a pull request that changes how our billing service retries failed card "
    "payments. The old code retried three times with a fixed two-second delay; the new code uses "
    "exponential backoff with jitter and gives up after five attempts. Can you list the risks of "
    "this change for duplicate charges, explain how idempotency keys help, and suggest two tests "
    "we should add before merging it?"
)


def _json_body(stream: bool) -> bytes:
    payload: dict[str, Any] = {"model": MODEL, "messages": [{"role": "user", "content": PROMPT}]}
    if stream:
        payload["stream"] = True
    return json.dumps(payload).encode()


# Encoded once, so that the client's own JSON work stays out of the timings.
REQUEST_BODY = _json_body(stream=False)
STREAM_BODY = _json_body(stream=True)


@dataclass
class Target:
    name: str
    label: str
    url: str
    key: str
    service: Service | None  # the proxy process in front of the mock (None: direct)
    session: aiohttp.ClientSession | None = None
    headers: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.headers = {"authorization": f"Bearer {self.key}", "content-type": "application/json"}

    def open_session(self) -> None:
        """A keep-alive session of the target's own, so that no target waits on another's connections."""
        connector = aiohttp.TCPConnector(limit=CONCURRENCY * 2)
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        self.session = aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False)

    def client(self) -> aiohttp.ClientSession:
        assert self.session is not None
        return self.session


async def close_sessions(targets: Sequence[Target]) -> None:
    """Never raises: this runs on the way out, after errors too."""
    for t in targets:
        if t.session is not None:
            with contextlib.suppress(Exception):
                await t.session.close()


async def request_once(target: Target) -> float:
    """One non-streaming chat completion; seconds from send to the last body byte."""
    t0 = time.perf_counter()
    async with target.client().post(target.url, data=REQUEST_BODY, headers=target.headers) as resp:
        body = await resp.read()
    elapsed = time.perf_counter() - t0
    if resp.status != 200 or b'"choices"' not in body:
        raise BenchError(f"{target.label}: HTTP {resp.status}: {body[:300]!r}")
    return elapsed


async def stream_once(target: Target) -> tuple[float, float]:
    """One streamed chat completion; seconds to the first body byte and to the end."""
    t0 = time.perf_counter()
    first: float | None = None
    tail = b""
    async with target.client().post(target.url, data=STREAM_BODY, headers=target.headers) as resp:
        if resp.status != 200:
            raise BenchError(f"{target.label}: HTTP {resp.status}: {(await resp.read())[:300]!r}")
        async for chunk in resp.content.iter_any():
            if first is None:
                first = time.perf_counter()
            tail = (tail + chunk)[-64:]
    end = time.perf_counter()
    if first is None or not tail.endswith(STREAM_END):
        raise BenchError(f"{target.label}: stream did not end with [DONE] (tail {tail!r})")
    return first - t0, end - t0


async def burst(target: Target, count: int, concurrency: int, latencies: list[float]) -> float:
    """``count`` requests with ``concurrency`` in flight; returns the wall time."""
    remaining = count

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            latencies.append(await request_once(target))

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - t0


def rotated(items: Sequence[Target], by: int) -> list[Target]:
    k = by % len(items)
    return [*items[k:], *items[:k]]


def proxy_cpu(targets: Sequence[Target]) -> dict[str, float]:
    """CPU seconds each target's proxy has used so far (0 for direct, which has no proxy)."""
    return {t.name: cpu_seconds(t.service.pid) if t.service is not None else 0.0 for t in targets}


def proxy_cpu_since(targets: Sequence[Target], before: dict[str, float]) -> dict[str, float]:
    after = proxy_cpu(targets)
    return {t.name: after[t.name] - before[t.name] for t in targets}


async def warm_up(targets: Sequence[Target], plan: Plan) -> None:
    for target in targets:
        await burst(target, plan.warmup, CONCURRENCY, [])
        for _ in range(plan.warmup):
            await request_once(target)


async def measure_latency(targets: Sequence[Target], plan: Plan) -> dict[str, LatencyResult]:
    results = {t.name: LatencyResult() for t in targets}
    before = proxy_cpu(targets)
    for i in range(plan.latency_requests):
        for target in rotated(targets, i):
            results[target.name].samples.append(await request_once(target))
    for name, cpu_s in proxy_cpu_since(targets, before).items():
        results[name].cpu_s = cpu_s
    return results


async def measure_throughput(targets: Sequence[Target], plan: Plan) -> dict[str, ThroughputResult]:
    results = {t.name: ThroughputResult() for t in targets}
    before = proxy_cpu(targets)
    for r in range(plan.throughput_rounds):
        for target in rotated(targets, r):
            res = results[target.name]
            seconds = await burst(target, plan.throughput_burst, CONCURRENCY, res.latencies)
            res.requests += plan.throughput_burst
            res.seconds += seconds
            res.round_rates.append(plan.throughput_burst / seconds)
            if plan.verbose:
                progress(f"  round {r} {target.name}: {res.round_rates[-1]:.0f} req/s")
    for name, cpu_s in proxy_cpu_since(targets, before).items():
        results[name].cpu_s = cpu_s
    return results


async def measure_stream(targets: Sequence[Target], plan: Plan) -> dict[str, StreamResult]:
    for target in targets:
        for _ in range(STREAM_WARMUP):
            await stream_once(target)
    results = {t.name: StreamResult() for t in targets}
    for i in range(plan.stream_requests):
        for target in rotated(targets, i):
            ttfb, total = await stream_once(target)
            results[target.name].ttfb.append(ttfb)
            results[target.name].total.append(total)
    return results
