"""Stores for the prompt-log tests: SQLite in the test's folder, and PostgreSQL in a fresh
schema of the local server's ``test`` database (dropped afterwards).

CI must run the PostgreSQL tests: with CI set, a server that cannot be reached fails
them; elsewhere (a laptop without PostgreSQL) they are skipped, saying why.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest

from gateway.promptlog.postgres_store import PostgresPromptStore
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import PromptStore

MakeStore = Callable[[], PromptStore]
PG_DSN = os.environ.get("AIGW_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")


async def _pg_reachable() -> str | None:
    try:
        conn = await asyncpg.connect(PG_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    problem = asyncio.run(_pg_reachable())
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_DSN} is required in CI and cannot be reached ({problem})")
        pytest.skip(f"no PostgreSQL at {PG_DSN} ({problem}); set AIGW_TEST_PG_DSN to run these tests")
    return PG_DSN


@pytest.fixture
def pg_schema(pg_dsn: str) -> Iterator[str]:
    """A schema of its own for one test, so tests never see each other's rows."""
    schema = "aigw_test_" + secrets.token_hex(6)

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(pg_dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f"CREATE SCHEMA {schema}"))
    yield schema
    asyncio.run(run(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The name of the backend under test; ``make_store`` builds stores on it."""
    if request.param == "postgresql":
        request.getfixturevalue("pg_schema")
    return str(request.param)


@pytest.fixture
def make_store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> MakeStore:
    """``make_store()`` -> a new (unopened) store on the backend under test, same database each call."""

    def make() -> PromptStore:
        if backend == "postgresql":
            return PostgresPromptStore(PG_DSN, request.getfixturevalue("pg_schema"))
        return SqlitePromptStore(tmp_path / "prompt-log.db")

    return make


@pytest.fixture
async def store(make_store: MakeStore) -> AsyncIterator[PromptStore]:
    opened = make_store()
    await opened.open()
    yield opened
    await opened.close()
