"""bench_pii_speed: one row per bench prompt, every engine timed on each, in a table of that shape."""

from __future__ import annotations

from loadtests import bench_pii_speed


def test_two_rounds_time_every_engine_on_every_prompt() -> None:
    rows = bench_pii_speed.measure(rounds=2, warmup=0)
    assert [(row.prompt, row.chars // 100) for row in rows] == [("clean", 1), ("PII", 1), ("clean", 19), ("PII", 19)]
    for row in rows:
        assert set(row.ms) == set(bench_pii_speed.ENGINES)
        for p10, p50, p90 in row.ms.values():
            assert 0 < p10 <= p50 <= p90
        assert row.ratio == row.ms["Presidio"][1] / row.ms["aigw"][1]
        assert set(row.cpu_ms) == set(bench_pii_speed.ENGINES)
        assert all(ms > 0 for ms in row.cpu_ms.values())
    lines = bench_pii_speed.table(rows).splitlines()
    assert len(lines) == 2 + len(rows)
    assert all(line.count("|") == len(bench_pii_speed.ENGINES) + 4 for line in lines)
