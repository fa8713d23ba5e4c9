"""No record can stop the prompt-log writer: values no column or encoder takes are repaired,
what still cannot be stored is quarantined (0600, counted, reported), a poisoned spool is
replayed at start-up without anyone deleting it, and a writer that dies is restarted.

Real SQLite throughout; the only injected fault is a writer bug (a raising method), since
the record paths themselves no longer raise."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import pytest

from gateway.metrics import GatewayMetrics
from gateway.policy.schema import LogLevel
from gateway.promptlog.crypto import load_keyring, rotate_key_file
from gateway.promptlog.record import LogRecord, open_text, row_to_json
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import now_us
from gateway.promptlog.writer import PromptLogWriter
from tests.gateway.promptlog.test_writer import rec, wait_until


class Harness:
    def __init__(self, tmp_path: Path) -> None:
        rotate_key_file(tmp_path / "keys.json")
        self.keyring = load_keyring(tmp_path / "keys.json", "NO_SUCH_VARIABLE", {})
        self.store = SqlitePromptStore(tmp_path / "log.db")
        self.spool = tmp_path / "spool.jsonl"
        self.metrics = GatewayMetrics()
        self.events: list[str] = []
        self.writer = PromptLogWriter(
            self.store,
            self.keyring,
            self.metrics,
            lambda: "block",
            self.spool,
            100,
            10,
            on_failure_event=self.events.append,
        )

    async def start(self) -> None:
        await self.store.open()
        await self.writer.start()

    def errors(self, outcome: str) -> float:
        return float(self.metrics.record_errors.labels("prompt_log", outcome)._value.get())


def full(request_id: str, **fields: object) -> LogRecord:
    record = LogRecord(request_id, now_us(), 200, "ok", LogLevel.FULL, now_us() + 10**12)
    for name, value in fields.items():
        setattr(record, name, value)
    return record


async def test_lone_surrogates_and_huge_numbers_are_repaired_and_stored(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    await h.start()
    h.writer.submit(full("req_text", prompt_text="cut emoji \ud83d", response_text="\udfff"))
    h.writer.submit(full("req_user", user="bob\udc80", client="ua\ud800"))
    h.writer.submit(full("req_tokens", prompt_tokens=2**63, completion_tokens=2**64))
    h.writer.submit(rec(1))
    await h.writer.flush()
    assert await h.store.count() == 4
    text_row = await h.store.get("req_text")
    assert text_row is not None
    assert h.keyring is not None
    assert open_text(text_row, "prompt", h.keyring) == "cut emoji \ufffd"
    user_row = await h.store.get("req_user")
    assert user_row is not None
    assert user_row["user_name"] == "bob\ufffd"
    tokens_row = await h.store.get("req_tokens")
    assert tokens_row is not None
    assert tokens_row["prompt_tokens"] is None
    assert h.errors("repaired") == 3
    assert h.errors("quarantined") == 0
    assert h.writer.ready
    assert h.writer.healthy
    await h.writer.close()


async def test_a_row_the_store_cannot_take_is_quarantined_and_the_rest_written(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    await h.start()
    good = [rec(1).seal(None), rec(2).seal(None)]
    bad = {**rec(3).seal(None), "user_name": {"not": "bindable"}}  # no SQLite type: ProgrammingError
    await h.writer._write_batch([good[0], bad, good[1]])
    assert await h.store.count() == 2
    lines = h.writer.quarantine_path.read_text().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["cause"].startswith("write:")
    assert stat.S_IMODE(h.writer.quarantine_path.stat().st_mode) == 0o600
    assert h.errors("quarantined") == 1
    assert h.events == ["record_quarantined"]  # the incident log raises LOGGING_OR_RETENTION_FAILURE
    await h.writer.close()


async def test_a_poisoned_spool_is_replayed_at_start_without_deleting_anything(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    surrogate_row = {**rec(1).seal(None), "user_name": "x\ud800"}
    h.spool.write_bytes(
        (row_to_json(rec(0).seal(None)) + "\n").encode()
        + b'{"request_id": "torn\n'  # a line cut by a crash
        + b"\xff\xfe garbage\n"
        + (row_to_json(surrogate_row) + "\n").encode()  # JSON-escaped: "\ud800"
        + (row_to_json(rec(2).seal(None)) + "\n").encode()
    )
    await h.start()  # used to crash here until someone deleted the spool
    assert await h.store.count() == 3
    row = await h.store.get("req_1")
    assert row is not None
    assert row["user_name"] == "x\ufffd"
    assert h.spool.stat().st_size == 0
    assert len(h.writer.quarantine_path.read_text().splitlines()) == 2
    assert h.writer.ready
    await h.writer.close()


async def test_a_writer_that_dies_is_restarted_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = Harness(tmp_path)
    await h.start()
    real_seal_all = h.writer._seal_all
    calls: list[int] = []

    def buggy(records: list[LogRecord]) -> list[object]:
        calls.append(len(records))
        if len(calls) == 1:
            raise RuntimeError("a bug in the writer")
        return real_seal_all(records)  # type: ignore[return-value]

    monkeypatch.setattr(h.writer, "_seal_all", buggy)
    for i in range(5):
        h.writer.submit(rec(i))
    await wait_until(lambda: "writer_died" in h.events)
    await asyncio.wait_for(h.writer.flush(), 10)
    assert await h.store.count() == 5  # what the dead writer held was written by its successor
    assert h.metrics.background_task_restarts.labels("prompt_log_writer")._value.get() == 1
    await wait_until(lambda: h.writer.ready)
    await h.writer.close()


async def test_records_queued_at_shutdown_are_kept_even_with_bad_values(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    await h.start()
    await h.store.close()  # the store is gone at shutdown: the spool takes them
    h.writer.submit(full("req_a", prompt_text="\ud800"))
    h.writer.submit(rec(1))
    await h.writer.close(grace_s=0.5)
    lines = h.spool.read_text(encoding="ascii").splitlines()
    assert len(lines) == 2


async def test_a_database_deleted_while_running_is_noticed_and_recreated(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    await h.start()
    h.writer.submit(rec(0))
    await h.writer.flush()
    (tmp_path / "log.db").unlink()  # SQLite would go on writing into the unlinked file, silently
    for i in range(1, 4):
        h.writer.submit(rec(i))
    await wait_until(lambda: "store_unavailable" in h.events)  # reported: an incident, a metric
    await asyncio.wait_for(h.writer.flush(), 10)
    await wait_until(lambda: h.writer.healthy)
    assert (tmp_path / "log.db").exists()
    assert await h.store.count() == 3  # every record after the deletion is in the new file
    assert h.metrics.prompt_log_failures.labels("store_unavailable")._value.get() >= 1
    await h.writer.close()


async def test_a_store_that_refuses_writes_makes_the_writer_not_ready(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    await h.start()
    assert h.writer.ready
    await h.store.close()  # every write raises StoreUnavailable, as a read-only or full disk does
    h.writer.submit(rec(1))
    await wait_until(lambda: not h.writer.ready)  # /readyz answers 503 ("prompt_log")
    await h.store.connect()
    await wait_until(lambda: h.writer.ready)
    await asyncio.wait_for(h.writer.flush(), 10)
    assert await h.store.count() == 1
    await h.writer.close()


async def test_a_spooled_row_missing_required_fields_is_set_aside_once(tmp_path: Path) -> None:
    """The reviewer's repro: one such line used to leave the gateway refusing every request."""
    h = Harness(tmp_path)
    h.spool.write_text('{"request_id":"req_only_this"}\n' + row_to_json(rec(1).seal(None)) + "\n")
    await h.start()
    assert h.writer.ready
    assert await h.store.count() == 1
    assert h.spool.stat().st_size == 0
    assert len(h.writer.quarantine_path.read_text().splitlines()) == 1
    h.writer.submit(rec(2))  # and the gateway goes on recording
    await asyncio.wait_for(h.writer.flush(), 10)
    assert await h.store.count() == 2
    await h.writer.close()


