"""An endpoint added later is served end to end once its dialect is written and one ``Endpoint``
names it (issue 17, step 4): the test-only ``/v1/notes`` (tests/gateway/wire/notes_dialect.py),
registered beside the real ones, is routed, screened by the policy's data rules, echoed in its own
shape whole and streamed, and refused in its API's error shape."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gateway.errors import SensitiveDataBlocked
from gateway.server import app
from gateway.testing import BackgroundLoop, RunningGateway
from gateway.wire.endpoints import ENDPOINTS
from gateway.wire.sse_parse import SseParser
from loadtests.mock_provider import MockProvider
from tests.conftest import DATA, policy_gateway
from tests.gateway.wire.notes_dialect import ANTHROPIC_NOTES, NOTES

CARD = "4111 1111 1111 1111"  # the PII policy redacts cards
SSN = "536-22-8726"  # and blocks US social security numbers


@pytest.fixture(scope="module")
def gw(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    with contextlib.ExitStack() as running:
        with pytest.MonkeyPatch.context() as patch:  # registered while the app is built, as ENDPOINTS would
            patch.setattr(app, "ENDPOINTS", (*ENDPOINTS, NOTES, ANTHROPIC_NOTES))
            policy = DATA / "policy_pii.yaml"
            gateway = running.enter_context(policy_gateway(bg_loop, mock_server, tmp_path_factory.mktemp("gw"), policy))
        yield gateway


def post(gw: RunningGateway, body: dict[str, Any], path: str = NOTES.path) -> httpx.Response:
    key = gw.create_key("ann")
    return httpx.post(f"{gw.url}{path}", json=body, headers={"authorization": f"Bearer {key}"}, timeout=60)


def test_a_new_endpoint_is_screened_and_answered_in_its_own_shape(gw: RunningGateway) -> None:
    reply = post(gw, {"model": "echo-1", "prompt": f"pay with {CARD} today"})
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert answer["object"] == "note"
    assert CARD not in answer["note"]  # what went upstream: redacted before it left
    assert answer["note"].startswith("pay with ")


def test_a_new_endpoint_streams_in_its_own_events(gw: RunningGateway) -> None:
    reply = post(gw, {"model": "echo-1", "prompt": f"pay with {CARD} today", "stream": True})
    assert reply.status_code == 200, reply.text
    events = [(e.event, e.json()) for e in SseParser().feed(reply.content)]
    assert events[-1][0] == "note.done"
    text = "".join(obj["delta"] for name, obj in events if name == "note.delta")
    assert text.startswith("pay with ")
    assert text.endswith(" today")
    assert CARD not in text


def test_a_new_endpoint_refuses_in_its_apis_error_shape(gw: RunningGateway) -> None:
    reply = post(gw, {"model": "echo-1", "prompt": f"my SSN is {SSN}"})
    assert reply.status_code == SensitiveDataBlocked.status
    assert SSN not in reply.text
    error = reply.json()
    assert "type" not in error  # OpenAI's shape (NOTES.api), not Anthropic's {"type": "error", ...}
    assert error["error"]["code"] == SensitiveDataBlocked.code


def test_a_new_anthropic_endpoint_refuses_in_anthropics_shape_whatever_its_path(gw: RunningGateway) -> None:
    """The error shape comes from the endpoint's declared API, not from a path prefix."""
    reply = post(gw, {"model": "echo-1", "prompt": f"my SSN is {SSN}"}, ANTHROPIC_NOTES.path)
    assert reply.status_code == SensitiveDataBlocked.status
    assert SSN not in reply.text
    error = reply.json()
    assert error["type"] == "error"  # Anthropic's {"type": "error", "error": {"type": ..., "message": ...}}
    assert error["error"]["type"] == SensitiveDataBlocked.anthropic_type
    assert "code" not in error["error"]  # OpenAI's shape would carry one
    answer = post(gw, {"model": "echo-1", "prompt": f"pay with {CARD} today"}, ANTHROPIC_NOTES.path)
    assert answer.status_code == 200, answer.text
    assert CARD not in answer.json()["note"]
