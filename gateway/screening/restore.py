"""Give the caller back their own data: originals in place of pseudonyms, streamed or whole."""

from __future__ import annotations

from typing import Any, ClassVar

from gateway.json_input import encode_json, parse_upstream
from gateway.screening.redaction import Pseudonyms, StreamRestorer
from gateway.wire.answer_event import AnswerEvent
from gateway.wire.endpoints import Endpoint
from gateway.wire.slots import response_slots
from gateway.wire.stream_text import ALL, StreamKey, closed_streams, delta_event, deltas, whole_texts


def restore_body(endpoint: Endpoint, body: bytes, pseudonyms: Pseudonyms) -> bytes:
    """A whole JSON answer with its placeholders restored (unchanged if it is not JSON)."""
    obj = parse_upstream(body)
    if not isinstance(obj, dict):
        return body
    for slot in response_slots(endpoint, obj):
        slot.replace(pseudonyms.restore(slot.text, json_escaped=slot.key == "arguments"))
    return encode_json(obj).encode()


class RestoringStream:
    """The answer chain's last stage (``gateway.screening.answer_chain``): a streamed answer
    rewritten event by event.

    Text that may be the start of a split placeholder is held back per stream and
    sent, restored, with the next delta; if the stream ends first, it goes out in a
    delta event of our own just before the event that ends that stream.
    """

    rewrites: ClassVar[bool] = True

    def __init__(self, endpoint: Endpoint, pseudonyms: Pseudonyms) -> None:
        self._endpoint = endpoint
        self._pseudonyms = pseudonyms
        self._restorers: dict[StreamKey, StreamRestorer] = {}
        self._last_chunk: dict[str, Any] = {}

    async def feed(self, events: list[AnswerEvent]) -> list[AnswerEvent]:
        return [out for event in events for out in self._rewrite(event)]

    async def finish(self) -> list[AnswerEvent]:
        return self._flush(ALL, self._last_chunk)

    def _rewrite(self, event: AnswerEvent) -> list[AnswerEvent]:
        obj = event.obj
        if obj is None:
            ending = event.sse.data.strip() == "[DONE]"
            return [*self._flush(ALL, self._last_chunk), event] if ending else [event]
        out = [made for key in closed_streams(self._endpoint, event.name, obj) for made in self._flush(key, obj)]
        event.changed |= self._restore_deltas(event.name, obj) | self._restore_whole(obj)
        if "choices" in obj:
            self._last_chunk = obj
        out.append(event)
        return out

    def _restore_deltas(self, name: str | None, obj: dict[str, Any]) -> bool:
        changed = False
        for delta in deltas(self._endpoint, name, obj):
            restorer = self._restorers.get(delta.key)
            if restorer is None:
                restorer = StreamRestorer(self._pseudonyms, json_escaped=delta.json_escaped)
                self._restorers[delta.key] = restorer
            text = delta.slot.text
            restored = restorer.feed(text)
            if restored != text:
                delta.slot.replace(restored)
                changed = True
        return changed

    def _restore_whole(self, obj: dict[str, Any]) -> bool:
        changed = False
        for slot, json_escaped in whole_texts(self._endpoint, obj):
            restored = self._pseudonyms.restore(slot.text, json_escaped=json_escaped)
            if restored != slot.text:
                slot.replace(restored)
                changed = True
        return changed

    def _flush(self, prefix: StreamKey, template: dict[str, Any]) -> list[AnswerEvent]:
        out = []
        for key in [k for k in self._restorers if prefix == ALL or k[: len(prefix)] == prefix]:
            text = self._restorers.pop(key).flush()
            if text:
                out.append(AnswerEvent.made(delta_event(self._endpoint, key, text, template)))
        return out
