"""The prompt store: one interface, the same SQL, on SQLite (embedded) or PostgreSQL (a fleet).

Backends supply four primitives (execute, insert_many, fetch, and a migration step in
one transaction); everything else -- writing, searching, retention with legal holds,
the record of purge runs and of text reads -- is written once here.
"""

from __future__ import annotations

import abc
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from gateway.promptlog.record import COLUMNS, Row
from gateway.promptlog.schema import CREATE_VERSIONS, LATEST, Dialect, statements

MAX_SEARCH = 1000
_ON_CONFLICT = "ON CONFLICT (request_id) DO NOTHING"  # a replayed spool never duplicates
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM exchanges"  # noqa: S608 - constant
# Held: a legal hold placed by hand, or an incident still being worked (open or acknowledged)
# that refers to the record -- its evidence outlives the retention period until it is closed.
_HELD = (
    "(EXISTS (SELECT 1 FROM legal_holds h WHERE h.request_id = exchanges.request_id AND h.released_us IS NULL)"
    " OR EXISTS (SELECT 1 FROM incident_requests r JOIN incidents i ON i.id = r.incident_id"
    " WHERE r.request_id = exchanges.request_id AND i.status IN ('open', 'acknowledged')))"
)


T = TypeVar("T")


class Transaction(Protocol):
    """Statements inside ``PromptStore.transact``; SQL uses ``?`` placeholders on both backends."""

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...


class StoreUnavailable(Exception):
    """The database cannot be reached or refused the write; the caller decides what then."""


class RecordRejected(Exception):
    """The store refused the data (a value no column takes), not the connection: retrying is futile."""


class SchemaTooNew(Exception):
    """The database was migrated by a newer gateway: this one must not write to it."""


@dataclass(frozen=True)
class SearchQuery:
    user: str | None = None
    group: str | None = None
    model: str | None = None
    decision: str | None = None
    entity_type: str | None = None
    source: str | None = None  # a part a finding was made in: "tool/tool_result", or a kind, "tool_result"
    since_us: int | None = None
    until_us: int | None = None
    traffic: Literal["user", "assurance"] | None = None  # the assurance mark: probes only, or staff's only
    limit: int = 100


