"""Media payloads end to end (issue 14, item 1): what the provider receives when a request holds
images, audio or files. Real media passes untouched where the policy allows its kind; a payload
labelled as media whose bytes are text is screened like any text (redacted in place, re-encoded,
or blocked); a binary of another kind is a file; URL paths and fragments are text too. The
planted values never reach the provider, an error message or a log line."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest

from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import DATA, policy_gateway, sdk_client
from tests.gateway.wire.test_media_sniff import AUDIO, IMAGES, ZIP

AWS_KEY = "AKIA" + "QWERTYUIOPASDFGH"
MARKED = b"CONFIDENTIAL: pricing for Q3"
REDACTED = b"[CLASSIFICATION_MARKER]: pricing for Q3"
TEXT_CHUNK = b"\x00\x00\x00\x10tEXtComment\x00key " + AWS_KEY.encode()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><text x="1" y="9">%s</text></svg>'


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def media(name: str) -> str:
    """A real file's header followed by filler: what an encoder's output starts with."""
    head = IMAGES.get(name) or AUDIO[name]
    return b64(head + bytes(range(256)) * 8)


@pytest.fixture(scope="module")
def gw(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    policy = DATA / "policy_whole_body.yaml"  # secrets block, markers redact, unscreenable defaults
    with policy_gateway(bg_loop, mock_server, tmp_path_factory.mktemp("gw"), policy) as gateway:
        yield gateway


@pytest.fixture
def oai(gw: RunningGateway, closing: list[Any]) -> openai.OpenAI:
    client: openai.OpenAI = sdk_client(gw, closing)
    return client


@pytest.fixture
def ant(gw: RunningGateway, closing: list[Any]) -> anthropic.Anthropic:
    client = anthropic.Anthropic(base_url=gw.url, api_key=gw.create_key("ann"), max_retries=0, timeout=60)
    closing.append(client)
    return client


def chat(oai: openai.OpenAI, *parts: dict[str, Any]) -> None:
    messages: Any = [{"role": "user", "content": list(parts)}]
    oai.chat.completions.create(model="gpt-4o", messages=messages)


def claude(ant: anthropic.Anthropic, *parts: dict[str, Any]) -> None:
    messages: Any = [{"role": "user", "content": list(parts)}]
    ant.messages.create(model="claude-x", max_tokens=5, messages=messages)


def responses(oai: openai.OpenAI, *parts: dict[str, Any]) -> None:
    items: Any = [{"role": "user", "content": list(parts)}]
    oai.responses.create(model="gpt-4o", input=items)


def image_url(url: str) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": url}}


def image_block(media_type: str, data: str) -> dict[str, Any]:
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}


def sent_parts(mock: MockProvider, index: int = 0) -> list[Any]:
    body = mock.requests[index].body
    messages = body.get("messages") or body["input"]
    parts: list[Any] = messages[0]["content"]
    return parts


def test_real_media_passes_untouched_where_its_kind_is_allowed(
    oai: openai.OpenAI, ant: anthropic.Anthropic, mock: MockProvider
):
    png, jpeg, wav = media("png"), media("jpeg"), media("wav")
    parts = [
        image_url(f"data:image/png;base64,{png}"),
        image_url(f"data:image/webp;base64,{media('webp')}"),
        {"type": "input_audio", "input_audio": {"data": wav, "format": "wav"}},
        {"type": "input_audio", "input_audio": {"data": media("mp3 (ID3)"), "format": "mp3"}},
    ]
    chat(oai, *parts)
    assert sent_parts(mock) == parts
    claude(ant, image_block("image/jpeg", jpeg))
    assert sent_parts(mock, 1) == [image_block("image/jpeg", jpeg)]
    item = {"type": "input_image", "image_url": f"data:image/png;base64,{png}", "detail": "auto"}
    responses(oai, item)
    assert sent_parts(mock, 2) == [item]


def test_text_labelled_as_an_image_is_redacted_in_place_and_re_encoded(
    oai: openai.OpenAI, ant: anthropic.Anthropic, mock: MockProvider
):
    chat(oai, image_url(f"data:image/png;base64,{b64(MARKED)}"))
    assert sent_parts(mock)[0] == image_url(f"data:image/png;base64,{b64(REDACTED)}")
    claude(ant, image_block("image/png", b64(MARKED)))
    assert sent_parts(mock, 1) == [image_block("image/png", b64(REDACTED))]
    item = {"type": "input_file", "filename": "q3.pdf", "file_data": f"data:application/pdf;base64,{b64(MARKED)}"}
    responses(oai, item)
    assert sent_parts(mock, 2)[0]["file_data"] == f"data:application/pdf;base64,{b64(REDACTED)}"


def test_an_svg_is_screened_as_the_text_it_is(oai: openai.OpenAI, mock: MockProvider):
    clean = image_url(f"data:image/svg+xml;base64,{b64(SVG % b'hello')}")
    chat(oai, clean)
    assert sent_parts(mock) == [clean]
    chat(oai, image_url(f"data:image/svg+xml;base64,{b64(SVG % MARKED)}"))
    assert sent_parts(mock, 1) == [image_url(f"data:image/svg+xml;base64,{b64(SVG % REDACTED)}")]


@pytest.mark.parametrize(
    "part",
    [
        image_url(f"data:image/svg+xml;base64,{b64(SVG % AWS_KEY.encode())}"),
        image_url(f"data:image/png;base64,{b64(IMAGES['png'][:8] + b'notes: ' + AWS_KEY.encode())}"),
        image_url(f"data:image/png;base64,{b64(IMAGES['png'] + TEXT_CHUNK)}"),  # red team r2: after a real header
        {"type": "input_audio", "input_audio": {"data": b64(AUDIO["wav"] + TEXT_CHUNK), "format": "wav"}},
        {"type": "input_audio", "input_audio": {"data": b64(f"aws key {AWS_KEY}".encode()), "format": "wav"}},
        {"type": "file", "file": {"file_data": f"data:application/pdf;base64,{b64(f'key={AWS_KEY}'.encode())}"}},
        image_url(f"data:image/png;base64,notes: {AWS_KEY}"),  # not base64: screened as it is
        image_url(f"https://x.example/u/{AWS_KEY}/a.png"),
        image_url(f"https://x.example/a.png#k={AWS_KEY}"),
    ],
)
def test_a_key_hidden_in_media_never_reaches_the_provider_a_message_or_a_log(
    oai: openai.OpenAI, mock: MockProvider, capsys: pytest.CaptureFixture[str], part: dict[str, Any]
):
    capsys.readouterr()
    with pytest.raises(openai.PermissionDeniedError) as blocked:
        chat(oai, part)
    assert not mock.requests
    logged = capsys.readouterr().out
    for raw in (AWS_KEY, b64(AWS_KEY.encode())[:16]):
        assert raw not in str(blocked.value)
        assert raw not in logged
    assert "request" in logged  # the request line was written, without the value


def test_a_binary_that_is_not_the_declared_media_is_a_file(oai: openai.OpenAI, mock: MockProvider):
    for part in (
        image_url(f"data:image/png;base64,{b64(ZIP * 8)}"),
        image_url(f"data:image/png;base64,{media('wav')}"),
        {"type": "input_audio", "input_audio": {"data": media("png"), "format": "wav"}},
    ):
        with pytest.raises(openai.PermissionDeniedError) as blocked:
            chat(oai, part)
        assert "detection.unscreenable.files" in str(blocked.value)
    assert not mock.requests


def test_a_url_keeps_its_shape_and_only_a_finding_is_rewritten(oai: openai.OpenAI, mock: MockProvider):
    clean = image_url("https://cdn.example/u/42/photo.png?w=200#top")
    chat(oai, clean)
    assert sent_parts(mock) == [clean]
    chat(oai, image_url("https://cdn.example/CONFIDENTIAL/photo.png?w=200#top"))
    assert sent_parts(mock, 1) == [image_url("https://cdn.example/[CLASSIFICATION_MARKER]/photo.png?w=200#top")]
