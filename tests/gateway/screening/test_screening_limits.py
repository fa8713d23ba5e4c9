"""The policy's ``detection.max_scan_chars``: a prompt with more text than it is refused with a
413 in the API's error shape that names sizes, never content; an answer over it cannot be
scanned and follows on_failure (here: withheld)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest

from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import DATA, policy_gateway, sdk_client

LIMIT = 5_000
SECRET_WORD = "Nightingale"


@pytest.fixture(scope="module")
def small_scan_gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    folder = tmp_path_factory.mktemp("gw")
    policy = folder / "policy.yaml"
    text = (DATA / "policy_dlp.yaml").read_text()
    policy.write_text(text.replace("time_limit_ms: 10000", f"time_limit_ms: 10000\n  max_scan_chars: {LIMIT}"))
    (folder / "terms.txt").write_text((DATA / "terms.txt").read_text())  # the terms file it names
    with policy_gateway(bg_loop, mock_server, folder, policy) as gateway:
        yield gateway


@pytest.fixture
def oai(small_scan_gateway: RunningGateway, closing: list[Any]) -> openai.OpenAI:
    client: openai.OpenAI = sdk_client(small_scan_gateway, closing)
    return client


def test_a_prompt_over_the_limit_is_refused_naming_no_content(oai: openai.OpenAI, mock: MockProvider):
    prompt = f"Project {SECRET_WORD} " + "word " * LIMIT
    with pytest.raises(openai.APIStatusError) as refused:
        oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
    assert refused.value.status_code == 413
    assert refused.value.code == "too_much_text_to_scan"
    message = str(refused.value.message)
    assert f"{len(prompt)} characters" in message
    assert f"at most {LIMIT}" in message
    assert "detection.max_scan_chars" in message
    assert SECRET_WORD not in message
    assert "word " not in message
    assert not mock.requests


def test_text_is_counted_across_every_field(oai: openai.OpenAI, mock: MockProvider):
    half = "x" * (LIMIT // 2 + 1)
    messages: Any = [{"role": "system", "content": half}, {"role": "user", "content": half}]
    with pytest.raises(openai.APIStatusError, match="max_scan_chars"):
        oai.chat.completions.create(model="gpt-4o", messages=messages)
    assert not mock.requests


def test_a_prompt_within_the_limit_is_scanned_and_forwarded(oai: openai.OpenAI, mock: MockProvider):
    prompt = "hello " * (LIMIT // 6)
    oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
    assert mock.requests[0].body["messages"][0]["content"] == prompt


def test_an_answer_over_the_limit_follows_on_failure(oai: openai.OpenAI, mock: MockProvider):
    mock.configure(reply_text="answer " * LIMIT)
    with pytest.raises(openai.InternalServerError) as withheld:
        oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert withheld.value.status_code == 503
    assert withheld.value.code == "detection_unavailable"
    assert "too much text to scan" in str(withheld.value.message)
