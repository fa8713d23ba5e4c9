"""The red team's cases for media payloads with the PII detectors (issue 14, item 1): an SSN or an
e-mail address carried as a "PNG", a "WAV", a "PDF" or in an image URL's path is found, blocked
or pseudonymized before the provider sees it, and never echoed in an error message or a log."""

from __future__ import annotations

import base64
from typing import Any

import openai
import pytest

from loadtests.mock_provider import MockProvider

SSN = "536-22-8726"
NOTE = f"my SSN is {SSN}".encode()
NOTE_B64 = base64.b64encode(NOTE).decode()


def chat(oai: openai.OpenAI, part: dict[str, Any]) -> None:
    messages: Any = [{"role": "user", "content": [part]}]
    oai.chat.completions.create(model="gpt-4o", messages=messages)


@pytest.mark.parametrize(
    "part",
    [
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{NOTE_B64}"}},
        {"type": "input_audio", "input_audio": {"data": NOTE_B64, "format": "wav"}},
        {"type": "file", "file": {"filename": "a.pdf", "file_data": f"data:application/pdf;base64,{NOTE_B64}"}},
        {"type": "image_url", "image_url": {"url": f"https://x.example/{SSN}.png"}},
        {"type": "image_url", "image_url": {"url": f"https://x.example/a.png#{SSN}"}},
    ],
)
def test_an_ssn_dressed_as_media_is_blocked_without_echoing_it(
    oai: openai.OpenAI, mock: MockProvider, capsys: pytest.CaptureFixture[str], part: dict[str, Any]
):
    capsys.readouterr()
    with pytest.raises(openai.PermissionDeniedError) as blocked:
        chat(oai, part)
    assert "US_SSN" in str(blocked.value)
    assert not mock.requests
    logged = capsys.readouterr().out
    for raw in (SSN, NOTE_B64[:12], "my SSN"):
        assert raw not in str(blocked.value)
        assert raw not in logged


def test_an_email_in_an_image_url_path_is_pseudonymized_keeping_the_url(oai: openai.OpenAI, mock: MockProvider):
    chat(oai, {"type": "image_url", "image_url": {"url": "https://x.example/u/alice@acme.com/a.png?w=2"}})
    url = mock.requests[0].body["messages"][0]["content"][0]["image_url"]["url"]
    assert "alice@acme.com" not in url
    assert url.startswith("https://x.example/u/")
    assert url.endswith("/a.png?w=2")
