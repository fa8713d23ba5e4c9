"""The prompt store on PostgreSQL (asyncpg): for a fleet of gateways sharing one log.

Connections come from a small pool; a lost connection surfaces as ``StoreUnavailable``
so that the writer can apply the policy's failure mode, and the pool reconnects by
itself once the server is back.

Only a refusal of the values themselves is ``RecordRejected`` (the caller repairs or
quarantines that record): SQLSTATE classes 22 (data exception: a NUL in text, a number
out of range) and 23 (integrity constraint), and asyncpg failing to encode a value.
Everything else the server or driver says -- a read-only database, a revoked privilege,
a missing table, a full disk, a lost connection -- is ``StoreUnavailable``: the records
are fine, the store is not, and quarantining them would let a broken store fail open.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import asyncpg

from gateway.promptlog.schema import POSTGRESQL
from gateway.promptlog.store import PromptStore, RecordRejected, StoreUnavailable, Transaction, now_us

T = TypeVar("T")

# What the driver raises: from the server (PostgresError, with a SQLSTATE; asyncpg reports a
# value it cannot encode as DataError, SQLSTATE 22000, too), or about the connection (OSError
# covers timeouts). OverflowError and UnicodeEncodeError: an encoder that did not wrap them.
_DRIVER_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.exceptions.InternalClientError)
_VALUE_ERRORS = (OverflowError, UnicodeEncodeError)
_DATA_CLASSES = ("22", "23")  # data exception, integrity constraint violation
CONNECT_TIMEOUT_S = 5.0


def _translated(exc: Exception) -> RecordRejected | StoreUnavailable:
    """The store's view of a driver error: the values refused, or the store unusable."""
    name = f"PostgreSQL: {type(exc).__name__}"
    if isinstance(exc, _VALUE_ERRORS):
        return RecordRejected(name)
    sqlstate = str(getattr(exc, "sqlstate", None) or "")
    if isinstance(exc, asyncpg.PostgresError) and sqlstate[:2] in _DATA_CLASSES:
        return RecordRejected(f"{name} ({sqlstate})")
    return StoreUnavailable(f"{name} ({sqlstate})" if sqlstate else name)


class PostgresPromptStore(PromptStore):
    dialect = POSTGRESQL

    def __init__(self, dsn: str, schema: str | None = None, min_size: int = 1, max_size: int = 4) -> None:
        self._dsn = dsn
        self._settings = {"search_path": schema} if schema else {}
        self._sizes = (min_size, max_size)
        self._pool: asyncpg.Pool | None = None

    async def connect(self) -> None:
        try:
            self._pool = await asyncpg.create_pool(
                self._dsn,
                min_size=self._sizes[0],
                max_size=self._sizes[1],
                timeout=CONNECT_TIMEOUT_S,
                server_settings=self._settings,
            )
        except _DRIVER_ERRORS as exc:  # a refused login or a missing database included: not the records
            raise StoreUnavailable(f"PostgreSQL: {type(exc).__name__}") from None

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    def _ready(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StoreUnavailable("the prompt store is closed")
        return self._pool

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        try:
            status: str = await self._ready().execute(sql, *params, timeout=CONNECT_TIMEOUT_S)
        except (*_DRIVER_ERRORS, *_VALUE_ERRORS) as exc:
            raise _translated(exc) from None
        last = status.rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0

    async def insert_many(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], tail: str) -> None:
        # asyncpg's executemany prepares once and pipelines the rows: one round trip per batch.
        marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) {tail}"  # noqa: S608 - our constants
        try:
            async with self._ready().acquire(timeout=CONNECT_TIMEOUT_S) as conn, conn.transaction():
                await conn.executemany(sql, rows)
        except (*_DRIVER_ERRORS, *_VALUE_ERRORS) as exc:
            raise _translated(exc) from None

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        try:
            records = await self._ready().fetch(sql, *params, timeout=CONNECT_TIMEOUT_S)
        except (*_DRIVER_ERRORS, *_VALUE_ERRORS) as exc:
            raise _translated(exc) from None
        return [dict(r) for r in records]

    async def transact(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        try:
            async with self._ready().acquire(timeout=CONNECT_TIMEOUT_S) as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(7461202)")  # one chain writer at a time, fleet-wide
                return await work(_PgTransaction(conn))
        except _DRIVER_ERRORS as exc:  # from acquiring, locking, committing or rolling back
            raise _translated(exc) from None

    async def migrate_step(self, version: int, sqls: Sequence[str]) -> None:
        try:
            async with self._ready().acquire(timeout=CONNECT_TIMEOUT_S) as conn, conn.transaction():
                # Several gateways may start at once: one migrates, the others wait and then see it done.
                await conn.execute("SELECT pg_advisory_xact_lock(7461201)")
                done = await conn.fetchval("SELECT 1 FROM schema_migrations WHERE version = $1", version)
                if done:
                    return
                for sql in sqls:
                    await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, applied_us) VALUES ($1, $2)", version, now_us()
                )
        except (*_DRIVER_ERRORS, *_VALUE_ERRORS) as exc:  # no record involved: the store cannot be set up
            raise StoreUnavailable(f"PostgreSQL: {type(exc).__name__}") from None


class _PgTransaction:
    """Driver errors are translated here, at the statement, so that ``transact`` can let the
    application's own exceptions (an unknown incident, a refused transition) pass unchanged."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        try:
            return [dict(r) for r in await self._conn.fetch(POSTGRESQL.sql(sql), *params)]
        except (*_DRIVER_ERRORS, *_VALUE_ERRORS) as exc:
            raise _translated(exc) from None

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        try:
            await self._conn.execute(POSTGRESQL.sql(sql), *params)
        except (*_DRIVER_ERRORS, *_VALUE_ERRORS) as exc:
            raise _translated(exc) from None
