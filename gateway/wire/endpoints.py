"""The API endpoints the gateway serves: which API shape each one speaks, and its dialect.

Everything the gateway knows of an endpoint's format is its dialect (gateway.wire.dialects):
a new endpoint is one dialect module and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.errors import ApiFormat
from gateway.wire.dialects.base import Dialect
from gateway.wire.dialects.chat_completions import ChatCompletions
from gateway.wire.dialects.completions import Completions
from gateway.wire.dialects.count_tokens import CountTokens
from gateway.wire.dialects.embeddings import Embeddings
from gateway.wire.dialects.messages import Messages
from gateway.wire.dialects.responses import Responses


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    api: ApiFormat
    dialect: Dialect

    @property
    def streams(self) -> bool:
        return self.dialect.streams


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("chat.completions", "/v1/chat/completions", ApiFormat.OPENAI, ChatCompletions()),
    Endpoint("completions", "/v1/completions", ApiFormat.OPENAI, Completions()),
    Endpoint("embeddings", "/v1/embeddings", ApiFormat.OPENAI, Embeddings()),
    Endpoint("responses", "/v1/responses", ApiFormat.OPENAI, Responses()),
    Endpoint("messages", "/v1/messages", ApiFormat.ANTHROPIC, Messages()),
    Endpoint("messages.count_tokens", "/v1/messages/count_tokens", ApiFormat.ANTHROPIC, CountTokens()),
)


def endpoint_named(name: str) -> Endpoint:
    """The endpoint of that name (``chat.completions``...), for callers that name one (the CLI)."""
    found = {endpoint.name: endpoint for endpoint in ENDPOINTS}.get(name)
    if found is None:
        raise ValueError(f"no endpoint named {name!r}")
    return found


def api_for_path(path: str, has_anthropic_version: bool) -> ApiFormat:
    """The API shape to answer in before (or without) a matched endpoint, e.g. for a 404."""
    if path.startswith("/v1/messages") or has_anthropic_version:
        return ApiFormat.ANTHROPIC
    return ApiFormat.OPENAI
