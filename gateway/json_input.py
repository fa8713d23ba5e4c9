"""JSON from outside the gateway, parsed so that nothing in it can hurt the code after it.

A request body is refused (400 ``invalid_json``, in the caller's API shape) when it
- is not UTF-8 (RFC 8259 JSON between systems is UTF-8; UTF-8-encoded surrogates included),
- holds a lone UTF-16 surrogate escape (``"\\ud800"``: no UTF-8 encoder, database or hash
  takes it, and the gateway would scan one string while the provider reads another),
- nests deeper than the limit (a recursive reader would overflow: no API needs 128 levels),
- repeats a key in an object (the gateway would scan one copy and forward bytes a
  provider may read differently),
- or holds NaN, Infinity or a number that overflows to it (not JSON; re-encoded it would
  make the body invalid for the provider).

A provider's answer is read leniently (not JSON: None, the caller relays it as it is) but
one that nests beyond the limit cannot be screened, so it is withheld (502).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from gateway.errors import InvalidRequest, UpstreamInvalid
from gateway.text_safety import is_utf8_safe

DEFAULT_MAX_DEPTH = 128
# A lone surrogate can only come from a \uD800-\uDFFF escape once the bytes are strict UTF-8;
# a body without one skips the walk. (A match may be an escaped backslash: the walk decides.)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class _Refused(Exception):
    """Raised inside the parser's hooks; becomes one clear 400."""


class _Objects:
    """The parser's object hook for one body: refuses a repeated key, and tracks each object's
    height as the parser builds it (inside out), so nesting is bounded without a second walk."""

    def __init__(self, max_depth: int, track_heights: bool) -> None:
        self.max_depth, self._track = max_depth, track_heights
        self._heights: dict[int, int] = {}  # id of each object built so far (all alive: they are the body)

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            raise _Refused("an object in the request body repeats a key")
        if not self._track:
            return obj
        height = 1
        for _, value in pairs:
            kind = type(value)
            if kind is dict:
                below = self._heights[id(value)]
            elif kind is list:
                below = self._list_height(value, 1)
            else:
                continue
            if below >= height:
                height = below + 1
        if height > self.max_depth:
            raise _TooDeep
        self._heights[id(obj)] = height
        return obj

    def _list_height(self, items: list[Any], depth: int) -> int:
        """Objects inside are known already; nested lists are walked (never beyond the limit)."""
        if depth > self.max_depth:
            raise _TooDeep
        height = 1
        for item in items:
            kind = type(item)
            if kind is dict:
                below = self._heights[id(item)]
            elif kind is list:
                below = self._list_height(item, depth + 1)
            else:
                continue
            if below >= height:
                height = below + 1
        return height


class _TooDeep(Exception):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("a number in the request body is too large")
    return value


def _no_constant(name: str) -> Any:
    raise _Refused(f"the request body holds {name}, which is not JSON")


def parse_request(raw: bytes, max_depth: int = DEFAULT_MAX_DEPTH) -> dict[str, Any]:
    """The request body as a JSON object, or InvalidRequest saying why not (never quoting it)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest("Request body is not valid UTF-8.", code="invalid_json") from None
    try:
        body = json.loads(
            text,
            object_pairs_hook=_Objects(max_depth, track_heights=_may_nest_beyond(raw, max_depth)),
            parse_float=_finite_float,
            parse_constant=_no_constant,
        )
    except _Refused as exc:
        raise InvalidRequest(f"Request body refused: {exc}.", code="invalid_json") from None
    except (RecursionError, _TooDeep):
        raise InvalidRequest(_too_deep(max_depth), code="invalid_json") from None
    except ValueError as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InvalidRequest(f"Request body is not valid JSON{where}.", code="invalid_json") from None
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object.", code="invalid_json")
    # rare: a walk decides (the depth is bounded by now)
    if _SURROGATE_ESCAPE.search(raw) is not None and _walk(body, max_depth, True) == "surrogate":
        raise InvalidRequest(
            "Request body holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its pair, "
            "as left by text cut in the middle of a character); send valid Unicode.",
            code="invalid_json",
        )
    return body


def parse_upstream(data: bytes | str, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """A provider's JSON, None when it is not JSON; UpstreamInvalid when it nests too deep to screen."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise UpstreamInvalid("The provider's answer nests too deeply for the gateway to screen it.") from None
    except ValueError:
        return None
    if isinstance(value, dict | list) and _may_nest_beyond(data, max_depth) and _walk(value, max_depth, False):
        raise UpstreamInvalid("The provider's answer nests too deeply for the gateway to screen it.")
    return value


def encode_json(value: Any, separators: tuple[str, str] | None = None) -> str:
    """JSON text for a rewritten answer: characters as they are, unless the provider sent a lone
    surrogate (``"\\ud800"``), which goes back out as the escape it came in as (no UTF-8 has it)."""
    text = json.dumps(value, separators=separators, ensure_ascii=False)
    return text if is_utf8_safe(text) else json.dumps(value, separators=separators)


def _may_nest_beyond(raw: bytes | str, limit: int) -> bool:
    """Cheap and exact enough: fewer opening brackets than the limit cannot nest that deep."""
    if isinstance(raw, str):
        return raw.count("[") + raw.count("{") > limit
    return raw.count(b"[") + raw.count(b"{") > limit


def _walk(value: Any, max_depth: int, surrogates: bool) -> str | None:
    """Iteratively (a recursive walk is what deep JSON breaks): "depth", "surrogate" or None."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > max_depth:
                return "depth"
            for key, item in node.items():
                if surrogates and not is_utf8_safe(key):
                    return "surrogate"
                stack.append((item, depth + 1))
        elif isinstance(node, list):
            if depth > max_depth:
                return "depth"
            stack.extend((item, depth + 1) for item in node)
        elif surrogates and isinstance(node, str) and not is_utf8_safe(node):
            return "surrogate"
    return None


def _too_deep(limit: int) -> str:
    return f"Request body nests objects and arrays deeper than {limit} levels."


__all__ = ["DEFAULT_MAX_DEPTH", "encode_json", "parse_request", "parse_upstream"]
