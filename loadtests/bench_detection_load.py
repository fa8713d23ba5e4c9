"""Throughput with detection: c=16 chat completions of about 500 characters through gateway A
(detection on), gateway B (no detection) and straight to the mock, for bench_detection.

Issue 3's reference point, measured on this machine with 500-character prompts: a bare
aiohttp pass-through served 5,200 req/s, the same proxy with Presidio's default engine in
2 processes 57 req/s. Each target gets ``rounds`` windows of ``seconds``, interleaved
(A, B, direct, A, B, direct...) so that drift in the machine's speed hits all alike.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

CONCURRENCY, SIZE = 16, 500


class Sender(Protocol):
    name: str

    def body(self, text: str) -> bytes: ...

    async def send(self, body: bytes) -> tuple[float, int, bytes]: ...


@dataclass
class Throughput:
    kind: str
    text: str
    ok: dict[str, int] = field(default_factory=dict)  # target name: 200 answers
    failed: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def rate(self, target: str) -> float:
        return self.ok[target] / self.seconds[target] if self.seconds.get(target) else float("nan")


async def _window(target: Sender, body: bytes, seconds: float) -> tuple[int, int, float]:
    """CONCURRENCY clients sending back to back for ``seconds``: (200s, others, elapsed)."""
    ok = failed = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal ok, failed
        while time.perf_counter() < deadline:
            _, status, _ = await target.send(body)
            ok, failed = (ok + 1, failed) if status == 200 else (ok, failed + 1)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
    return ok, failed, time.perf_counter() - started


async def measure_throughput(
    targets: Sequence[Sender], loads: Sequence[Throughput], seconds: float, rounds: int
) -> None:
    for load in loads:
        for _ in range(rounds):
            for target in targets:
                ok, failed, elapsed = await _window(target, target.body(load.text), seconds)
                load.ok[target.name] = load.ok.get(target.name, 0) + ok
                load.failed[target.name] = load.failed.get(target.name, 0) + failed
                load.seconds[target.name] = load.seconds.get(target.name, 0.0) + elapsed


def render_throughput(loads: Sequence[Throughput], seconds: float, rounds: int) -> str:
    out = [
        f"Throughput at c={CONCURRENCY}: {rounds} windows of {seconds:g} s per target, interleaved; "
        "req/s of 200 answers.",
        "",
        "| prompt | chars | direct req/s | B req/s (no detection) | A req/s (detection) | A / B | non-200 (A, B) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for load in loads:
        a, b = load.rate("A"), load.rate("B")
        out.append(
            f"| {load.kind} | {len(load.text)} | {load.rate('direct'):.0f} | {b:.0f} | {a:.0f} | {a / b:.0%} "
            f"| {load.failed.get('A', 0)}, {load.failed.get('B', 0)} |"
        )
    return "\n".join(out) + "\n"
