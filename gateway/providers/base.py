"""What the gateway asks of a provider, and what a provider answers."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from gateway.errors import ApiFormat
from gateway.wire.endpoints import Endpoint


@dataclass(frozen=True)
class UpstreamCall:
    endpoint: Endpoint
    body: Mapping[str, Any]
    # The caller's bytes, forwarded as-is when nothing changed the body (saves a re-encode).
    raw_body: bytes | None
    headers: Mapping[str, str]  # the caller's headers that may be forwarded
    request_id: str


@dataclass
class UpstreamReply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # Set for a streamed (SSE) reply: chunks in the order they arrived upstream.
    stream: AsyncGenerator[bytes, None] | None = None
    # Drops the upstream connection of a stream (the provider stops generating). Needed beside the
    # stream's own cleanup: closing a generator that never started runs none of its code.
    drop_connection: Callable[[], None] | None = None

    async def close_stream(self) -> None:
        """The stream closed and its connection dropped unless it was returned to the pool (a no-op
        then); safe to call more than once, and for a stream that never started."""
        try:
            if self.stream is not None:
                await self.stream.aclose()
        finally:
            if self.drop_connection is not None:
                self.drop_connection()


class Provider(Protocol):
    name: str
    kind: str
    formats: frozenset[ApiFormat]
    models: tuple[str, ...]
    # True for a provider whose answer *is* the outgoing request (echo): its answers
    # are shown as sent, placeholders and all, never restored.
    mirrors_request: bool

    @property
    def available(self) -> bool: ...

    async def send(self, call: UpstreamCall) -> UpstreamReply: ...

    async def close(self) -> None: ...
