"""Control-assurance traffic is kept out of limits and spend: a gateway key of the assurance user is neither
refused nor charged by a budget that refuses staff, and its exchanges are marked; an SSO header naming that
user is a person like any other (anyone able to set the header could claim the name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from gateway.auth.identity import ASSURANCE_USER
from tests.conftest import StartGateway
from tests.gateway.usage.test_limits_e2e import PRICES, chat, oai, start, write_policy

# One request a minute for the whole group, and the assurance user's own rule: each would refuse the
# second request of a caller it applied to.
ECHO_PRICE = {"provider": "echo", "models": "*", "input": "2", "output": "8", "currency": "USD"}
RULES = (
    "    - {group: everyone, shared: true, requests_per_minute: 1}\n"
    f"    - {{user: {ASSURANCE_USER}, requests_per_minute: 1}}\n"
)


def test_an_assurance_key_is_neither_refused_nor_charged_by_a_budget(
    tmp_path: Path, start_gateway: StartGateway, closing: list[Any]
) -> None:
    gateway = start(start_gateway, write_policy(tmp_path, RULES), prices=[*PRICES, ECHO_PRICE])
    probe = oai(gateway, gateway.create_key(ASSURANCE_USER))  # the default group: everyone
    closing.append(probe)
    for _ in range(3):
        raw = probe.chat.completions.with_raw_response.create(  # probes reach echo models only
            model="echo-1", messages=[{"role": "user", "content": "hello there"}]
        )
        assert raw.http_response.status_code == 200
        assert "x-ratelimit-limit-requests" not in raw.headers  # not admitted against any limit
        record = gateway.log_record(raw.headers["x-request-id"])
        assert record["assurance"] is True
        assert record["cost_currency"] == "USD"  # the record still says what it cost
    metrics = httpx.get(f"{gateway.admin_url}/metrics").text
    assert "aigw_spend_total{" not in metrics  # priced, but not spend
    staff = oai(gateway, gateway.create_key("ann"))
    closing.append(staff)
    raw = chat(staff)  # the probes ate none of the group's shared budget
    assert raw.http_response.status_code == 200
    assert raw.headers["x-ratelimit-remaining-requests"] == "0"
    assert gateway.log_record(raw.headers["x-request-id"])["assurance"] is False
    with pytest.raises(openai.RateLimitError):
        chat(staff)
    metrics = httpx.get(f"{gateway.admin_url}/metrics").text
    assert 'aigw_spend_total{currency="USD",group="everyone",model="gpt-4o-mini"}' in metrics  # staff's is


def test_an_sso_identity_claiming_the_assurance_user_is_charged_and_not_marked(
    tmp_path: Path, start_gateway: StartGateway, closing: list[Any]
) -> None:
    gateway = start(
        start_gateway,
        write_policy(tmp_path, f"    - {{user: {ASSURANCE_USER}, requests_per_minute: 1}}\n"),
        identity={"modes": ["keys", "trusted_header"], "trusted_header": {"trusted_proxies": ["127.0.0.0/8"]}},
    )
    claimed = {"x-forwarded-user": ASSURANCE_USER, "x-forwarded-groups": "everyone"}
    client = openai.OpenAI(
        base_url=f"{gateway.url}/v1", api_key="sso", max_retries=0, timeout=30, default_headers=claimed
    )
    closing.append(client)
    raw = chat(client)
    assert raw.headers["x-ratelimit-remaining-requests"] == "0"  # charged under the user's rule
    record = gateway.log_record(raw.headers["x-request-id"])
    assert (record["user_name"], record["auth"], record["assurance"]) == (ASSURANCE_USER, "trusted_header", False)
    with pytest.raises(openai.RateLimitError):
        chat(client)
