"""The API endpoints the gateway serves, and which API shape each one speaks."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.errors import ApiFormat


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    api: ApiFormat
    streams: bool


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("chat.completions", "/v1/chat/completions", ApiFormat.OPENAI, streams=True),
    Endpoint("completions", "/v1/completions", ApiFormat.OPENAI, streams=True),
    Endpoint("embeddings", "/v1/embeddings", ApiFormat.OPENAI, streams=False),
    Endpoint("responses", "/v1/responses", ApiFormat.OPENAI, streams=True),
    Endpoint("messages", "/v1/messages", ApiFormat.ANTHROPIC, streams=True),
    Endpoint("messages.count_tokens", "/v1/messages/count_tokens", ApiFormat.ANTHROPIC, streams=False),
)


def api_for_path(path: str, has_anthropic_version: bool) -> ApiFormat:
    """The API shape to answer in before (or without) a matched endpoint, e.g. for a 404."""
    if path.startswith("/v1/messages") or has_anthropic_version:
        return ApiFormat.ANTHROPIC
    return ApiFormat.OPENAI
