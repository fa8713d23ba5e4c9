"""Request bodies that could break the code after the parser are refused with one clear 400;
a provider's answer too deep to screen is withheld."""

from __future__ import annotations

import json

import pytest

from gateway.errors import InvalidRequest, UpstreamInvalid
from gateway.json_input import parse_request, parse_upstream


def refused(raw: bytes, max_depth: int = 128) -> str:
    with pytest.raises(InvalidRequest) as caught:
        parse_request(raw, max_depth)
    assert caught.value.code == "invalid_json"
    assert caught.value.status == 400
    return caught.value.message


@pytest.mark.parametrize(
    "raw",
    [
        b'{"model": "gpt-\\ud800", "messages": []}',  # the request
        b'{"messages": [{"role": "user", "content": "half an emoji \\ud83d"}]}',
        b'{"messages": [{"role": "user", "content": "\\udfff"}]}',
        b'{"tools": [{"x\\udc00": 1}]}',  # in a key
    ],
)
def test_lone_surrogate_escapes_are_refused(raw: bytes) -> None:
    assert "lone UTF-16 surrogate" in refused(raw)


def test_surrogate_pairs_and_escaped_backslashes_are_fine() -> None:
    assert parse_request(b'{"a": "\\ud83d\\ude00"}') == {"a": "\U0001f600"}
    assert parse_request(b'{"a": "\\\\ud800"}') == {"a": "\\ud800"}  # a backslash, then text


@pytest.mark.parametrize("raw", [b'{"a": "\xed\xa0\x80"}', b'{"a": "\xff"}', '{"a": 1}'.encode("utf-16")])
def test_bodies_that_are_not_utf8_are_refused(raw: bytes) -> None:
    assert "UTF-8" in refused(raw)


@pytest.mark.parametrize("levels", [129, 1_000, 100_000])
def test_deep_nesting_is_refused_however_deep(levels: int) -> None:
    raw = b'{"messages": ' + b"[" * levels + b"]" * levels + b"}"
    assert "deeper than 128" in refused(raw)


def test_nesting_at_the_limit_is_accepted() -> None:
    raw = b'{"a": ' + b"[" * 127 + b"]" * 127 + b"}"
    assert parse_request(raw)["a"] is not None
    assert "deeper than 16" in refused(b'{"a": ' + b'{"b": ' * 16 + b"1" + b"}" * 16 + b"}", max_depth=16)


def test_repeated_keys_are_refused_without_quoting_them() -> None:
    message = refused(b'{"model": "gpt-4o", "model": "secret-model"}')
    assert "repeats a key" in message
    assert "model" not in message


@pytest.mark.parametrize("raw", [b'{"t": NaN}', b'{"t": Infinity}', b'{"t": -Infinity}', b'{"t": 1e400}'])
def test_non_finite_numbers_are_refused(raw: bytes) -> None:
    refused(raw)


@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"", b'{"a": ', b"1" * 5000])
def test_not_an_object_or_not_json(raw: bytes) -> None:
    refused(raw)


def test_big_integers_within_python_limits_parse() -> None:
    assert parse_request(b'{"max_tokens": 18446744073709551616}') == {"max_tokens": 2**64}


def test_upstream_answers_are_read_leniently_but_never_too_deep() -> None:
    assert parse_upstream(b"not json") is None
    assert parse_upstream('{"a": "\\ud800"}') == {"a": "\ud800"}  # answers are relayed; the log scrubs
    with pytest.raises(UpstreamInvalid):
        parse_upstream(b"[" * 5_000 + b"]" * 5_000)
    with pytest.raises(UpstreamInvalid):
        parse_upstream(b"[" * 200 + b"]" * 200)


def test_wide_shallow_bodies_with_many_brackets_are_accepted() -> None:
    """More brackets than the limit (tool schemas) is not depth: the height is what counts."""
    tools = [{"function": {"parameters": {"properties": {f"f{n}": {"enum": [[1], [2]]}}}}} for n in range(300)]
    raw = json.dumps({"model": "gpt-4o", "tools": tools}).encode()
    # body > tools > item > function > parameters > properties > f0 > enum > [1]: 9 levels
    assert len(parse_request(raw, max_depth=9)["tools"]) == 300
    assert "deeper than 8" in refused(raw, max_depth=8)
