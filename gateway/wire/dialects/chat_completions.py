"""OpenAI chat completions (``/v1/chat/completions``): messages in, an assistant message per choice out.

A streamed choice's text, tool calls (name and arguments per call index), legacy ``function_call``,
reasoning and audio transcript are each a stream keyed as gateway.wire.stream_keys says.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any

from gateway.wire import sse
from gateway.wire.dialects.base import Reply, StreamKey, new_id
from gateway.wire.dialects.choices import ChoicesDialect, head, include_usage, usage
from gateway.wire.response_slots import chat_message_slots, dict_items
from gateway.wire.slot import Slot
from gateway.wire.text import stream_pieces


class ChatCompletions(ChoicesDialect):
    __slots__ = ()

    def response_slots(self, body: dict[str, Any]) -> list[Slot]:
        return [s for c in dict_items(body.get("choices")) for s in chat_message_slots(c.get("message"))]

    def delta_event(self, key: StreamKey, text: str, template: dict[str, Any]) -> bytes:
        choice = {"index": key[1], "delta": _chat_delta(key, text), "logprobs": None, "finish_reason": None}
        return sse.data_event({**head(template), "choices": [choice]})

    def render(self, reply: Reply, body: Mapping[str, Any]) -> dict[str, Any]:
        message = {"role": "assistant", "content": reply.text, "refusal": None}
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}
        return {
            "id": new_id("chatcmpl-"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": reply.model,
            "choices": [choice],
            "usage": usage(reply),
        }

    def render_stream(self, reply: Reply, body: Mapping[str, Any]) -> Iterator[bytes]:
        with_usage = include_usage(body)
        chunk_head = {
            "id": new_id("chatcmpl-"),
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": reply.model,
        }
        extra: dict[str, Any] = {"usage": None} if with_usage else {}

        def chunk(delta: dict[str, Any], finish: str | None) -> bytes:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            return sse.data_event({**chunk_head, "choices": [choice], **extra})

        yield chunk({"role": "assistant", "content": ""}, None)
        for piece in stream_pieces(reply.text):
            yield chunk({"content": piece}, None)
        yield chunk({}, "stop")
        if with_usage:
            yield sse.data_event({**chunk_head, "choices": [], "usage": usage(reply)})
        yield sse.DONE


def _chat_delta(key: StreamKey, text: str) -> dict[str, Any]:
    if key[0] == "t":  # ("t", choice, call index or "fc", field)
        function = {str(key[3]): text}
        return (
            {"function_call": function} if key[2] == "fc" else {"tool_calls": [{"index": key[2], "function": function}]}
        )
    field = str(key[2])
    if field == "audio":
        return {"audio": {"transcript": text}}
    if field == "reasoning_details":
        return {"reasoning_details": [{"type": "reasoning.text", "text": text}]}
    return {field: text}
