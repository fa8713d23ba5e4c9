"""Every string of a request body that the provider will read, as a writable slot.

The whole body is walked, so a field this module has never heard of (a new API version,
a provider extension) is screened by default. Only what is on the reviewed allow-lists
below is left out: values that are the API's own vocabulary or opaque identifiers, never
caller text. Dict keys are text too where the caller chooses them (schema property names,
metadata keys, tool inputs, any key outside the APIs' vocabulary): they become ``KeySlot``s.
Data that cannot be screened as text (base64 images, audio, binary files, token-id arrays,
credentials for the provider's remote tools) is reported by kind; the policy decides
(``detection.unscreenable``). Base64 text documents are decoded and screened, and so is a
payload labelled as an image, audio or a file whose bytes are really text (gateway.wire.media_sniff).
Genuine media is still read for the text it carries (metadata chunks, comments, appended bytes):
its printable runs are a read-only ``MediaTextSlot``. Numbers in caller data (tool inputs,
metadata, schema defaults) are text too: a ``NumberSlot`` screens a number as its JSON text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from gateway.wire.media_sniff import Family, Verdict, family_of, sniff, text_runs
from gateway.wire.slot import Base64Slot, Container, KeySlot, MediaTextSlot, NumberSlot, Slot, decode_text


class Kind(enum.StrEnum):
    """What the gateway cannot screen as text: the keys of ``detection.unscreenable``."""

    IMAGES = "images"
    AUDIO = "audio"
    FILES = "files"
    TOKEN_IDS = "token_ids"  # noqa: S105 (a data kind, not a password)
    TOOL_CREDENTIALS = "tool_credentials"


@dataclass
class RequestWalk:
    slots: list[Slot] = field(default_factory=list)
    unscreenable: set[Kind] = field(default_factory=set)


# Values under these keys are the API's own enums or opaque identifiers (reviewed: a caller
# gains nothing by hiding text there that a provider reads as text). Inside caller-owned
# data (metadata, tool inputs, schema defaults...) nothing is exempt.
NOT_TEXT = frozenset(
    {
        "model", "role", "type", "object", "id", "tool_call_id", "call_id", "tool_use_id", "file_id",
        "previous_response_id", "response_id", "item_id", "container_id", "vector_store_ids",
        "detail", "format", "media_type", "mime_type", "tool_choice", "effort", "reasoning_effort",
        "encoding_format", "service_tier", "status", "truncation", "verbosity", "modalities",
        "include", "voice", "ttl", "anthropic_version",
        # Provider-made ciphertext handed back verbatim (thinking signatures, encrypted reasoning).
        "signature", "encrypted_content",
    }
)  # fmt: skip

# The APIs' own field names: such a key is vocabulary, not text. Any other key is scanned.
API_KEYS = NOT_TEXT | frozenset(
    {
        "messages", "content", "text", "name", "tool_calls", "function", "arguments", "description",
        "parameters", "tools", "temperature", "top_p", "top_k", "n", "stream", "stream_options",
        "include_usage", "max_tokens", "max_completion_tokens", "max_output_tokens", "stop",
        "stop_sequences", "presence_penalty", "frequency_penalty", "logit_bias", "logprobs",
        "top_logprobs", "seed", "user", "metadata", "response_format", "json_schema", "schema",
        "strict", "system", "image_url", "url", "input_audio", "data", "file", "file_data",
        "filename", "refusal", "audio", "prediction", "store", "parallel_tool_calls",
        "web_search_options", "user_location", "approximate", "city", "country", "region",
        "timezone", "search_context_size", "functions", "function_call", "prompt", "suffix", "echo",
        "best_of", "input", "dimensions", "instructions", "reasoning", "summary", "generate_summary",
        "output", "source", "cache_control", "input_schema", "is_error", "title", "context",
        "citations", "enabled", "thinking", "budget_tokens", "mcp_servers", "server_url",
        "server_label", "allowed_tools", "require_approval", "tool_configuration", "properties",
        "required", "items", "additionalProperties", "enum", "default", "examples", "const",
        "anyOf", "oneOf", "allOf", "$ref", "$defs", "definitions", "pattern", "minimum", "maximum",
        "minLength", "maxLength", "minItems", "maxItems", "nullable", "variables", "version",
        "conversation", "safety_identifier", "prompt_cache_key", "background", "max_tool_calls",
    }
)  # fmt: skip

# Everything under these is the caller's own data: every key and every string is text.
FREE = frozenset({"metadata", "variables", "default", "examples", "example", "enum", "const"})
# A dict under these is caller data (Anthropic tool_use.input); a string or a list is API shape.
FREE_IF_DICT = frozenset({"input", "arguments"})
# Under these, keys are caller-chosen names (schema properties) and values are schemas again.
NAMES = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
# Credentials the provider uses to call remote tools (Anthropic mcp_servers, Responses mcp tools).
CREDENTIALS = frozenset({"authorization_token", "authorization", "headers"})
# Media types whose base64 payload is text to decode and scan.
TEXT_MEDIA = ("text/", "application/json", "application/xml", "application/x-yaml")
# The longest base64 payload decoded for scanning; a larger one counts as a file.
MAX_DECODE_CHARS = 8_000_000

# Top-level fields a model reads before the conversation, whatever their place in the JSON:
# slots come in reading order (the echo provider replays them; adjacent texts are neighbours).
READ_FIRST = ("system", "instructions")

_API, _FREE, _NAMES = 0, 1, 2


def walk_request(endpoint: str, body: dict[str, Any]) -> RequestWalk:
    """The slots in the order the body holds them (a model reads it top-down), and what
    could not be screened. Depth is bounded by gateway.json_input (128 levels)."""
    walk = RequestWalk()
    if endpoint in ("embeddings", "completions"):
        _token_ids(body.get("input" if endpoint == "embeddings" else "prompt"), walk)
    _dict(body, _API, "", walk, first=READ_FIRST)
    return walk


def request_slots(endpoint: str, body: dict[str, Any]) -> list[Slot]:
    return walk_request(endpoint, body).slots


def _token_ids(value: object, walk: RequestWalk) -> None:
    """Prompts given as token ids (a list of ints, or of such lists) are no text to scan."""
    if isinstance(value, list) and any(
        isinstance(v, int) or (isinstance(v, list) and any(isinstance(t, int) for t in v)) for v in value
    ):
        walk.unscreenable.add(Kind.TOKEN_IDS)


def _dict(node: dict[str, Any], mode: int, parent: str, walk: RequestWalk, first: tuple[str, ...] = ()) -> None:
    binary_source = mode == _API and node.get("type") == "base64"  # Anthropic image/document source
    items = sorted(node.items(), key=lambda item: item[0] not in first) if first else list(node.items())
    for key, value in items:
        if mode == _API and key in CREDENTIALS and value:
            walk.unscreenable.add(Kind.TOOL_CREDENTIALS)  # the policy decides; never rewritten
            continue
        if isinstance(value, str):
            _value(node, key, value, mode, parent, binary_source, walk)
        elif mode == _FREE and _is_number(value):
            walk.slots.append(NumberSlot(node, key))  # caller data: a card may be written as a number
        elif isinstance(value, dict):
            _dict(value, _child_mode(mode, key, dict_value=True), key, walk)
        elif isinstance(value, list):
            _list(value, _child_mode(mode, key, dict_value=False), key, walk)
        if mode != _API or key not in API_KEYS:  # after its value: a rename must not orphan a value slot
            walk.slots.append(KeySlot(node, key))


def _child_mode(mode: int, key: str, *, dict_value: bool) -> int:
    if mode == _FREE:
        return _FREE
    if mode == _NAMES:
        return _API  # a property's value is a schema
    if key in FREE or (dict_value and key in FREE_IF_DICT):
        return _FREE
    return _NAMES if key in NAMES and dict_value else _API


def _list(items: list[Any], mode: int, parent: str, walk: RequestWalk) -> None:
    for i, value in enumerate(items):
        if isinstance(value, str):
            if mode == _FREE or parent not in NOT_TEXT:
                _string(items, i, value, walk)
        elif mode == _FREE and _is_number(value):
            walk.slots.append(NumberSlot(items, i))
        elif isinstance(value, dict):
            _dict(value, mode, parent, walk)
        elif isinstance(value, list):
            _list(value, mode, parent, walk)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _value(
    node: dict[str, Any], key: str, value: str, mode: int, parent: str, binary_source: bool, walk: RequestWalk
) -> None:
    if mode == _FREE:
        _string(node, key, value, walk)
    elif mode == _API and key in NOT_TEXT:
        return
    elif mode == _API and key == "data" and node.get("type") == "redacted_thinking":
        return  # provider ciphertext, handed back verbatim
    elif mode == _API and key == "data" and (binary_source or parent == "input_audio"):
        media = node.get("media_type")
        media_type = media if isinstance(media, str) else ("audio/" if parent == "input_audio" else "")
        _encoded(node, key, value, 0, media_type, walk)
    elif mode == _API and key == "file_data" and value[:5].lower() != "data:":
        _encoded(node, key, value, 0, "", walk)  # bare base64 of unknown type: a file
    else:
        _string(node, key, value, walk)


def _string(container: Container, key: str | int, value: str, walk: RequestWalk) -> None:
    if value[:5].lower() == "data:":
        comma = value.find(",")  # the payload is not copied: a media check reads only its head
        if comma > 0 and value[:comma].lower().endswith(";base64"):  # a data URI: its media type says what it is
            media_type = value[5:comma].split(";", 1)[0].strip().lower()
            _encoded(container, key, value, comma + 1, media_type, walk)
            return
    walk.slots.append(Slot(container, key))


def _encoded(container: Container, key: str | int, value: str, start: int, media_type: str, walk: RequestWalk) -> None:
    """A base64 payload: text documents are decoded and scanned; media is checked against what it
    declares (gateway.wire.media_sniff), and whatever is really text is screened as text.
    The payload is ``value[start:]`` (after a data URI's header)."""
    media_type = media_type.lower()
    if media_type.startswith(TEXT_MEDIA):
        _decoded_text(container, key, value, start, walk)
        return
    declared = family_of(media_type)
    verdict = sniff(value, declared, start) if len(value) > start else Verdict.MEDIA  # empty: nothing to read
    if verdict is Verdict.MEDIA:
        if declared is not Family.OTHER:
            walk.unscreenable.add(_kind(declared))
        runs = text_runs(value, start)  # text behind a genuine header: screened, never rewritten
        if runs is None:
            walk.unscreenable.add(Kind.FILES)
        elif runs:
            walk.slots.append(MediaTextSlot(container, key, runs))
    elif verdict is Verdict.TEXT:
        _decoded_text(container, key, value, start, walk)  # text under a media label: screened
    elif verdict is Verdict.NOT_BASE64:
        # Screened as the string it is, and still the kind it claims: a lenient decoder upstream
        # may skip the stray characters and find the media after all.
        walk.slots.append(Slot(container, key))
        walk.unscreenable.add(_kind(declared))
    else:
        walk.unscreenable.add(Kind.FILES)


def _kind(declared: Family) -> Kind:
    return {Family.IMAGE: Kind.IMAGES, Family.AUDIO: Kind.AUDIO}.get(declared, Kind.FILES)


def _decoded_text(container: Container, key: str | int, value: str, start: int, walk: RequestWalk) -> None:
    """Screened as decoded text, re-encoded in place when rewritten; a payload that is not
    wholly base64 UTF-8 text (or too big to decode) is a file the gateway cannot read."""
    if len(value) - start <= MAX_DECODE_CHARS and decode_text(value[start:]) is not None:
        walk.slots.append(Base64Slot(container, key, value[:start]))
    else:
        walk.unscreenable.add(Kind.FILES)
