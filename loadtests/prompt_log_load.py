"""The prompt log's writer under load: records per second from ``submit`` until they are in the store.

Drives the real ``PromptLogWriter`` with a real store (SQLite in a temporary folder, or
PostgreSQL in a schema of its own, dropped afterwards), with the writer's default queue
and batch sizes. Records are built before each burst (building one is request-path
work, measured by the latency part); the clock runs from the first ``submit`` of a burst
of ``queue_size`` records until ``flush`` returns, so sealing (``full``: AES-GCM of about
1 KB of prompt and 1 KB of answer) and the database writes are inside it. At the end the
store's own count must equal what was submitted, with nothing spooled.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from gateway.config.settings import PromptLogSettings
from gateway.metrics import GatewayMetrics
from gateway.policy.schema import LogLevel
from gateway.promptlog.crypto import LogKeyring, load_keyring, rotate_key_file
from gateway.promptlog.postgres_store import PostgresPromptStore
from gateway.promptlog.record import LogRecord
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import PromptStore, now_us
from gateway.promptlog.writer import OnFailure, PromptLogWriter

PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"
DAY_US = 86_400 * 1_000_000
TEXT_CHARS = 1024  # prompt and answer at the full level: about 1 KB each
NO_KEY_ENV = "AIGW_BENCH_NO_SUCH_VARIABLE"  # the keyring comes from the file, never from the environment
PROMPT_TEXT = (
    "I'm reviewing a pull request that changes how our billing service retries failed card "
    "payments. The old code retried three times with a fixed two-second delay; the new code uses "
    "exponential backoff with jitter and gives up after five attempts. Can you list the risks? "
)
ANSWER_TEXT = (
    "Duplicate charges are the main risk: a retry after a timeout may repeat a payment the "
    "processor already accepted. Send an idempotency key with every attempt and store it with "
    "the order, so that the processor answers a repeat with the first result instead of charging. "
)
StoreFactory = Callable[[], PromptStore]


def sized(text: str, chars: int, salt: int) -> str:
    """``text`` repeated to ``chars`` characters, with a number in front so no two records are alike."""
    head = f"[{salt}] "
    body = (text * (chars // len(text) + 1))[: max(0, chars - len(head))]
    return head + body


def make_keyring(folder: Path) -> LogKeyring:
    """A fresh key file (mode 0600, as ``aigw keys rotate-log-key`` writes it) and its keyring."""
    path = folder / "log-keys.json"
    rotate_key_file(path)
    ring = load_keyring(path, NO_KEY_ENV, {})
    assert ring is not None
    return ring


def make_record(i: int, level: LogLevel) -> LogRecord:
    """A record like the ones ``build_record`` makes for a chat completion; one in ten with findings."""
    started = now_us()
    findings = {"EMAIL_ADDRESS:redact": 1} if i % 10 == 0 else {}
    record = LogRecord(
        request_id="req_" + secrets.token_hex(12),
        ts_us=started,
        status=200,
        outcome="ok",
        level=level,
        expires_us=started + 90 * DAY_US,
        user=f"user{i % 500}@example.com",
        groups=("engineering", "eu"),
        auth="key",
        client="OpenAI/Python 1.54.0",
        provider="openai",
        model="gpt-4o-mini",
        endpoint="chat.completions",
        stream=i % 3 == 0,
        policy_id="default",
        policy_version="7+3f9c2a1e",
        decision="allow",
        rule="groups.engineering.approved_tools[1]",
        findings=findings,
        entity_types=("EMAIL_ADDRESS",) if findings else (),
        data_classes=("pii",) if findings else (),
        prompt_tokens=250 + i % 100,
        completion_tokens=240 + i % 50,
        upstream_ms=812.5 + i % 7,
        overhead_ms=0.64,
        duration_ms=814.1 + i % 7,
    )
    if level.rank >= LogLevel.HASH.rank:
        record.prompt_text = sized(PROMPT_TEXT, TEXT_CHARS, i)
        record.response_text = sized(ANSWER_TEXT, TEXT_CHARS, i)
    return record


@dataclass
class WriterResult:
    backend: str
    level: str
    submitted: int
    stored: int
    spooled: int  # records that went to the spool file instead (should be none)
    seconds: float  # submit until flushed, summed over the bursts
    seal_us: float  # sealing alone, µs per record (measured apart, on the first burst's records)

    @property
    def rate(self) -> float:
        return self.submitted / self.seconds if self.seconds else float("nan")


def _spooled(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


async def writer_throughput(
    store: PromptStore,
    level: LogLevel,
    count: int,
    keyring: LogKeyring | None,
    spool_path: Path,
    backend: str,
    queue_size: int | None = None,
) -> WriterResult:
    """Submit ``count`` records in bursts of ``queue_size`` (default: the setting's default), flushing
    after each; return the time spent and the number of records the store holds afterwards."""
    defaults = PromptLogSettings()
    size = queue_size or defaults.queue_size

    def on_failure() -> OnFailure:
        return "block"

    await store.open()
    try:
        before = await store.count()
        writer = PromptLogWriter(store, keyring, GatewayMetrics(), on_failure, spool_path, size, defaults.batch_size)
        await writer.start()
        seconds, done, seal_us = 0.0, 0, float("nan")
        while done < count:
            records = [make_record(done + i, level) for i in range(min(size, count - done))]
            if done == 0:
                t0 = time.perf_counter()
                for record in records:
                    record.seal(keyring)
                seal_us = (time.perf_counter() - t0) / len(records) * 1e6
            t0 = time.perf_counter()
            for record in records:
                writer.submit(record)
            await writer.flush()
            seconds += time.perf_counter() - t0
            done += len(records)
        await writer.close()
        stored = await store.count() - before
    finally:
        await store.close()
    return WriterResult(backend, level.value, count, stored, _spooled(spool_path), seconds, seal_us)


@contextlib.asynccontextmanager
async def pg_schema(dsn: str = PG_DSN) -> AsyncIterator[str]:
    """A fresh schema in the ``test`` database for one run, dropped with everything in it afterwards."""
    name = "aigw_bench_" + secrets.token_hex(5)
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(f"CREATE SCHEMA {name}")
    finally:
        await conn.close()
    try:
        yield name
    finally:
        conn = await asyncpg.connect(dsn, timeout=5)
        try:
            await conn.execute(f"DROP SCHEMA {name} CASCADE")
        finally:
            await conn.close()


async def writer_cases(
    count: int, folder: Path, dsn: str | None, progress: Callable[[str], None] = lambda _: None
) -> list[WriterResult]:
    """Every backend (PostgreSQL only when ``dsn`` is given) at the metadata and the full level."""
    keyring = make_keyring(folder)
    results: list[WriterResult] = []
    levels = (LogLevel.METADATA, LogLevel.FULL)
    for level in levels:
        progress(f"writer, SQLite, {level.value}: {count} records")
        store = SqlitePromptStore(folder / f"writer-{level.value}.db")
        spool = folder / f"writer-sqlite-{level.value}.spool"
        results.append(await writer_throughput(store, level, count, keyring, spool, "SQLite"))
    if dsn is not None:
        for level in levels:
            progress(f"writer, PostgreSQL, {level.value}: {count} records")
            async with pg_schema(dsn) as schema:
                spool = folder / f"writer-pg-{level.value}.spool"
                pg_store = PostgresPromptStore(dsn, schema)
                results.append(await writer_throughput(pg_store, level, count, keyring, spool, "PostgreSQL"))
    return results


def render_writer(results: list[WriterResult]) -> str:
    out = [
        "| backend | level | records | seconds | records/s | in the store | spooled | sealing alone µs/record |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        out.append(
            f"| {r.backend} | {r.level} | {r.submitted} | {r.seconds:.2f} | {r.rate:,.0f} | {r.stored} "
            f"| {r.spooled} | {r.seal_us:.1f} |"
        )
    return "\n".join(out)
