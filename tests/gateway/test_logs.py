"""gateway/logs.py: how an event reaches the stream."""

from __future__ import annotations

import io
import json
import sys

import pytest
import structlog

from gateway.config.settings import LogSettings
from gateway.logs import configure_logging


class _RecordingStream(io.StringIO):
    """A stream that remembers each write() call, as an unbuffered stdout passes each to the OS."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def write(self, text: str) -> int:
        self.calls.append(text)
        return super().write(text)

    def isatty(self) -> bool:
        return False


def test_each_event_is_one_write_with_its_newline(monkeypatch: pytest.MonkeyPatch) -> None:
    # Several worker processes share one stdout: an event written in two pieces can be cut by
    # another process's event and leave two JSON objects on one line.
    stream = _RecordingStream()
    monkeypatch.setattr(sys, "stdout", stream)
    before = structlog.get_config()
    configure_logging(LogSettings(format="json"), cache_loggers=False)
    try:
        log = structlog.get_logger()
        log.info("first", n=1)
        log.info("second", n=2)
    finally:
        structlog.configure(**before)
    assert len(stream.calls) == 2
    assert all(call.endswith("\n") and call.count("\n") == 1 for call in stream.calls)
    assert [json.loads(call)["event"] for call in stream.calls] == ["first", "second"]
