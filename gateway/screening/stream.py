"""Scan streamed answers as they pass, per the policy's response-direction rules.

The text a client joins (a choice's content, every text block of an Anthropic message,
every ``output_text`` part of a Responses answer, one tool call's arguments: see
``wire/stream_text``) is held back per channel: deltas keep flowing as events but with
their text taken out, and after each read from the provider the held text is released as
far as it is safe (``stream_cut.release_cut``: all but the last word and a candidate that
could still become part of a finding, an open digit run, a capitalised run NER may still
join), scanned with the text released just before it as context, redacted as the rules
say, and sent in a delta event of our own on the stream key the text last came on. The
text of one read goes out in one scan: a provider streaming at its pace is followed a word
behind, one that sends faster is scanned in bigger pieces. When the answer's rules need NER
(a model in the detection workers, milliseconds a scan), a channel's text is scanned at most
every ``MODEL_SCAN_INTERVAL_S``, or once ``detection.stream_window_chars`` are releasable.
A key that closes while its channel may go on (a block stops, a ``.done``, a
``finish_reason``: a provider can close a key after every fragment and carry on) releases
nothing early: the closing event, and every event after it, wait in order until the
channel's window is released past the close, and the text held before the close goes
out on its own key, before it. When text comes on another channel instead (thinking,
then the answer), the closed channel's text goes out before its close, but for a trailing
value it could still complete, which goes out with the channel's next text or at the end.
Text after the answer's end cannot be screened with what went before it: it follows
``detection.on_failure``.
A chat choice index the caller did not ask for is unscreenable too, and the text of several
choices is also scanned in the order it goes out (``wire/choice_index``).

A chat tool call's name is the exception: clients read it from the call's first chunk (the
one with its ``id``), so the first name of a call goes out in its event, scanned whole with
the event's other strings. Later name fragments of the call (no provider sends them) are
windowed after it, and a value a rule acts on that crosses from the name sent into them is
refused: the part sent cannot be redacted.

Every other string of an event (a tool's start, an error message) is scanned whole as
it passes, with the strings of the same event joined at their seams; a ``.done``
event's repeated text is replaced by what was released on its key when it goes out. An event name
outside the API's charset, or with a finding in it, is refused. A block ends the stream
with an error event, which both SDKs raise. An event that cannot be read (not UTF-8,
not JSON) cannot be screened: ``detection.on_failure`` decides, and by default the
stream ends there.
"""

from __future__ import annotations

import dataclasses
import re
import time
from typing import Any, ClassVar

from detectors.pii.ner import NER_ENTITIES
from gateway.errors import SensitiveDataBlocked
from gateway.policy.data_rules import Action, Direction, RuledDecision
from gateway.policy.policy import Policy
from gateway.screening.pool import DetectionPool
from gateway.screening.redaction import Pseudonyms, rewrite
from gateway.screening.screen import Screening, decide_texts, refuse_blocked, unscreenable
from gateway.screening.stream_cut import TAIL, close_cut, release_cut, rewrite_piece
from gateway.wire.answer_event import AnswerEvent
from gateway.wire.choice_index import ChoiceJoin, bad_index
from gateway.wire.endpoints import Endpoint
from gateway.wire.json_lex import JsonLex
from gateway.wire.response_slots import NON_TEXT_KEYS, answer_strings
from gateway.wire.slots import Slot
from gateway.wire.stream_text import (
    ALL,
    StreamKey,
    closed_streams,
    delta_event,
    deltas,
    done_key,
    tool_name,
    whole_texts,
)

__all__ = ["TAIL", "ScanningStream"]

# A scan that runs NER costs milliseconds of a worker (and a round trip): at 50 tokens a second
# a channel's text goes out about five tokens at a time instead of one.
MODEL_SCAN_INTERVAL_S = 0.1
_EVENT_NAME = re.compile(r"[a-z][a-z0-9_.]{0,63}")  # the APIs' event names: anything else is no event of theirs