def _literal(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    held: int  # expired, kept for an open incident (legal hold)
    by_level: dict[str, int]
    dry_run: bool


def now_us() -> int:
    return time.time_ns() // 1000


class PromptStore(abc.ABC):
    dialect: Dialect

    # --- what a backend provides
    @abc.abstractmethod
    async def connect(self) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""

    @abc.abstractmethod
    async def insert_many(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], tail: str) -> None:
        """Insert ``rows`` (values in ``columns`` order) in one transaction, ``tail`` ending each INSERT."""

    @abc.abstractmethod
    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    async def migrate_step(self, version: int, sqls: Sequence[str]) -> None:
        """Apply one migration and record its version, in one transaction."""

    @abc.abstractmethod
    async def transact(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run ``work`` in one transaction that excludes every other ``transact`` on this database
        (other processes included): read-modify-write sequences such as the incident hash chain."""

    # --- written once
    async def open(self, upto: int = LATEST) -> None:
        """Connect and bring the schema up to ``upto`` (the latest, except in migration tests)."""
        await self.connect()
        await self.execute(CREATE_VERSIONS)
        current = await self.schema_version()
        if current > LATEST:
            await self.close()
            raise SchemaTooNew(f"the prompt log is at schema version {current}; this gateway knows up to {LATEST}")
        for version, sqls in statements(self.dialect, upto, after=current):
            await self.migrate_step(version, sqls)

    async def schema_version(self) -> int:
        rows = await self.fetch("SELECT MAX(version) AS v FROM schema_migrations")
        return int(rows[0]["v"] or 0) if rows else 0

    async def write(self, rows: Sequence[Row]) -> None:
        await self.insert_many("exchanges", COLUMNS, [tuple(r[c] for c in COLUMNS) for r in rows], _ON_CONFLICT)

    async def get(self, request_id: str) -> Row | None:
        found = await self.fetch(self.dialect.sql(f"{_SELECT} WHERE request_id = ?"), [request_id])
        return self._row(found[0]) if found else None

    async def search(self, query: SearchQuery) -> list[Row]:
        where: list[str] = []
        params: list[Any] = []
        exact = (("user_name", query.user), ("model", query.model), ("decision", query.decision))
        for column, value in exact:
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        # The caller's value is a literal: its % and _ must not act as LIKE's wildcards.
        for column, value in (("groups", query.group), ("entity_types", query.entity_type)):
            if value is not None:
                where.append(f"{column} LIKE ? ESCAPE '\\'")
                params.append(f"%,{_literal(value)},%")
        if query.source is not None:  # finding_sources is JSON: {"TYPE": ["role/kind", ...]}
            where.append("finding_sources LIKE ? ESCAPE '\\'")
            source = _literal(query.source)
            params.append(f'%"{source}"%' if "/" in query.source else f'%/{source}"%')
        if query.traffic is not None:
            where.append("assurance" if query.traffic == "assurance" else "NOT assurance")
        if query.since_us is not None:
            where.append("ts_us >= ?")
            params.append(query.since_us)
        if query.until_us is not None:
            where.append("ts_us < ?")
            params.append(query.until_us)
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY ts_us DESC, request_id"
        sql += f" LIMIT {max(1, min(query.limit, MAX_SEARCH))}"
        return [self._row(r) for r in await self.fetch(self.dialect.sql(sql), params)]

    async def count(self) -> int:
        rows = await self.fetch("SELECT COUNT(*) AS n FROM exchanges")
        return int(rows[0]["n"])

    async def hold(self, request_id: str, reason: str) -> None:
        """Keep a record past its retention until released (an open incident refers to it)."""
        sql = "INSERT INTO legal_holds (request_id, reason, held_us, released_us) VALUES (?, ?, ?, NULL) "
        sql += "ON CONFLICT (request_id) DO UPDATE SET reason = excluded.reason, released_us = NULL"
        await self.execute(self.dialect.sql(sql), [request_id, reason, now_us()])

    async def release(self, request_id: str) -> None:
        sql = "UPDATE legal_holds SET released_us = ? WHERE request_id = ? AND released_us IS NULL"
        await self.execute(self.dialect.sql(sql), [now_us(), request_id])

    async def purge(self, at_us: int, policy_version: str | None, dry_run: bool = False) -> PurgeResult:
        """Delete records past their retention, except those on legal hold; record the run."""
        expired = "expires_us <= ?"
        counts = await self.fetch(
            self.dialect.sql(
                f"SELECT log_level, {_HELD} AS held, COUNT(*) AS n FROM exchanges WHERE {expired} "  # noqa: S608
                "GROUP BY log_level, held"
            ),
            [at_us],
        )
        held = sum(int(r["n"]) for r in counts if r["held"])
        by_level = {str(r["log_level"]): int(r["n"]) for r in counts if not r["held"]}
        deleted = sum(by_level.values())
        if not dry_run:
            sql = f"DELETE FROM exchanges WHERE {expired} AND NOT {_HELD}"  # noqa: S608 - constants only
            deleted = await self.execute(self.dialect.sql(sql), [at_us])
        run = (
            "INSERT INTO purge_runs (ts_us, policy_version, dry_run, deleted, held, by_level) VALUES (?, ?, ?, ?, ?, ?)"
        )
        params = [now_us(), policy_version, dry_run, deleted, held, json.dumps(by_level, sort_keys=True)]
        await self.execute(self.dialect.sql(run), params)
        return PurgeResult(deleted, held, by_level, dry_run)

    async def purge_runs(self, limit: int = 100) -> list[dict[str, Any]]:
        sql = f"SELECT id, ts_us, policy_version, dry_run, deleted, held, by_level FROM purge_runs ORDER BY id DESC LIMIT {int(limit)}"  # noqa: S608,E501
        return [
            {**r, "dry_run": bool(r["dry_run"]), "by_level": json.loads(r["by_level"])} for r in await self.fetch(sql)
        ]

    async def record_text_read(self, reader: str, role: str, request_id: str, via: str) -> None:
        sql = "INSERT INTO text_reads (ts_us, reader, role, request_id, via) VALUES (?, ?, ?, ?, ?)"
        await self.execute(self.dialect.sql(sql), [now_us(), reader, role, request_id, via])

    async def text_reads(self, request_id: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT ts_us, reader, role, request_id, via FROM text_reads"
        if request_id is None:
            return await self.fetch(sql + " ORDER BY id")
        return await self.fetch(self.dialect.sql(sql + " WHERE request_id = ? ORDER BY id"), [request_id])

    @staticmethod
    def _row(found: dict[str, Any]) -> Row:
        row = dict(found)
        row["stream"] = bool(row["stream"])
        row["assurance"] = bool(row["assurance"])  # SQLite's booleans are 0 and 1
        for name in ("prompt_sealed", "response_sealed"):
            if row[name] is not None:
                row[name] = bytes(row[name])
        return row
