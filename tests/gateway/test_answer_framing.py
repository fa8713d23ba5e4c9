"""The pseudonym restorer and the prompt-log capture read CR- and CRLF-framed streams too
(they are stages of the answer chain, behind its one SSE parser), and what the restorer
passes on is LF-framed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import pytest

from gateway.screening.answer_chain import AnswerStages, answer_stream
from gateway.screening.redaction import Pseudonyms
from gateway.wire import replies
from gateway.wire.capture import AnswerCapture, CapturingStage
from gateway.wire.endpoints import endpoint_named
from gateway.wire.sse_parse import SseParser
from tests.gateway.screening import chains

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
    restoring = chains.restoring(endpoint, pseudonyms)
    stream = framed(endpoint, f"Dear {placeholder}, hello", framing)

    async def go() -> bytes:
        return b"".join([await restoring.feed(read) for read in cuts(stream)]) + await restoring.finish()

    out = asyncio.run(go())
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
        stages = AnswerStages(capture=CapturingStage(capture, endpoint_named(endpoint)))
        async for _ in answer_stream(endpoint_named(endpoint), source(), stages):
            pass
        return capture

    capture = asyncio.run(drain())
    assert capture.text == "the answer text"
