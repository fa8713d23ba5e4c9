"""The prompt store on both backends: every field round-trips, text is sealed at rest, keys
rotate, the schema migrates, and retention purges all but records on legal hold."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import sqlite3
import threading
from pathlib import Path

import pytest

from gateway.policy.schema import LogLevel
from gateway.promptlog.crypto import LogDecryptError, LogKeyring, load_keyring, rotate_key_file
from gateway.promptlog.record import COLUMNS, LogRecord, open_text, parse_list
from gateway.promptlog.schema import LATEST
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import PromptStore, RecordRejected, SchemaTooNew, SearchQuery, Transaction, now_us
from tests.gateway.promptlog.conftest import MakeStore

PROMPT = "Call Maria Lopez on 555-0134 about card 4111 1111 1111 1111"
ANSWER = "Maria's card ends in 1111; I will call her."
DAY_US = 86_400 * 1_000_000


def keyring(tmp_path: Path) -> LogKeyring:
    path = tmp_path / "keys.json"
    rotate_key_file(path)
    ring = load_keyring(path, "UNSET_FOR_TEST", {})
    assert ring is not None
    return ring


V1_COLUMNS = COLUMNS[: COLUMNS.index("response_hash") + 1]  # the exchanges table of the first release


def record(request_id: str = "req_1", **changes: object) -> LogRecord:
    base = LogRecord(
        request_id=request_id,
        ts_us=now_us(),
        status=200,
        outcome="ok",
        level=LogLevel.FULL,
        expires_us=now_us() + 30 * DAY_US,
        user="alice",
        groups=("engineering", "eu"),
        auth="key",
        client="openai-python/3.54",
        provider="openai",
        model="gpt-6-sol",
        endpoint="chat.completions",
        stream=True,
        policy_id="default",
        policy_version="1+abc",
        decision="allow",
        rule="groups.engineering.approved_tools[1]",
        findings={"PERSON:pseudonymize": 1, "CREDIT_CARD:redact": 1},
        response_findings={"PERSON:audit": 1},
        entity_types=("CREDIT_CARD", "PERSON"),
        data_classes=("pii",),
        finding_sources={"CREDIT_CARD": ["tool/tool_result"], "PERSON": ["assistant/text", "user/text"]},
        prompt_tokens=21,
        completion_tokens=12,
        cost=0.000345,
        cost_currency="USD",
        upstream_ms=812.5,
        overhead_ms=1.75,
        duration_ms=815.0,
        error_code=None,
        prompt_text=PROMPT,
        response_text=ANSWER,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


async def test_every_field_is_written_and_read_back(store: PromptStore, tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    written = record()
    row = written.seal(ring)
    await store.write([row])
    back = await store.get("req_1")
    assert back is not None
    assert set(back) == set(COLUMNS)
    assert back == row  # every column, sealed text included
    assert parse_list(back["groups"]) == ["engineering", "eu"]
    assert json.loads(back["findings"]) == {"CREDIT_CARD:redact": 1, "PERSON:pseudonymize": 1}
    assert json.loads(back["finding_sources"])["CREDIT_CARD"] == ["tool/tool_result"]
    assert (back["stream"], back["prompt_tokens"], back["overhead_ms"]) == (True, 21, 1.75)
    assert open_text(back, "prompt", ring) == PROMPT
    assert open_text(back, "response", ring) == ANSWER
    assert back["key_id"] == ring.current


async def test_levels_keep_only_what_they_allow(store: PromptStore, tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    for level in LogLevel:
        await store.write([record(f"req_{level.value}", level=level).seal(ring)])
    rows = {level: await store.get(f"req_{level.value}") for level in LogLevel}
    for level, row in rows.items():
        assert row is not None
        has_sealed = row["prompt_sealed"] is not None
        has_hash = row["prompt_hash"] is not None
        assert (has_sealed, has_hash) == (level in (LogLevel.REDACTED, LogLevel.FULL), level is LogLevel.HASH)
    assert rows[LogLevel.HASH]["prompt_hash"] == ring.keyed_hash(PROMPT)  # type: ignore[index]
    assert rows[LogLevel.HASH]["prompt_hash"] != ring.keyed_hash(PROMPT + " ")  # type: ignore[index]


def owner_only_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("prompt-log.db*") if p.stat().st_mode & 0o777 == 0o600)


async def test_text_is_ciphertext_at_rest(store: PromptStore, tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    await store.write([record(f"req_{i}").seal(ring) for i in range(20)])
    secrets = ["Maria Lopez", "555-0134", "4111 1111 1111 1111", "ends in 1111"]
    dump = json.dumps(
        [
            {k: base64.b64encode(v).decode() if isinstance(v, bytes) else v for k, v in r.items()}
            for r in await store.search(SearchQuery(limit=100))
        ]
    )
    assert not any(s in dump for s in secrets)
    if store.dialect.name == "sqlite":  # grep the raw database files, WAL included
        files = await asyncio.to_thread(owner_only_files, tmp_path)
        assert files == ["prompt-log.db", "prompt-log.db-shm", "prompt-log.db-wal"]  # owner-only, whatever the umask
        await store.close()
        raw = await asyncio.to_thread(lambda: b"".join(p.read_bytes() for p in tmp_path.glob("prompt-log.db*")))
        assert len(raw) > 10_000
        assert not any(s.encode() in raw for s in secrets)
        assert b"gpt-6-sol" in raw  # metadata is plain (searchable), so the grep did read the rows
        await store.open()


async def test_a_sealed_value_cannot_be_moved_or_altered(store: PromptStore, tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    row = record().seal(ring)
    moved = {**row, "request_id": "req_other"}
    with pytest.raises(LogDecryptError, match="altered or moved"):
        open_text(moved, "prompt", ring)
    swapped = {**row, "prompt_sealed": row["response_sealed"]}
    with pytest.raises(LogDecryptError):
        open_text(swapped, "prompt", ring)
    flipped = bytearray(row["prompt_sealed"])
    flipped[-1] ^= 1
    with pytest.raises(LogDecryptError):
        open_text({**row, "prompt_sealed": bytes(flipped)}, "prompt", ring)


async def test_key_rotation_keeps_old_records_readable(store: PromptStore, tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    first = rotate_key_file(path)
    old_ring = load_keyring(path, "UNSET", {})
    assert old_ring is not None
    await store.write([record("req_old").seal(old_ring)])
    second = rotate_key_file(path)
    new_ring = load_keyring(path, "UNSET", {})
    assert new_ring is not None
    assert new_ring.current == second != first
    await store.write([record("req_new", prompt_text="after rotation").seal(new_ring)])
    old, new = await store.get("req_old"), await store.get("req_new")
    assert old is not None
    assert new is not None
    assert (old["key_id"], new["key_id"]) == (first, second)
    assert open_text(old, "prompt", new_ring) == PROMPT  # the rotated ring still opens old records
    assert open_text(new, "prompt", new_ring) == "after rotation"
    with pytest.raises(LogDecryptError, match="not in the keyring"):
        open_text(new, "prompt", old_ring)


async def test_search_filters(store: PromptStore, tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    t = now_us()
    rows = [
        record("a", ts_us=t - 3000, user="alice", decision="allow", entity_types=("PERSON",)),
        record("b", ts_us=t - 2000, user="bob", groups=("sales",), decision="deny", entity_types=()),
        record("c", ts_us=t - 1000, user="alice", model="claude-sonnet-5-5", entity_types=("US_SSN",)),
    ]
    rows[1].finding_sources, rows[2].finding_sources = {}, {"US_SSN": ["user/document"]}
    await store.write([r.seal(ring) for r in rows])

    async def ids(**query: object) -> list[str]:
        return [r["request_id"] for r in await store.search(SearchQuery(**query))]  # type: ignore[arg-type]

    assert await ids() == ["c", "b", "a"]  # newest first
    assert await ids(user="alice") == ["c", "a"]
    assert await ids(group="sales") == ["b"]
    assert await ids(group="sal") == []  # whole group names only
    assert await ids(decision="deny") == ["b"]
    assert await ids(model="claude-sonnet-5-5") == ["c"]
    assert await ids(entity_type="US_SSN") == ["c"]
    assert await ids(source="tool_result") == ["a"]  # a part kind, in any role
    assert await ids(source="document") == ["c"]
    assert await ids(source="user/document") == ["c"]  # or a role/kind
    assert await ids(source="tool/document") == []
    # A value is a literal, never a LIKE pattern: % and _ match only themselves.
    assert await ids(source="%") == []
    assert await ids(source="tool_resul_") == []
    assert await ids(entity_type="US%") == []
    assert await ids(entity_type="US_SS_") == []
    assert await ids(since_us=t - 2000) == ["c", "b"]
    assert await ids(until_us=t - 2000) == ["a"]
    assert await ids(limit=1) == ["c"]


async def test_the_assurance_mark_is_stored_and_searched(store: PromptStore) -> None:
    t = now_us()
    staff = record("staff", ts_us=t - 2000, level=LogLevel.METADATA)
    probe = record("probe", ts_us=t - 1000, level=LogLevel.METADATA, user="aigw-assurance", assurance=True)
    await store.write([staff.seal(None), probe.seal(None)])
    assert [(r["request_id"], r["assurance"]) for r in await store.search(SearchQuery())] == [
        ("probe", True),
        ("staff", False),
    ]
    assert [r["request_id"] for r in await store.search(SearchQuery(traffic="assurance"))] == ["probe"]
    assert [r["request_id"] for r in await store.search(SearchQuery(traffic="user"))] == ["staff"]


async def test_a_replayed_record_is_not_duplicated(store: PromptStore, tmp_path: Path) -> None:
    row = record(level=LogLevel.METADATA).seal(None)
    await store.write([row])
    await store.write([row, record("req_2", level=LogLevel.METADATA).seal(None)])
    assert await store.count() == 2


async def test_a_batch_larger_than_one_statement_is_written_whole_or_not_at_all(
    store: PromptStore, tmp_path: Path
) -> None:
    """SQLite writes a batch as multi-row statements (issue 18): rows beyond the first statement,
    duplicates across statements, and a refused value anywhere rolling back the whole batch."""
    if isinstance(store, SqlitePromptStore):
        assert store._db is not None  # SQLite itself refuses a statement over the limit
        store._db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, len(COLUMNS) * 3)
        store._max_variables = len(COLUMNS) * 3  # what the store reads at connect: three rows a statement
    rows = [record(f"req_{n}", level=LogLevel.METADATA, ts_us=1_000 + n).seal(None) for n in range(10)]
    await store.write(rows[:4])
    await store.write(rows)  # the first four again, and six new ones
    assert await store.count() == 10
    newest_first = [f"req_{n}" for n in range(9, -1, -1)]
    assert [r["request_id"] for r in await store.search(SearchQuery(limit=20))] == newest_first
    bad = [record(f"new_{n}", level=LogLevel.METADATA).seal(None) for n in range(8)]
    bad[6] = {**bad[6], "status": 2**70}  # no integer column takes it: the store refuses the batch
    with pytest.raises(RecordRejected):
        await store.write(bad)
    assert await store.count() == 10  # the five good rows in earlier statements were rolled back


async def test_retention_purges_expired_records_except_those_on_hold(store: PromptStore) -> None:
    t = now_us()
    expired = [record(f"old_{i}", level=LogLevel.METADATA, expires_us=t - 1).seal(None) for i in range(4)]
    kept = record("fresh", level=LogLevel.METADATA, expires_us=t + DAY_US).seal(None)
    await store.write([*expired, kept])
    await store.hold("old_0", "incident INC-1 is open")
    dry = await store.purge(t, "1+abc", dry_run=True)
    assert (dry.deleted, dry.held, dry.by_level, dry.dry_run) == (3, 1, {"metadata": 3}, True)
    assert await store.count() == 5  # a dry run deletes nothing
    result = await store.purge(t, "1+abc")
    assert (result.deleted, result.held) == (3, 1)
    assert sorted(r["request_id"] for r in await store.search(SearchQuery())) == ["fresh", "old_0"]
    await store.release("old_0")
    assert (await store.purge(t, "1+def")).deleted == 1
    runs = await store.purge_runs()
    assert [(r["dry_run"], r["deleted"], r["held"], r["policy_version"]) for r in runs] == [
        (False, 1, 0, "1+def"),
        (False, 3, 1, "1+abc"),
        (True, 3, 1, "1+abc"),
    ]
    assert runs[1]["by_level"] == {"metadata": 3}


async def test_text_reads_are_recorded(store: PromptStore) -> None:
    await store.record_text_read("carol", "auditor", "req_1", "cli")
    [read] = await store.text_reads("req_1")
    assert (read["reader"], read["role"], read["via"]) == ("carol", "auditor", "cli")


async def test_migrations_from_empty_and_from_the_previous_version(make_store: MakeStore, tmp_path: Path) -> None:
    old = make_store()
    await old.open(upto=1)  # a database written by the first release
    assert await old.schema_version() == 1
    v1_row = {c: v for c, v in record("from_v1", level=LogLevel.METADATA).seal(None).items() if c in V1_COLUMNS}
    insert = f"INSERT INTO exchanges ({', '.join(V1_COLUMNS)}) VALUES ({', '.join('?' * len(V1_COLUMNS))})"  # noqa: S608
    await old.execute(old.dialect.sql(insert), [v1_row[c] for c in V1_COLUMNS])
    await old.close()
    current = make_store()
    await current.open()
    assert await current.schema_version() == LATEST
    added = {"finding_sources": "{}", "cost": None, "cost_currency": None}  # columns of migrations 7 and 8
    added["assurance"] = False  # migration 11: a record from before the mark is staff's
    assert await current.get("from_v1") == v1_row | added
    await current.hold("from_v1", "works after the upgrade")  # a table added by a later migration
    await current.close()
    again = make_store()
    await again.open()  # nothing left to apply: idempotent
    assert await again.schema_version() == LATEST
    await again.execute("INSERT INTO schema_migrations (version, applied_us) VALUES (999, 0)")
    await again.close()
    with pytest.raises(SchemaTooNew, match="999"):
        await make_store().open()


async def test_a_sqlite_transaction_runs_its_statements_in_one_thread_and_refuses_other_awaits(
    tmp_path: Path,
) -> None:
    """transact runs the whole work in one worker thread (issue 18: a hop per statement cost a turn of
    a busy event loop each); work that awaits anything but its statements is refused and rolled back."""
    store = SqlitePromptStore(tmp_path / "log.db")
    await store.open()
    sql = "INSERT INTO legal_holds (request_id, reason, held_us, released_us) VALUES (?, ?, ?, NULL)"
    threads: set[int] = set()

    async def work(tx: Transaction) -> int:
        for n in range(3):
            await tx.execute(sql, [f"r{n}", "case", n])
            threads.add(threading.get_ident())
        return len(await tx.fetch("SELECT request_id FROM legal_holds"))

    assert await store.transact(work) == 3
    assert len(threads) == 1
    assert threading.get_ident() not in threads  # not on the event loop's thread

    async def waits(tx: Transaction) -> None:
        await tx.execute(sql, ["r9", "case", 9])
        await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="awaited something other"):
        await store.transact(waits)
    assert len(await store.fetch("SELECT request_id FROM legal_holds")) == 3  # r9 rolled back
    await store.close()


async def test_a_cancelled_sqlite_transaction_is_rolled_back_before_the_caller_goes_on(tmp_path: Path) -> None:
    store = SqlitePromptStore(tmp_path / "log.db")
    await store.open()
    sql = "INSERT INTO legal_holds (request_id, reason, held_us, released_us) VALUES (?, ?, ?, NULL)"
    started, release = threading.Event(), threading.Event()

    async def slow(tx: Transaction) -> None:
        await tx.execute(sql, ["r1", "case", 1])
        started.set()
        release.wait(10)  # the thread is busy in the work when the caller is cancelled
        await tx.execute(sql, ["r2", "case", 2])

    task = asyncio.create_task(store.transact(slow))
    await asyncio.to_thread(started.wait, 10)
    task.cancel()
    releaser = threading.Timer(0.3, release.set)
    releaser.start()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert release.is_set()  # the caller went on only once the thread had finished
    assert await store.fetch("SELECT request_id FROM legal_holds") == []  # rolled back, not committed
    await store.execute(sql, ["r3", "case", 3])  # and the write lock is free
    releaser.join()
    await store.close()
