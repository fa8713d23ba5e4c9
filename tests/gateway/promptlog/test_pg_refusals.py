"""A PostgreSQL store that refuses writes is an outage, not a stream of bad records.

Only a refusal of the values (SQLSTATE classes 22 and 23, or a value asyncpg cannot encode)
is ``RecordRejected``; a read-only database or a revoked privilege is ``StoreUnavailable``:
the block-mode writer refuses requests and stops being ready, the incident recorder retries,
nothing is quarantined, and once the store is writable again everything is stored. A NUL,
which PostgreSQL text cannot hold, is repaired and stored, not quarantined.

Real PostgreSQL (the shared server's ``test`` database, a schema and a login role of the
test's own); the role is what the gateway connects as, so that what the test changes
touches nobody else's connections.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from gateway.errors import PromptLogUnavailable
from gateway.incidents.model import Candidate
from gateway.incidents.recorder import IncidentLog
from gateway.incidents.store import IncidentQuery, IncidentStore, Reassess, Recorded, UnknownIncident
from gateway.metrics import GatewayMetrics
from gateway.policy.schema import LogLevel
from gateway.promptlog.postgres_store import PostgresPromptStore
from gateway.promptlog.record import LogRecord
from gateway.promptlog.store import PromptStore, RecordRejected, StoreUnavailable, Transaction, now_us
from gateway.promptlog.writer import PromptLogWriter
from tests.gateway.incidents.test_incident_spool import COMPLIANCE, POLICY
from tests.gateway.promptlog.test_writer import rec, wait_until

DEADLINE_S = 30.0
_WRITES = "INSERT, UPDATE, DELETE"


async def _admin(dsn: str, *sqls: str) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        rows: list[dict[str, Any]] = []
        for sql in sqls:
            rows = [dict(r) for r in await conn.fetch(sql)]
        return rows
    finally:
        await conn.close()


@dataclass
class Role:
    """A login role of the test's own, with the rights the gateway needs on the test's schema."""

    name: str
    dsn: str  # connects as the role
    admin_dsn: str
    schema: str

    def store(self) -> PostgresPromptStore:
        return PostgresPromptStore(self.dsn, self.schema)

    async def refuse(self, how: str) -> None:
        """Make the store refuse every write, the way an operator or a failover would."""
        if how == "read_only":  # a session setting: new connections only, so the old ones go
            await _admin(self.admin_dsn, f"ALTER ROLE {self.name} SET default_transaction_read_only = on")
            await self._reconnect()
        else:
            await _admin(self.admin_dsn, f"REVOKE {_WRITES} ON ALL TABLES IN SCHEMA {self.schema} FROM {self.name}")

    async def allow(self, how: str) -> None:
        if how == "read_only":
            await _admin(self.admin_dsn, f"ALTER ROLE {self.name} RESET default_transaction_read_only")
            await self._reconnect()
        else:
            await _admin(self.admin_dsn, f"GRANT {_WRITES} ON ALL TABLES IN SCHEMA {self.schema} TO {self.name}")

    async def _reconnect(self) -> None:
        sql = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{self.name}'"  # noqa: S608
        await _admin(self.admin_dsn, sql)

    async def count(self, table: str) -> int:
        rows = await _admin(self.admin_dsn, f"SELECT count(*) AS n FROM {self.schema}.{table}")  # noqa: S608
        return int(rows[0]["n"])


def _as_role(dsn: str, role: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(netloc=f"{role}@{parts.netloc.rsplit('@', 1)[-1]}"))  # trust auth: no password


@pytest.fixture
def role(pg_dsn: str, pg_schema: str) -> Iterator[Role]:
    name = "aigw_role_" + secrets.token_hex(6)

    async def create() -> None:
        admin = PostgresPromptStore(pg_dsn, pg_schema)
        await admin.open()  # the schema is migrated by its owner; the role only reads and writes
        await admin.close()
        await _admin(
            pg_dsn,
            f"CREATE ROLE {name} LOGIN",
            f"GRANT USAGE, CREATE ON SCHEMA {pg_schema} TO {name}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {pg_schema} TO {name}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {pg_schema} TO {name}",
        )

    asyncio.run(create())
    yield Role(name, _as_role(pg_dsn, name), pg_dsn, pg_schema)
    sql = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{name}'"  # noqa: S608
    asyncio.run(_admin(pg_dsn, sql, f"DROP OWNED BY {name}", f"DROP ROLE {name}"))


@pytest.fixture
async def role_store(role: Role) -> AsyncIterator[PostgresPromptStore]:
    store = role.store()
    await store.open()
    yield store
    await store.close()


# --- the store's own verdicts
HOLD_COLUMNS = ("request_id", "reason", "held_us", "released_us")


async def test_only_refused_values_are_rejected_records(role: Role, role_store: PostgresPromptStore) -> None:
    hold = "INSERT INTO legal_holds (request_id, reason, held_us, released_us) VALUES (?, ?, ?, NULL)"
    sql = role_store.dialect.sql(hold)
    for values in (["r1", "a\x00b", 1], ["r2", "x", 2**70], ["r3", "a\ud800", 1], ["r4", None, 1]):
        with pytest.raises(RecordRejected):  # class 22 (server and client side), class 23 (NOT NULL)
            await role_store.execute(sql, values)
    rows = [["r5", "ok", 1, None], ["r6", "a\x00b", 1, None]]
    with pytest.raises(RecordRejected):
        await role_store.insert_many("legal_holds", HOLD_COLUMNS, rows, "")
    with pytest.raises(StoreUnavailable):  # a missing table is the store's fault, not the record's
        await role_store.fetch("SELECT * FROM no_such_table")
    await role.refuse("revoked")
    with pytest.raises(StoreUnavailable):
        await role_store.execute(sql, ["r7", "ok", 1])
    with pytest.raises(StoreUnavailable):
        await role_store.insert_many("legal_holds", HOLD_COLUMNS, [["r8", "ok", 1, None]], "")
    await role.allow("revoked")
    await role_store.execute(sql, ["r9", "ok", 1])
    assert await role.count("legal_holds") == 1


async def test_transact_lets_the_applications_exceptions_through(role_store: PostgresPromptStore) -> None:
    with pytest.raises(UnknownIncident):
        await IncidentStore(role_store).transition("inc_missing", "acknowledged", "ann")

    async def nul(tx: Transaction) -> None:
        await tx.execute("INSERT INTO legal_holds (request_id, reason, held_us) VALUES (?, ?, ?)", ["r", "\x00", 1])

    with pytest.raises(RecordRejected):
        await role_store.transact(nul)

    async def missing(tx: Transaction) -> None:
        await tx.fetch("SELECT * FROM no_such_table")

    with pytest.raises(StoreUnavailable):
        await role_store.transact(missing)


# --- the prompt-log writer
def _writer(store: PromptStore, tmp_path: Path) -> tuple[PromptLogWriter, GatewayMetrics]:
    metrics = GatewayMetrics()
    return PromptLogWriter(store, None, metrics, lambda: "block", tmp_path / "spool.jsonl", 100, 10), metrics


@pytest.mark.parametrize("how", ["read_only", "revoked"])
async def test_a_store_refusing_writes_blocks_and_quarantines_nothing(
    role: Role, role_store: PostgresPromptStore, tmp_path: Path, how: str
) -> None:
    writer, _ = _writer(role_store, tmp_path)
    await writer.start()
    writer.submit(rec(0))
    await asyncio.wait_for(writer.flush(), DEADLINE_S)
    assert writer.ready

    await role.refuse(how)
    for i in (1, 2, 3):
        writer.submit(rec(i))  # admitted before anyone knew
    await wait_until(lambda: not writer.healthy and not writer.ready, DEADLINE_S)
    with pytest.raises(PromptLogUnavailable):
        await writer.admit()  # block mode: nothing more is forwarded unlogged
    assert not writer.quarantine_path.exists()

    await role.allow(how)
    await wait_until(lambda: writer.healthy and writer.ready, DEADLINE_S)
    await asyncio.wait_for(writer.flush(), DEADLINE_S)
    assert await role.count("exchanges") == 4
    assert not writer.quarantine_path.exists()
    await writer.close(1)


async def test_a_nul_is_repaired_and_stored_on_either_backend(store: PromptStore, backend: str, tmp_path: Path) -> None:
    writer, metrics = _writer(store, tmp_path)
    await writer.start()
    record = LogRecord("req_nul", now_us(), 200, "ok", LogLevel.METADATA, now_us() + 10**12, user="u\x00")
    record.model = "gpt-6\x00x"  # what a caller can put in a request body
    writer.submit(record)
    writer.submit(rec(1))
    await asyncio.wait_for(writer.flush(), DEADLINE_S)
    row = await store.get("req_nul")
    assert row is not None
    if backend == "postgresql":  # its text cannot hold NUL: repaired after the store refused it
        assert (row["model"], row["user_name"]) == ("gpt-6\ufffdx", "u\ufffd")
        assert metrics.record_errors.labels("prompt_log", "repaired")._value.get() == 1
    else:  # SQLite can: stored as it came
        assert (row["model"], row["user_name"]) == ("gpt-6\x00x", "u\x00")
    assert await store.get("req_1") is not None
    assert not writer.quarantine_path.exists()
    await writer.close(1)


# --- the incident recorder
class Attempts(IncidentStore):
    """Counts the calls the store refused as an outage: the recorder is seen retrying."""

    outages = 0

    async def record_all(
        self, batch: Sequence[Candidate], window_s: int, reassess_for: Callable[[Candidate], Reassess]
    ) -> list[Recorded]:
        try:
            return await super().record_all(batch, window_s, reassess_for)
        except StoreUnavailable:
            self.outages += 1
            raise


def _incident_log(store: IncidentStore, tmp_path: Path) -> IncidentLog:
    return IncidentLog(store, COMPLIANCE, lambda: POLICY, spool_path=tmp_path / "incidents.spool")


async def _within(awaitable: Awaitable[None]) -> None:
    await asyncio.wait_for(awaitable, DEADLINE_S)


@pytest.mark.parametrize("how", ["read_only", "revoked"])
async def test_incidents_wait_out_a_store_refusing_writes(
    role: Role, role_store: PostgresPromptStore, tmp_path: Path, how: str
) -> None:
    store = Attempts(role_store)
    incidents = _incident_log(store, tmp_path)
    await incidents.start()
    await role.refuse(how)
    incidents.observe_logging_failure("store_unavailable")
    incidents.observe_policy_change("1", "2", loosened=1, tightened=0)
    await wait_until(lambda: store.outages >= 2, DEADLINE_S)  # retried, not set aside
    assert incidents.quarantine_path is not None
    assert not incidents.quarantine_path.exists()

    await role.allow(how)
    await _within(incidents.flush())
    found = await store.search(IncidentQuery())
    assert {i["type"] for i in found} == {"LOGGING_OR_RETENTION_FAILURE", "POLICY_CHANGE"}
    assert not incidents.quarantine_path.exists()
    await incidents.close(1)


async def test_an_incident_with_a_nul_is_repaired_and_stored(store: PromptStore, backend: str, tmp_path: Path) -> None:
    incidents = _incident_log(IncidentStore(store), tmp_path)
    await incidents.start()
    incidents.observe_auth_failure("203.0.113.7", revoked_key_owner="bob\x00x")  # the actor column takes it raw
    await _within(incidents.flush())
    [found] = await IncidentStore(store).search(IncidentQuery())
    assert found["actor"]["user"] == ("bob\ufffdx" if backend == "postgresql" else "bob\x00x")
    assert incidents.quarantine_path is not None
    assert not incidents.quarantine_path.exists()
    assert (await IncidentStore(store).verify()).ok
    await incidents.close(1)
