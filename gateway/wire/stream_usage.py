"""A streamed answer's usage, asked for when the caller did not ask (OpenAI's chat and completions
streams report usage only with ``stream_options.include_usage``), and taken out again on the way
back, so that the caller gets the stream it asked for: no ``"usage": null`` on every chunk, no
last chunk with empty ``choices`` and the usage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.wire.answer_event import AnswerEvent

USAGE_ON_REQUEST = frozenset({"chat.completions", "completions"})  # the endpoints whose streams need asking


def include_usage(body: Mapping[str, Any]) -> bool:
    options = body.get("stream_options")
    return isinstance(options, dict) and options.get("include_usage") is True


def with_usage_asked(body: Mapping[str, Any]) -> dict[str, Any]:
    options = body.get("stream_options")
    return {**body, "stream_options": {**(options if isinstance(options, dict) else {}), "include_usage": True}}


class UsageStrip:
    """An answer-chain stage (``gateway.screening.answer_chain``): after the capture, before the restore."""

    rewrites: ClassVar[bool] = True

    async def feed(self, events: list[AnswerEvent]) -> list[AnswerEvent]:
        out = []
        for event in events:
            obj = event.obj
            if obj is not None and "usage" in obj:
                if obj["usage"] is not None and obj.get("choices") == []:
                    continue  # the usage chunk itself
                if obj["usage"] is None:
                    del obj["usage"]
                    event.changed = True
            out.append(event)
        return out

    async def finish(self) -> list[AnswerEvent]:
        return []
