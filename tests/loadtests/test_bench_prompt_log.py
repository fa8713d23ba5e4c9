"""The prompt-log benchmark's record-throughput part counts what it writes: every submitted record is in the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.policy.schema import LogLevel
from gateway.promptlog.record import open_text
from gateway.promptlog.sqlite_store import SqlitePromptStore
from loadtests.prompt_log_load import make_keyring, writer_throughput


@pytest.mark.parametrize("level", [LogLevel.METADATA, LogLevel.FULL])
async def test_writer_throughput_stores_every_submitted_record(tmp_path: Path, level: LogLevel) -> None:
    keyring = make_keyring(tmp_path)
    spool = tmp_path / "prompt-log.spool"
    store = SqlitePromptStore(tmp_path / "prompt-log.db")
    # 300 records in bursts of 128: two full bursts and a partial one, each flushed.
    result = await writer_throughput(store, level, 300, keyring, spool, "SQLite", queue_size=128)
    assert (result.submitted, result.stored, result.spooled) == (300, 300, 0)

    reopened = SqlitePromptStore(tmp_path / "prompt-log.db")
    await reopened.open()
    try:
        assert await reopened.count() == 300
        rows = await reopened.fetch("SELECT request_id FROM exchanges LIMIT 1")
        row = await reopened.get(str(rows[0]["request_id"]))
    finally:
        await reopened.close()
    assert row is not None
    if level is LogLevel.FULL:  # sealing really happened: the text opens with the key
        text = open_text(row, "prompt", keyring)
        assert text is not None
        assert len(text) == 1024
    else:
        assert row["prompt_sealed"] is None
