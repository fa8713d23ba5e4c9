"""Every slot of a request knows where its text came from: the turn's role and the kind of part
(issue 16 item 3). Each case plants a canary in one part of one API shape and checks its source."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from gateway.wire.endpoints import endpoint_named
from gateway.wire.part_source import PartKind, PartSource, Role, source
from gateway.wire.request_slots import walk_request

C = "CANARY-7Q"
B64 = base64.b64encode(f"notes: {C}".encode()).decode()
TEXT_SOURCE = {"type": "text", "media_type": "text/plain", "data": C}


def sources_of(endpoint: str, body: dict[str, Any], canary: str = C) -> set[str]:
    return {s.source.label for s in walk_request(endpoint_named(endpoint), body).slots if canary in s.text}


def user(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": list(blocks)}


CASES: dict[str, tuple[str, dict[str, Any], str]] = {
    # OpenAI chat completions
    "chat user string": ("chat.completions", {"messages": [{"role": "user", "content": C}]}, "user/text"),
    "chat system": ("chat.completions", {"messages": [{"role": "system", "content": C}]}, "system/text"),
    "chat developer": ("chat.completions", {"messages": [{"role": "developer", "content": C}]}, "developer/text"),
    "chat assistant": ("chat.completions", {"messages": [{"role": "assistant", "content": C}]}, "assistant/text"),
    "chat tool message": (
        "chat.completions",
        {"messages": [{"role": "tool", "tool_call_id": "c1", "content": C}]},
        "tool/tool_result",
    ),
    "chat tool message parts": (
        "chat.completions",
        {"messages": [{"role": "tool", "tool_call_id": "c1", "content": [{"type": "text", "text": C}]}]},
        "tool/tool_result",
    ),
    "chat function message": (
        "chat.completions",
        {"messages": [{"role": "function", "name": "f", "content": C}]},
        "function/tool_result",
    ),
    "chat text part": ("chat.completions", {"messages": [user({"type": "text", "text": C})]}, "user/text"),
    "chat file part": (
        "chat.completions",
        {"messages": [user({"type": "file", "file": {"file_data": f"data:text/plain;base64,{B64}"}})]},
        "user/file",
    ),
    "chat image url": (
        "chat.completions",
        {"messages": [user({"type": "image_url", "image_url": {"url": C}})]},
        "user/image",
    ),
    "chat tool call arguments": (
        "chat.completions",
        {
            "messages": [
                {
                    "role": "assistant",
                    "tool_calls": [
                        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": f'{{"q": "{C}"}}'}}
                    ],
                }
            ]
        },
        "assistant/tool_call_arguments",
    ),
    "chat tools": (
        "chat.completions",
        {"tools": [{"type": "function", "function": {"name": "f", "description": C, "parameters": {}}}]},
        "none/tool_definition",
    ),
    "chat metadata": ("chat.completions", {"metadata": {"k": C}}, "none/metadata"),
    "chat user id": ("chat.completions", {"user": C}, "none/metadata"),
    "chat stop": ("chat.completions", {"stop": [C]}, "none/other"),
    "chat unknown role": ("chat.completions", {"messages": [{"role": "critic", "content": C}]}, "other/text"),
    # OpenAI completions and embeddings
    "completions prompt": ("completions", {"prompt": C}, "user/text"),
    "embeddings input": ("embeddings", {"input": [C]}, "user/text"),
    # OpenAI responses
    "responses input string": ("responses", {"input": C}, "user/text"),
    "responses instructions": ("responses", {"instructions": C, "input": "x"}, "system/text"),
    "responses message": (
        "responses",
        {"input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": C}]}]},
        "user/text",
    ),
    "responses input_file": (
        "responses",
        {"input": [user({"type": "input_file", "filename": "a.txt", "file_data": B64})]},
        "user/file",
    ),
    "responses function_call_output": (
        "responses",
        {"input": [{"type": "function_call_output", "call_id": "c", "output": C}]},
        "tool/tool_result",
    ),
    "responses computer_call_output": (
        "responses",
        {"input": [{"type": "computer_call_output", "output": {"type": "input_image", "image_url": C}}]},
        "tool/tool_result",
    ),
    "responses function_call": (
        "responses",
        {"input": [{"type": "function_call", "call_id": "c", "name": "f", "arguments": C}]},
        "assistant/tool_call_arguments",
    ),
    "responses mcp_call output": (
        "responses",
        {"input": [{"type": "mcp_call", "id": "m", "name": "f", "arguments": "{}", "output": C}]},
        "tool/tool_result",
    ),
    "responses mcp_list_tools": (
        "responses",
        {"input": [{"type": "mcp_list_tools", "tools": [{"name": "f", "description": C}]}]},
        "tool/tool_definition",
    ),
    "responses reasoning": (
        "responses",
        {"input": [{"type": "reasoning", "summary": [{"type": "summary_text", "text": C}]}]},
        "assistant/text",
    ),
    # Anthropic messages
    "anthropic system string": ("messages", {"system": C, "messages": []}, "system/text"),
    "anthropic system blocks": ("messages", {"system": [{"type": "text", "text": C}]}, "system/text"),
    "anthropic tool_result string": (
        "messages",
        {"messages": [user({"type": "tool_result", "tool_use_id": "t", "content": C})]},
        "tool/tool_result",
    ),
    "anthropic tool_result blocks": (
        "messages",
        {"messages": [user({"type": "tool_result", "tool_use_id": "t", "content": [{"type": "text", "text": C}]})]},
        "tool/tool_result",
    ),
    "anthropic document in tool_result": (
        "messages",
        {
            "messages": [
                user(
                    {
                        "type": "tool_result",
                        "tool_use_id": "t",
                        "content": [
                            {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": C}}
                        ],
                    }
                )
            ]
        },
        "tool/tool_result",
    ),
    "anthropic document": (
        "messages",
        {"messages": [user({"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": C}})]},
        "user/document",
    ),
    "anthropic base64 document": (
        "messages",
        {"messages": [user({"type": "document", "source": TEXT_SOURCE | {"type": "base64", "data": B64}})]},
        "user/document",
    ),
    "anthropic search_result": (
        "messages",
        {
            "messages": [
                user({"type": "search_result", "source": "u", "title": "t", "content": [{"type": "text", "text": C}]})
            ]
        },
        "user/document",
    ),
    "anthropic web_search_tool_result": (
        "messages",
        {
            "messages": [
                {
                    "role": "assistant",
                    "content": [
                        {
                            "type": "web_search_tool_result",
                            "tool_use_id": "s",
                            "content": [{"type": "web_search_result", "title": C}],
                        }
                    ],
                }
            ]
        },
        "tool/tool_result",
    ),
    "anthropic mcp_tool_result": (
        "messages",
        {"messages": [user({"type": "mcp_tool_result", "tool_use_id": "t", "content": [{"type": "text", "text": C}]})]},
        "tool/tool_result",
    ),
    "anthropic tool_use input": (
        "messages",
        {"messages": [{"role": "assistant", "content": [{"type": "tool_use", "name": "f", "input": {"q": C}}]}]},
        "assistant/tool_call_arguments",
    ),
    "anthropic user text block": ("messages", {"messages": [user({"type": "text", "text": C})]}, "user/text"),
    "anthropic tools": (
        "messages",
        {"tools": [{"name": "f", "description": C, "input_schema": {}}]},
        "none/tool_definition",
    ),
    "anthropic tool schema property name": (
        "messages",
        {"tools": [{"name": "f", "input_schema": {"type": "object", "properties": {C: {"type": "string"}}}}]},
        "none/tool_definition",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_part_has_its_source(case: str) -> None:
    endpoint, body, expected = CASES[case]
    assert sources_of(endpoint, body) == {expected}


def test_the_same_sentence_has_a_source_per_place() -> None:
    """One body: the user's turn, a tool's result and a document each keep their own source."""
    body = {
        "system": "Be brief.",
        "messages": [
            user({"type": "text", "text": "ask " + C}),
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "read", "input": {}}]},
            user(
                {"type": "tool_result", "tool_use_id": "t", "content": "result " + C},
                {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "doc " + C}},
            ),
        ],
    }
    found = {s.text: s.source.label for s in walk_request(endpoint_named("messages"), body).slots if C in s.text}
    assert found == {"ask " + C: "user/text", "result " + C: "tool/tool_result", "doc " + C: "user/document"}


def test_sources_are_shared_values_with_a_label() -> None:
    assert source(Role.TOOL, PartKind.TOOL_RESULT) is source(Role.TOOL, PartKind.TOOL_RESULT)
    assert source(Role.TOOL, PartKind.TOOL_RESULT) == PartSource(Role.TOOL, PartKind.TOOL_RESULT)
    assert PartSource(Role.TOOL, PartKind.TOOL_RESULT).label == "tool/tool_result"
    assert PartSource(Role.TOOL, PartKind.TOOL_RESULT).indirect
    assert not PartSource(Role.USER, PartKind.TEXT).indirect
    assert not PartSource(Role.ASSISTANT, PartKind.TOOL_CALL_ARGUMENTS).indirect


def test_a_rewritten_slot_keeps_its_place_and_source() -> None:
    body = {"messages": [{"role": "tool", "tool_call_id": "c", "content": C}]}
    (slot,) = [s for s in walk_request(endpoint_named("chat.completions"), body).slots if s.text == C]
    slot.replace("[REDACTED]")
    assert body["messages"][0]["content"] == "[REDACTED]"
    assert slot.source.label == "tool/tool_result"
