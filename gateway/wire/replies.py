"""Render a model's reply in the caller's wire format, whole or as SSE events.

One ``Reply`` is turned into exactly what OpenAI's or Anthropic's API would send
for the endpoint the caller used, streaming included.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import struct
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from gateway.wire import sse
from gateway.wire.text import approx_tokens, stream_pieces

EMBEDDING_DIMENSIONS = 16


@dataclass(frozen=True)
class Reply:
    model: str
    text: str
    input_tokens: int

    @property
    def output_tokens(self) -> int:
        return approx_tokens(self.text)


def render(endpoint: str, reply: Reply, body: Mapping[str, Any]) -> dict[str, Any]:
    """The whole (non-streaming) response body."""
    if endpoint == "chat.completions":
        return _chat(reply)
    if endpoint == "completions":
        return _completion(reply)
    if endpoint == "responses":
        return _response(reply, "completed")
    if endpoint == "messages":
        return _message(reply)
    if endpoint == "messages.count_tokens":
        return {"input_tokens": reply.input_tokens}
    if endpoint == "embeddings":
        return _embeddings(reply.model, body)
    raise ValueError(f"no reply format for endpoint {endpoint}")


def render_stream(endpoint: str, reply: Reply, body: Mapping[str, Any]) -> Iterator[bytes]:
    """The SSE events of a streamed response, one ``bytes`` per event."""
    if endpoint == "chat.completions":
        return _chat_stream(reply, _include_usage(body))
    if endpoint == "completions":
        return _completion_stream(reply, _include_usage(body))
    if endpoint == "responses":
        return _response_stream(reply)
    if endpoint == "messages":
        return _message_stream(reply)
    raise ValueError(f"endpoint {endpoint} does not stream")


def _include_usage(body: Mapping[str, Any]) -> bool:
    options = body.get("stream_options")
    return isinstance(options, dict) and bool(options.get("include_usage"))


def _usage(reply: Reply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.input_tokens,
        "completion_tokens": reply.output_tokens,
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }


def _new_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(12)}"


# --- OpenAI chat completions ---------------------------------------------------------


def _chat(reply: Reply) -> dict[str, Any]:
    message = {"role": "assistant", "content": reply.text, "refusal": None}
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}
    return {
        "id": _new_id("chatcmpl-"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": reply.model,
        "choices": [choice],
        "usage": _usage(reply),
    }


def _chat_stream(reply: Reply, include_usage: bool) -> Iterator[bytes]:
    head = {
        "id": _new_id("chatcmpl-"),
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": reply.model,
    }
    extra: dict[str, Any] = {"usage": None} if include_usage else {}

    def chunk(delta: dict[str, Any], finish: str | None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return sse.data_event({**head, "choices": [choice], **extra})

    yield chunk({"role": "assistant", "content": ""}, None)
    for piece in stream_pieces(reply.text):
        yield chunk({"content": piece}, None)
    yield chunk({}, "stop")
    if include_usage:
        yield sse.data_event({**head, "choices": [], "usage": _usage(reply)})
    yield sse.DONE


# --- OpenAI legacy completions -------------------------------------------------------


def _completion(reply: Reply) -> dict[str, Any]:
    choice = {"text": reply.text, "index": 0, "logprobs": None, "finish_reason": "stop"}
    return {
        "id": _new_id("cmpl-"),
        "object": "text_completion",
        "created": int(time.time()),
        "model": reply.model,
        "choices": [choice],
        "usage": _usage(reply),
    }


def _completion_stream(reply: Reply, include_usage: bool) -> Iterator[bytes]:
    head = {"id": _new_id("cmpl-"), "object": "text_completion", "created": int(time.time()), "model": reply.model}
    for piece in stream_pieces(reply.text):
        yield sse.data_event(
            {**head, "choices": [{"text": piece, "index": 0, "logprobs": None, "finish_reason": None}]}
        )
    yield sse.data_event({**head, "choices": [{"text": "", "index": 0, "logprobs": None, "finish_reason": "stop"}]})
    if include_usage:
        yield sse.data_event({**head, "choices": [], "usage": _usage(reply)})
    yield sse.DONE


# --- OpenAI embeddings ---------------------------------------------------------------


def _embeddings(model: str, body: Mapping[str, Any]) -> dict[str, Any]:
    inputs = body.get("input")
    items = [inputs] if isinstance(inputs, str) else list(inputs) if isinstance(inputs, list) else []
    as_base64 = body.get("encoding_format") == "base64"
    data = []
    for index, item in enumerate(items):
        vector = _vector(str(item))
        embedding: Any = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode() if as_base64 else vector
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    tokens = sum(approx_tokens(str(item)) for item in items)
    return {"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


def _vector(text: str) -> list[float]:
    """A deterministic unit-free vector derived from the text (same text, same vector)."""
    digest = hashlib.sha256(text.encode()).digest()
    return [round(b / 255.0 * 2 - 1, 6) for b in digest[:EMBEDDING_DIMENSIONS]]


# --- OpenAI Responses API ------------------------------------------------------------


def _response(reply: Reply, status: str, *, rid: str = "", mid: str = "", with_output: bool = True) -> dict[str, Any]:
    part = {"type": "output_text", "text": reply.text, "annotations": []}
    item = {
        "type": "message",
        "id": mid or _new_id("msg_"),
        "status": "completed",
        "role": "assistant",
        "content": [part],
    }
    usage = {
        "input_tokens": reply.input_tokens,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": reply.output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }
    return {
        "id": rid or _new_id("resp_"),
        "object": "response",
        "created_at": int(time.time()),
        "status": status,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "model": reply.model,
        "output": [item] if with_output else [],
        "parallel_tool_calls": True,
        "temperature": 1.0,
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "text": {"format": {"type": "text"}},
        "usage": usage if with_output else None,
    }


def _response_stream(reply: Reply) -> Iterator[bytes]:
    rid, mid = _new_id("resp_"), _new_id("msg_")
    seq = iter(range(1_000_000))
    where = {"item_id": mid, "output_index": 0, "content_index": 0}

    def event(kind: str, **fields: Any) -> bytes:
        return sse.named_event(kind, {"type": kind, "sequence_number": next(seq), **fields})

    started = _response(reply, "in_progress", rid=rid, mid=mid, with_output=False)
    yield event("response.created", response=started)
    yield event("response.in_progress", response=started)
    item = {"type": "message", "id": mid, "status": "in_progress", "role": "assistant", "content": []}
    yield event("response.output_item.added", output_index=0, item=item)
    yield event("response.content_part.added", **where, part={"type": "output_text", "text": "", "annotations": []})
    for piece in stream_pieces(reply.text):
        yield event("response.output_text.delta", **where, delta=piece, logprobs=[])
    yield event("response.output_text.done", **where, text=reply.text, logprobs=[])
    part = {"type": "output_text", "text": reply.text, "annotations": []}
    yield event("response.content_part.done", **where, part=part)
    done_item = {**item, "status": "completed", "content": [part]}
    yield event("response.output_item.done", output_index=0, item=done_item)
    yield event("response.completed", response=_response(reply, "completed", rid=rid, mid=mid))


# --- Anthropic messages --------------------------------------------------------------


def _message(reply: Reply) -> dict[str, Any]:
    return {
        "id": _new_id("msg_"),
        "type": "message",
        "role": "assistant",
        "model": reply.model,
        "content": [{"type": "text", "text": reply.text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
    }


def _message_stream(reply: Reply) -> Iterator[bytes]:
    start = {
        **_message(reply),
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": reply.input_tokens, "output_tokens": 1},
    }
    yield sse.named_event("message_start", {"type": "message_start", "message": start})
    block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
    yield sse.named_event("content_block_start", block)
    yield sse.named_event("ping", {"type": "ping"})
    for piece in stream_pieces(reply.text):
        delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}
        yield sse.named_event("content_block_delta", delta)
    yield sse.named_event("content_block_stop", {"type": "content_block_stop", "index": 0})
    end = {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": reply.output_tokens},
    }
    yield sse.named_event("message_delta", end)
    yield sse.named_event("message_stop", {"type": "message_stop"})
