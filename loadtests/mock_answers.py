"""Answers with the reply text in a field other than the plain content, for the mock.

A request picks one through its model name, ``<model>-answer-<field>`` (before any
``-fault-<mode>``, which still applies, e.g. ``gpt-4o-answer-refusal-fault-cr``), so tests
can plant a value in each text field of an answer, whole and streamed:

- chat: ``reasoning_content``, ``reasoning``, ``refusal``, ``audio`` (the transcript),
  ``tool-name`` (a tool call's name);
- Anthropic messages: ``thinking`` (a thinking block, ``thinking_delta``), ``tool-name``;
- Responses: ``summary`` (a reasoning item's summary), ``refusal``, ``tool-name``;
- every API: ``error`` (a 400 error body, or an error event mid-stream, whose message is the text).
"""

from __future__ import annotations

import json
from typing import Any

ANSWER_MARKER = "-answer-"
FIELDS = ("reasoning_content", "reasoning", "refusal", "audio", "tool-name", "thinking", "summary", "error")


def answer_field(body: dict[str, Any]) -> str | None:
    model = body.get("model")
    if not isinstance(model, str) or ANSWER_MARKER not in model:
        return None
    field = model.split(ANSWER_MARKER, 1)[1].split("-fault-", 1)[0]
    return field if field in FIELDS else None


def error_body(text: str, anthropic: bool) -> bytes:
    if anthropic:
        return json.dumps({"type": "error", "error": {"type": "invalid_request_error", "message": text}}).encode()
    return json.dumps(
        {"error": {"message": text, "type": "invalid_request_error", "param": None, "code": None}}
    ).encode()


def whole(endpoint: str, field: str, answer: dict[str, Any], text: str) -> dict[str, Any]:
    """The whole answer with ``text`` moved into ``field``."""
    if endpoint == "chat.completions":
        message = answer["choices"][0]["message"]
        content = message.pop("content")
        message["content"] = None
        message.update(_chat_delta(field, content, first=True))
    elif endpoint == "messages":
        answer["content"] = [_block(field, text, start=False)]
    elif endpoint == "responses":
        answer["output"] = [_item(field, item, done=True) for item in answer["output"]]
    return answer


def stream(endpoint: str, field: str, events: list[bytes], text: str, anthropic: bool) -> list[bytes]:
    """The streamed events with the text moved into ``field``."""
    if field == "error":
        middle = max(1, len(events) // 2)
        head = b"event: error\n" if anthropic else b""  # OpenAI's error chunk is an unnamed data event
        return [*events[:middle], head + b"data: " + error_body(text, anthropic) + b"\n\n"]
    out = []
    seen = {"first": True}
    for event in events:
        name, obj = _parse(event)
        if obj is None:
            out.append(event)
            continue
        if endpoint == "chat.completions":
            for choice in obj.get("choices", []):
                delta = choice.get("delta", {})
                if delta.get("content"):
                    piece = delta.pop("content")
                    delta.update(_chat_delta(field, text if field == "tool-name" else piece, first=seen["first"]))
                    if field == "tool-name" and not seen["first"]:
                        delta.pop("tool_calls", None)
                    seen["first"] = False
        elif endpoint == "messages":
            name, obj = _message_event(field, obj, text)
        elif endpoint == "responses":
            if field == "tool-name" and obj.get("type", "").startswith(
                ("response.output_text", "response.content_part")
            ):
                continue  # a function call has no text parts: its name is the planted text
            name, obj = _response_event(field, obj)
        out.append(_render(name, obj))
    return out


def _parse(event: bytes) -> tuple[str | None, dict[str, Any] | None]:
    name, data = None, None
    for line in event.split(b"\n"):
        if line.startswith(b"event: "):
            name = line[7:].decode()
        elif line.startswith(b"data: ") and line != b"data: [DONE]":
            data = json.loads(line[6:])
    return name, data if isinstance(data, dict) else None


def _render(name: str | None, obj: dict[str, Any]) -> bytes:
    data = json.dumps(obj, separators=(",", ":"))
    return (f"event: {name}\n" if name else "").encode() + f"data: {data}\n\n".encode()


def _chat_delta(field: str, text: str, *, first: bool) -> dict[str, Any]:
    if field == "audio":
        return {"audio": {"id": "audio_mock", "transcript": text}}
    if field == "tool-name":
        function = {"name": text, "arguments": "{}"}
        return {"tool_calls": [{"index": 0, "id": "call_mock", "type": "function", "function": function}]}
    return {field: text}


def _block(field: str, text: str, *, start: bool) -> dict[str, Any]:
    if field == "thinking":
        return {"type": "thinking", "thinking": "" if start else text, "signature": "" if start else "sig"}
    if field == "tool-name":
        return {"type": "tool_use", "id": "toolu_mock", "name": text, "input": {}}
    return {"type": "text", "text": "" if start else text}


def _message_event(field: str, obj: dict[str, Any], text: str) -> tuple[str, dict[str, Any]]:
    kind = obj.get("type", "")
    if kind == "content_block_start":
        obj["content_block"] = _block(field, text, start=True)
    elif kind == "content_block_delta" and field == "thinking":
        obj["delta"] = {"type": "thinking_delta", "thinking": obj["delta"]["text"]}
    elif kind == "content_block_delta" and field == "tool-name":
        obj["delta"] = {"type": "input_json_delta", "partial_json": ""}
    return kind, obj


_RESPONSE_RENAMES = {
    "summary": {
        "response.output_text.delta": "response.reasoning_summary_text.delta",
        "response.output_text.done": "response.reasoning_summary_text.done",
        "response.content_part.added": "response.reasoning_summary_part.added",
        "response.content_part.done": "response.reasoning_summary_part.done",
    },
    "refusal": {
        "response.output_text.delta": "response.refusal.delta",
        "response.output_text.done": "response.refusal.done",
    },
}


def _response_event(field: str, obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    kind = _RESPONSE_RENAMES.get(field, {}).get(obj.get("type", ""), obj.get("type", ""))
    obj["type"] = kind
    if field == "summary" and "content_index" in obj:
        obj["summary_index"] = obj.pop("content_index")
    if field == "refusal" and kind == "response.refusal.done":
        obj["refusal"] = obj.pop("text")
    if isinstance(obj.get("part"), dict):
        obj["part"] = _part(field, obj["part"])
    if isinstance(obj.get("item"), dict):
        obj["item"] = _item(field, obj["item"], done=kind == "response.output_item.done")
    if isinstance(obj.get("response"), dict):
        obj["response"]["output"] = [_item(field, i, done=True) for i in obj["response"].get("output", [])]
    return kind, obj


def _part(field: str, part: dict[str, Any]) -> dict[str, Any]:
    if field == "summary":
        return {"type": "summary_text", "text": part.get("text", "")}
    if field == "refusal":
        return {"type": "refusal", "refusal": part.get("text", "")}
    return part


def _item(field: str, item: dict[str, Any], *, done: bool) -> dict[str, Any]:
    text = "".join(p.get("text", "") for p in item.get("content", []))
    if field == "summary":
        summary = [{"type": "summary_text", "text": text}] if done else []
        return {"type": "reasoning", "id": item["id"], "summary": summary, "status": item.get("status")}
    if field == "tool-name":
        return {
            "type": "function_call",
            "id": item["id"],
            "call_id": "call_mock",
            "name": text,
            "arguments": "{}",
            "status": item.get("status"),
        }
    if field == "refusal":
        return {**item, "content": [_part(field, p) for p in item.get("content", [])]}
    return item
