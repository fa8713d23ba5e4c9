"""Incremental parsing of a server-sent-events byte stream into whole events."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gateway.json_input import parse_upstream


@dataclass
class SseEvent:
    event: str | None
    data: str
    raw: bytes  # exactly as received, re-sent untouched when nothing changed

    def json(self) -> Any:
        return parse_upstream(self.data)  # None when not JSON; too deep to screen: UpstreamInvalid


class SseParser:
    """Feed bytes as they arrive; get back each event once it is complete."""

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, chunk: bytes) -> Iterator[SseEvent]:
        self._buffer += chunk.replace(b"\r\n", b"\n")
        while True:
            end = self._buffer.find(b"\n\n")
            if end < 0:
                return
            raw, self._buffer = self._buffer[: end + 2], self._buffer[end + 2 :]
            yield _parse(raw)

    def rest(self) -> bytes:
        """Bytes of an unfinished event when the stream ends (passed on as they are)."""
        rest, self._buffer = self._buffer, b""
        return rest


def _parse(raw: bytes) -> SseEvent:
    event: str | None = None
    data: list[str] = []
    for line in raw.decode("utf-8", errors="replace").split("\n"):
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            event = value
        elif field == "data":
            data.append(value)
    return SseEvent(event, "\n".join(data), raw)
