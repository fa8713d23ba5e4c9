"""Where the human-written text sits in each endpoint's request body."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

_PIECES = re.compile(r"\s*\S+\s*|\s+")


def request_texts(endpoint: str, body: Mapping[str, Any]) -> list[str]:
    """The text fields of a request, in the order a model reads them."""
    if endpoint == "chat.completions":
        return [t for m in _dicts(body.get("messages")) for t in _content_texts(m.get("content"))]
    if endpoint in ("messages", "messages.count_tokens"):
        texts = list(_content_texts(body.get("system")))
        return texts + [t for m in _dicts(body.get("messages")) for t in _content_texts(m.get("content"))]
    if endpoint == "completions":
        return list(_strings(body.get("prompt")))
    if endpoint == "embeddings":
        return list(_strings(body.get("input")))
    if endpoint == "responses":
        texts = list(_strings(body.get("instructions")))
        return texts + list(_response_input_texts(body.get("input")))
    return []


def approx_tokens(text: str) -> int:
    """A cheap token estimate (about four characters a token) for echo and mock usage blocks."""
    return max(1, (len(text) + 3) // 4) if text else 0


def stream_pieces(text: str) -> list[str]:
    """Split text into word-sized chunks for streaming, losing no character."""
    return _PIECES.findall(text) or [""]


def _dicts(value: object) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, list):
        yield from (v for v in value if isinstance(v, dict))


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, str))


def _content_texts(content: object) -> Iterator[str]:
    """A message's content: a string, or a list of typed parts (text, tool results...)."""
    if isinstance(content, str):
        yield content
        return
    for part in _dicts(content):
        if isinstance(part.get("text"), str):
            yield part["text"]
        elif part.get("type") == "tool_result":
            yield from _content_texts(part.get("content"))


def _response_input_texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
        return
    for item in _dicts(value):
        if "content" in item:
            yield from _content_texts(item["content"])
        elif isinstance(item.get("output"), str):
            yield item["output"]
