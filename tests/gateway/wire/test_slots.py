"""Every scanned field of every endpoint is a slot, and writing a slot rewrites the body."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.wire.endpoints import endpoint_named
from gateway.wire.slots import request_slots, response_slots

CHAT = {
    "messages": [
        {"role": "system", "content": "S"},
        {"role": "user", "content": [{"type": "text", "text": "U"}, {"type": "image_url", "image_url": {"url": "x"}}]},
        {"role": "assistant", "content": None, "tool_calls": [{"function": {"name": "f", "arguments": '{"q":"A"}'}}]},
        {"role": "tool", "content": "T"},
    ],
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "f",
                "description": "D",
                "parameters": {"type": "object", "properties": {"q": {"type": "string", "description": "P"}}},
            },
        }
    ],
}
ANTHROPIC = {
    "system": [{"type": "text", "text": "S"}],
    "messages": [
        {"role": "user", "content": "U"},
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "1", "name": "f", "input": {"q": "A", "n": [1, "B"]}}],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "1", "content": [{"type": "text", "text": "T"}]}],
        },
    ],
    "tools": [{"name": "f", "description": "D", "input_schema": {"properties": {"q": {"description": "P"}}}}],
}
RESPONSES = {
    "instructions": "I",
    "input": [
        {"role": "user", "content": [{"type": "input_text", "text": "U"}]},
        {"type": "function_call", "call_id": "c", "name": "f", "arguments": '{"q":"A"}'},
        {"type": "function_call_output", "call_id": "c", "output": "T"},
    ],
    "tools": [{"type": "function", "name": "f", "description": "D", "parameters": {}}],
}


@pytest.mark.parametrize(
    ("endpoint", "body", "texts"),
    [
        ("chat.completions", CHAT, ["S", "U", "x", "f", '{"q":"A"}', "T", "f", "D", "P", "q"]),
        ("messages", ANTHROPIC, ["S", "U", "f", "A", "q", "1", "B", "n", "T", "f", "D", "P", "q"]),
        ("messages.count_tokens", {"system": "S", "messages": []}, ["S"]),
        ("responses", RESPONSES, ["I", "U", "f", '{"q":"A"}', "T", "f", "D"]),
        ("responses", {"input": "plain"}, ["plain"]),
        ("completions", {"prompt": ["a", "b"]}, ["a", "b"]),
        ("embeddings", {"input": "e"}, ["e"]),
    ],
)
def test_request_slots_cover_every_text(endpoint: str, body: dict[str, Any], texts: list[str]):
    assert [s.text for s in request_slots(endpoint_named(endpoint), json.loads(json.dumps(body)))] == texts


def test_replacing_slots_rewrites_the_body_in_place():
    body = json.loads(json.dumps(ANTHROPIC))
    for slot in request_slots(endpoint_named("messages"), body):
        slot.replace(slot.text.lower())
    assert body["system"][0]["text"] == "s"
    assert body["messages"][1]["content"][0]["input"] == {"q": "a", "n": [1, "b"]}
    assert body["messages"][2]["content"][0]["content"][0]["text"] == "t"
    assert body["tools"][0]["input_schema"]["properties"]["q"]["description"] == "p"


@pytest.mark.parametrize(
    ("endpoint", "body", "texts"),
    [
        (
            "chat.completions",
            {"choices": [{"message": {"content": "R", "tool_calls": [{"function": {"arguments": "{}"}}]}}]},
            ["R", "{}"],
        ),
        ("completions", {"choices": [{"text": "R"}]}, ["R"]),
        (
            "messages",
            {"content": [{"type": "text", "text": "R"}, {"type": "tool_use", "input": {"x": "Y"}}]},
            ["R", "Y"],
        ),
        (
            "responses",
            {"output": [{"type": "message", "content": [{"type": "output_text", "text": "R"}]}, {"arguments": "{}"}]},
            ["R", "{}"],
        ),
        ("embeddings", {"data": [{"embedding": [0.1]}]}, []),
    ],
)
def test_response_slots(endpoint: str, body: dict[str, Any], texts: list[str]):
    assert [s.text for s in response_slots(endpoint_named(endpoint), body)] == texts