@dataclasses.dataclass
class _Channel:
    """The held text of one channel, at ``base`` in all its text, and the keys it came on."""

    held: str = ""
    base: int = 0
    context: str = ""  # the released text just before ``held``: scanned with it, not redacted again
    segments: list[tuple[int, StreamKey]] = dataclasses.field(default_factory=list)  # (start, key)
    split: bool = False  # a key closed: the next text starts a segment of its own
    sealed: bool = False  # ``context`` is a tool name sent whole: a value crossing into it is refused
    lex: JsonLex | None = None  # JSON text (tool input): in a string literal or not, after the text released
    since: float = dataclasses.field(default_factory=time.monotonic)  # made, or last released

    def add(self, key: StreamKey, text: str) -> None:
        if self.split or not self.segments or self.segments[-1][1] != key:
            self.segments.append((self.base + len(self.held), key))
        self.split = False
        self.held += text

    def pieces(self, cut: int) -> list[tuple[int, int, StreamKey]]:
        """(low, high, key) of held[:cut], one per segment."""
        out = []
        for n, (start, key) in enumerate(self.segments):
            stop = self.segments[n + 1][0] if n + 1 < len(self.segments) else self.base + len(self.held)
            low, high = max(start, self.base) - self.base, min(stop - self.base, cut)
            if low < high:
                out.append((low, high, key))
        return out

    def advance(self, cut: int) -> None:
        self.context = (self.context + self.held[:cut])[-TAIL:]
        self.sealed = False
        self.held, self.base = self.held[cut:], self.base + cut
        self.since = time.monotonic()
        while len(self.segments) > 1 and self.segments[1][0] <= self.base:
            self.segments.pop(0)


@dataclasses.dataclass(frozen=True)
class _Mark:
    """Where a key closed in its channel: what follows in the queue waits for the text before it."""

    channel: StreamKey
    at: int


@dataclasses.dataclass(frozen=True)
class _Done:
    """A ``.done`` event waiting in the queue: the text it repeats becomes what its key released
    by the time it goes."""

    event: AnswerEvent
    key: StreamKey
    slot: Slot


_Entry = AnswerEvent | _Mark | _Done


