"""Give the caller back their own data: originals in place of pseudonyms, streamed or whole."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from gateway.json_input import encode_json, parse_upstream
from gateway.providers.base import UpstreamReply
from gateway.screening.redaction import Pseudonyms, StreamRestorer
from gateway.wire import sse
from gateway.wire.endpoints import Endpoint
from gateway.wire.slots import response_slots
from gateway.wire.sse_parse import SseEvent, SseParser
from gateway.wire.stream_text import ALL, Numbering, StreamKey, closed_streams, delta_event, deltas, whole_texts


def restore_body(endpoint: Endpoint, body: bytes, pseudonyms: Pseudonyms) -> bytes:
    """A whole JSON answer with its placeholders restored (unchanged if it is not JSON)."""
    obj = parse_upstream(body)
    if not isinstance(obj, dict):
        return body
    for slot in response_slots(endpoint, obj):
        slot.replace(pseudonyms.restore(slot.text, json_escaped=slot.key == "arguments"))
    return encode_json(obj).encode()


class RestoringStream:
    """Rewrites a streamed answer event by event as bytes arrive.

    Text that may be the start of a split placeholder is held back per stream and
    sent, restored, with the next delta; if the stream ends first, it goes out in a
    delta event of our own just before the event that ends that stream.
    """

    def __init__(self, endpoint: Endpoint, pseudonyms: Pseudonyms) -> None:
        self._endpoint = endpoint
        self._pseudonyms = pseudonyms
        self._parser = SseParser()
        self._restorers: dict[StreamKey, StreamRestorer] = {}
        self._last_chunk: dict[str, Any] = {}
        self._numbering = Numbering(endpoint)

    def feed(self, chunk: bytes) -> bytes:
        return b"".join(self._rewrite(event) for event in self._parser.feed(chunk))

    def finish(self) -> bytes:
        return self._flush(ALL, self._last_chunk) + self._parser.rest()

    def _rewrite(self, event: SseEvent) -> bytes:
        obj = event.json()
        if not isinstance(obj, dict):
            ending = event.data.strip() == "[DONE]"
            return (self._flush(ALL, self._last_chunk) if ending else b"") + event.raw
        out = b"".join(self._flush(key, obj) for key in closed_streams(self._endpoint, event.event, obj))
        changed = self._restore_deltas(event, obj) | self._restore_whole(obj) | self._numbering.renumber(obj)
        if "choices" in obj:
            self._last_chunk = obj
        if not changed:
            return out + event.raw
        return out + (sse.named_event(event.event, obj) if event.event else sse.data_event(obj))

    def _restore_deltas(self, event: SseEvent, obj: dict[str, Any]) -> bool:
        changed = False
        for delta in deltas(self._endpoint, event.event, obj):
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

    def _flush(self, prefix: StreamKey, template: dict[str, Any]) -> bytes:
        out = b""
        for key in [k for k in self._restorers if prefix == ALL or k[: len(prefix)] == prefix]:
            text = self._restorers.pop(key).flush()
            if not text:
                continue
            out += self._numbering.stamp(delta_event(self._endpoint, key, text, template))
        return out


def restore_reply(endpoint: Endpoint, reply: UpstreamReply, pseudonyms: Pseudonyms) -> UpstreamReply:
    """The provider's answer with originals in place of the placeholders we sent."""
    if reply.stream is not None:
        reply.stream = _restoring(reply.stream, RestoringStream(endpoint, pseudonyms))
    elif reply.status < 400:
        reply.body = restore_body(endpoint, reply.body, pseudonyms)
    return reply


async def _restoring(stream: AsyncGenerator[bytes, None], restoring: RestoringStream) -> AsyncGenerator[bytes, None]:
    try:
        async for chunk in stream:
            out = restoring.feed(chunk)
            if out:
                yield out
        tail = restoring.finish()
        if tail:
            yield tail
    finally:
        await stream.aclose()
