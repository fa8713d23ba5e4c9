"""Every string of a request body that the provider will read, as a writable slot.

The whole body is walked, so a field this module has never heard of (a new API version,
a provider extension) is screened by default. Only what is on the reviewed allow-lists
below is left out: values that are the API's own vocabulary or opaque identifiers, never
caller text. Dict keys are text too where the caller chooses them (schema property names,
metadata keys, tool inputs, any key outside the APIs' vocabulary): they become ``KeySlot``s.
Every slot carries its ``PartSource`` (gateway.wire.part_source): the role of the turn that holds
it and the kind of part (text, tool result, document, file, tool definition...), found on the way
down from the message's ``role`` and the parts' and items' ``type``, so it costs a lookup per dict.
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

from gateway.wire.endpoints import Endpoint
from gateway.wire.media_sniff import Family, Verdict, family_of, sniff, text_runs
from gateway.wire.part_source import (
    ANSWER,
    METADATA,
    SYSTEM_TEXT,
    TOOL_CALL,
    TOOL_DEFINITION,
    TOOL_RESULT,
    UNKNOWN,
    USER_TEXT,
    PartKind,
    PartSource,
    Role,
    source,
)
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
_NOT_TEXT_TABLE = (
    "model role type object id tool_call_id call_id tool_use_id file_id "
    "previous_response_id response_id item_id container_id vector_store_ids "
    "detail format media_type mime_type tool_choice effort reasoning_effort "
    "encoding_format service_tier status truncation verbosity modalities "
    "include voice ttl anthropic_version "
    # Provider-made ciphertext handed back verbatim (thinking signatures, encrypted reasoning).
    "signature encrypted_content"
)
NOT_TEXT = frozenset(_NOT_TEXT_TABLE.split())

# The APIs' own field names: such a key is vocabulary, not text. Any other key is scanned.
_API_KEYS_TABLE = (
    "messages content text name tool_calls function arguments description "
    "parameters tools temperature top_p top_k n stream stream_options "
    "include_usage max_tokens max_completion_tokens max_output_tokens stop "
    "stop_sequences presence_penalty frequency_penalty logit_bias logprobs "
    "top_logprobs seed user metadata response_format json_schema schema "
    "strict system image_url url input_audio data file file_data "
    "filename refusal audio prediction store parallel_tool_calls "
    "web_search_options user_location approximate city country region "
    "timezone search_context_size functions function_call prompt suffix echo "
    "best_of input dimensions instructions reasoning summary generate_summary "
    "output source cache_control input_schema is_error title context "
    "citations enabled thinking budget_tokens mcp_servers server_url "
    "server_label allowed_tools require_approval tool_configuration properties "
    "required items additionalProperties enum default examples const "
    "anyOf oneOf allOf $ref $defs definitions pattern minimum maximum "
    "minLength maxLength minItems maxItems nullable variables version "
    "conversation safety_identifier prompt_cache_key background max_tool_calls"
)
API_KEYS = NOT_TEXT | frozenset(_API_KEYS_TABLE.split())

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

# Where each top-level field's text comes from; any other top-level field is (none, other).
TOP_SOURCES: dict[str, PartSource] = {
    "system": SYSTEM_TEXT,
    "instructions": SYSTEM_TEXT,
    "messages": USER_TEXT,
    "input": USER_TEXT,
    "prompt": USER_TEXT,
    "suffix": USER_TEXT,
    "tools": TOOL_DEFINITION,
    "functions": TOOL_DEFINITION,
    "mcp_servers": TOOL_DEFINITION,
    "metadata": METADATA,
    "user": METADATA,
    "safety_identifier": METADATA,
    "prompt_cache_key": METADATA,
}
# A message's role: the source of its text (a tool's or function's message is its result).
ROLE_SOURCES = {
    r.value: source(r, PartKind.TOOL_RESULT if r in (Role.TOOL, Role.FUNCTION) else PartKind.TEXT)
    for r in Role
    if r not in (Role.NONE, Role.OTHER)
}
OTHER_ROLE = source(Role.OTHER, PartKind.TEXT)
# Kinds a message's role or a part's type may still refine; inside any other kind (a tool result,
# a document...) everything is that kind: a text block in a tool result is the tool's text.
OPEN = frozenset({PartKind.TEXT, PartKind.OTHER})
# A content part's type: its kind (the role stays the message's).
PART_KINDS = {
    "image_url": PartKind.IMAGE,
    "input_image": PartKind.IMAGE,
    "image": PartKind.IMAGE,
    "input_audio": PartKind.AUDIO,
    "audio": PartKind.AUDIO,
    "file": PartKind.FILE,
    "input_file": PartKind.FILE,
    "container_upload": PartKind.FILE,
    "document": PartKind.DOCUMENT,
    "search_result": PartKind.DOCUMENT,
}
# The same per role, built once: the walk looks a part up rather than build its source.
PARTS_BY_ROLE = {role: {t: source(role, kind) for t, kind in PART_KINDS.items()} for role in Role}
# An item's type that says who wrote it, beyond the tool calls and results found by suffix below.
ITEM_SOURCES = {
    "reasoning": ANSWER,  # Responses: the model's own reasoning summary, handed back
    "mcp_list_tools": source(Role.TOOL, PartKind.TOOL_DEFINITION),  # an MCP server's tool list
    "mcp_approval_request": TOOL_CALL,
}
# Tool results: OpenAI function_call_output, computer_call_output...; Anthropic tool_result,
# mcp_tool_result, web_search_tool_result... Tool calls: function_call, mcp_call, tool_use, server_tool_use...
RESULT_SUFFIXES = ("_call_output", "tool_result")
CALL_SUFFIXES = ("_call", "tool_use")
# Fields of a part or an item that change its kind: a message's tool calls, a call's output
# (Responses mcp_call and file_search_call carry the tool's answer beside the call).
KEYED: dict[PartKind, dict[str, PartSource]] = {
    PartKind.TEXT: {"tool_calls": TOOL_CALL, "function_call": TOOL_CALL},
    PartKind.TOOL_CALL_ARGUMENTS: {
        "output": TOOL_RESULT,
        "outputs": TOOL_RESULT,
        "results": TOOL_RESULT,
        "error": TOOL_RESULT,
    },
}


def walk_request(endpoint: Endpoint, body: dict[str, Any]) -> RequestWalk:
    """The slots in the order the body holds them (a model reads it top-down), and what
    could not be screened. Depth is bounded by gateway.json_input (128 levels)."""
    walk = RequestWalk()
    encoded_prompt_field = endpoint.dialect.encoded_prompt_field
    if encoded_prompt_field is not None:
        _token_ids(body.get(encoded_prompt_field), walk)
    _dict(body, _API, "", walk, UNKNOWN, TOP_SOURCES, READ_FIRST)
    return walk


def _token_ids(value: object, walk: RequestWalk) -> None:
    """Prompts given as token ids (a list of ints, or of such lists) are no text to scan."""
    if isinstance(value, list) and any(
        isinstance(v, int) or (isinstance(v, list) and any(isinstance(t, int) for t in v)) for v in value
    ):
        walk.unscreenable.add(Kind.TOKEN_IDS)


def _dict(
    node: dict[str, Any],
    mode: int,
    parent: str,
    walk: RequestWalk,
    src: PartSource,
    keyed: dict[str, PartSource] | None = None,
    first: tuple[str, ...] = (),
) -> None:
    """``keyed``: the sources of this dict's fields (the body's top level); else found from the dict."""
    binary_source = mode == _API and node.get("type") == "base64"  # Anthropic image/document source
    if mode == _API and keyed is None:
        if src.kind in OPEN:
            src = _own_source(node, src)
        keyed = KEYED.get(src.kind)
    items = sorted(node.items(), key=lambda item: item[0] not in first) if first else list(node.items())
    for key, value in items:
        if mode == _API and key in CREDENTIALS and value:
            walk.unscreenable.add(Kind.TOOL_CREDENTIALS)  # the policy decides; never rewritten
            continue
        child = src if keyed is None else keyed.get(key, src)
        if isinstance(value, str):
            _value(node, key, value, mode, parent, binary_source, walk, child)
        elif mode == _FREE and _is_number(value):
            walk.slots.append(NumberSlot(node, key, source=src))  # caller data: a card may be written as a number
        elif isinstance(value, dict):
            _dict(value, _child_mode(mode, key, dict_value=True), key, walk, child)
        elif isinstance(value, list):
            _list(value, _child_mode(mode, key, dict_value=False), key, walk, child)
        if mode != _API or key not in API_KEYS:  # after its value: a rename must not orphan a value slot
            walk.slots.append(KeySlot(node, key, source=src))


def _own_source(node: dict[str, Any], src: PartSource) -> PartSource:
    """A part's or an item's source from its ``type`` (a tool result, a document, a file...), else a
    message's from its ``role``; else the source it is inside."""
    kind = node.get("type")
    if isinstance(kind, str) and kind:
        part = PARTS_BY_ROLE[src.role].get(kind)
        if part is not None:
            return part
        item = ITEM_SOURCES.get(kind)
        if item is not None:
            return item
        if kind.endswith(RESULT_SUFFIXES):
            return TOOL_RESULT
        if kind.endswith(CALL_SUFFIXES):
            return TOOL_CALL
    role = node.get("role")
    if isinstance(role, str):
        return ROLE_SOURCES.get(role, OTHER_ROLE)
    return src


