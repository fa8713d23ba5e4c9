"""Provider misbehaviour for the mock: answers a real provider should never send, but might.

A request picks a fault through its model name, ``<model>-fault-<mode>`` (e.g.
``gpt-4o-fault-usage-2p64``), because the model name is the one thing a caller controls
that the gateway forwards unchanged and routes by its ``gpt-*``/``claude-*`` globs.
Each mode changes either the whole answer (status, headers, body bytes) or the SSE
events of a stream; ``cut`` ends a stream by dropping the connection mid-event.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FAULT_MARKER = "-fault-"
# Put into the reply text; replaced in the encoded answer by a lone surrogate escape,
# which json.dumps cannot produce from a str it can encode.
SURROGATE_MARKER = "SURROGATE_HERE"
DEEP_LEVELS = 5_000
LONG_LINE_CHARS = 1_000_000
BAD_UTF8 = b"\xff\xfe\xc3\x28\xed\xa0\x80"
REDIRECT_TARGET = "/_mock/redirected"


@dataclass
class Whole:
    """A whole (non-streamed) answer as bytes on the wire."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Stream:
    """The events of a streamed answer; ``cut_after`` drops the connection after that many."""

    events: list[bytes]
    cut_after: int = -1


def fault_mode(body: dict[str, Any]) -> str | None:
    model = body.get("model")
    if not isinstance(model, str) or FAULT_MARKER not in model:
        return None
    return model.split(FAULT_MARKER, 1)[1]


def _deep(levels: int) -> bytes:
    # Built as text: the json module's own encoder would hit Python's recursion limit.
    return b"[" * levels + b'"deep"' + b"]" * levels


