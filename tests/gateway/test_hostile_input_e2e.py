"""Hostile requests and misbehaving providers through the real gateway, with the real SDKs:
each gets a clear answer, the audit trail keeps running, and the next start is clean.

The mock provider picks its fault from the model name (``gpt-4o-fault-<mode>``,
loadtests/mock_faults.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anthropic
import httpx
import openai
import pytest

from gateway.lifecycle.state import STATE
from gateway.promptlog.crypto import rotate_key_file
from gateway.promptlog.record import open_text
from gateway.testing import RunningGateway
from tests.conftest import TEST_POLICY, StartGateway

FULL_LOG = TEST_POLICY.read_text() + "prompt_log:\n  level: full\n"
SCANNING = TEST_POLICY.read_text() + (  # answers are screened as they stream, as under the default policy
    "detection:\n  secrets: {}\n  pii: {entities: [US_SSN]}\n"
    "data_rules:\n  - {id: ssn-redact, match: {entity_types: [US_SSN]}, action: redact}\n"
)


@pytest.fixture
def logged(start_gateway: StartGateway, tmp_path: Path) -> RunningGateway:
    """A gateway whose log keeps full text, so the sealing paths run."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(FULL_LOG)
    rotate_key_file(tmp_path / "log-keys.json")
    return start_gateway(policy_path=str(policy))


def post(gateway: RunningGateway, key: str, body: bytes, path: str = "/v1/chat/completions") -> httpx.Response:
    headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}
    return httpx.post(gateway.url + path, content=body, headers=headers, timeout=30)


def ready(gateway: RunningGateway) -> dict[str, Any]:
    answer = httpx.get(gateway.admin_url + "/readyz", timeout=10)
    body: dict[str, Any] = answer.json()
    assert answer.status_code == 200, body
    return body


@pytest.mark.parametrize(
    "body",
    [
        b'{"model": "gpt-\\ud800", "messages": [{"role": "user", "content": "hi"}]}',  # the request
        b'{"model": "gpt-4o", "messages": [{"role": "user", "content": "cut \\ud83d"}]}',
        b'{"model": "gpt-4o", "messages": ' + b"[" * 1_000 + b"]" * 1_000 + b"}",
        b'{"model": "gpt-4o", "model": "gpt-4o-mini", "messages": []}',
    ],
    ids=["surrogate-model", "surrogate-text", "deep", "duplicate-key"],
)
def test_hostile_bodies_get_400_and_the_audit_trail_keeps_running(logged: RunningGateway, body: bytes) -> None:
    key = logged.create_key("alice", "engineering")
    answer = post(logged, key, body)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_json"
    refused_id = answer.headers["x-request-id"]
    for _ in range(3):  # the writer and the recorder are still alive: later exchanges are recorded
        ok = post(logged, key, b'{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}')
        assert ok.status_code == 200
    assert logged.log_record(ok.headers["x-request-id"])["status"] == 200
    assert logged.log_record(refused_id)["status"] == 400
    checks = ready(logged)["checks"]
    assert checks["prompt_log"]
    assert checks["incident_log"]


