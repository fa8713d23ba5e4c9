"""Every text field of a whole answer is a slot; screening reads every string but ids and enums."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.wire.endpoints import endpoint_named
from gateway.wire.response_slots import answer_strings, id_places
from gateway.wire.slots import response_slots


@pytest.mark.parametrize(
    ("endpoint", "body", "texts"),
    [
        (
            "chat.completions",
            {
                "choices": [
                    {
                        "message": {
                            "content": "c",
                            "refusal": "r",
                            "reasoning_content": "rc",
                            "reasoning": "rs",
                            "tool_calls": [
                                {"id": "call_1", "type": "function", "function": {"name": "n", "arguments": "{}"}}
                            ],
                            "function_call": {"name": "fn", "arguments": "fa"},
                            "audio": {"id": "a1", "data": "QUJD", "transcript": "t"},
                        }
                    }
                ]
            },
            ["c", "r", "rc", "rs", "n", "{}", "fn", "fa", "t"],
        ),
        (
            "messages",
            {
                "content": [
                    {"type": "thinking", "thinking": "th", "signature": "sig"},
                    {"type": "tool_use", "id": "toolu_1", "name": "tool", "input": {"q": "in"}},
                    {"type": "text", "text": "tx"},
                ]
            },
            ["th", "tool", "in", "tx"],
        ),
        (
            "responses",
            {
                "output": [
                    {
                        "type": "reasoning",
                        "id": "rs_1",
                        "summary": [{"type": "summary_text", "text": "sum"}],
                        "content": [{"type": "reasoning_text", "text": "why"}],
                    },
                    {
                        "type": "message",
                        "content": [{"type": "refusal", "refusal": "no"}, {"type": "output_text", "text": "out"}],
                    },
                    {"type": "function_call", "name": "f", "arguments": "{}", "call_id": "c1"},
                    {"type": "custom_tool_call", "name": "g", "input": "raw"},
                ]
            },
            ["why", "no", "out", "f", "{}", "g", "raw", "sum"],
        ),
    ],
)
def test_every_answer_text_field_is_a_slot(endpoint: str, body: dict[str, Any], texts: list[str]) -> None:
    assert sorted(s.text for s in response_slots(endpoint_named(endpoint), body)) == sorted(texts)


def test_screening_reads_every_string_and_ids_apart_but_known_enums() -> None:
    """Ids are screened too, apart from the text (issue 14 item 5: a provider can put anything
    in them); the API's own enum values are a closed set and are not."""
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "m",
        "system_fingerprint": "fp",
        "choices": [
            {
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": "hi", "annotations": [{"url_citation": {"title": "T"}}]},
            }
        ],
        "error": {"message": "boom", "type": "server_error"},
        "future_field": {"nested": ["new text"]},
    }
    assert sorted(s.text for s in answer_strings(body)) == ["T", "boom", "hi", "new text"]
    assert sorted(c[k] for c, k in id_places(body)) == ["chatcmpl-1", "fp", "m"]
