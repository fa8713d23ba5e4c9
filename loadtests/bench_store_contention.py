"""The SQLite prompt store's write rate while the event loop is busy: why issue 18's writer fell behind.

The writer writes from a worker thread (``asyncio.to_thread``), and the event loop serving requests
holds the GIL most of the time. Python's ``sqlite3`` gives the GIL up around each statement it runs,
and the thread then waits up to the switch interval (5 ms) to get it back. ``executemany`` runs one
statement per row: one wait per row. The store now writes a batch as multi-row statements: one wait
per 512 rows.

Runs the real ``SqlitePromptStore`` in a temporary folder, batches of 256 metadata records (the
writer's default batch), each way, with the loop idle and with the loop kept busy by tasks that run
2 ms of Python between yields (as a saturated gateway's request callbacks do). Prints records/s.

    python -m loadtests.bench_store_contention              # about 20 s
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from gateway.policy.schema import LogLevel
from gateway.promptlog.record import COLUMNS, Row
from gateway.promptlog.sqlite_store import SqlitePromptStore
from loadtests.prompt_log_load import make_record

BATCH = 256
BUSY_SLICE_S = 0.002
Write = Callable[[SqlitePromptStore, Sequence[Row]], Awaitable[None]]


async def new_way(store: SqlitePromptStore, rows: Sequence[Row]) -> None:
    await store.write(rows)


async def old_way(store: SqlitePromptStore, rows: Sequence[Row]) -> None:
    """What the store did before: one statement per row, through ``executemany``."""
    sql = f"INSERT INTO exchanges ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"  # noqa: S608
    sql += " ON CONFLICT (request_id) DO NOTHING"
    values = [tuple(row[c] for c in COLUMNS) for row in rows]

    def write(db: Any) -> None:
        db.execute("BEGIN IMMEDIATE")
        db.executemany(sql, values)
        db.execute("COMMIT")

    await store._run(write)


async def busy_loop(stop: asyncio.Event) -> None:
    """Python work in 2 ms slices with a yield between them, until told to stop."""
    while not stop.is_set():
        until = time.perf_counter() + BUSY_SLICE_S
        while time.perf_counter() < until:
            pass
        await asyncio.sleep(0)


async def rate(store: SqlitePromptStore, write: Write, batches: int, busy: bool, offset: int) -> float:
    rows = [make_record(offset + i, LogLevel.METADATA).seal(None) for i in range(batches * BATCH)]
    stop = asyncio.Event()
    spinners = [asyncio.create_task(busy_loop(stop)) for _ in range(4 if busy else 0)]
    started = time.perf_counter()
    for start in range(0, len(rows), BATCH):
        await write(store, rows[start : start + BATCH])
    elapsed = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*spinners)
    return len(rows) / elapsed


async def run(batches: int) -> None:
    with tempfile.TemporaryDirectory(prefix="aigw-contention-") as folder:
        store = SqlitePromptStore(Path(folder) / "log.db")
        await store.open()
        offset = 0
        try:
            for busy in (False, True):
                for name, write in (("executemany (before)", old_way), ("multi-row (now)", new_way)):
                    # the old way is slow when busy: fewer batches, or the run takes minutes
                    count = batches
                    value = await rate(store, write, count, busy, offset)
                    offset += count * BATCH
                    loop = "busy" if busy else "idle"
                    print(f"loop {loop:4}  {name:21} {value:9,.0f} records/s  ({count * BATCH:,} records)", flush=True)
        finally:
            await store.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--batches", type=int, default=40, help="batches of 256 records per way")
    args = parser.parse_args(argv)
    asyncio.run(run(args.batches))


if __name__ == "__main__":
    main()
