"""Red team round 2 (leaks 6 and 8) end to end with the PII policy: text carried behind a genuine
image header (a PNG text chunk, bytes after IEND, a GIF comment, a JPEG COM segment) is screened
and, since it cannot be rewritten inside the media, a finding a rule redacts refuses the request;
a card written as a JSON number in a request's tool call arguments object is redacted to a
string placeholder (Anthropic tool_use.input: tests/gateway/wire/test_request_slots.py; this policy
approves OpenAI models only).
Real compressed media still passes untouched."""

from __future__ import annotations

import base64
import os
import struct
import zlib
from typing import Any

import openai
import pytest

from loadtests.mock_provider import MockProvider

SSN = "536-22-8726"
CARD = 4111111111111111


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(text: bytes | None = None, after: bytes = b"", pixels: bytes = b"\x00\xff\x00\x00") -> bytes:
    """A valid PNG (an optional tEXt chunk, bytes appended after IEND)."""
    side = 1 if len(pixels) == 4 else 256
    body = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
    if text is not None:
        body += chunk(b"tEXt", b"Comment\x00" + text)
    return body + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b"") + after


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def chat_image(oai: openai.OpenAI, media_type: str, data: bytes) -> None:
    part = {"type": "image_url", "image_url": {"url": f"data:{media_type};base64,{b64(data)}"}}
    messages: Any = [{"role": "user", "content": [{"type": "text", "text": "read the metadata"}, part]}]
    oai.chat.completions.create(model="gpt-4o", messages=messages)


@pytest.mark.parametrize(
    ("media_type", "data"),
    [
        ("image/png", png(text=f"ssn {SSN}".encode())),
        ("image/png", png(after=f"\nssn {SSN} card {CARD}\n".encode())),
        ("image/gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00!\xfe" + f"ssn {SSN} x".encode() + b"\x00;"),
        ("image/jpeg", b"\xff\xd8\xff\xfe\x00\x40" + f"notes ssn {SSN} end".encode() * 3 + b"\xff\xd9"),
    ],
)
def test_an_ssn_behind_a_real_image_header_is_blocked_without_echoing_it(
    oai: openai.OpenAI, mock: MockProvider, capsys: pytest.CaptureFixture[str], media_type: str, data: bytes
):
    capsys.readouterr()
    with pytest.raises(openai.PermissionDeniedError) as blocked:
        chat_image(oai, media_type, data)
    assert "US_SSN" in str(blocked.value)
    assert not mock.requests
    assert SSN not in str(blocked.value) + capsys.readouterr().out


def test_a_card_in_a_png_text_chunk_cannot_be_redacted_there_so_the_request_is_refused(
    oai: openai.OpenAI, mock: MockProvider
):
    with pytest.raises(openai.PermissionDeniedError) as blocked:
        chat_image(oai, "image/png", png(text=f"card {CARD}".encode()))
    assert "cannot be redacted inside the media" in str(blocked.value)
    assert str(CARD) not in str(blocked.value)
    assert not mock.requests


def test_a_real_png_of_compressed_noise_passes_untouched(oai: openai.OpenAI, mock: MockProvider):
    data = png(pixels=b"".join(b"\x00" + os.urandom(256 * 3) for _ in range(256)))
    chat_image(oai, "image/png", data)
    [request] = mock.requests
    assert b64(data) in request.body["messages"][0]["content"][1]["image_url"]["url"]


def test_a_name_in_image_metadata_is_no_finding(oai: openai.OpenAI, mock: MockProvider) -> None:
    # Text inside media is read by the pattern detectors only: NER would read the random runs of a
    # compressed photo as names now and then, and a pseudonymized name cannot be written there.
    data = png(text=b"Author: Maria Gonzalez, Madrid")
    chat_image(oai, "image/png", data)
    [request] = mock.requests
    assert b64(data) in request.body["messages"][0]["content"][1]["image_url"]["url"]


def test_a_card_as_a_number_in_a_chat_tool_call_arguments_object_is_redacted(oai: openai.OpenAI, mock: MockProvider):
    call = {"id": "c1", "type": "function", "function": {"name": "charge", "arguments": {"pan": CARD, "n": [CARD, 2]}}}
    messages: Any = [
        {"role": "user", "content": "charge it"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": "ok"},
    ]
    oai.chat.completions.create(model="gpt-4o", messages=messages)
    [request] = mock.requests
    args = request.body["messages"][1]["tool_calls"][0]["function"]["arguments"]
    assert args == {"pan": "[CREDIT_CARD]", "n": ["[CREDIT_CARD]", 2]}
