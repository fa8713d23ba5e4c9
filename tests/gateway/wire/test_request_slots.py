"""The whole request body is walked: every string the provider reads is a slot (issue 14).

Each case plants a canary in one field the known-field list used to miss and checks that
a slot holds it and that rewriting the slots removes it from what would be sent."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest

from gateway.errors import SensitiveDataBlocked
from gateway.wire.endpoints import endpoint_named
from gateway.wire.request_slots import Kind, walk_request
from gateway.wire.slot import MediaTextSlot, NumberSlot
from gateway.wire.slots import request_slots

CHAT = endpoint_named("chat.completions")
MESSAGES = endpoint_named("messages")

C = "CANARY-7Q"
B64 = base64.b64encode(f"notes: {C}".encode()).decode()
PNG = "iVBORw0KGgoAAAANSUhEUgAAABA="  # a PNG's first bytes (signature, IHDR): media, not text
WAV = "UklGRiQIAABXQVZFZm10IBAAAAABAAEA"  # a WAV's first bytes (RIFF, WAVE, fmt)


def user(*blocks: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"role": "user", "content": list(blocks)}]


def doc(**fields: Any) -> dict[str, Any]:
    return {"messages": user({"type": "document", **fields}), "max_tokens": 5, "model": "claude-x"}


def image_url(url: str) -> dict[str, Any]:
    return {"messages": user({"type": "image_url", "image_url": {"url": url}})}


def base64_source(media_type: str, data: str) -> dict[str, Any]:
    return {"type": "base64", "media_type": media_type, "data": data}


TEXT_SOURCE = {"type": "text", "media_type": "text/plain", "data": C}
SCHEMA = {"type": "object", "properties": {C: {"type": "string"}}, "required": [C]}

FIELDS: dict[str, tuple[str, dict[str, Any]]] = {
    "document text source": ("messages", doc(source=TEXT_SOURCE)),
    "document base64 text/plain": ("messages", doc(source={"type": "base64", "media_type": "text/plain", "data": B64})),
    "document content source": ("messages", doc(source={"type": "content", "content": [{"type": "text", "text": C}]})),
    "document title": ("messages", doc(source=TEXT_SOURCE | {"data": "x"}, title=C)),
    "document context": ("messages", doc(source=TEXT_SOURCE | {"data": "x"}, context=C)),
    "count_tokens document": ("messages.count_tokens", doc(source=TEXT_SOURCE)),
    "thinking block": ("messages", {"messages": user({"type": "thinking", "thinking": C, "signature": "s"})}),
    "search_result title": (
        "messages",
        {"messages": user({"type": "search_result", "source": "u", "title": C, "content": []})},
    ),
    "tool_use name": ("messages", {"messages": user({"type": "tool_use", "id": "t", "name": C, "input": {}})}),
    "stop_sequences": ("messages", {"stop_sequences": [C]}),
    "anthropic metadata": ("messages", {"metadata": {"user_id": C}}),
    "anthropic schema property name": ("messages", {"tools": [{"name": "f", "input_schema": SCHEMA}]}),
    "schema enum": (
        "messages",
        {"tools": [{"name": "f", "input_schema": {"properties": {"a": {"enum": ["x", C]}}}}]},
    ),
    "schema default": ("messages", {"tools": [{"name": "f", "input_schema": {"properties": {"a": {"default": C}}}}]}),
    "schema examples": ("messages", {"tools": [{"name": "f", "input_schema": {"examples": [{"type": C}]}}]}),
    "schema title": ("messages", {"tools": [{"name": "f", "input_schema": {"title": C}}]}),
    "file filename": ("chat.completions", {"messages": user({"type": "file", "file": {"filename": C}})}),
    "file file_data text": (
        "chat.completions",
        {"messages": user({"type": "file", "file": {"file_data": f"data:text/plain;base64,{B64}"}})},
    ),
    "image_url query string": (
        "chat.completions",
        {"messages": user({"type": "image_url", "image_url": {"url": f"https://h/i?k={C}"}})},
    ),
    "prediction.content": ("chat.completions", {"prediction": {"type": "content", "content": C}}),
    "message name": ("chat.completions", {"messages": [{"role": "user", "name": C, "content": "hi"}]}),
    "assistant refusal": ("chat.completions", {"messages": [{"role": "assistant", "refusal": C}]}),
    "function_call.arguments": (
        "chat.completions",
        {"messages": [{"role": "assistant", "function_call": {"name": "f", "arguments": C}}]},
    ),
    "functions[].description": ("chat.completions", {"functions": [{"name": "f", "description": C}]}),
    "tool function name": ("chat.completions", {"tools": [{"type": "function", "function": {"name": C}}]}),
    "response_format schema": (
        "chat.completions",
        {"response_format": {"type": "json_schema", "json_schema": {"name": "n", "schema": SCHEMA}}},
    ),
    "user": ("chat.completions", {"user": C}),
    "safety_identifier": ("chat.completions", {"safety_identifier": C}),
    "metadata key": ("chat.completions", {"metadata": {C: "v"}}),
    "stop": ("chat.completions", {"stop": C}),
    "web_search_options": ("chat.completions", {"web_search_options": {"user_location": {"approximate": {"city": C}}}}),
    "completions suffix": ("completions", {"prompt": "p", "suffix": C}),
    "responses input_file.file_data": (
        "responses",
        {"input": user({"type": "input_file", "filename": "a.txt", "file_data": f"data:text/plain;base64,{B64}"})},
    ),
    "responses reasoning.summary": (
        "responses",
        {"input": [{"type": "reasoning", "id": "r", "summary": [{"type": "summary_text", "text": C}]}]},
    ),
    "responses custom_tool_call.input": (
        "responses",
        {"input": [{"type": "custom_tool_call", "call_id": "c", "name": "n", "input": C}]},
    ),
    "responses function_call_output list": (
        "responses",
        {"input": [{"type": "function_call_output", "call_id": "c", "output": [{"type": "input_text", "text": C}]}]},
    ),
    "responses prompt.variables": ("responses", {"prompt": {"id": "p", "variables": {"v": C}}}),
    "responses text.format": (
        "responses",
        {"text": {"format": {"type": "json_schema", "name": "n", "schema": SCHEMA}}},
    ),
    "unknown future field": ("chat.completions", {"x_new_field": {"deep": [{"note": C}]}}),
    # Payloads labelled as media whose bytes are text (gateway.wire.media_sniff), and URL parts.
    "image_url data URI holding text": ("chat.completions", image_url(f"data:image/png;base64,{B64}")),
    "anthropic image block holding text": (
        "messages",
        {"messages": user({"type": "image", "source": base64_source("image/png", B64)})},
    ),
    "anthropic pdf document holding text": ("messages", doc(source=base64_source("application/pdf", B64))),
    "input_audio holding text": (
        "chat.completions",
        {"messages": user({"type": "input_audio", "input_audio": {"data": B64, "format": "wav"}})},
    ),
    "file bare file_data holding text": (
        "chat.completions",
        {"messages": user({"type": "file", "file": {"file_data": B64}})},
    ),
    "responses input_image holding text": (
        "responses",
        {"input": user({"type": "input_image", "image_url": f"data:image/jpeg;base64,{B64}"})},
    ),
    "responses input_file pdf holding text": (
        "responses",
        {"input": user({"type": "input_file", "file_data": f"data:application/pdf;base64,{B64}"})},
    ),
    "image_url path": ("chat.completions", image_url(f"https://h/{C}.png")),
    "image_url fragment": ("chat.completions", image_url(f"https://h/i.png#{C}")),
    "responses input_image url path": (
        "responses",
        {"input": user({"type": "input_image", "image_url": f"https://h/u/{C}/a.png"})},
    ),
    "responses input_file url": (
        "responses",
        {"input": user({"type": "input_file", "file_url": f"https://h/{C}.pdf"})},
    ),
    "anthropic image url source": (
        "messages",
        {"messages": user({"type": "image", "source": {"type": "url", "url": f"https://{C}.h.example/a"}})},
    ),
}


@pytest.mark.parametrize("where", sorted(FIELDS))
def test_a_canary_in_any_field_is_a_slot_and_rewriting_removes_it(where: str):
    endpoint, body = FIELDS[where]
    body = copy.deepcopy(body)
    walk = walk_request(endpoint_named(endpoint), body)
    assert any(C in s.text for s in walk.slots), where
    assert not walk.unscreenable
    for slot in walk.slots:  # key slots after their value: every rewrite lands
        slot.replace(slot.text.replace(C, "[X]"))
    sent = json.dumps(body)
    assert C not in sent
    assert not any(C in s.text for s in request_slots(endpoint_named(endpoint), body))  # decoded documents too


def test_base64_text_documents_are_decoded_and_rewritten_re_encoded():
    body = copy.deepcopy(FIELDS["document base64 text/plain"][1])
    (slot,) = [s for s in request_slots(MESSAGES, body) if C in s.text]
    assert slot.text == f"notes: {C}"
    slot.replace("notes: [X]")
    assert base64.b64decode(body["messages"][0]["content"][0]["source"]["data"]) == b"notes: [X]"
    uri = copy.deepcopy(FIELDS["file file_data text"][1])
    (slot,) = request_slots(CHAT, uri)
    slot.replace("ok")
    assert uri["messages"][0]["content"][0]["file"]["file_data"] == "data:text/plain;base64," + "b2s="


def test_property_names_are_renamed_in_place_keeping_their_order():
    schema = {"type": "object", "properties": {"a": {}, C: {"type": "string"}, "z": {}}, "required": [C]}
    body = {"tools": [{"name": "f", "input_schema": schema}]}
    for slot in request_slots(MESSAGES, body):
        slot.replace(slot.text.replace(C, "NAME_1"))
    assert list(schema["properties"]) == ["a", "NAME_1", "z"]
    assert schema["required"] == ["NAME_1"]


def test_a_rename_onto_an_existing_key_blocks_rather_than_merging_fields():
    body = {"metadata": {C: "1", "[X]": "2"}}
    slots = [s for s in request_slots(CHAT, body) if s.text == C]
    with pytest.raises(SensitiveDataBlocked):
        slots[0].replace("[X]")
    assert body["metadata"] == {C: "1", "[X]": "2"}


def test_api_vocabulary_and_ids_are_not_text():
    body = {
        "model": "gpt-4o",
        "messages": [
            {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "out"},
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://h/i", "detail": "low"}}]},
        ],
        "tool_choice": "auto",
        "reasoning_effort": "low",
        "temperature": 0.2,
    }
    texts = [s.text for s in request_slots(CHAT, body)]
    assert texts == ["f", "out", "https://h/i"]


def test_caller_data_is_never_exempt_even_under_api_key_names():
    body = {"metadata": {"model": C, "role": C}, "messages": user({"type": "tool_use", "input": {"id": C}})}
    assert [s.text for s in request_slots(MESSAGES, body)].count(C) == 3


@pytest.mark.parametrize(
    ("endpoint", "body", "kind"),
    [
        ("messages", doc(source={"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="}), Kind.FILES),
        ("messages", doc(source={"type": "base64", "media_type": "text/plain", "data": "//79"}), Kind.FILES),
        (
            "messages",
            {"messages": user({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}})},
            Kind.IMAGES,
        ),
        (
            "chat.completions",
            {"messages": user({"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}})},
            Kind.IMAGES,
        ),
        (
            "chat.completions",
            {"messages": user({"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBERi0="}})},
            Kind.FILES,
        ),
        ("chat.completions", {"messages": user({"type": "file", "file": {"file_data": "JVBERi0="}})}, Kind.FILES),
        (
            "chat.completions",
            {"messages": user({"type": "input_audio", "input_audio": {"data": WAV, "format": "wav"}})},
            Kind.AUDIO,
        ),
        ("embeddings", {"input": [1, 2, 3]}, Kind.TOKEN_IDS),
        ("embeddings", {"input": [[1, 2], [3]]}, Kind.TOKEN_IDS),
        ("completions", {"prompt": [[1, 2]]}, Kind.TOKEN_IDS),
        (
            "messages",
            {"mcp_servers": [{"type": "url", "url": "https://m", "name": "m", "authorization_token": C}]},
            Kind.TOOL_CREDENTIALS,
        ),
        (
            "responses",
            {"tools": [{"type": "mcp", "server_url": "https://m", "headers": {"X": C}}]},
            Kind.TOOL_CREDENTIALS,
        ),
        ("responses", {"tools": [{"type": "mcp", "authorization": C}]}, Kind.TOOL_CREDENTIALS),
    ],
)
def test_what_cannot_be_screened_is_reported_by_kind_and_is_no_slot(endpoint: str, body: dict[str, Any], kind: Kind):
    walk = walk_request(endpoint_named(endpoint), copy.deepcopy(body))
    assert walk.unscreenable == {kind}
    assert not any(C in s.text for s in walk.slots)  # a credential is the policy's, never scanned and rewritten


def test_line_wrapped_base64_text_is_decoded_and_rewritten_unwrapped():
    encoded = base64.b64encode(f"<svg><text>{'word ' * 30}{C}</text></svg>".encode()).decode()
    wrapped = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    body = image_url(f"data:image/svg+xml;base64,{wrapped}")
    walk = walk_request(CHAT, body)
    assert not walk.unscreenable
    (slot,) = [s for s in walk.slots if C in s.text]
    slot.replace(slot.text.replace(C, "[X]"))
    url = body["messages"][0]["content"][0]["image_url"]["url"]
    assert base64.b64decode(url.removeprefix("data:image/svg+xml;base64,")).endswith(b"[X]</text></svg>")


def test_media_that_is_what_it_declares_is_its_kind_and_no_slot():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500)).decode()
    walk = walk_request(CHAT, image_url(f"data:image/png;base64,{png}"))
    assert walk.unscreenable == {Kind.IMAGES}
    assert walk.slots == []
    walk = walk_request(CHAT, image_url(f"data:image/gif;base64,{png}"))  # a PNG, but still an image
    assert walk.unscreenable == {Kind.IMAGES}
    walk = walk_request(CHAT, image_url("data:image/png;base64,"))
    assert walk.unscreenable == {Kind.IMAGES}


def test_a_payload_that_is_not_base64_is_screened_as_it_is_and_keeps_its_kind():
    # A lenient decoder upstream may skip the stray characters: the policy on images still applies.
    for media_type, kind in (("image/png", Kind.IMAGES), ("audio/wav", Kind.AUDIO), ("application/pdf", Kind.FILES)):
        walk = walk_request(CHAT, image_url(f"data:{media_type};base64,note: {C}"))
        assert walk.unscreenable == {kind}
        assert [s.text for s in walk.slots] == [f"data:{media_type};base64,note: {C}"]


def test_url_safe_base64_is_screened_as_it_is_and_keeps_its_kind():
    png = base64.urlsafe_b64encode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xfb\xff" + bytes(range(256))).decode()
    assert "-" in png[:64] or "_" in png[:64]
    walk = walk_request(CHAT, image_url(f"data:image/png;base64,{png}"))
    assert walk.unscreenable == {Kind.IMAGES}
    assert [s.text for s in walk.slots] == [f"data:image/png;base64,{png}"]  # the URL as it is


PNG_WITH_TEXT = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + b"\x00" * 40 + b"tEXtComment\x00key AKIA0123\x00"
)


def test_text_behind_a_real_image_header_is_a_read_only_slot():
    data = "data:image/png;base64," + base64.b64encode(PNG_WITH_TEXT).decode()
    body = {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": data}}]}]}
    walk = walk_request(CHAT, body)
    assert walk.unscreenable == {Kind.IMAGES}
    [slot] = [s for s in walk.slots if isinstance(s, MediaTextSlot)]
    assert slot.text == "tEXtComment\nkey AKIA0123"
    with pytest.raises(SensitiveDataBlocked, match="cannot be redacted inside the media"):
        slot.replace(slot.text.replace("AKIA0123", "[AWS_KEY]"))
    assert body["messages"][0]["content"][0]["image_url"]["url"] == data


def test_numbers_in_caller_data_are_screened_as_their_json_text():
    tool_use = {"type": "tool_use", "id": "t", "name": "f", "input": {"pan": 4111111111111111, "n": [2.5, True]}}
    body = {"messages": [{"role": "assistant", "content": [tool_use]}], "metadata": {"acct": 12}, "max_tokens": 9}
    slots = [s for s in walk_request(MESSAGES, body).slots if isinstance(s, NumberSlot)]
    assert [s.text for s in slots] == ["4111111111111111", "2.5", "12"]
    slots[0].replace("[CREDIT_CARD]")
    slots[1].replace("2.5")  # unchanged: still a number
    assert tool_use["input"] == {"pan": "[CREDIT_CARD]", "n": [2.5, True]}
