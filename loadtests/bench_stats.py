"""What the benchmark measured, per target and phase, and the statistics the report draws from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


def percentile(samples: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass
class LatencyResult:
    samples: list[float] = field(default_factory=list)  # seconds
    cpu_s: float = 0.0  # CPU time of the target's proxy process over the phase

    def p(self, q: float) -> float:
        """Percentile ``q`` in milliseconds."""
        return percentile(self.samples, q) * 1000

    def mean(self) -> float:
        """Mean in milliseconds."""
        return sum(self.samples) / len(self.samples) * 1000 if self.samples else float("nan")


@dataclass
class ThroughputResult:
    requests: int = 0
    seconds: float = 0.0  # burst wall time, summed over the rounds
    round_rates: list[float] = field(default_factory=list)  # req/s of each round's burst
    latencies: list[float] = field(default_factory=list)
    cpu_s: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else float("nan")


@dataclass
class StreamResult:
    ttfb: list[float] = field(default_factory=list)  # seconds to the first body byte
    total: list[float] = field(default_factory=list)  # seconds to the end of the stream


@dataclass
class Results:
    latency: dict[str, LatencyResult]
    throughput: dict[str, ThroughputResult]
    stream: dict[str, StreamResult]
    log_lines: int
    elapsed_s: float
    steal_pct: float  # share of CPU time the hypervisor took away during the run


def round_ratio(target: ThroughputResult, base: ThroughputResult) -> float:
    """Median over rounds of the target's rate divided by the baseline's rate in the same round."""
    return percentile([t / b for t, b in zip(target.round_rates, base.round_rates, strict=True)], 50)
