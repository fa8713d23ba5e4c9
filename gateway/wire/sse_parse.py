"""Incremental parsing of a server-sent-events byte stream into whole events.

Line ends follow the WHATWG SSE spec: CRLF, a lone LF and a lone CR all end a line,
wherever a read cuts them (a CR ending one read and an LF starting the next are one
line end, not two). Every event is re-emitted LF-framed, so a client's own parser
sees exactly the events the gateway screened, whatever framing the provider chose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gateway.json_input import parse_upstream

_LINE_END = re.compile(rb"\r\n|\r|\n")
_BOM = b"\xef\xbb\xbf"
_KEPT_FIELDS = (b"event", b"data", b"id", b"retry")


@dataclass
class SseEvent:
    event: str | None
    data: str
    raw: bytes  # the event LF-framed, re-sent as it is when nothing changed
    undecodable: bool = False  # a data or event line was not UTF-8: the event cannot be screened
    data_lines: int = 0  # none: a client dispatches nothing (a keep-alive, a lone event name)

    def json(self) -> Any:
        if self.undecodable:
            return None
        return parse_upstream(self.data)  # None when not JSON; too deep to screen: UpstreamInvalid


class SseParser:
    """Feed bytes as they arrive; get back each event once it is complete."""

    def __init__(self) -> None:
        self._partial = b""  # an unfinished line
        self._lines: list[bytes] = []  # the lines of the unfinished event
        self._skip_lf = False  # the last read ended on a CR: an LF starting the next one belongs to it
        self._started = False

    def feed(self, chunk: bytes) -> Iterator[SseEvent]:
        if self._skip_lf and chunk:
            self._skip_lf = False
            if chunk.startswith(b"\n"):
                chunk = chunk[1:]
        if not chunk:
            return
        if not self._started:
            data = self._partial + chunk
            if len(data) < len(_BOM) and _BOM.startswith(data):
                self._partial = data  # too short to tell whether it is a byte-order mark
                return
            self._started = True
            self._partial, chunk = b"", data.removeprefix(_BOM)
        data = self._partial + chunk
        pieces = _LINE_END.split(data) if b"\r" in data else data.split(b"\n")
        self._partial = pieces.pop()
        self._skip_lf = chunk.endswith(b"\r")
        for line in pieces:
            if line:
                self._lines.append(line)
            elif self._lines:
                lines, self._lines = self._lines, []
                yield _parse(lines)

    def rest(self) -> bytes:
        """An unfinished event when the stream ends, LF-framed and completed (b"" when none).

        A spec-following client drops it, but not every client follows the spec: it is
        returned whole, so whoever calls this screens it like any other event."""
        event = self.rest_event()
        return event.raw if event is not None else b""

    def rest_event(self) -> SseEvent | None:
        lines = [*self._lines, self._partial] if self._partial else self._lines
        self._lines, self._partial = [], b""
        return _parse(lines) if lines else None


def parse_block(block: bytes) -> SseEvent:
    """One whole LF-framed event: one the gateway made itself (``gateway.wire.sse``)."""
    return _parse(block.rstrip(b"\n").split(b"\n"))


def _parse(lines: list[bytes]) -> SseEvent:
    kept = [line for line in lines if line.partition(b":")[0] in _KEPT_FIELDS]
    # Comments and unknown fields are dropped: clients ignore them, and they are not screened.
    block = b"\n".join(kept)
    try:
        text, undecodable = block.decode("utf-8"), False
    except UnicodeDecodeError:
        text, undecodable = block.decode("utf-8", errors="replace"), True
    event: str | None = None
    data: list[str] = []
    for line in text.split("\n") if kept else ():
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            event = value
        elif field == "data":
            data.append(value)
    raw = block + b"\n\n" if kept else b":\n\n"  # comments alone: a keep-alive
    return SseEvent(event, "\n".join(data), raw, undecodable, len(data))
