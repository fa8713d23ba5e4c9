"""Render a model's reply in the caller's wire format, whole or as SSE events.

One ``Reply`` is turned into exactly what OpenAI's or Anthropic's API would send
for the endpoint the caller used, streaming included: the endpoint's dialect
(gateway.wire.dialects) knows the shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gateway.wire.dialects.base import Reply as Reply
from gateway.wire.endpoints import Endpoint


def render(endpoint: Endpoint, reply: Reply, body: Mapping[str, Any]) -> dict[str, Any]:
    """The whole (non-streaming) response body."""
    return endpoint.dialect.render(reply, body)


def render_stream(endpoint: Endpoint, reply: Reply, body: Mapping[str, Any]) -> Iterator[bytes]:
    """The SSE events of a streamed response, one ``bytes`` per event (ValueError if the endpoint does not stream)."""
    return endpoint.dialect.render_stream(reply, body)
