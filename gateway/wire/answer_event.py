"""One event of a streamed answer on its way through the answer chain
(``gateway.screening.answer_chain``): cut from the provider's bytes once, its JSON read at
most once, changed in place by the stages, and written once at the end -- as it came
(the parser's LF-framed bytes) when no stage changed it."""

from __future__ import annotations

from typing import Any

from gateway.wire import sse
from gateway.wire.sse_parse import SseEvent, parse_block


class AnswerEvent:
    __slots__ = ("_obj", "_read", "changed", "own", "sse")

    def __init__(self, event: SseEvent, own: bool = False) -> None:
        self.sse = event
        self.own = own  # made by a stage (held text released): numbered when it goes out
        self.changed = False  # a stage rewrote ``obj``: written anew, not as it came
        self._obj: dict[str, Any] | None = None
        self._read = False

    @classmethod
    def made(cls, raw: bytes) -> AnswerEvent:
        """An event of the gateway's own, as ``gateway.wire.stream_text.delta_event`` writes it."""
        return cls(parse_block(raw), own=True)

    @property
    def name(self) -> str | None:
        return self.sse.event

    @property
    def obj(self) -> dict[str, Any] | None:
        """The event's JSON object, read on first use; None when its data is not one (``[DONE]``,
        not JSON, not UTF-8). Too deep to screen: UpstreamInvalid, from the first stage that reads it."""
        if not self._read:
            value = self.sse.json()
            self._obj, self._read = (value if isinstance(value, dict) else None), True
        return self._obj

    def written(self) -> bytes:
        obj = self.obj if self.changed else None
        if obj is None:
            return self.sse.raw
        return sse.named_event(self.name, obj) if self.name else sse.data_event(obj)
