"""What a request is charged however it ended: the provider's final usage, at least the estimate when
the caller hung up or a stream was cut before its final usage, nothing when the provider did no work."""

from __future__ import annotations

import time
from pathlib import Path

import anthropic
import httpx
import openai
import pytest

from gateway.lifecycle.state import STATE
from gateway.promptlog.store import SearchQuery
from gateway.testing import RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import UPSTREAM_ENV, StartGateway, free_port

BASE = """\
policy: {id: settle-test, version: "1"}
default_group: everyone
groups:
  everyone:
    approved_tools:
      - {provider: openai, models: ["gpt-*"]}
      - {provider: anthropic, models: ["claude-*"]}
limits:
  rules:
    - {user: ann, tokens_per_day: 1000000}
"""
LIMIT = 1_000_000
PROBE_ESTIMATE = 2  # the probe's prompt "a" (1 token) and its max_tokens 1
WORDS = " ".join(f"w{i}" for i in range(400))  # 400 stream pieces of about five characters


def start(start_gateway: StartGateway, tmp_path: Path, more: str = "", **overrides: object) -> RunningGateway:
    path = tmp_path / "p.yaml"
    path.write_text(BASE + more, encoding="utf-8")
    return start_gateway(policy_path=str(path), **overrides)


class Meter:
    """ann's tokens used so far, read from the x-ratelimit headers of a small probe request."""

    def __init__(self, gateway: RunningGateway) -> None:
        self.gateway, self.key = gateway, gateway.create_key("ann")
        self.client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=self.key, max_retries=0, timeout=30)
        first = self._used()
        self.probe = self._used() - first  # what one probe is charged once settled
        self.mark = self._used()

    def _used(self) -> int:
        raw = self.client.chat.completions.with_raw_response.create(
            model="gpt-4o", messages=[{"role": "user", "content": "a"}], max_tokens=1
        )
        return LIMIT - int(raw.headers["x-ratelimit-remaining-tokens"]) - PROBE_ESTIMATE

    def charged(self) -> int:
        """Tokens charged since the last call, probes aside."""
        now = self._used()
        charged, self.mark = now - self.mark - self.probe, now
        return charged


def wait_for_disconnect(gateway: RunningGateway) -> None:
    """Until the gateway has finished the request the caller hung up on (the charge is settled before)."""
    deadline = time.monotonic() + 10
    while 'status="499"' not in httpx.get(f"{gateway.admin_url}/metrics").text:
        assert time.monotonic() < deadline, "the gateway never finished the request"
        time.sleep(0.05)


def test_a_caller_hanging_up_on_a_whole_answer_is_charged_the_estimate(
    tmp_path: Path, start_gateway: StartGateway, mock: MockProvider
) -> None:
    gateway = start(start_gateway, tmp_path)
    meter = Meter(gateway)
    mock.configure(ttft_ms=3000)  # the provider is working on it when the caller gives up
    with pytest.raises(httpx.TimeoutException):
        httpx.post(
            f"{gateway.url}/v1/chat/completions",
            headers={"authorization": f"Bearer {meter.key}"},
            json={"model": "gpt-4o", "messages": [{"role": "user", "content": "x" * 40_000}], "max_tokens": 20_000},
            timeout=0.5,
        )
    wait_for_disconnect(gateway)
    mock.configure(ttft_ms=0)
    assert meter.charged() == 10_000 + 20_000  # the provider may bill all of it: the estimate stands


def _cut_stream(gateway: RunningGateway, path: str, headers: dict[str, str], body: dict[str, object], n: int) -> None:
    with httpx.stream("POST", f"{gateway.url}{path}", headers=headers, json=body, timeout=10) as response:
        assert response.status_code == 200
        seen = 0
        for line in response.iter_lines():
            seen += line.startswith("data:") and '"usage"' not in line
            if seen >= n:
                break


def test_an_openai_stream_cut_without_max_tokens_is_charged_what_was_relayed(
    tmp_path: Path, start_gateway: StartGateway, mock: MockProvider
) -> None:
    gateway = start(start_gateway, tmp_path)
    meter = Meter(gateway)
    mock.configure(reply_text=WORDS, hold_after_chunks=390)
    body = {"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    _cut_stream(gateway, "/v1/chat/completions", {"authorization": f"Bearer {meter.key}"}, body, 380)
    mock.release()
    wait_for_disconnect(gateway)
    mock.configure(hold_after_chunks=-1, reply_text="Hello from the mock provider.")
    assert meter.charged() >= 400  # the text relayed (about 1800 characters), at about four characters a token


def test_an_anthropic_stream_cut_before_message_delta_is_not_charged_one_output_token(
    tmp_path: Path, start_gateway: StartGateway, mock: MockProvider
) -> None:
    gateway = start(start_gateway, tmp_path)
    meter = Meter(gateway)
    mock.configure(reply_text=WORDS, hold_after_chunks=200)
    messages = [{"role": "user", "content": "hi"}]
    body = {"model": "claude-haiku-5-5", "max_tokens": 4000, "stream": True, "messages": messages}
    headers = {"x-api-key": meter.key, "anthropic-version": "2023-06-01"}
    _cut_stream(gateway, "/v1/messages", headers, body, 150)
    mock.release()
    wait_for_disconnect(gateway)
    mock.configure(hold_after_chunks=-1, reply_text="Hello from the mock provider.")
    assert meter.charged() >= 4000  # message_start's output_tokens 1 is not final: the estimate stands


def test_a_finished_stream_is_charged_its_usage_and_an_error_answer_nothing(
    tmp_path: Path, start_gateway: StartGateway, mock: MockProvider
) -> None:
    gateway = start(start_gateway, tmp_path)
    meter = Meter(gateway)
    client = meter.client
    with client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True, max_tokens=4000
    ) as stream:
        assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert meter.charged() < 100  # the usage chunk is final: not the 4000 asked for
    mock.configure(error_status=500)
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x" * 4000}], max_tokens=9)
    mock.configure(error_status=0)
    assert meter.charged() == 0


