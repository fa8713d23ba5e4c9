"""A real PostgreSQL outage under the prompt log: the server is stopped and restarted while
the real OpenAI SDK sends traffic through the gateway.

``on_failure: spool`` keeps answering, spools the records and replays them, each exactly
once, when the server is back. ``on_failure: block`` refuses new requests with 503
``prompt_log_unavailable`` once a write has failed, answers again when the server is
back, and loses none of the records, neither of the admitted nor of the refused requests.

The server is a private cluster (pg_cluster.py), never the shared one other tests use.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.promptlog.record import row_from_json
from gateway.testing import RunningGateway
from tests.conftest import TEST_POLICY, StartGateway
from tests.gateway.promptlog.pg_cluster import PgCluster, cannot_run_cluster, find_pg_bin

N = 20
DEADLINE_S = 30.0


@dataclass(frozen=True)
class Sent:
    """What the caller saw of one request."""

    status: int
    request_id: str
    code: str | None


@dataclass(frozen=True)
class PgGateway:
    gateway: RunningGateway
    schema: str
    spool: Path


@pytest.fixture(scope="module")
def pg_cluster() -> Iterator[PgCluster]:
    bin_dir = find_pg_bin()
    reason = cannot_run_cluster(bin_dir)
    if bin_dir is None or reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: the PostgreSQL outage tests must run in CI")
        pytest.skip(f"{reason}; install the postgresql server package to run the outage tests")
    cluster = PgCluster(bin_dir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.cleanup()


@pytest.fixture
def pg_gateway(
    start_gateway: StartGateway, pg_cluster: PgCluster, tmp_path: Path
) -> Iterator[Callable[[str], PgGateway]]:
    """``pg_gateway(on_failure)``: a gateway logging to a fresh schema of the private cluster.
    Torn down before the gateway: a test that failed mid-outage gets its server back, so the
    gateway can stop cleanly."""
    if not pg_cluster.running:
        pg_cluster.start()
    schema = "aigw_outage_" + secrets.token_hex(6)
    pg_run(pg_cluster.dsn, f"CREATE SCHEMA {schema}")

    def start(on_failure: str) -> PgGateway:
        policy = tmp_path / "policy.yaml"
        policy.write_text(TEST_POLICY.read_text() + f"prompt_log:\n  on_failure: {on_failure}\n")
        gateway = start_gateway(
            policy_path=str(policy),
            prompt_log={"postgres_dsn": pg_cluster.dsn, "postgres_schema": schema, "purge_interval_s": 0},
            limits={"shutdown_grace_s": 5},
        )
        return PgGateway(gateway, schema, gateway.settings.prompt_log.spool_path)

    yield start
    if not pg_cluster.running:
        pg_cluster.start()


# --- helpers
def pg_run(dsn: str, sql: str) -> list[dict[str, Any]]:
    async def run() -> list[dict[str, Any]]:
        conn = await asyncpg.connect(dsn, timeout=10)
        try:
            return [dict(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return asyncio.run(run())


def stored(dsn: str, schema: str) -> list[dict[str, Any]]:
    sql = f"SELECT request_id, status, outcome, error_code, upstream_ms FROM {schema}.exchanges"  # noqa: S608
    return pg_run(dsn, sql)


def stored_count(dsn: str, schema: str) -> int:
    return int(pg_run(dsn, f"SELECT count(*) AS n FROM {schema}.exchanges")[0]["n"])  # noqa: S608


def spooled_ids(spool: Path) -> list[str]:
    """The request ids in the spool file (a line still being appended is not counted yet)."""
    if not spool.exists():
        return []
    lines = spool.read_text().splitlines(keepends=True)
    return [str(row_from_json(line)["request_id"]) for line in lines if line.endswith("\n") and line.strip()]


def wait_for(condition: Callable[[], bool], what: str, seconds: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.05)


def sdk(gateway: RunningGateway, closing: list[Any]) -> openai.OpenAI:
    key = gateway.create_key("alice", "engineering")
    client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0, timeout=30)
    closing.append(client)
    return client


def send(client: openai.OpenAI, text: str) -> Sent:
    try:
        raw = client.chat.completions.with_raw_response.create(
            model="echo-1", messages=[{"role": "user", "content": text}]
        )
    except openai.APIStatusError as err:
        return Sent(err.status_code, err.response.headers["x-request-id"], err.code)
    assert raw.parse().choices[0].message.content == text  # the echo provider answered
    return Sent(raw.status_code, raw.headers["x-request-id"], None)


def metric(gateway: RunningGateway, name: str, **labels: str) -> float:
    """The value of one sample of the admin /metrics page (0 when absent)."""
    with urllib.request.urlopen(f"{gateway.admin_url}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def assert_each_stored_once(rows: list[dict[str, Any]], sent: list[Sent]) -> dict[str, dict[str, Any]]:
    ids = [str(r["request_id"]) for r in rows]
    assert len(ids) == len(set(ids)), "a record was stored twice"
    by_id = {str(r["request_id"]): r for r in rows}
    assert set(by_id) == {s.request_id for s in sent}
    assert len(sent) == len({s.request_id for s in sent})
    return by_id


# --- the tests
def test_spool_mode_answers_through_an_outage_and_replays_each_record_once(
    pg_gateway: Callable[[str], PgGateway], pg_cluster: PgCluster, closing: list[Any]
) -> None:
    pg = pg_gateway("spool")
    client = sdk(pg.gateway, closing)
    dsn, schema = pg_cluster.dsn, pg.schema

    before = [send(client, f"before the outage {i}") for i in range(N)]
    assert [s.status for s in before] == [200] * N
    wait_for(lambda: stored_count(dsn, schema) == N, "the first records are in the store")
    assert spooled_ids(pg.spool) == []

    pg_cluster.stop()
    during = [send(client, f"during the outage {i}") for i in range(N)]
    assert [s.status for s in during] == [200] * N  # spool mode never refuses
    wait_for(lambda: len(spooled_ids(pg.spool)) == N, "the outage's records are spooled")
    assert sorted(spooled_ids(pg.spool)) == sorted(s.request_id for s in during)

    pg_cluster.start()
    wait_for(
        lambda: stored_count(dsn, schema) == 2 * N and spooled_ids(pg.spool) == [],
        "the spool is replayed into the store and emptied",
    )
    by_id = assert_each_stored_once(stored(dsn, schema), before + during)
    assert {r["status"] for r in by_id.values()} == {200}
    assert pg.spool.read_text() == ""

    after = send(client, "after the outage")  # and the store takes new records directly again
    assert after.status == 200
    wait_for(lambda: stored_count(dsn, schema) == 2 * N + 1, "a record after the outage is stored")
    assert spooled_ids(pg.spool) == []

    gw = pg.gateway
    assert metric(gw, "aigw_prompt_log_failures_total", reason="store_unavailable") > 0
    assert metric(gw, "aigw_prompt_log_spooled_records_total") == N
    assert metric(gw, "aigw_prompt_log_replayed_records_total") == N
    assert metric(gw, "aigw_prompt_log_refused_requests_total") == 0


def test_block_mode_refuses_during_an_outage_and_loses_no_record(
    pg_gateway: Callable[[str], PgGateway], pg_cluster: PgCluster, closing: list[Any]
) -> None:
    pg = pg_gateway("block")
    client = sdk(pg.gateway, closing)
    dsn, schema = pg_cluster.dsn, pg.schema

    before = [send(client, f"before the outage {i}") for i in range(N)]
    assert [s.status for s in before] == [200] * N
    wait_for(lambda: stored_count(dsn, schema) == N, "the first records are in the store")

    pg_cluster.stop()
    # The outage is noticed when a batch fails to be written: the requests made while that
    # batch gathered (batch_wait_ms, 20 ms by default) are still admitted, and must then
    # still be recorded, later.
    outage: list[Sent] = []
    while not outage or outage[-1].status != 503:
        assert len(outage) < 50, f"no 503 in {len(outage)} requests after the store went away"
        outage.append(send(client, f"during the outage {len(outage)}"))
    admitted = outage[:-1]
    assert len(admitted) <= 30, f"{len(admitted)} requests admitted after the store went away"
    assert all(s.status == 200 for s in admitted)
    outage += [send(client, f"still during the outage {i}") for i in range(5)]
    refused = [s for s in outage if s.status == 503]
    assert len(refused) == 6  # once refusing, it keeps refusing while the store is down
    assert {s.code for s in refused} == {"prompt_log_unavailable"}

    pg_cluster.start()
    recovery: list[Sent] = []
    deadline = time.monotonic() + DEADLINE_S
    while not recovery or recovery[-1].status != 200:
        assert time.monotonic() < deadline, f"not answering again within {DEADLINE_S} s"
        if recovery:
            time.sleep(0.1)
        recovery.append(send(client, f"recovering {len(recovery)}"))
    assert all(s.status == 503 and s.code == "prompt_log_unavailable" for s in recovery[:-1])
    recovery += [send(client, f"after the outage {i}") for i in range(5)]
    assert [s.status for s in recovery[-6:]] == [200] * 6

    # Every exchange is recorded, admitted or refused: the store ends up holding them all.
    sent = before + outage + recovery
    wait_for(lambda: stored_count(dsn, schema) == len(sent), f"all {len(sent)} records are in the store")
    by_id = assert_each_stored_once(stored(dsn, schema), sent)
    for s in sent:
        row = by_id[s.request_id]
        assert row["status"] == s.status
        if s.status == 503:  # refused before anything was forwarded upstream
            assert (row["outcome"], row["error_code"], row["upstream_ms"]) == ("error", "prompt_log_unavailable", None)
        else:
            assert (row["outcome"], row["error_code"]) == ("ok", None)
            assert row["upstream_ms"] is not None
    assert spooled_ids(pg.spool) == []  # block mode retries; it never spools while running

    gw = pg.gateway
    assert metric(gw, "aigw_prompt_log_failures_total", reason="store_unavailable") > 0
    refused_total = sum(1 for s in sent if s.status == 503)
    assert metric(gw, "aigw_prompt_log_refused_requests_total") == refused_total
    assert metric(gw, "aigw_prompt_log_spooled_records_total") == 0