def _child_mode(mode: int, key: str, *, dict_value: bool) -> int:
    if mode == _FREE:
        return _FREE
    if mode == _NAMES:
        return _API  # a property's value is a schema
    if key in FREE or (dict_value and key in FREE_IF_DICT):
        return _FREE
    return _NAMES if key in NAMES and dict_value else _API


def _list(items: list[Any], mode: int, parent: str, walk: RequestWalk, src: PartSource) -> None:
    for i, value in enumerate(items):
        if isinstance(value, str):
            if mode == _FREE or parent not in NOT_TEXT:
                _string(items, i, value, walk, src)
        elif mode == _FREE and _is_number(value):
            walk.slots.append(NumberSlot(items, i, source=src))
        elif isinstance(value, dict):
            _dict(value, mode, parent, walk, src)
        elif isinstance(value, list):
            _list(value, mode, parent, walk, src)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _value(
    node: dict[str, Any],
    key: str,
    value: str,
    mode: int,
    parent: str,
    binary_source: bool,
    walk: RequestWalk,
    src: PartSource,
) -> None:
    if mode == _FREE:
        _string(node, key, value, walk, src)
    elif mode == _API and key in NOT_TEXT:
        return
    elif mode == _API and key == "data" and node.get("type") == "redacted_thinking":
        return  # provider ciphertext, handed back verbatim
    elif mode == _API and key == "data" and (binary_source or parent == "input_audio"):
        media = node.get("media_type")
        media_type = media if isinstance(media, str) else ("audio/" if parent == "input_audio" else "")
        _encoded(node, key, value, 0, media_type, walk, src)
    elif mode == _API and key == "file_data" and value[:5].lower() != "data:":
        _encoded(node, key, value, 0, "", walk, src)  # bare base64 of unknown type: a file
    else:
        _string(node, key, value, walk, src)


