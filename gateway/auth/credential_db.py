"""Where gateway keys and admin tokens live: SQLite for one gateway, PostgreSQL for a fleet.

A fleet must share them: a key revoked on one replica has to stop working on all of them
within the refresh interval, and a key created anywhere must work everywhere. Both stores
(``KeyStore``, ``AdminTokenStore``) are small and synchronous -- the gateway calls them from
a worker thread, the CLI directly -- so this is a thin, thread-safe connection with ``?``
placeholders on both backends (psycopg's sync API for PostgreSQL).
"""

from __future__ import annotations

import contextlib
import sqlite3
import stat
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, Self

import psycopg

from gateway.config.settings import StoreSettings
from gateway.errors import ConfigError, ConfigProblem
from gateway.owner_only import create_owner_only

CONNECT_TIMEOUT_S = 5
BLOB = {"sqlite": "BLOB", "postgresql": "BYTEA"}  # the column type for bytes on each backend


class CredentialDb(Protocol):
    dialect: Literal["sqlite", "postgresql"]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        ...

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def close(self) -> None: ...


class SqliteDb:
    dialect: Literal["sqlite", "postgresql"] = "sqlite"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _owner_only(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.execute("PRAGMA journal_mode=WAL")
        self.execute("PRAGMA busy_timeout=5000")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._lock:
            return self._db.execute(sql, tuple(params)).rowcount

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, tuple(params)).fetchall())

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _owner_only(path: Path) -> None:
    """Key digests and admin tokens: owner-only (0600) from the first byte, whatever the umask.
    SQLite gives the -wal and -shm files the database file's mode; a file an older gateway left
    readable to others (and its -wal/-shm) is narrowed."""
    create_owner_only(path)  # never a descriptor on an existing database (gateway.owner_only says why)
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            if stat.S_IMODE(file.stat().st_mode) & 0o077:
                file.chmod(0o600)


class PostgresDb:
    """One autocommit connection, reopened once when the server dropped it (a restart, a failover)."""

    dialect: Literal["sqlite", "postgresql"] = "postgresql"

    def __init__(self, dsn: str, schema: str | None) -> None:
        self._dsn, self._schema = dsn, schema
        self._lock = threading.Lock()
        self._conn = self._connect()

    def _connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        conn = psycopg.connect(self._dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        if self._schema:  # validated by the settings: [a-z_][a-z0-9_]*
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self._schema}")
            conn.execute(f"SET search_path TO {self._schema}")
        return conn

    def _run(self, sql: str, params: Sequence[Any]) -> psycopg.Cursor[tuple[Any, ...]]:
        query = sql.replace("?", "%s")  # our statements never hold a literal "?"
        with self._lock:
            try:
                return self._conn.execute(query, tuple(params))
            except psycopg.OperationalError:
                if not self._conn.closed:
                    raise
                self._conn = self._connect()
                return self._conn.execute(query, tuple(params))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._run(sql, params).rowcount

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._run(sql, params).fetchall()]

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class CredentialTable:
    """Base of the key and admin-token stores: one table, created if missing, on either backend."""

    SCHEMA: ClassVar[str]  # CREATE TABLE IF NOT EXISTS ..., with {blob} for the bytes columns

    def __init__(self, where: Path | CredentialDb) -> None:
        self._db = SqliteDb(where) if isinstance(where, Path) else where
        self._db.execute(self.SCHEMA.format(blob=BLOB[self._db.dialect]))

    @classmethod
    def open(cls, settings: StoreSettings, environ: Mapping[str, str]) -> Self:
        return cls(open_credential_db(settings, environ))

    def close(self) -> None:
        self._db.close()


def open_credential_db(settings: StoreSettings, environ: Mapping[str, str]) -> CredentialDb:
    dsn = settings.dsn(environ)
    if not dsn:
        return SqliteDb(settings.sqlite_path)
    try:
        return PostgresDb(dsn, settings.postgres_schema)
    except psycopg.OperationalError as exc:
        # libpq's message names host, port and user, never the password.
        raise ConfigError([ConfigProblem("store", "postgres_dsn", f"cannot connect: {exc}".strip())]) from None
    except psycopg.Error as exc:  # a malformed DSN: its message could quote the DSN, password and all
        raise ConfigError([ConfigProblem("store", "postgres_dsn", f"not usable ({type(exc).__name__})")]) from None


__all__ = ["CredentialDb", "CredentialTable", "PostgresDb", "SqliteDb", "open_credential_db"]