class ScanningStream:
    """The answer chain's scanning stage (``gateway.screening.answer_chain``)."""

    rewrites: ClassVar[bool] = True

    def __init__(
        self, endpoint: Endpoint, pool: DetectionPool, policy: Policy, screening: Screening, choices: int = 1
    ) -> None:
        assert policy.detection is not None
        self._endpoint, self._pool, self._policy, self._screening = endpoint, pool, policy, screening
        self._window = policy.detection.stream_window_chars
        wanted = policy.answer_entities
        # NER runs on an answer's text only if a rule acts on its types there (and PII detection is on).
        self._model_scans = policy.detection.pii is not None and (wanted is None or bool(wanted & NER_ENTITIES))
        self._channels: dict[StreamKey, _Channel] = {}
        self._templates: dict[StreamKey, dict[str, Any]] = {}  # per key: its last delta event
        self._named: dict[StreamKey, str] = {}  # per tool call: the name that went out in its event
        self._naming: dict[StreamKey, Slot] = {}  # names going out in the event at hand, until screened
        self._released: dict[StreamKey, str] = {}  # per key: the text the client got (for .done events)
        self._queue: list[_Entry] = []  # output in order; it goes out up to the first mark
        self._ended = False
        self._loose = ""  # the end of the strings scanned whole in earlier events (see _across_events)
        self._names: set[str] = set()
        self._last_chunk: dict[str, Any] = {}
        self._asked = choices  # the choices the caller asked for (``n``): see wire/choice_index
        self._join = ChoiceJoin(TAIL) if choices > 1 else None

    async def feed(self, events: list[AnswerEvent]) -> list[AnswerEvent]:
        for event in events:
            await self._rewrite(event)
        for name, channel in list(self._channels.items()):
            cut = release_cut(channel.held)
            if cut > 0 and self._due(channel, cut):
                await self._release(name, cut)
        return self._flush()

    def _due(self, channel: _Channel, cut: int) -> bool:
        """Text safe to release goes out now, or, when its scan runs NER, at the interval or once
        a window of it is ready."""
        if not self._model_scans or cut >= self._window:
            return True
        return time.monotonic() - channel.since >= MODEL_SCAN_INTERVAL_S

    async def finish(self) -> list[AnswerEvent]:
        await self._close(ALL, self._last_chunk)
        return self._flush()

    async def _rewrite(self, event: AnswerEvent) -> None:
        obj, sse = event.obj, event.sse
        if obj is None:
            if sse.data.strip() == "[DONE]" and not sse.undecodable:
                await self._close(ALL, self._last_chunk)
            elif sse.data_lines:  # a client would dispatch it, and it cannot be screened
                unscreenable(self._policy, self._screening, "an answer event that is not UTF-8 JSON")
            self._queue.append(event)
            return
        if bad_index(self._endpoint, obj, self._asked):
            unscreenable(self._policy, self._screening, "a choice index outside the choices asked for")
        await self._check_name(event.name, obj)
        for prefix in closed_streams(self._endpoint, event.name, obj):
            await self._close(prefix, obj)
        changed = await self._hold_deltas(event.name, obj)
        event.changed |= await self._screen_rest(obj) | changed
        # The names as screened; later stages change the event (restoring a pseudonym) in place.
        self._named.update((key, slot.text) for key, slot in self._naming.items())
        self._naming.clear()
        if "choices" in obj:
            self._last_chunk = obj
        done = done_key(self._endpoint, obj)
        self._queue.append(_Done(event, *done) if done and done[0] in self._templates else event)

    def _flush(self) -> list[AnswerEvent]:
        out = []
        while self._queue:
            entry = self._queue[0]
            if isinstance(entry, _Mark):
                break
            self._queue.pop(0)
            if isinstance(entry, _Done):  # what the client got on that key, not what the provider sent
                released = self._released.get(entry.key, "")
                entry.event.changed |= entry.slot.text != released
                entry.slot.replace(released)
                entry = entry.event
            out.append(entry)
        return out

    async def _check_name(self, name: str | None, obj: dict[str, Any]) -> None:
        """An event name is relayed to the client: it must be one of the API's, and hold nothing.
        A name repeating the event's ``type`` is screened with it (as an event's other strings)."""
        if name is None or name in self._names:
            return
        self._names.add(name)  # a stream repeats a few names: each is checked once
        if not _EVENT_NAME.fullmatch(name):
            unscreenable(self._policy, self._screening, "an answer event whose name is not an API event name")
            return
        if name == obj.get("type"):
            return
        (decisions,) = await self._scan([name], [0])
        if any(d.action not in (Action.ALLOW, Action.AUDIT) for d in decisions):
            raise SensitiveDataBlocked(
                "The rest of the provider's answer was withheld by the AI policy: an event name holds protected data."
            )

    async def _hold_deltas(self, name: str | None, obj: dict[str, Any]) -> bool:
        changed = False
        for delta in deltas(self._endpoint, name, obj):
            named = delta.key in self._named or delta.key in self._naming
            if delta.slot.text and tool_name(delta.key) and not named:
                self._naming[delta.key] = delta.slot  # goes out here, scanned whole by _screen_rest
            elif delta.slot.text:
                if self._ended:  # its window went out whole at the end: nothing left to scan it with
                    unscreenable(self._policy, self._screening, "answer text after the answer's end")
                await self._moved_on(delta.joined)
                self._channel(delta.joined, delta.json_escaped).add(delta.key, delta.slot.text)
                self._templates[delta.key] = obj
                delta.slot.replace("")
                changed = True
        return changed

    def _channel(self, name: StreamKey, json_text: bool = False) -> _Channel:
        """A channel, made on its first text: a tool name's later fragments are held after the name
        sent (as rewritten by then), scanned with it as context."""
        if name not in self._channels:
            sent = self._naming[name].text if name in self._naming else self._named.get(name, "")
            lex = JsonLex() if json_text else None
            self._channels[name] = _Channel(context=sent[-TAIL:], sealed=bool(sent), lex=lex)
        return self._channels[name]

    async def _moved_on(self, name: StreamKey) -> None:
        """Text on another channel: the answer moved on (thinking to text, text to a tool call, one
        choice to the next), and its events must not wait for a closed channel's next block. The
        closed channel's text goes out before its close but for a value the channel could still
        complete, which waits for that (going out after the close if it never comes)."""
        for mark in [e for e in self._queue if isinstance(e, _Mark) and e.channel != name]:
            channel = self._channels[mark.channel]
            await self._release(mark.channel, close_cut(channel.held, mark.at - channel.base))
            if mark in self._queue:
                self._queue.remove(mark)

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
        await self._across_events("".join(t for s, t in zip(slots, texts, strict=True) if s.key not in NON_TEXT_KEYS))
        changed = False
        for slot, decisions in zip(slots, per_slot, strict=True):
            if any(d.action is Action.REDACT for d in decisions):
                slot.replace(rewrite(slot.text, decisions, Pseudonyms()))
                changed = True
        return changed

    async def _across_events(self, loose: str) -> None:
        """Strings no delta carries (an event this module does not know, a tool's start) are scanned
        whole, but a provider can cut a value across such events: each is also scanned after the
        end of the last ones. What crosses into text already sent cannot be redacted: it is refused."""
        if not loose:
            return
        seam = len(self._loose)
        joined = self._loose + loose[: 2 * TAIL]  # only what crosses the seam is looked for
        self._loose = (self._loose + loose)[-TAIL:]
        if not seam:
            return
        (decisions,) = await self._scan([joined], [len(joined)])
        acted = [d for d in decisions if d.action not in (Action.ALLOW, Action.AUDIT)]
        if any(d.finding.start < seam < d.finding.end for d in acted):
            raise SensitiveDataBlocked(
                "The rest of the provider's answer was withheld by the AI policy: protected data split across events."
            )

    async def _close(self, prefix: StreamKey, template: dict[str, Any]) -> None:
        """At the answer's end every channel goes out whole. A key closing before it marks its
        channel's place: the events from here on wait until the text before the mark is released."""
        final = prefix == ALL
        self._ended = self._ended or final
        for name, channel in list(self._channels.items()):
            if final:
                await self._release(name, len(channel.held), template)
            elif channel.held and channel.segments[-1][1][: len(prefix)] == prefix:
                self._queue.append(_Mark(name, channel.base + len(channel.held)))
                channel.split = True

    async def _release(self, name: StreamKey, cut: int, fallback: dict[str, Any] | None = None) -> None:
        channel = self._channels[name]
        if cut <= 0:
            return
        context = channel.context
        # Scanned with what stays held too: a value the cut goes through (a window's cut, in a run with no
        # plain word) is found whole, and its part before the cut redacted now, the rest with the next text.
        scanned = context + channel.held
        (decisions,) = await self._scan([scanned], [len(context)], [len(context) + cut])
        if channel.sealed and any(
            d.finding.start < len(context) < d.finding.end
            for d in decisions
            if d.action not in (Action.ALLOW, Action.AUDIT)
        ):
            raise SensitiveDataBlocked(
                "The rest of the provider's answer was withheld by the AI policy: protected data split across"
                " a tool name's fragments."
            )
        starts = [d.finding.start for d in decisions]
        bare = channel.lex.release(channel.held[:cut], context, starts) if channel.lex else frozenset()
        pieces = [
            (key, high, rewrite_piece(scanned, len(context) + low, len(context) + high, decisions, bare))
            for low, high, key in channel.pieces(cut)
        ]
        await self._check_join([(key, text) for key, _, text in pieces if text])
        for key, high, text in pieces:
            if text:
                self._released[key] = self._released.get(key, "") + text
                template = self._templates.get(key) or fallback or {}
                self._place(name, channel.base + high, delta_event(self._endpoint, key, text, template))
        channel.advance(cut)

    async def _check_join(self, pieces: list[tuple[StreamKey, str]]) -> None:
        """Before text of an answer of several choices goes out: their content in the order it goes
        out (what a loop reading ``choices[0]`` joins), scanned; a value a rule acts on that crosses
        from one choice into another is refused."""
        join = self._join
        if join is None or not join.add_pieces(pieces):
            return
        (decisions,) = await self._scan([join.text()], [len(join.text())])
        if join.crossed([d.finding for d in decisions if d.action not in (Action.ALLOW, Action.AUDIT)]):
            raise SensitiveDataBlocked(
                "The rest of the provider's answer was withheld by the AI policy: protected data split across choices."
            )
        join.advance()

    def _place(self, name: StreamKey, end: int, event: bytes) -> None:
        """Queue released text before the first mark of its channel at or after its end (the
        close it precedes), taking that mark away when the text reaches it; else at the end."""
        for n, entry in enumerate(self._queue):
            if isinstance(entry, _Mark) and entry.channel == name and entry.at >= end:
                self._queue.insert(n, AnswerEvent.made(event))
                if entry.at == end:
                    self._queue.remove(entry)
                return
        self._queue.append(AnswerEvent.made(event))

    async def _scan(
        self, texts: list[str], counted_upto: list[int], starting_before: list[int] | None = None
    ) -> list[list[RuledDecision]]:
        decided = await decide_texts(
            self._pool,
            self._policy,
            texts,
            Direction.RESPONSE,
            self._screening,
            self._policy.answer_entities,
            counted_upto,
            starting_before=starting_before,
        )
        refuse_blocked(
            [d for decisions in decided for d in decisions],
            "The rest of the provider's answer was withheld by the AI policy because it contains",
        )
        return decided or [[] for _ in texts]
