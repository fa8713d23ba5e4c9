"""Backpressure end to end: a real gateway logging to a real PostgreSQL whose exchanges table is
locked by another session (a store that has stopped keeping up). Requests past the queue's mark
wait instead of being refused, /readyz and /metrics say so, and once the lock goes every
request is answered and every record is in the store (issue 18)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import asyncpg
import httpx
import openai
import pytest

from gateway.testing import RunningGateway
from tests.conftest import StartGateway
from tests.gateway.promptlog.test_pg_outage import stored_count

QUEUE = 8  # the mark is half of it: the fifth record waiting turns backpressure on


class TableLock:
    """Another session holding an exclusive lock on the exchanges table until released."""

    def __init__(self, dsn: str, schema: str) -> None:
        self._dsn, self._schema = dsn, schema
        self._release = threading.Event()
        self._locked = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._hold()), daemon=True)

    async def _hold(self) -> None:
        conn = await asyncpg.connect(self._dsn)
        try:
            async with conn.transaction():
                await conn.execute(f"LOCK TABLE {self._schema}.exchanges IN ACCESS EXCLUSIVE MODE")
                self._locked.set()
                await asyncio.to_thread(self._release.wait)
        finally:
            await conn.close()

    def __enter__(self) -> TableLock:
        self._thread.start()
        assert self._locked.wait(10)
        return self

    def release(self) -> None:
        self._release.set()
        self._thread.join(10)

    def __exit__(self, *exc: object) -> None:
        self.release()


@pytest.fixture
def pg_logged_gateway(pg_dsn: str, pg_schema: str, start_gateway: StartGateway) -> RunningGateway:
    """The schema is set up first, so it is dropped after the gateway has stopped."""
    return start_gateway(
        prompt_log={
            "postgres_dsn": pg_dsn,
            "postgres_schema": pg_schema,
            "purge_interval_s": 0,
            "queue_size": QUEUE,
            "batch_size": QUEUE,
            "batch_wait_ms": 0,
            "backpressure_at": 0.5,
            "admission_wait_ms": 20_000,
        },
    )


def admin(gateway: RunningGateway, path: str) -> httpx.Response:
    return httpx.get(f"{gateway.admin_url}{path}", timeout=10)


def admission_waits(gateway: RunningGateway) -> float:
    for line in admin(gateway, "/metrics").text.splitlines():
        if line.startswith("aigw_prompt_log_admission_wait_seconds_count"):
            return float(line.split()[-1])
    raise AssertionError("no admission-wait histogram on /metrics")


def ask(client: openai.OpenAI, results: list[Any]) -> None:
    answer = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hello"}])
    results.append(answer.choices[0].message.content)


def test_a_store_that_falls_behind_slows_requests_down_instead_of_refusing_them(
    pg_logged_gateway: RunningGateway, pg_dsn: str, pg_schema: str
) -> None:
    gateway = pg_logged_gateway
    client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("alice", "engineering"))
    client = client.with_options(max_retries=0, timeout=30)
    answers: list[Any] = []
    with TableLock(pg_dsn, pg_schema) as lock:
        for _ in range(1 + QUEUE // 2):  # the first record is held by the writer at the lock, four wait
            ask(client, answers)
        assert admin(gateway, "/readyz").json()["prompt_log_backpressure"] is True
        assert admin(gateway, "/readyz").status_code == 200  # slowing down is not failing
        waiting = threading.Thread(target=ask, args=(client, answers))
        waiting.start()
        time.sleep(0.5)
        assert waiting.is_alive()  # held at admission, not refused
        assert len(answers) == 1 + QUEUE // 2
        lock.release()
        waiting.join(20)
    assert not waiting.is_alive()
    assert len(answers) == 2 + QUEUE // 2  # every request answered, none refused
    assert admission_waits(gateway) == 1
    deadline = time.monotonic() + 10
    while stored_count(pg_dsn, pg_schema) < len(answers):
        assert time.monotonic() < deadline, "records missing from the store"
        time.sleep(0.05)
    assert admin(gateway, "/readyz").json()["prompt_log_backpressure"] is False