def test_a_provider_that_cannot_be_reached_charges_nothing(
    tmp_path: Path, start_gateway: StartGateway, mock: MockProvider
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there: the connection is refused
    providers = {"anthropic": {"base_url": closed}}
    gateway = start(start_gateway, tmp_path, providers=providers)
    meter = Meter(gateway)
    response = httpx.post(
        f"{gateway.url}/v1/messages",
        headers={"x-api-key": meter.key, "anthropic-version": "2023-06-01"},
        json={"model": "claude-haiku-5-5", "max_tokens": 500, "messages": [{"role": "user", "content": "y" * 400}]},
        timeout=10,
    )
    assert response.status_code == 502
    assert meter.charged() == 0


def test_a_provider_without_its_key_charges_nothing(
    tmp_path: Path, start_gateway: StartGateway, mock: MockProvider
) -> None:
    gateway = start(start_gateway, tmp_path, env={"MOCK_OPENAI_KEY": UPSTREAM_ENV["MOCK_OPENAI_KEY"]})
    meter = Meter(gateway)
    response = httpx.post(
        f"{gateway.url}/v1/messages",
        headers={"x-api-key": meter.key, "anthropic-version": "2023-06-01"},
        json={"model": "claude-haiku-5-5", "max_tokens": 500, "messages": [{"role": "user", "content": "y" * 400}]},
        timeout=10,
    )
    assert response.status_code == 503
    assert meter.charged() == 0


def test_counting_tokens_is_a_request_not_tokens_or_spend(
    tmp_path: Path, start_gateway: StartGateway, mock: MockProvider
) -> None:
    prices = [{"provider": "anthropic", "models": "claude-*", "input": "3", "output": "15", "currency": "USD"}]
    more = "    - {user: ann, requests_per_minute: 100, spend_per_day: 10}\n"
    gateway = start(start_gateway, tmp_path, more, prices=prices)
    meter = Meter(gateway)
    client = anthropic.Anthropic(base_url=gateway.url, api_key=meter.key, max_retries=0)
    remaining = []
    for _ in range(3):
        raw = client.messages.with_raw_response.count_tokens(
            model="claude-haiku-5-5", messages=[{"role": "user", "content": "y" * 4000}]
        )
        remaining.append(int(raw.headers["x-ratelimit-remaining-requests"]))
    assert remaining[0] - remaining[2] == 2  # each counted as a request
    assert meter.charged() == 0  # a 1,000-token prompt counted three times before
    spend = [line for line in httpx.get(f"{gateway.admin_url}/metrics").text.splitlines() if "claude" in line]
    assert not [line for line in spend if line.startswith("aigw_spend_total")]


def test_a_cut_stream_is_priced_on_the_answer_relayed_not_the_last_usage_seen(
    tmp_path: Path, start_gateway: StartGateway, mock: MockProvider
) -> None:
    prices = [{"provider": "anthropic", "models": "claude-*", "input": "3", "output": "15", "currency": "USD"}]
    gateway = start(start_gateway, tmp_path, prices=prices)
    key = gateway.create_key("ann")
    mock.configure(reply_text=WORDS, hold_after_chunks=200)
    messages = [{"role": "user", "content": "hi"}]
    body = {"model": "claude-haiku-5-5", "max_tokens": 4000, "stream": True, "messages": messages}
    headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
    _cut_stream(gateway, "/v1/messages", headers, body, 150)
    mock.release()
    wait_for_disconnect(gateway)
    mock.configure(hold_after_chunks=-1, reply_text="Hello from the mock provider.")
    [row] = gateway.run(_records(gateway))
    # about 150 deltas of five characters went out: at least 100 output tokens at 15 USD a million
    assert row["cost"] >= 100 * 15 / 1_000_000
    assert row["cost_currency"] == "USD"


async def _records(gateway: RunningGateway) -> list[dict[str, object]]:
    state = gateway.server.app[STATE]
    await state.prompt_log.writer.flush()
    return await state.prompt_log.store.search(SearchQuery(user="ann", model="claude-haiku-5-5"))
