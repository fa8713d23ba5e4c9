"""The event-loop lag monitor records how long the loop was held: a deliberate block shows up."""

from __future__ import annotations

import asyncio
import time

from gateway.loop_lag import LoopLagMonitor
from gateway.metrics import GatewayMetrics

BLOCK_S, INTERVAL_S = 0.3, 0.01


def sample(metrics: GatewayMetrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


async def test_a_blocked_loop_is_recorded_as_lag():
    metrics = GatewayMetrics()
    monitor = LoopLagMonitor(metrics.event_loop_lag, interval_s=INTERVAL_S).start()
    await asyncio.sleep(5 * INTERVAL_S)  # a few timely wake-ups
    time.sleep(BLOCK_S)  # what a long scan on the loop does  # noqa: ASYNC251
    await asyncio.sleep(5 * INTERVAL_S)
    await monitor.stop()
    count = sample(metrics, "aigw_event_loop_lag_seconds_count")
    over = count - sample(metrics, "aigw_event_loop_lag_seconds_bucket", le="0.25")
    # The timer armed last before the block was due at most one interval into it.
    assert over == 1
    assert sample(metrics, "aigw_event_loop_lag_seconds_sum") >= BLOCK_S - INTERVAL_S
    assert count >= 3


async def test_stop_ends_the_task_and_can_be_repeated():
    metrics = GatewayMetrics()
    monitor = LoopLagMonitor(metrics.event_loop_lag, interval_s=INTERVAL_S).start()
    await monitor.stop()
    await monitor.stop()
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "aigw-loop-lag"]
