"""The prompt store on SQLite, in WAL mode: the embedded default.

One connection, used from worker threads under a lock (the event loop never waits on
the disk); writes are batched by the caller, one transaction per batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from gateway.owner_only import create_owner_only
from gateway.promptlog.schema import SQLITE
from gateway.promptlog.store import PromptStore, RecordRejected, StoreUnavailable, Transaction, now_us

T = TypeVar("T")
# What SQLite says about a value it cannot bind (a closed database is caught before). A
# constraint or trigger that aborts (IntegrityError) is the database refusing writes: an outage.
CANCELLED_WAIT_S = 10.0  # a cancelled transaction's thread is waited for this long at most
MAX_ROWS_PER_STATEMENT = 512  # the writer's batch (256) in one statement; a spool replay (500) too
_DATA_ERRORS = (sqlite3.DataError, sqlite3.InterfaceError, sqlite3.ProgrammingError, OverflowError, UnicodeEncodeError)


class SqlitePromptStore(PromptStore):
    dialect = SQLITE

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._file: tuple[int, int] | None = None  # (device, inode) of the file the connection writes to
        self._shm = Path(f"{path}-shm")
        self._shm_size = 0  # the largest size seen: SQLite only ever grows its shared-memory file
        self._max_variables = 999  # SQLite's oldest limit on parameters per statement; read at connect

    async def connect(self) -> None:
        await asyncio.to_thread(self._connect)

    def _connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Owner-only from the first byte; SQLite gives the -wal and -shm files the same mode. Never a
        # descriptor on an existing database: closing it would drop this process's locks on it.
        create_owner_only(self.path)
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; WAL survives a process crash
        db.execute("PRAGMA busy_timeout=5000")
        self._db = db
        self._max_variables = db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        self._file = _identity(self.path)
        self._shm_size = 0

    async def _reopen(self) -> None:
        """The file was deleted or replaced under us: SQLite would go on writing to the unlinked
        inode and every record would vanish with it. Start a new file (migrated), and say so: the
        caller sees an outage (an incident, a metric, not ready) until the next write succeeds."""
        await self.close()
        try:
            await self.open()
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(f"SQLite: the database file was removed and cannot be recreated: {exc}") from None
        raise StoreUnavailable("SQLite: the database file was removed or replaced; a new one was created")

    async def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            await asyncio.to_thread(self._locked, lambda: db.close())

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return await self._run(lambda db: db.execute(sql, params).rowcount)

    async def insert_many(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], tail: str) -> None:
        if self._db is not None and _identity(self.path) != self._file:
            await self._reopen()
        per_statement = max(1, min(MAX_ROWS_PER_STATEMENT, self._max_variables // max(1, len(columns))))

        def write(db: sqlite3.Connection) -> None:
            # Many rows per statement, not executemany: the thread gives up the GIL around each
            # statement, and waits up to the switch interval (5 ms) to get it back from a busy event
            # loop. Per row, that capped the writer at a few hundred records/s under load (issue 18).
            with _transaction(db):
                for start in range(0, len(rows), per_statement):
                    chunk = rows[start : start + per_statement]
                    db.execute(_insert_sql(table, columns, len(chunk), tail), [v for row in chunk for v in row])

        await self._run(write)

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return await self._run(lambda db: [dict(r) for r in db.execute(sql, params).fetchall()])

    async def migrate_step(self, version: int, sqls: Sequence[str]) -> None:
        def migrate(db: sqlite3.Connection) -> None:
            with _transaction(db):
                for sql in sqls:
                    db.execute(sql)
                db.execute("INSERT INTO schema_migrations (version, applied_us) VALUES (?, ?)", (version, now_us()))

        await self._run(migrate)

    async def transact(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """On a connection of its own, so that the shared one stays free for the prompt-log writer;
        BEGIN IMMEDIATE serialises it against other processes. The whole transaction runs in one
        worker thread: ``work`` awaits only its statements, which run there at once. A hop to a
        thread per statement (six per incident) cost a turn of a busy event loop each, and held
        SQLite's write lock, and with it the prompt-log writer, for seconds (issue 18)."""
        if self._db is None:
            raise StoreUnavailable("the prompt store is closed")
        self._guard_shm()
        abandoned, finished = threading.Event(), threading.Event()
        try:
            return await asyncio.to_thread(self._transact_here, work, abandoned, finished)
        except asyncio.CancelledError:
            # The thread rolls back when it sees this (unless it is committing already: the same
            # window as a cancel during COMMIT always had). Wait for it, so that the write lock is
            # released before the caller goes on (at shutdown, the prompt log's last writes follow).
            abandoned.set()
            with contextlib.suppress(BaseException):
                await asyncio.to_thread(finished.wait, CANCELLED_WAIT_S)
            raise

    def _transact_here(
        self, work: Callable[[Transaction], Awaitable[T]], abandoned: threading.Event, finished: threading.Event
    ) -> T:
        try:
            return self._transaction(work, abandoned)
        finally:
            finished.set()

    def _transaction(self, work: Callable[[Transaction], Awaitable[T]], abandoned: threading.Event) -> T:
        try:
            db = _open_connection(self.path)
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    result = _completed(work(_SqliteTransaction(db)))
                    if abandoned.is_set():
                        raise _Abandoned
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
                return result
            finally:
                db.close()
        except _DATA_ERRORS as exc:
            raise RecordRejected(f"SQLite: {type(exc).__name__}") from None
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite: {type(exc).__name__}: {exc}") from None

    def _guard_shm(self) -> None:
        """SQLite maps ``-shm`` into memory: truncated under us, the next access is a SIGBUS that
        kills the process with every queued record. Restore its size first (zero pages: SQLite sees
        an invalid WAL index and rebuilds it from the WAL) and report the fault as an outage."""
        try:
            size = os.stat(self._shm).st_size
        except OSError:
            return
        if size >= self._shm_size:
            self._shm_size = size
            return
        with open(self._shm, "r+b") as shm:
            os.ftruncate(shm.fileno(), self._shm_size)
        raise StoreUnavailable("SQLite: the -shm file was truncated under the gateway; its size was restored")

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        db = self._db
        if db is None:
            raise StoreUnavailable("the prompt store is closed")
        self._guard_shm()
        try:
            return await asyncio.to_thread(self._locked, lambda: work(db))
        except _DATA_ERRORS as exc:  # the values, not the database: the caller sets the record aside
            raise RecordRejected(f"SQLite: {type(exc).__name__}") from None
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite: {type(exc).__name__}: {exc}") from None

    def _locked(self, work: Callable[[], T]) -> T:
        with self._lock:
            return work()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _insert_sql(table: str, columns: Sequence[str], count: int, tail: str) -> str:
    row = f"({', '.join('?' * len(columns))})"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * count)} {tail}"  # noqa: S608


def _open_connection(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA busy_timeout=5000")
    return db


class _SqliteTransaction:
    """Statements of a ``transact``, run at once in its thread (``work`` is driven by ``_completed``)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self._db.execute(sql, params).fetchall()]

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._db.execute(sql, params)


class _Abandoned(Exception):
    """The caller was cancelled before the transaction committed: it is rolled back."""


def _completed(awaitable: Awaitable[T]) -> T:
    """Run ``awaitable`` to its end in this thread. It may await only the transaction's statements,
    which never suspend: anything that would (a lock, a sleep, the event loop) is refused."""
    steps = awaitable.__await__()
    try:
        steps.send(None)
    except StopIteration as done:
        result: T = done.value
        return result
    steps.close()
    raise RuntimeError("a transaction's work awaited something other than its own statements")


class _transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")
