"""A provider's response header reaches the caller only in its documented shape, through the
real gateway: the red team's AWS key in ``retry-after`` on a 429 is dropped, a number passes."""

from __future__ import annotations

import httpx

from gateway.testing import RunningGateway
from loadtests.mock_provider import MockProvider

AWS = "AKIA" + "IOSFODNN7EXAMPLQ"


def ask(gateway: RunningGateway, key: str) -> httpx.Response:
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
    return httpx.post(f"{gateway.url}/v1/chat/completions", json=body, headers={"authorization": f"Bearer {key}"})


def test_a_retry_after_out_of_shape_is_dropped_and_a_number_relayed(
    gateway: RunningGateway, eng_key: str, mock: MockProvider
) -> None:
    mock.configure(error_status=429, retry_after=AWS)
    refused = ask(gateway, eng_key)
    assert refused.status_code == 429
    assert "retry-after" not in refused.headers
    assert AWS not in str(refused.headers)
    mock.configure(error_status=429, retry_after="7")
    assert ask(gateway, eng_key).headers["retry-after"] == "7"
