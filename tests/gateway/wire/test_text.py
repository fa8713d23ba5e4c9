"""Where the text sits in each endpoint's request body (what echo returns and detectors will scan)."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.wire.endpoints import ENDPOINTS
from gateway.wire.slots import request_texts
from gateway.wire.text import approx_tokens, stream_pieces
from tests.gateway.wire.notes_dialect import NOTES

BY_NAME = {endpoint.name: endpoint for endpoint in (*ENDPOINTS, NOTES)}


@pytest.mark.parametrize(
    ("endpoint", "body", "texts"),
    [
        ("chat.completions", {"messages": [{"role": "user", "content": "hi"}]}, ["hi"]),
        (
            "chat.completions",
            {"messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "image_url"}]}]},
            ["a"],
        ),
        ("chat.completions", {"messages": "not a list"}, ["not a list"]),  # every string is read
        ("messages", {"system": [{"type": "text", "text": "sys"}], "messages": [{"content": "u"}]}, ["sys", "u"]),
        (
            "messages",
            {"messages": [{"content": [{"type": "tool_result", "content": [{"type": "text", "text": "out"}]}]}]},
            ["out"],
        ),
        ("messages.count_tokens", {"system": "s", "messages": []}, ["s"]),
        ("completions", {"prompt": ["p1", "p2", 3]}, ["p1", "p2"]),
        ("embeddings", {"input": "e"}, ["e"]),
        ("embeddings", {"input": [[1, 2, 3]]}, []),  # token arrays carry no text
        ("responses", {"instructions": "i", "input": "x"}, ["i", "x"]),
        (
            "responses",
            {"input": [{"role": "user", "content": [{"type": "input_text", "text": "t"}]}, {"output": "tool"}]},
            ["t", "tool"],
        ),
        ("notes", {"prompt": "x"}, ["x"]),  # a route added later is walked too
    ],
)
def test_request_texts(endpoint: str, body: dict[str, Any], texts: list[str]):
    assert request_texts(BY_NAME[endpoint], body) == texts


@pytest.mark.parametrize("text", ["", "one", "two words", "  leading and trailing  ", "line\nbreaks\n\nkept"])
def test_stream_pieces_lose_no_character(text: str):
    assert "".join(stream_pieces(text)) == text


def test_approx_tokens():
    assert approx_tokens("") == 0
    assert approx_tokens("abcd") == 1
    assert approx_tokens("abcde") == 2
