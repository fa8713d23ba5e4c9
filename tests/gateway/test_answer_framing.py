"""The pseudonym restorer and the prompt-log capture read CR- and CRLF-framed streams too
(they share the gateway's SSE parser), and what they pass on is LF-framed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import pytest

from gateway.screening.redaction import Pseudonyms
from gateway.screening.restore import RestoringStream
from gateway.wire import replies
from gateway.wire.capture import AnswerCapture, capturing
from gateway.wire.endpoints import endpoint_named
from gateway.wire.sse_parse import SseParser

FRAMINGS = {"lf": b"\n", "crlf": b"\r\n", "cr": b"\r"}
ENDPOINTS = ["chat.completions", "completions", "responses", "messages"]


def framed(endpoint: str, text: str, framing: str) -> bytes:
    stream = b"".join(replies.render_stream(endpoint_named(endpoint), replies.Reply("m", text, 1), {}))
    return stream.replace(b"\n", FRAMINGS[framing])


def cuts(stream: bytes) -> list[bytes]:
    """Reads ending on every CR (so a CRLF is cut in two) and otherwise every 7 bytes."""
    out, start = [], 0
    for i in range(1, len(stream) + 1):
        if i == len(stream) or stream[i - 1 : i] == b"\r" or (i - start) >= 7:
            out.append(stream[start:i])
            start = i
    return out


@pytest.mark.parametrize("framing", FRAMINGS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_placeholders_are_restored_whatever_the_framing(endpoint: str, framing: str) -> None:
    pseudonyms = Pseudonyms()
    placeholder = pseudonyms.placeholder("PERSON", "Jane Roe")
    restoring = RestoringStream(endpoint_named(endpoint), pseudonyms)
    stream = framed(endpoint, f"Dear {placeholder}, hello", framing)
    out = b"".join(restoring.feed(read) for read in cuts(stream)) + restoring.finish()
    assert b"\r" not in out
    assert placeholder.encode() not in out
    assert b"Jane Roe" in out
    assert len(list(SseParser().feed(out))) == len(list(SseParser().feed(stream)))


@pytest.mark.parametrize("framing", FRAMINGS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_prompt_log_captures_the_answer_whatever_the_framing(endpoint: str, framing: str) -> None:
    stream = framed(endpoint, "the answer text", framing)

    async def source() -> AsyncGenerator[bytes, None]:
        for read in cuts(stream):
            yield read

    async def drain() -> AnswerCapture:
        capture = AnswerCapture(keep_text=True)
        async for _ in capturing(source(), endpoint_named(endpoint), capture):
            pass
        return capture

    capture = asyncio.run(drain())
    assert capture.text == "the answer text"
