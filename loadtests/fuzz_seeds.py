"""Valid requests the fuzzer starts from: every API endpoint, both wire formats, streamed and not.

Their texts carry a person's name and e-mail address in some seeds, so that detection finds
something, the policy pseudonymizes it and the gateway re-encodes the body before forwarding
(a different path from forwarding the caller's bytes as they came).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

PII_TEXT = "Please email Maria Lopez at maria.lopez@example.com about the March invoice."
PLAIN_TEXT = "Summarise the benefits of unit tests in two sentences."
TOOL_PARAMETERS = {
    "type": "object",
    "properties": {"city": {"type": "string", "description": "City name"}},
    "required": ["city"],
}


@dataclass(frozen=True)
class Seed:
    name: str
    path: str
    anthropic: bool  # the Anthropic wire format (else OpenAI)
    model: str
    body: dict[str, Any]

    @property
    def streams(self) -> bool:
        return self.body.get("stream") is True

    def fresh(self) -> dict[str, Any]:
        """A copy the mutators may change in place."""
        return copy.deepcopy(self.body)


def _chat(text: str) -> dict[str, Any]:
    return {
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": text},
            {"role": "assistant", "content": None, "tool_calls": [_openai_call()]},
            {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 21}'},
            {"role": "user", "content": [{"type": "text", "text": "And tomorrow?"}]},
        ],
        "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": TOOL_PARAMETERS}}],
        "temperature": 0.2,
        "max_tokens": 64,
    }


def _openai_call() -> dict[str, Any]:
    return {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'}}


def _messages(text: str) -> dict[str, Any]:
    return {
        "model": "claude-sonnet-5-5",
        "max_tokens": 64,
        "system": [{"type": "text", "text": "You are a terse assistant."}],
        "messages": [
            {"role": "user", "content": text},
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "tu_1", "name": "get_weather", "input": {"city": "Oslo"}}],
            },
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": "tu_1", "content": [{"type": "text", "text": "21 C"}]},
                    {"type": "text", "text": "And tomorrow?"},
                ],
            },
        ],
        "tools": [{"name": "get_weather", "description": "Weather by city", "input_schema": TOOL_PARAMETERS}],
    }


def _responses(text: str) -> dict[str, Any]:
    return {
        "model": "gpt-4o-mini",
        "instructions": "Be brief.",
        "input": [{"role": "user", "content": [{"type": "input_text", "text": text}]}],
        "tools": [{"type": "function", "name": "get_weather", "parameters": TOOL_PARAMETERS}],
    }


def _build() -> tuple[Seed, ...]:
    seeds: list[Seed] = []
    for label, text in (("pii", PII_TEXT), ("plain", PLAIN_TEXT)):
        for stream in (False, True):
            suffix = f"{label}{'-stream' if stream else ''}"
            extra: dict[str, Any] = {"stream": True} if stream else {}
            chat_extra = {**extra, "stream_options": {"include_usage": True}} if stream else {}
            seeds += [
                Seed(f"chat-{suffix}", "/v1/chat/completions", False, "gpt-4o", {**_chat(text), **chat_extra}),
                Seed(
                    f"completions-{suffix}",
                    "/v1/completions",
                    False,
                    "gpt-4o-mini",
                    {"model": "gpt-4o-mini", "prompt": text, "max_tokens": 32, **chat_extra},
                ),
                Seed(f"responses-{suffix}", "/v1/responses", False, "gpt-4o-mini", {**_responses(text), **extra}),
                Seed(f"messages-{suffix}", "/v1/messages", True, "claude-sonnet-5-5", {**_messages(text), **extra}),
            ]
        seeds += [
            Seed(
                f"embeddings-{label}",
                "/v1/embeddings",
                False,
                "text-embedding-3-small",
                {"model": "text-embedding-3-small", "input": [text, "second input"]},
            ),
            Seed(
                f"count-tokens-{label}",
                "/v1/messages/count_tokens",
                True,
                "claude-haiku-5-5",
                {"model": "claude-haiku-5-5", "messages": [{"role": "user", "content": text}]},
            ),
        ]
    return tuple(seeds)


SEEDS = _build()


def headers_for(seed: Seed, key: str) -> dict[str, str]:
    """The headers each SDK sends: its own auth header and, for Anthropic, the API version."""
    if seed.anthropic:
        return {"x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json"}
    return {"authorization": f"Bearer {key}", "content-type": "application/json"}


def encode(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()
