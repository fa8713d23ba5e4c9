"""What the overhead benchmark runs: how many requests each phase makes, and what all its parts share."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
MODEL = "gpt-4o-mini"
CONCURRENCY = 16  # requests in flight in the throughput phase
DEFAULT_REQUESTS = 3000  # c=1 requests per target; the other phases scale with it
QUICK_REQUESTS = 600
DEFAULT_ROUNDS = 12  # more, shorter throughput rounds let machine noise fall on every target alike
QUICK_ROUNDS = 4


class BenchError(RuntimeError):
    """The benchmark cannot go on: a process did not start, or a target answered wrongly."""


def progress(message: str) -> None:
    """One line on stderr, so that stdout carries nothing but the report."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Plan:
    warmup: int  # requests per target (c=16, then c=1) before any measurement
    latency_requests: int  # c=1 non-streaming, per target
    throughput_rounds: int  # c=16: rounds; each round runs one burst per target
    throughput_burst: int  # c=16: requests per target per round
    stream_requests: int  # c=1 streaming, per target
    with_warning_level: bool
    verbose: bool
    pin: bool  # client and mocks on CPU 0, the proxies on CPU 1

    @classmethod
    def make(cls, requests: int | None, quick: bool, with_warning_level: bool, verbose: bool, pin: bool) -> Plan:
        n = requests if requests is not None else (QUICK_REQUESTS if quick else DEFAULT_REQUESTS)
        rounds = QUICK_ROUNDS if quick else DEFAULT_ROUNDS
        return cls(
            warmup=max(50, n // 10),
            latency_requests=n,
            throughput_rounds=rounds,
            # About 2.5 times the c=1 count over all rounds, and never a burst too short to fill 16 slots.
            throughput_burst=max(CONCURRENCY * 4, (5 * n) // (2 * rounds)),
            stream_requests=max(20, n // 25),
            with_warning_level=with_warning_level,
            verbose=verbose,
            pin=pin,
        )
