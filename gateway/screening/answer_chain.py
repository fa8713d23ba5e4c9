"""A streamed answer's one pass: parsed once, its events through declared stages, written once.

As an Envoy filter chain runs its encoders, each stage takes the events the one before it
let through (adding its own, holding some back for later), in one fixed order, declared in
``AnswerStages``:

1. ``gate`` (``answer_ids.AnswerGate``): each event's ids screened, its logprobs dropped;
2. ``scan`` (``stream.ScanningStream``): the data rules over windows of the text a client joins;
3. ``capture`` (``wire.capture.CapturingStage``): usage, and the text the prompt log keeps --
   the answer as screened, placeholders and all, before the caller's values come back;
4. ``strip`` (``wire.stream_usage.UsageStrip``): the usage the gateway asked for and the caller
   did not, taken out again (after the capture has counted it);
5. ``restore`` (``restore.RestoringStream``): pseudonyms back to the caller's own values, last,
   so that nothing else sees them (left out when the provider mirrors the request).

Each stage gets the events of one provider read together, and hands on its result before the
next stage sees any of it: a block stops the read it is in, and no later stage sees that read
(the capture keeps none of what the block withheld). Then every event is written once: the
parser's bytes when no stage changed it, Responses sequence numbers shifted past the events
the stages added. A chain whose stages only read (capture alone: nothing screened, nothing to
restore) relays the provider's reads untouched.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Protocol

from gateway.screening.answer_ids import AnswerGate
from gateway.screening.restore import RestoringStream
from gateway.screening.stream import ScanningStream
from gateway.wire.answer_event import AnswerEvent
from gateway.wire.capture import CapturingStage
from gateway.wire.endpoints import Endpoint
from gateway.wire.sse_parse import SseParser
from gateway.wire.stream_text import Numbering
from gateway.wire.stream_usage import UsageStrip


class AnswerStage(Protocol):
    @property
    def rewrites(self) -> bool:
        """False for a stage that only reads the events."""
        ...

    async def feed(self, events: list[AnswerEvent]) -> list[AnswerEvent]:
        """The events that go on now, in order: these, changed, held back or with its own among them."""
        ...

    async def finish(self) -> list[AnswerEvent]:
        """At the answer's end: what the stage still holds."""
        ...


@dataclass
class AnswerStages:
    """The stages of one streamed answer, each there or not; they run in this order."""

    gate: AnswerGate | None = None
    scan: ScanningStream | None = None
    capture: CapturingStage | None = None
    strip: UsageStrip | None = None
    restore: RestoringStream | None = None

    def in_order(self) -> list[AnswerStage]:
        stages: tuple[AnswerStage | None, ...] = (self.gate, self.scan, self.capture, self.strip, self.restore)
        return [stage for stage in stages if stage is not None]


class AnswerChain:
    """One answer's parser, its stages, and the writer of what they let through."""

    def __init__(self, endpoint: Endpoint, stages: Sequence[AnswerStage]) -> None:
        self.parser = SseParser()  # the answer's only one
        self._stages = list(stages)
        self._numbering = Numbering(endpoint)
        self._relays_reads = not any(stage.rewrites for stage in self._stages)

    async def feed(self, read: bytes) -> bytes:
        """What goes to the client for one read from the provider (b"" while the stages hold it)."""
        events = await self._through(0, [AnswerEvent(event) for event in self.parser.feed(read)])
        return read if self._relays_reads else self._write(events)

    async def ending(self) -> AsyncGenerator[bytes, None]:
        """What the answer's end lets out, piece by piece: an unfinished last event (screened as any
        other: not every client drops it), then what each stage still held, in order, through the
        stages after it. A piece goes out before the next is made: a block at a stage's end cuts
        what follows, not what went before."""
        rest = self.parser.rest_event()
        if rest is not None:
            yield self._write(await self._through(0, [AnswerEvent(rest)]))
        for n, stage in enumerate(self._stages):
            yield self._write(await self._through(n + 1, await stage.finish()))

    async def finish(self) -> bytes:
        async with aclosing(self.ending()) as pieces:
            return b"".join([piece async for piece in pieces])

    async def _through(self, first: int, events: list[AnswerEvent]) -> list[AnswerEvent]:
        for stage in self._stages[first:]:
            if not events:
                break
            events = await stage.feed(events)
        return events

    def _write(self, events: list[AnswerEvent]) -> bytes:
        if self._relays_reads:
            return b""  # the provider's bytes went out as they came
        return b"".join([self._written(event) for event in events])

    def _written(self, event: AnswerEvent) -> bytes:
        if event.own:
            return self._numbering.stamp(event.written())
        obj = event.obj
        if obj is not None and self._numbering.renumber(obj):
            event.changed = True
        return event.written()


def answer_stream(
    endpoint: Endpoint, upstream: AsyncGenerator[bytes, None], stages: AnswerStages
) -> AsyncGenerator[bytes, None]:
    """The provider's stream through ``stages`` (the stream itself when there are none)."""
    in_order = stages.in_order()
    return _relayed(AnswerChain(endpoint, in_order), upstream) if in_order else upstream


async def _relayed(chain: AnswerChain, upstream: AsyncGenerator[bytes, None]) -> AsyncGenerator[bytes, None]:
    """A block surfaces as a GatewayError; the provider's stream is closed however this ends."""
    try:
        async for read in upstream:
            out = await chain.feed(read)
            if out:
                yield out
        async with aclosing(chain.ending()) as pieces:
            async for out in pieces:
                if out:
                    yield out
    finally:
        await upstream.aclose()
