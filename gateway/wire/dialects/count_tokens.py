"""Anthropic's token count (``/v1/messages/count_tokens``): a message request in, a count out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.wire.dialects.base import Dialect, Reply


class CountTokens(Dialect):
    __slots__ = ()

    def render(self, reply: Reply, body: Mapping[str, Any]) -> dict[str, Any]:
        return {"input_tokens": reply.input_tokens}
