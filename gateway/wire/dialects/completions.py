"""OpenAI legacy completions (``/v1/completions``): a prompt in, a ``text`` per choice out.

The prompt may be given as token ids, which are no text to screen.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from gateway.wire import sse
from gateway.wire.dialects.base import Reply, StreamKey, new_id
from gateway.wire.dialects.choices import ChoicesDialect, head, include_usage, usage
from gateway.wire.response_slots import dict_items, string_slots
from gateway.wire.slot import Slot
from gateway.wire.text import stream_pieces


class Completions(ChoicesDialect):
    __slots__ = ()

    encoded_prompt_field: ClassVar[str | None] = "prompt"

    def response_slots(self, body: dict[str, Any]) -> list[Slot]:
        return [s for c in dict_items(body.get("choices")) for s in string_slots(c, "text")]

    def delta_event(self, key: StreamKey, text: str, template: dict[str, Any]) -> bytes:
        choice = {"index": key[1], "text": text, "logprobs": None, "finish_reason": None}
        return sse.data_event({**head(template), "choices": [choice]})

    def render(self, reply: Reply, body: Mapping[str, Any]) -> dict[str, Any]:
        choice = {"text": reply.text, "index": 0, "logprobs": None, "finish_reason": "stop"}
        return {
            "id": new_id("cmpl-"),
            "object": "text_completion",
            "created": int(time.time()),
            "model": reply.model,
            "choices": [choice],
            "usage": usage(reply),
        }

    def render_stream(self, reply: Reply, body: Mapping[str, Any]) -> Iterator[bytes]:
        chunk_head = {
            "id": new_id("cmpl-"),
            "object": "text_completion",
            "created": int(time.time()),
            "model": reply.model,
        }
        for piece in stream_pieces(reply.text):
            yield sse.data_event(
                {**chunk_head, "choices": [{"text": piece, "index": 0, "logprobs": None, "finish_reason": None}]}
            )
        last = {"text": "", "index": 0, "logprobs": None, "finish_reason": "stop"}
        yield sse.data_event({**chunk_head, "choices": [last]})
        if include_usage(body):
            yield sse.data_event({**chunk_head, "choices": [], "usage": usage(reply)})
        yield sse.DONE