def test_a_broken_stream_ends_in_an_error_event_both_sdks_raise(
    start_gateway: StartGateway, tmp_path: Path, closing: list[Any]
) -> None:
    policy = tmp_path / "scanning.yaml"
    policy.write_text(SCANNING)
    gateway = start_gateway(policy_path=str(policy), detection={"workers": 1})
    eng_key = gateway.create_key("alice", "engineering")
    client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=eng_key, max_retries=0, timeout=30)
    closing.append(client)
    stream = client.chat.completions.create(
        model="gpt-4o-fault-deep", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    with pytest.raises(openai.APIError):
        list(stream)
    raw = httpx.post(
        f"{gateway.url}/v1/chat/completions",
        timeout=30,
        headers={"authorization": f"Bearer {eng_key}", "content-type": "application/json"},
        json={"model": "gpt-4o-fault-deep", "stream": True, "messages": [{"role": "user", "content": "x"}]},
    )
    assert raw.status_code == 200
    assert b"HTTP/1.1" not in raw.content  # the old code wrote a 500 response into the chunked body
    assert raw.content.rstrip().endswith(b"}")  # ends with the error event
    assert json.loads(raw.content.rstrip().split(b"data: ")[-1])["error"]["code"] == "upstream_invalid_response"
    messages = anthropic.Anthropic(base_url=gateway.url, api_key=eng_key, max_retries=0, timeout=30)
    closing.append(messages)
    with (
        pytest.raises(anthropic.APIError),
        messages.messages.stream(
            model="claude-sonnet-5-5-fault-deep", max_tokens=50, messages=[{"role": "user", "content": "hi"}]
        ) as events,
    ):
        for _ in events:
            pass
    ready(gateway)


@pytest.mark.parametrize("mode", ["usage-2p63", "usage-2p64", "surrogate"])
@pytest.mark.parametrize("stream", [False, True])
def test_provider_values_no_column_takes_are_logged_safely(logged: RunningGateway, mode: str, stream: bool) -> None:
    key = logged.create_key("alice", "engineering")
    body = {"model": f"gpt-4o-fault-{mode}", "stream": stream, "messages": [{"role": "user", "content": "hi"}]}
    answer = post(logged, key, json.dumps(body).encode())
    assert answer.status_code == 200
    row = logged.log_record(answer.headers["x-request-id"])
    assert row["prompt_tokens"] is None or row["prompt_tokens"] < 2**53
    state = logged.server.app[STATE]
    keyring = state.prompt_log.keyring
    assert keyring is not None
    text = open_text(row, "response", keyring)
    assert text is not None
    assert text.encode()
    assert ready(logged)["checks"]["prompt_log"]


def test_an_unreadable_whole_answer_is_withheld_not_a_500(gateway: RunningGateway, eng_key: str) -> None:
    body = {"model": "gpt-4o-fault-deep", "messages": [{"role": "user", "content": "hi"}]}
    answer = post(gateway, eng_key, json.dumps(body).encode())
    assert answer.status_code == 502
    assert answer.json()["error"]["code"] == "upstream_invalid_response"


@pytest.mark.parametrize("mode", ["tool-calls-5", "surrogate"])
@pytest.mark.parametrize("model", ["gpt-4o", "claude-sonnet-5-5"])
def test_odd_streams_are_screened_and_relayed_whole(
    start_gateway: StartGateway, tmp_path: Path, mode: str, model: str
) -> None:
    """Wrong types and lone surrogate escapes in a screened stream: relayed, not cut (the fuzzer's finds)."""
    policy = tmp_path / "scanning.yaml"
    policy.write_text(SCANNING)
    gateway = start_gateway(policy_path=str(policy), detection={"workers": 1})
    key = gateway.create_key("alice", "engineering")
    path = "/v1/messages" if model.startswith("claude") else "/v1/chat/completions"
    body = {
        "model": f"{model}-fault-{mode}",
        "stream": True,
        "max_tokens": 50,
        "messages": [{"role": "user", "content": "hi"}],
    }
    answer = post(gateway, key, json.dumps(body).encode(), path)
    assert answer.status_code == 200
    assert b'"error"' not in answer.content


def test_a_body_that_does_not_match_its_content_encoding_is_a_400(gateway: RunningGateway, eng_key: str) -> None:
    headers = {"authorization": f"Bearer {eng_key}", "content-type": "application/json", "content-encoding": "gzip"}
    body = b'{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}'
    answer = httpx.post(gateway.url + "/v1/chat/completions", content=body, headers=headers, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_body"
    assert answer.headers["connection"] == "close"  # not read on (aiohttp would log a traceback)


def test_a_keep_alive_client_goes_on_after_a_stream_ended_by_an_error(
    start_gateway: StartGateway, tmp_path: Path
) -> None:
    """The connection stays usable: closing it after the error event raced with the next request."""
    policy = tmp_path / "scanning.yaml"
    policy.write_text(SCANNING)
    gateway = start_gateway(policy_path=str(policy), detection={"workers": 1})
    key = gateway.create_key("alice", "engineering")
    headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}
    broken = {"model": "gpt-4o-fault-deep", "stream": True, "messages": [{"role": "user", "content": "x"}]}
    fine = {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}
    with httpx.Client(base_url=gateway.url, headers=headers, timeout=30) as client:
        for _ in range(10):
            assert b'"error"' in client.post("/v1/chat/completions", json=broken).content
            assert client.post("/v1/chat/completions", json=fine).status_code == 200
