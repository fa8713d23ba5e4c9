"""What the prompt log learns from an answer: token usage, and the answer's text when the
policy's log level keeps it. A whole answer is read once; a stream is watched as it
passes in the answer chain, changing nothing, so capturing costs the client nothing it can see.

It reads only the wire formats and knows nothing of the prompt log's stores, so it lives
in ``wire/``: the exchange holds a capture and the prompt log reads the exchange, without
``exchange`` and ``promptlog`` importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from gateway.json_input import parse_upstream
from gateway.text_safety import MAX_COUNT, bounded_count, scrub
from gateway.wire.answer_event import AnswerEvent
from gateway.wire.endpoints import Endpoint
from gateway.wire.slots import response_slots
from gateway.wire.stream_text import deltas

MAX_CAPTURED_CHARS = 1_000_000  # a runaway answer is kept in part, with a marker
FINAL_RESPONSE_EVENTS = frozenset({"response.completed", "response.incomplete", "response.failed"})


@dataclass
class AnswerCapture:
    """Filled as the answer passes; read when the exchange is recorded."""

    keep_text: bool
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cached_tokens: int = 0  # of the prompt's, read from the provider's prompt cache (priced apart)
    cache_write_tokens: int = 0  # of the prompt's, written to Anthropic's prompt cache (priced apart)
    # The usage is the provider's last word on the answer (a whole body's; OpenAI's usage chunk,
    # Anthropic's message_delta, Responses' response.completed): else a cut stream's usage so far
    # (Anthropic's message_start says output_tokens 1) and the limits charge at least the estimate.
    usage_final: bool = False
    answer_chars: int = 0  # of the answer's text relayed, counted whether or not the log keeps it
    parts: list[str] = field(default_factory=list)
    _chars: int = 0
    _uncached_input: int | None = None  # Anthropic's input_tokens (OpenAI's prompt_tokens: all of it)
    _cache_read: int = 0  # Anthropic's cache_read_input_tokens (apart from input_tokens)

    @property
    def text(self) -> str | None:
        if not self.keep_text or not self.parts:
            return None
        joined = "".join(self.parts)
        return joined if self._chars <= MAX_CAPTURED_CHARS else joined + "\n[... truncated in the prompt log]"

    def add_text(self, text: str) -> None:
        self.answer_chars += len(text)
        if self.keep_text and self._chars <= MAX_CAPTURED_CHARS:
            self.parts.append(scrub(text))  # a provider's lone surrogate: U+FFFD in the log copy only
            self._chars += len(text)

    def read_body(self, endpoint: Endpoint, body: bytes) -> None:
        obj = parse_upstream(body)
        if not isinstance(obj, dict):
            return
        self._read_usage(obj.get("usage"), final=True)
        if self.keep_text or not self.usage_final:  # without usage, the answer's length is what is counted
            for slot in response_slots(endpoint, obj):
                self.add_text(slot.text + "\n")

    def read_event(self, endpoint: Endpoint, obj: dict[str, Any]) -> None:
        # OpenAI's usage chunk and Anthropic's message_delta are the last word; message_start's is not.
        self._read_usage(obj.get("usage"), final=True)
        message = obj.get("message")
        if isinstance(message, dict):  # Anthropic's message_start
            self._read_usage(message.get("usage"), final=False)
        response = obj.get("response")
        if obj.get("type") in FINAL_RESPONSE_EVENTS and isinstance(response, dict):
            self._read_usage(response.get("usage"), final=True)
        for delta in deltas(endpoint, None, obj):
            if self.keep_text and not delta.json_escaped:
                self.add_text(delta.slot.text)
            else:
                self.answer_chars += len(delta.slot.text)

    def _read_usage(self, usage: object, *, final: bool) -> None:
        """OpenAI: prompt_tokens/completion_tokens; Responses and Anthropic: input_tokens/output_tokens."""
        if not isinstance(usage, dict):
            return
        self.usage_final = self.usage_final or final
        completion = _first_count(usage, "completion_tokens", "output_tokens")
        if completion is not None:
            self.completion_tokens = completion
        # OpenAI's cached tokens are part of its prompt tokens.
        details = usage.get("prompt_tokens_details") or usage.get("input_tokens_details")
        cached = bounded_count(details.get("cached_tokens")) if isinstance(details, dict) else None
        if cached:
            self.cached_tokens = cached
        # Anthropic's prompt-cache writes and reads are apart from its input_tokens, billed too: the
        # prompt is all three (message_start has them; a message_delta may repeat them).
        written = bounded_count(usage.get("cache_creation_input_tokens"))
        read = bounded_count(usage.get("cache_read_input_tokens"))
        if written is not None:
            self.cache_write_tokens = written
        if read is not None:
            self._cache_read = self.cached_tokens = read
        prompt = _first_count(usage, "prompt_tokens", "input_tokens")
        if prompt is not None:
            self._uncached_input = prompt
        if self._uncached_input is not None:
            self.prompt_tokens = min(self._uncached_input + self.cache_write_tokens + self._cache_read, MAX_COUNT)


def _first_count(usage: dict[str, Any], *names: str) -> int | None:
    for name in names:
        value = bounded_count(usage.get(name))  # 2**63 from a provider is no count (nor a column)
        if value is not None:
            return value
    return None


@dataclass
class CapturingStage:
    """The answer chain's capture stage (``gateway.screening.answer_chain``): it reads each event
    as it passes and changes nothing, so a chain of it alone relays the provider's bytes as they came."""

    capture: AnswerCapture
    endpoint: Endpoint
    rewrites: ClassVar[bool] = False

    async def feed(self, events: list[AnswerEvent]) -> list[AnswerEvent]:
        for event in events:
            obj = event.obj
            if obj is not None:
                self.capture.read_event(self.endpoint, obj)
        return events

    async def finish(self) -> list[AnswerEvent]:
        return []
