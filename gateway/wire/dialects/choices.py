"""What OpenAI's chat and legacy completions share: answers as ``choices`` keyed by index, whose
streamed deltas and closes are read alike (gateway.wire.stream_keys), and the same usage block."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.wire.dialects.base import Delta, Dialect, Reply, StreamKey
from gateway.wire.stream_keys import choice_deltas, choices, index


class ChoicesDialect(Dialect):
    __slots__ = ()

    streams: ClassVar[bool] = True
    has_choices: ClassVar[bool] = True

    def deltas(self, event: str | None, obj: dict[str, Any]) -> list[Delta]:
        return [
            Delta(key, slot, json_escaped=key[0] == "t" and key[-1] == "arguments") for key, slot in choice_deltas(obj)
        ]

    def closed_streams(self, event: str | None, obj: dict[str, Any]) -> list[StreamKey]:
        """A finished choice ends its text and its tool-call streams."""
        finished = [index(c.get("index", 0)) for c in choices(obj) if c.get("finish_reason")]
        return [key for n in finished for key in (("c", n), ("t", n))]


def include_usage(body: Mapping[str, Any]) -> bool:
    options = body.get("stream_options")
    return isinstance(options, dict) and bool(options.get("include_usage"))


def usage(reply: Reply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.input_tokens,
        "completion_tokens": reply.output_tokens,
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }


def head(template: dict[str, Any]) -> dict[str, Any]:
    """The fields a chunk of our own copies from the stream's last one."""
    return {k: template[k] for k in ("id", "object", "created", "model") if k in template}
