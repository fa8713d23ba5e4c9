"""Scan streamed answers as they pass, per the policy's response-direction rules.

Each text stream of an answer (a choice, a content block, an output item) is held
back in a window: deltas keep flowing as events but with their text taken out, and
once a window fills (cut at whitespace, keeping a short tail so an entity is not
split) or the stream ends, the held text is scanned, redacted as the rules say,
and released in a delta event of our own. Every other string of an event (a tool's
name, a thinking block's start, an error message) is scanned whole as it passes. A
block ends the stream with an error event, which both SDKs raise. An event that
cannot be read (not UTF-8, not JSON) cannot be screened: the policy's
``detection.on_failure`` decides, and by default the stream ends there.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncGenerator
from typing import Any

from gateway.data_rules import Direction, RuledDecision
from gateway.detection_pool import DetectionPool
from gateway.policy import Policy
from gateway.redaction import Action, Pseudonyms, rewrite
from gateway.screening import Screening, decide_texts, refuse_blocked, unscreenable
from gateway.wire import sse
from gateway.wire.response_slots import answer_strings
from gateway.wire.sse_parse import SseEvent, SseParser
from gateway.wire.stream_text import ALL, Numbering, StreamKey, closed_streams, delta_event, deltas, whole_texts

# Text kept unreleased at a window's end, and re-scanned as context with the next
# window, so an entity up to this long is never cut between two scans.
TAIL = 64
_LAST_SPACE = re.compile(r"\s(?=\S*$)")


class ScanningStream:
    def __init__(self, endpoint: str, pool: DetectionPool, policy: Policy, screening: Screening) -> None:
        assert policy.detection is not None
        self._endpoint, self._pool, self._policy, self._screening = endpoint, pool, policy, screening
        self._window = policy.detection.stream_window_chars
        self._parser = SseParser()
        self._held: dict[StreamKey, str] = {}
        self._context: dict[StreamKey, str] = {}
        self._last_chunk: dict[str, Any] = {}
        self._numbering = Numbering(endpoint)

    async def feed(self, chunk: bytes) -> bytes:
        return b"".join([await self._rewrite(event) for event in self._parser.feed(chunk)])

    async def finish(self) -> bytes:
        # An unfinished last event is screened like any other: not every client drops it.
        rest = self._parser.rest_event()
        last = await self._rewrite(rest) if rest is not None else b""
        return await self._release(ALL, self._last_chunk, final=True) + last

    async def _rewrite(self, event: SseEvent) -> bytes:
        obj = event.json()
        if not isinstance(obj, dict):
            if event.data.strip() == "[DONE]" and not event.undecodable:
                return await self._release(ALL, self._last_chunk, final=True) + event.raw
            if event.data_lines:  # a client would dispatch it, and it cannot be screened
                unscreenable(self._policy, self._screening, "an answer event that is not UTF-8 JSON")
            return event.raw
        before = b""
        for prefix in closed_streams(self._endpoint, event.event, obj):
            before += await self._release(prefix, obj, final=True)
        changed = await self._hold_deltas(event, obj) | await self._screen_rest(obj) | self._numbering.renumber(obj)
        if "choices" in obj:
            self._last_chunk = obj
        own = (sse.named_event(event.event, obj) if event.event else sse.data_event(obj)) if changed else event.raw
        after = b""
        for key in [k for k, text in self._held.items() if len(text) >= self._window + TAIL]:
            after += await self._release(key, obj, final=False)
        return before + own + after

    async def _hold_deltas(self, event: SseEvent, obj: dict[str, Any]) -> bool:
        changed = False
        for delta in deltas(self._endpoint, event.event, obj):
            if delta.slot.text:
                self._held[delta.key] = self._held.get(delta.key, "") + delta.slot.text
                delta.slot.replace("")
                changed = True
        return changed

    async def _screen_rest(self, obj: dict[str, Any]) -> bool:
        """Every string of the event but its (already emptied) deltas, scanned whole. Summary
        events (Responses ``.done``/``completed``) repeat text whose deltas were scanned and
        counted: acted on, not counted again."""
        slots = list(answer_strings(obj))
        if not slots:
            return False
        repeats = {(id(s.container), s.key) for s, _ in whole_texts(self._endpoint, obj)}
        texts = [s.text for s in slots]
        counted = [len(t) if (id(s.container), s.key) in repeats else 0 for s, t in zip(slots, texts, strict=True)]
        per_slot = await self._scan(texts, counted)
        changed = False
        for slot, decisions in zip(slots, per_slot, strict=True):
            if any(d.action is Action.REDACT for d in decisions):
                slot.replace(rewrite(slot.text, decisions, Pseudonyms()))
                changed = True
        return changed

    async def _release(self, prefix: StreamKey, template: dict[str, Any], *, final: bool) -> bytes:
        out = b""
        for key in [k for k in self._held if prefix == ALL or k[: len(prefix)] == prefix]:
            held = self._held[key]
            cut = len(held) if final else _cut_point(held)
            if cut <= 0:
                continue
            context = self._context.get(key, "")
            (decisions,) = await self._scan([context + held[:cut]], [len(context)])
            released = _rewrite_after(context, held[:cut], decisions)
            self._held[key] = held[cut:]
            self._context[key] = (context + held[:cut])[-TAIL:]
            if released:
                out += self._numbering.stamp(delta_event(self._endpoint, key, released, template))
        return out

    async def _scan(self, texts: list[str], counted_upto: list[int]) -> list[list[RuledDecision]]:
        decided = await decide_texts(
            self._pool, self._policy, texts, Direction.RESPONSE, self._screening, self._policy.answer_entities,
            counted_upto,
        )  # fmt: skip
        refuse_blocked(
            [d for decisions in decided for d in decisions],
            "The rest of the provider's answer was withheld by the AI policy because it contains",
        )
        return decided or [[] for _ in texts]


def _cut_point(held: str) -> int:
    """Release up to the last whitespace that leaves TAIL characters held back."""
    space = _LAST_SPACE.search(held, 0, len(held) - TAIL)
    return space.end() if space else 0


def _rewrite_after(context: str, new: str, decisions: list[RuledDecision]) -> str:
    """Apply redactions to the new text only; the context was released already."""
    shifted = []
    for d in decisions:
        if d.finding.end <= len(context) or d.action is not Action.REDACT:
            continue
        start = max(d.finding.start, len(context)) - len(context)
        finding = dataclasses.replace(d.finding, start=start, end=d.finding.end - len(context))
        shifted.append(RuledDecision(finding, d.action, rule=d.rule))
    return rewrite(new, shifted, Pseudonyms()) if shifted else new


async def scanning(stream: AsyncGenerator[bytes, None], scanner: ScanningStream) -> AsyncGenerator[bytes, None]:
    """Pass a provider's stream through ``scanner``; a block surfaces as a GatewayError."""
    try:
        async for chunk in stream:
            out = await scanner.feed(chunk)
            if out:
                yield out
        tail = await scanner.finish()
        if tail:
            yield tail
    finally:
        await stream.aclose()
