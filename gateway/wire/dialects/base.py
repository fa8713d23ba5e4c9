"""What an endpoint's wire format says, as one object: the contract every dialect keeps.

A ``Dialect`` answers every question the gateway asks of an endpoint's format: which request
field may hold a prompt as token ids, where the answer's own text sits (whole, and in each
streamed event), which streams an event closes, which whole texts it repeats, how to make a
delta event of one's own, and how to render a reply (the echo and mock providers). The
defaults are those of an answer with no text of its own that never streams (embeddings, token
counts): a dialect overrides what its format has. Dialects hold no state: one instance per
endpoint serves every request.
"""

from __future__ import annotations

import abc
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from gateway.wire.slot import Slot
from gateway.wire.text import approx_tokens

StreamKey = tuple[str | int, ...]
ALL: StreamKey = ("*",)


@dataclass(frozen=True, slots=True)
class Delta:
    key: StreamKey
    slot: Slot
    json_escaped: bool = False  # the text is a piece of a JSON document (tool arguments)
    channel: StreamKey = ()  # the text a client joins this delta into (() = its own key)

    @property
    def joined(self) -> StreamKey:
        return self.channel or self.key


@dataclass(frozen=True)
class Reply:
    model: str
    text: str
    input_tokens: int

    @property
    def output_tokens(self) -> int:
        return approx_tokens(self.text)


def new_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(12)}"


class Dialect(abc.ABC):
    __slots__ = ()

    # Whether the endpoint answers as SSE events when the body asks for ``stream``.
    streams: ClassVar[bool] = False
    # Whether answers carry ``choices`` keyed by ``index``, and the caller may ask for ``n`` of them.
    has_choices: ClassVar[bool] = False
    # Whether streamed events carry ``sequence_number``s (kept strictly increasing by ``Numbering``).
    numbered_events: ClassVar[bool] = False
    # The request field whose prompt may be given encoded, as token ids (no text to screen), if any.
    encoded_prompt_field: ClassVar[str | None] = None

    def response_slots(self, body: dict[str, Any]) -> list[Slot]:
        """The answer's own text in a whole (non-streamed) response."""
        return []

    def deltas(self, event: str | None, obj: dict[str, Any]) -> list[Delta]:
        """The pieces of text a streamed event adds, each on its stream key."""
        return []

    def closed_streams(self, event: str | None, obj: dict[str, Any]) -> list[StreamKey]:
        """Key prefixes of the streams that end with this event: held-back text must go out before it."""
        return []

    def done_key(self, obj: dict[str, Any]) -> tuple[StreamKey, Slot] | None:
        """An event repeating one stream's whole text: that stream's key and the repeating field."""
        return None

    def whole_texts(self, obj: dict[str, Any]) -> list[tuple[Slot, bool]]:
        """Complete texts an event repeats (restored whole), with whether each is JSON."""
        return []

    def delta_event(self, key: StreamKey, text: str, template: dict[str, Any]) -> bytes:
        """An event of our own carrying ``text`` on stream ``key`` (shaped like ``template``)."""
        raise ValueError(f"{type(self).__name__} has no streamed text")

    @abc.abstractmethod
    def render(self, reply: Reply, body: Mapping[str, Any]) -> dict[str, Any]:
        """The whole (non-streaming) response body."""

    def render_stream(self, reply: Reply, body: Mapping[str, Any]) -> Iterator[bytes]:
        """The SSE events of a streamed response, one ``bytes`` per event."""
        raise ValueError(f"{type(self).__name__} does not stream")
