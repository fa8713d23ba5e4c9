"""SSE events are reassembled across any chunk boundary."""

from __future__ import annotations

import pytest

from gateway.wire.sse_parse import SseParser

STREAM = b'event: a\ndata: {"x": 1}\n\ndata: two\ndata: lines\n\n: comment\ndata: [DONE]\n\n'


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_events_survive_any_chunking(size: int):
    parser = SseParser()
    events = [e for i in range(0, len(STREAM), size) for e in parser.feed(STREAM[i : i + size])]
    assert [(e.event, e.data) for e in events] == [("a", '{"x": 1}'), (None, "two\nlines"), (None, "[DONE]")]
    assert b"".join(e.raw for e in events) == STREAM
    assert events[0].json() == {"x": 1}
    assert events[2].json() is None
    assert parser.rest() == b""


def test_crlf_and_unfinished_tail():
    parser = SseParser()
    assert [e.data for e in parser.feed(b"data: a\r\n\r\ndata: b")] == ["a"]
    assert parser.rest() == b"data: b"