def _string(container: Container, key: str | int, value: str, walk: RequestWalk, src: PartSource) -> None:
    if value[:5].lower() == "data:":
        comma = value.find(",")  # the payload is not copied: a media check reads only its head
        if comma > 0 and value[:comma].lower().endswith(";base64"):  # a data URI: its media type says what it is
            media_type = value[5:comma].split(";", 1)[0].strip().lower()
            _encoded(container, key, value, comma + 1, media_type, walk, src)
            return
    walk.slots.append(Slot(container, key, source=src))


def _encoded(
    container: Container, key: str | int, value: str, start: int, media_type: str, walk: RequestWalk, src: PartSource
) -> None:
    """A base64 payload: text documents are decoded and scanned; media is checked against what it
    declares (gateway.wire.media_sniff), and whatever is really text is screened as text.
    The payload is ``value[start:]`` (after a data URI's header)."""
    media_type = media_type.lower()
    if media_type.startswith(TEXT_MEDIA):
        _decoded_text(container, key, value, start, walk, src)
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
            walk.slots.append(MediaTextSlot(container, key, runs, source=src))
    elif verdict is Verdict.TEXT:
        _decoded_text(container, key, value, start, walk, src)  # text under a media label: screened
    elif verdict is Verdict.NOT_BASE64:
        # Screened as the string it is, and still the kind it claims: a lenient decoder upstream
        # may skip the stray characters and find the media after all.
        walk.slots.append(Slot(container, key, source=src))
        walk.unscreenable.add(_kind(declared))
    else:
        walk.unscreenable.add(Kind.FILES)


def _kind(declared: Family) -> Kind:
    return {Family.IMAGE: Kind.IMAGES, Family.AUDIO: Kind.AUDIO}.get(declared, Kind.FILES)


def _decoded_text(
    container: Container, key: str | int, value: str, start: int, walk: RequestWalk, src: PartSource
) -> None:
    """Screened as decoded text, re-encoded in place when rewritten; a payload that is not
    wholly base64 UTF-8 text (or too big to decode) is a file the gateway cannot read."""
    if len(value) - start <= MAX_DECODE_CHARS and decode_text(value[start:]) is not None:
        walk.slots.append(Base64Slot(container, key, value[:start], source=src))
    else:
        walk.unscreenable.add(Kind.FILES)
