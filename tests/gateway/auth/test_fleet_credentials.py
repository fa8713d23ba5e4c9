"""Gateway keys and admin tokens shared by a fleet in PostgreSQL: a key created anywhere works
on every replica, a key revoked anywhere stops working on every replica within the refresh
interval, and a connection the server drops is reopened."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import openai
import psycopg
import pytest

from gateway.auth.admin_tokens import AdminTokenStore
from gateway.auth.credential_db import PostgresDb, open_credential_db
from gateway.auth.keystore import KeyStore, parse_key
from gateway.config.settings import StoreSettings
from gateway.errors import ConfigError
from gateway.testing import RunningGateway
from tests.conftest import StartGateway
from tests.gateway.promptlog.conftest import pg_dsn, pg_schema

__all__ = ["pg_dsn", "pg_schema"]  # fixtures


@pytest.fixture
def keys(pg_dsn: str, pg_schema: str) -> Iterator[KeyStore]:
    store = KeyStore(PostgresDb(pg_dsn, pg_schema))
    yield store
    store.close()


def test_keys_on_postgresql(keys: KeyStore, pg_dsn: str, pg_schema: str) -> None:
    before = keys.data_version()
    _record, key = keys.create("alice", ("engineering", "eu"))
    after_create = keys.data_version()
    key_id, secret = parse_key(key) or ("", "")
    [active] = keys.active().values()
    assert (active.key_id, active.user, active.groups) == (key_id, "alice", ("engineering", "eu"))
    assert active.matches(secret)
    assert not active.matches(secret[:-1] + "x")
    other = KeyStore(PostgresDb(pg_dsn, pg_schema))  # another replica's connection sees it at once
    assert other.data_version() == after_create != before
    assert other.revoke(key_id)
    assert keys.data_version() != after_create
    assert keys.active() == {}
    revoked = keys.revoked(key_id)
    assert revoked is not None
    assert revoked.matches(secret)
    assert not keys.revoke(key_id)
    other.close()
    with psycopg.connect(pg_dsn) as conn:  # only a salted hash is stored
        rows = conn.execute(f"SELECT * FROM {pg_schema}.api_keys").fetchall()  # noqa: S608 - the test's schema
    assert secret not in repr(rows)


def test_a_dropped_connection_is_reopened(keys: KeyStore, pg_dsn: str) -> None:
    keys.create("bob", ())
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE pid <> pg_backend_pid() AND query LIKE '%api_keys%' AND datname = current_database()"
        ).fetchall()
    assert killed
    assert [r.user for r in keys.active().values()] == ["bob"]


def test_admin_tokens_on_postgresql(pg_dsn: str, pg_schema: str) -> None:
    tokens = AdminTokenStore(PostgresDb(pg_dsn, pg_schema))
    token, presented = tokens.create("carol", "auditor")
    verified = tokens.verify(presented)
    assert verified is not None
    assert (verified.name, verified.role) == ("carol", "auditor")
    assert tokens.verify(presented + "x") is None
    assert tokens.revoke(token.token_id)
    assert tokens.verify(presented) is None
    tokens.close()


def admin_status(gateway: RunningGateway, token: str) -> int:
    request = urllib.request.Request(
        f"{gateway.admin_url}/admin/incidents", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            json.load(resp)
            return int(resp.status)
    except urllib.error.HTTPError as failed:
        failed.close()
        return failed.code


def test_two_gateways_share_keys_and_revocations(
    start_gateway: StartGateway, pg_dsn: str, pg_schema: str, closing: list[Any]
) -> None:
    shared = {"store": {"postgres_dsn": pg_dsn, "postgres_schema": pg_schema}}
    one = start_gateway(**shared, identity={"key_refresh_interval_s": 0.2})
    two = start_gateway(**shared, identity={"key_refresh_interval_s": 0.2})
    key = one.create_key("alice", "engineering")  # created through replica one's store
    clients = [openai.OpenAI(base_url=f"{g.url}/v1", api_key=key, max_retries=0) for g in (one, two)]
    closing.extend(clients)
    for sdk in clients:
        reply = sdk.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "hi"}])
        assert reply.choices[0].message.content == "hi"
    tokens = AdminTokenStore(PostgresDb(pg_dsn, pg_schema))
    _, admin_token = tokens.create("sam", "secops")
    tokens.close()
    assert admin_status(one, admin_token) == admin_status(two, admin_token) == 200

    assert two.revoke_key(key)  # revoked through replica two's store: both refuse it
    deadline = time.monotonic() + 10
    for sdk in clients:
        while True:
            try:
                sdk.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "hi"}])
            except openai.AuthenticationError:
                break
            assert time.monotonic() < deadline, "a revoked key still works on a replica"
            time.sleep(0.1)


@pytest.mark.parametrize(
    "dsn",
    [
        "postgresql://aigw:S3cretPw@127.0.0.1:5432/test?bogus=1",  # malformed: the driver may quote it
        "postgresql://aigw:S3cretPw@127.0.0.1:1/test",  # nothing listens there
    ],
)
def test_a_bad_store_dsn_stops_start_up_without_showing_its_password(dsn: str) -> None:
    with pytest.raises(ConfigError) as failed:
        open_credential_db(StoreSettings(postgres_dsn=dsn), {})
    assert "S3cretPw" not in str(failed.value)
    assert "postgres_dsn" in str(failed.value)
