"""SSE events are reassembled across any chunk boundary, with CR, LF and CRLF line ends
(the WHATWG rules), and re-emitted LF-framed."""

from __future__ import annotations

import pytest

from gateway.wire.sse_parse import SseEvent, SseParser

STREAM = b'event: a\ndata: {"x": 1}\n\ndata: two\ndata: lines\n\n: comment\ndata: [DONE]\n\n'
LF_FRAMED = b'event: a\ndata: {"x": 1}\n\ndata: two\ndata: lines\n\ndata: [DONE]\n\n'
FRAMINGS = {"lf": b"\n", "crlf": b"\r\n", "cr": b"\r"}


def feed_all(stream: bytes, size: int) -> list[SseEvent]:
    parser = SseParser()
    events = [e for i in range(0, len(stream), size) for e in parser.feed(stream[i : i + size])]
    assert parser.rest() == b""
    return events


@pytest.mark.parametrize("framing", FRAMINGS)
@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_events_survive_any_chunking_and_any_line_end(framing: str, size: int) -> None:
    events = feed_all(STREAM.replace(b"\n", FRAMINGS[framing]), size)
    assert [(e.event, e.data) for e in events] == [("a", '{"x": 1}'), (None, "two\nlines"), (None, "[DONE]")]
    assert b"".join(e.raw for e in events) == LF_FRAMED  # what clients get: LF-framed, comments dropped
    assert events[0].json() == {"x": 1}
    assert events[2].json() is None


def test_crlf_split_between_cr_and_lf_is_one_line_end() -> None:
    """Every cut of a CRLF stream, including between each CR and its LF, gives the same events."""
    stream = STREAM.replace(b"\n", b"\r\n")
    for cut in range(1, len(stream)):
        parser = SseParser()
        events = [*parser.feed(stream[:cut]), *parser.feed(stream[cut:])]
        assert b"".join(e.raw for e in events) == LF_FRAMED, cut


def test_an_event_is_complete_at_a_lone_cr_without_waiting_for_more() -> None:
    parser = SseParser()
    assert [e.data for e in parser.feed(b"data: a\r\r")] == ["a"]
    assert [e.data for e in parser.feed(b"\ndata: b\n\n")] == ["b"]  # that LF ended the CR's line: no event


def test_a_mixed_framing_and_a_byte_order_mark() -> None:
    events = feed_all(b"\xef\xbb\xbfdata: a\r\n\rdata: b\n\r\n", 1)
    assert [e.data for e in events] == ["a", "b"]


def test_an_unfinished_tail_is_returned_whole_and_lf_framed() -> None:
    parser = SseParser()
    assert [e.data for e in parser.feed(b"data: a\r\n\r\ndata: b")] == ["a"]
    assert parser.rest() == b"data: b\n\n"
    assert parser.rest() == b""


def test_a_line_that_is_not_utf8_marks_the_event_unreadable() -> None:
    (event,) = feed_all(b'data: {"t": "\xff\xfe"}\n\n', 1000)
    assert event.undecodable
    assert event.json() is None
    (fine,) = feed_all('data: {"t": "é"}\n\n'.encode(), 1)
    assert not fine.undecodable
    assert fine.json() == {"t": "é"}


def test_keep_alives_and_unknown_fields_carry_no_data() -> None:
    events = feed_all(b": ping\n\nevent: x\nfoo: secret\n\n", 1000)
    assert [e.data_lines for e in events] == [0, 0]
    assert b"secret" not in b"".join(e.raw for e in events)