async def test_a_replay_that_fails_is_reported_and_keeps_the_spool(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.spool.write_text("\n".join(row_to_json(rec(i).seal(None)) for i in range(3)) + "\n")
    await h.store.open()
    await h.store.close()  # down: the replay at start cannot write
    await h.writer.start()
    assert not h.writer.healthy
    assert h.events == ["store_unavailable"]  # said, not silent
    assert len(h.spool.read_text().splitlines()) == 3
    await h.store.connect()
    await wait_until(lambda: h.spool.stat().st_size == 0 and h.writer.healthy)  # the probe replays it
    assert await h.store.count() == 3
    await h.writer.close()


SHM_SCENARIO = """
import asyncio, os, sys
from pathlib import Path
from gateway.metrics import GatewayMetrics
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.writer import PromptLogWriter
from tests.gateway.promptlog.test_writer import rec

async def main(folder: Path) -> None:
    store = SqlitePromptStore(folder / "log.db")
    await store.open()
    events: list[str] = []
    writer = PromptLogWriter(
        store, None, GatewayMetrics(), lambda: "block", folder / "spool", 100, 10, on_failure_event=events.append
    )
    await writer.start()
    writer.submit(rec(0))
    await writer.flush()
    os.truncate(folder / "log.db-shm", 0)  # what a full disk, a stray `truncate` or a bad backup tool does
    for i in range(1, 4):
        writer.submit(rec(i))
    await writer.flush()
    await writer.close()
    print(await store.count(), events)

asyncio.run(main(Path(sys.argv[1])))
"""


def test_a_truncated_shm_file_is_repaired_not_a_sigbus(tmp_path: Path) -> None:
    """In a child process: before the fix this killed the process (SIGBUS) with the queued records."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", SHM_SCENARIO, str(tmp_path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == "4 ['store_unavailable']"  # all kept; reported once
