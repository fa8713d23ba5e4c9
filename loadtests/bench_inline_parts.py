"""Issue 13, defect 8: a request of 1,000 one-character content parts, and what it costs the
event loop. In this process, with the default policy and two real detection workers:

* ``inline``: the scan on the event loop, as the old rule (characters only) allowed;
* ``pool``: ``DetectionPool.scan`` as it is now (the per-text cost sends it to the workers).

Four senders loop over such scans for a few seconds while a loop-lag monitor (the gateway's
own, 10 ms interval) records how late the loop ran; a small scan's latency is measured at
the same time, as the other callers see it.

    python -m loadtests.bench_inline_parts            # about 20 seconds on 2 CPUs
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from detectors.registry import build_detectors
from gateway.loop_lag import LoopLagMonitor
from gateway.policy.policy import load_policy
from gateway.screening.inline import InlineScanner
from gateway.screening.pool import DetectionPool

PARTS = ["a"] * 1000
SMALL = ["Is the build green today?"]
SENDERS, SECONDS = 4, 4.0


class Samples:
    def __init__(self) -> None:
        self.values: list[float] = []

    def observe(self, amount: float) -> None:
        self.values.append(amount)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile, in ms (no extrapolation beyond the largest sample)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] * 1000 if ordered else 0.0


async def run(mode: str, pool: DetectionPool, inline: InlineScanner) -> str:
    lag, small = Samples(), Samples()
    monitor = LoopLagMonitor(lag, interval_s=0.01).start()
    deadline = time.monotonic() + SECONDS
    per_request: list[float] = []

    async def sender() -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            if mode == "inline":
                inline.scan(PARTS, None)
                await asyncio.sleep(0)
            else:
                await pool.scan(PARTS)
            per_request.append(time.perf_counter() - started)

    async def prober() -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            await pool.scan(SMALL)  # served inline: short, no names
            small.observe(time.perf_counter() - started)
            await asyncio.sleep(0.005)

    await asyncio.gather(*(sender() for _ in range(SENDERS)), prober())
    await monitor.stop()
    return (
        f"| {mode} | {len(per_request)} | {pct(per_request, 50):.1f} | {pct(lag.values, 50):.1f} | "
        f"{pct(lag.values, 99):.1f} | {max(lag.values) * 1000:.1f} | {pct(small.values, 50):.2f} | "
        f"{pct(small.values, 99):.1f} |"
    )


async def main() -> None:
    policy = load_policy(Path("policies/default.yaml"))
    assert policy.detection is not None
    inline = InlineScanner.from_config(policy.detection)
    assert inline is not None
    assert not inline.serves(PARTS, None)  # the new rule
    pool = DetectionPool(build_detectors, policy.detection, workers=2, max_pending=256, time_limit_s=2.0, inline=inline)
    await pool.start()
    try:
        await pool.scan(PARTS)  # warm up
        print(
            "| mode | scans | scan p50 ms | loop lag p50 ms | lag p99 ms | lag max ms | small p50 ms | small p99 ms |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for mode in ("inline", "pool"):
            print(await run(mode, pool, inline))
    finally:
        await pool.close()


if __name__ == "__main__":
    asyncio.run(main())