def _set_usage(value: Any) -> Callable[[Any], Any]:
    """Every token count anywhere in the answer becomes ``value``."""

    def change(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: value if k.endswith("_tokens") and isinstance(v, int) else change(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [change(v) for v in obj]
        return obj

    return change


def _wrong_types(obj: Any) -> Any:
    """Values of the wrong JSON type where SDKs expect objects, lists and strings."""
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            if k in ("choices", "content", "output", "data"):
                out[k] = 5
            elif k in ("delta", "message", "content_block", "usage", "item", "part"):
                out[k] = "not-an-object"
            elif k in ("text",):
                out[k] = {"nested": [1, 2]}
            else:
                out[k] = _wrong_types(v)
        if "delta" in obj or "choices" in obj:
            out["tool_calls"] = 5
        return out
    if isinstance(obj, list):
        return [_wrong_types(v) for v in obj]
    return obj


JSON_CHANGES: dict[str, Callable[[Any], Any]] = {
    "usage-2p63": _set_usage(2**63),
    "usage-2p64": _set_usage(2**64),
    "usage-neg": _set_usage(-5),
    "usage-1e308": _set_usage(1e308),
    "usage-str": _set_usage("12"),
    "wrong-types": _wrong_types,
}
STREAM_MODES = (
    "bad-json-line",
    "bad-utf8-line",
    "cut",
    "no-end",
    "long-line",
    "crlf",
    "stream-error",
    "tool-calls-5",
)
WHOLE_MODES = (
    "status500",
    "status429",
    "redirect",
    "redirect-loop",
    "redirect-bare",
    "non-json",
    "json-garbage",
    "empty",
    "sse-for-whole",
)
MODES = (*JSON_CHANGES, "surrogate", "deep", *STREAM_MODES, *WHOLE_MODES)
# Valid SSE framings other than LF (answer-scanning tests pick them; the fuzzer's MODES stay as they are):
# CR-only line ends, and CRLF with every CR and its LF written (and so likely read) apart.
FRAMING_MODES = ("cr", "crlf-split")


def _encode(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _mangle(data: bytes, mode: str) -> bytes:
    """Byte-level faults that a JSON value cannot express."""
    if mode == "surrogate":
        # "\ud800" alone and half an emoji: valid JSON escapes, invalid Unicode.
        return data.replace(SURROGATE_MARKER.encode(), b"\\ud800 \\ud83d")
    if mode == "deep":
        return data.replace(b'"' + SURROGATE_MARKER.encode() + b'"', _deep(DEEP_LEVELS), 1)
    return data


def whole_fault(mode: str, answer: dict[str, Any], path: str, anthropic: bool) -> Whole | None:
    """The misbehaving whole answer for ``mode``; None when the mode is a stream fault only."""
    if mode in JSON_CHANGES:
        return Whole(200, _encode(JSON_CHANGES[mode](answer)))
    if mode in ("surrogate", "deep"):
        return Whole(200, _mangle(_encode(_with_marker(answer, mode)), mode))
    if mode == "status500":
        return Whole(500, _error_body("api_error", "mock provider fault status500", anthropic))
    if mode == "status429":
        return Whole(429, _error_body("rate_limit_error", "slow down", anthropic), headers={"retry-after": "1"})
    if mode == "redirect":
        return Whole(307, b"", headers={"location": REDIRECT_TARGET})
    if mode == "redirect-loop":
        return Whole(307, b"", headers={"location": path})
    if mode == "redirect-bare":
        return Whole(302, b"")
    if mode == "non-json":
        return Whole(200, b"<html><body>502 Bad Gateway</body></html>", content_type="text/html")
    if mode == "json-garbage":
        return Whole(200, b'{"choices": [{"message": {"content": "cut' + BAD_UTF8)
    if mode == "empty":
        return Whole(200, b"")
    if mode == "sse-for-whole":
        return Whole(200, b'data: {"choices": 5}\n\ndata: [DONE]\n\n', content_type="text/event-stream")
    return None


def _with_marker(answer: Any, mode: str) -> Any:
    """The answer with every text (and for ``deep`` the first one) replaced by the marker."""
    if isinstance(answer, dict):
        return {
            k: (SURROGATE_MARKER if mode == "deep" else f"a {SURROGATE_MARKER} b")
            if k in ("text", "content", "delta") and isinstance(v, str) and v
            else _with_marker(v, mode)
            for k, v in answer.items()
        }
    if isinstance(answer, list):
        return [_with_marker(v, mode) for v in answer]
    return answer


def _error_body(kind: str, message: str, anthropic: bool) -> bytes:
    if anthropic:
        return _encode({"type": "error", "error": {"type": kind, "message": message}})
    return _encode({"error": {"message": message, "type": kind, "param": None, "code": None}})


def stream_fault(mode: str, events: list[bytes], anthropic: bool) -> Stream:
    """The misbehaving stream for ``mode`` (modes of whole answers apply to each event's JSON)."""
    middle = max(1, len(events) // 2)
    if mode in JSON_CHANGES or mode in ("surrogate", "deep"):
        return Stream([_change_event(e, mode) for e in events])
    if mode == "bad-json-line":
        return Stream([*events[:middle], b'data: {"choices": [{"delta": {"content": "x"\n\n', *events[middle:]])
    if mode == "bad-utf8-line":
        return Stream([*events[:middle], b'data: {"text": "' + BAD_UTF8 + b'"}\n\n', *events[middle:]])
    if mode == "cut":
        half = events[middle][: len(events[middle]) // 2]
        # The empty last event is never written: the connection is dropped in its place.
        return Stream([*events[:middle], half, b""], cut_after=middle + 1)
    if mode == "no-end":
        return Stream(events[:middle])
    if mode == "long-line":
        return Stream([*events[:middle], _long_event(anthropic), *events[middle:]])
    if mode == "crlf":
        return Stream([e.replace(b"\n", b"\r\n") for e in events])
    if mode == "cr":
        return Stream([e.replace(b"\n", b"\r") for e in events])
    if mode == "crlf-split":
        return Stream([piece for e in events for piece in _split_crlf(e.replace(b"\n", b"\r\n"))])
    if mode == "stream-error":
        error = _error_body("overloaded_error", "mock provider overloaded mid-stream", anthropic)
        return Stream([*events[:middle], b"event: error\ndata: " + error + b"\n\n"])
    if mode == "tool-calls-5":
        return Stream([*events[:middle], _tool_calls_event(anthropic), *events[middle:]])
    return Stream(events)


def _split_crlf(event: bytes) -> list[bytes]:
    """The event in writes that each end on a CR, the LF starting the next."""
    cuts = [i for i in range(1, len(event)) if event[i - 1 : i + 1] == b"\r\n"]
    return [event[a:b] for a, b in zip([0, *cuts], [*cuts, len(event)], strict=True)]


def _change_event(event: bytes, mode: str) -> bytes:
    lines = event.split(b"\n")
    out: list[bytes] = []
    for line in lines:
        if line.startswith(b"data: {"):
            obj = json.loads(line[len(b"data: ") :])
            if mode in JSON_CHANGES:
                line = b"data: " + _encode(JSON_CHANGES[mode](obj))
            else:
                line = b"data: " + _mangle(_encode(_with_marker(obj, mode)), mode)
        out.append(line)
    return b"\n".join(out)


def _long_event(anthropic: bool) -> bytes:
    text = "w" * LONG_LINE_CHARS
    if anthropic:
        delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}}
        return b"event: content_block_delta\ndata: " + _encode(delta) + b"\n\n"
    return b"data: " + _encode({"object": "chat.completion.chunk", "choices": [{"delta": {"content": text}}]}) + b"\n\n"


def _tool_calls_event(anthropic: bool) -> bytes:
    if anthropic:
        block = {"type": "content_block_delta", "index": 5, "delta": {"type": "input_json_delta", "partial_json": 5}}
        return b"event: content_block_delta\ndata: " + _encode(block) + b"\n\n"
    chunk = {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"tool_calls": 5, "content": 7}}]}
    return b"data: " + _encode(chunk) + b"\n\n"
