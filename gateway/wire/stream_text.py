"""Where the text sits in each streamed event, per endpoint.

A streamed answer is several interleaved text streams (one per choice, content
block, output part or tool call), each identified by a key. For every event the
endpoint's dialect (gateway.wire.dialects) says which deltas it carries, which streams it
closes, which whole texts it repeats (``.done`` and ``completed`` events), and how to make
a delta event of one's own, for text that had to be held back until a stream's end.

Keys are what a client keys on, not what the provider wrote: an ``index`` of "00" is
choice 0 to a client (it coerces it), and the SDKs key Responses text by output and
content index, not by ``item_id``. Each delta also names its *channel*: the text a
client joins. Anthropic's SDK joins every text block (``text_stream``; blocks are split
at citations), the Responses SDK every ``output_text`` part (``output_text``), so a
value split across blocks or parts is one text to screen. Tool arguments are parsed
per call: their channel is their own key. A delta field or event a dialect does not
know is still a text stream (keyed by its field or event type), never a whole string.
"""

from __future__ import annotations

from typing import Any

from gateway.wire.dialects.base import ALL as ALL
from gateway.wire.dialects.base import Delta as Delta
from gateway.wire.dialects.base import StreamKey as StreamKey
from gateway.wire.endpoints import Endpoint
from gateway.wire.slot import Slot


def deltas(endpoint: Endpoint, event: str | None, obj: dict[str, Any]) -> list[Delta]:
    return endpoint.dialect.deltas(event, obj)


def tool_name(key: StreamKey) -> bool:
    """A chat tool call's name (or a legacy ``function_call``'s): clients read it from the call's
    first chunk, so it cannot wait for a window."""
    return len(key) == 4 and key[0] == "t" and key[3] == "name"


def closed_streams(endpoint: Endpoint, event: str | None, obj: dict[str, Any]) -> list[StreamKey]:
    """Key prefixes of the streams that end with this event: held-back text must go
    out before it."""
    return endpoint.dialect.closed_streams(event, obj)


def done_key(endpoint: Endpoint, obj: dict[str, Any]) -> tuple[StreamKey, Slot] | None:
    """An event repeating one stream's whole text (a Responses ``.done``): that stream's key and the field."""
    return endpoint.dialect.done_key(obj)


def whole_texts(endpoint: Endpoint, obj: dict[str, Any]) -> list[tuple[Slot, bool]]:
    """Complete texts an event repeats (restored whole), with whether each is JSON."""
    return endpoint.dialect.whole_texts(obj)


def delta_event(endpoint: Endpoint, key: StreamKey, text: str, template: dict[str, Any]) -> bytes:
    """An event of our own carrying ``text`` on stream ``key`` (shaped like ``template``,
    the stream's last delta event when there is one)."""
    return endpoint.dialect.delta_event(key, text, template)


class Numbering:
    """Responses API events carry sequence numbers. An event we add takes the number
    after the last one sent and every later event shifts, so the numbers the caller
    sees stay strictly increasing."""

    def __init__(self, endpoint: Endpoint) -> None:
        self._numbered = endpoint.dialect.numbered_events
        self._shift = 0
        self._last = -1

    def renumber(self, obj: dict[str, Any]) -> bool:
        """Shift a provider event's number; True when the event changed."""
        number = obj.get("sequence_number")
        if not self._numbered or not isinstance(number, int):
            return False
        obj["sequence_number"] = self._last = number + self._shift
        return self._shift > 0

    def stamp(self, event: bytes) -> bytes:
        """Number an event of our own (made with ``delta_event``)."""
        if not self._numbered:
            return event
        self._shift += 1
        self._last += 1
        return event.replace(b'"sequence_number":0', f'"sequence_number":{self._last}'.encode(), 1)
