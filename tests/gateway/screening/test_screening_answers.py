"""Every text field of an answer is screened, whole and streamed, however the provider
frames its events (LF, CRLF with reads cut between CR and LF, CR only): checked on what
the real openai and anthropic SDKs receive. An event the gateway cannot read ends the
stream with an error event (on_failure: block), never passes unscreened."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import anthropic
import openai
import pytest

from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import DATA, policy_gateway, sdk_client

POLICY = DATA / "policy_dlp.yaml"
AWS_KEY = "AKIA" + "QWERTYUIOPASDFGH"
MARKED = "RESTRICTED: numbers attached"  # the policy redacts the marker in answers
REDACTED = "[CLASSIFICATION_MARKER]"
FRAMINGS = ["", "-fault-crlf-split", "-fault-cr"]  # LF (the mock's own), CRLF cut at each CR, CR only
MODELS = {"chat": "gpt-4o", "completions": "gpt-4o", "responses": "gpt-4o", "messages": "claude-sonnet-5-5"}
FIELDS = [
    ("chat", "reasoning_content"),
    ("chat", "reasoning"),
    ("chat", "refusal"),
    ("chat", "audio"),
    ("chat", "tool-name"),
    ("responses", "summary"),
    ("responses", "refusal"),
    ("responses", "tool-name"),
    ("messages", "thinking"),
    ("messages", "tool-name"),
]

Call = Callable[[str, bool], Any]


@pytest.fixture(scope="module")
def dlp_gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    with policy_gateway(bg_loop, mock_server, tmp_path_factory.mktemp("gw"), POLICY) as gateway:
        yield gateway


@pytest.fixture
def call(dlp_gateway: RunningGateway, mock: MockProvider, closing: list[Any]) -> Callable[[str], Call]:
    """``call(api)(model, stream)``: the answer as the SDK gives it."""
    mock.configure(chunk_delay_ms=1)  # each write its own read, as far as the network allows
    oai: openai.OpenAI = sdk_client(dlp_gateway, closing)
    ant = anthropic.Anthropic(base_url=dlp_gateway.url, api_key=dlp_gateway.create_key("ann"), max_retries=0)
    closing.append(ant)
    ask = [{"role": "user", "content": "x"}]

    def pick(api: str) -> Call:
        if api == "chat":
            return lambda model, stream: oai.chat.completions.create(model=model, messages=ask, stream=stream)  # type: ignore[arg-type]
        if api == "completions":
            return lambda model, stream: oai.completions.create(model=model, prompt="x", stream=stream)
        if api == "responses":
            return lambda model, stream: oai.responses.create(model=model, input="x", stream=stream)
        return lambda model, stream: ant.messages.create(model=model, max_tokens=50, messages=ask, stream=stream)  # type: ignore[arg-type]

    return pick


def received(answer: Any, stream: bool) -> tuple[str, Exception | None]:
    """Everything the SDK handed over (JSON of each object), and the error it raised, if any."""
    if not stream:
        return json.dumps(answer.model_dump()), None
    seen: list[Any] = []
    try:
        for item in answer:
            seen.append(item.model_dump())
    except (openai.APIError, anthropic.APIError) as exc:
        return json.dumps(seen), exc
    return json.dumps(seen), None


def joined_text(api: str, dump: str) -> str:
    """The answer's text as the caller reads it (streamed deltas joined)."""
    parts: list[str] = []
    for obj in json.loads(dump):
        if api == "chat":
            parts += [c["delta"].get("content") or "" for c in obj["choices"]]
        elif api == "completions":
            parts += [c["text"] for c in obj["choices"]]
        elif api == "responses" and obj["type"] == "response.output_text.delta":
            parts.append(obj["delta"])
        elif api == "messages" and obj["type"] == "content_block_delta":
            parts.append(obj["delta"]["text"])
    return "".join(parts)


@pytest.mark.parametrize("framing", FRAMINGS)
@pytest.mark.parametrize("api", list(MODELS))
def test_each_framing_of_each_api_is_scanned(
    call: Callable[[str], Call], mock: MockProvider, api: str, framing: str
) -> None:
    mock.configure(reply_text=MARKED)
    dump, error = received(call(api)(MODELS[api] + framing, True), True)
    assert error is None
    assert joined_text(api, dump) == f"{REDACTED}: numbers attached"

    mock.configure(reply_text=f"the key is {AWS_KEY} ok")
    dump, error = received(call(api)(MODELS[api] + framing, True), True)
    assert error is not None
    assert "withheld" in str(error)
    assert "AKIA" not in dump


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "whole"])
@pytest.mark.parametrize(("api", "field"), FIELDS)
def test_each_text_field_of_an_answer_is_redacted(
    call: Callable[[str], Call], mock: MockProvider, api: str, field: str, stream: bool
) -> None:
    mock.configure(reply_text=MARKED)
    dump, error = received(call(api)(f"{MODELS[api]}-answer-{field}-fault-crlf-split", stream), stream)
    assert error is None
    assert "RESTRICTED" not in dump
    assert REDACTED in dump


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "whole"])
@pytest.mark.parametrize(("api", "field"), FIELDS)
def test_a_secret_in_any_text_field_of_an_answer_is_withheld(
    call: Callable[[str], Call], mock: MockProvider, api: str, field: str, stream: bool
) -> None:
    mock.configure(reply_text=f"use {AWS_KEY} now")
    try:
        dump, error = received(call(api)(f"{MODELS[api]}-answer-{field}-fault-cr", stream), stream)
    except (openai.APIError, anthropic.APIError) as exc:
        dump, error = "", exc
    assert error is not None
    assert "withheld" in str(error)
    assert "AKIA" not in dump


def error_of(answer: Callable[[], Any], stream: bool) -> Exception | None:
    """The error the SDK raised, making the call or reading the stream."""
    try:
        return received(answer(), stream)[1]
    except (openai.APIError, anthropic.APIError) as exc:
        return exc


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "whole"])
@pytest.mark.parametrize("api", list(MODELS))
def test_upstream_error_messages_are_screened(
    call: Callable[[str], Call], mock: MockProvider, api: str, stream: bool
) -> None:
    model = f"{MODELS[api]}-answer-error"
    mock.configure(reply_text=MARKED)
    error = error_of(lambda: call(api)(model, stream), stream)
    assert error is not None
    assert "RESTRICTED" not in str(error)
    assert REDACTED in str(error)
    mock.configure(reply_text=f"bad key {AWS_KEY}")
    error = error_of(lambda: call(api)(model, stream), stream)
    assert error is not None
    assert "AKIA" not in str(error)
    assert "withheld" in str(error)


@pytest.mark.parametrize("fault", ["bad-json-line", "bad-utf8-line"])
@pytest.mark.parametrize("api", list(MODELS))
def test_an_unreadable_event_ends_the_stream_with_an_error(call: Callable[[str], Call], api: str, fault: str) -> None:
    _dump, error = received(call(api)(f"{MODELS[api]}-fault-{fault}", True), True)
    assert error is not None
    assert "could not be screened" in str(error)


def test_a_whole_answer_that_is_not_json_is_withheld(call: Callable[[str], Call]) -> None:
    with pytest.raises(openai.APIStatusError) as raised:
        call("chat")("gpt-4o-fault-non-json", False)
    assert raised.value.status_code == 502
    assert "could not be screened" in raised.value.message
