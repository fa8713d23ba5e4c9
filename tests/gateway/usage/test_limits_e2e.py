"""Rate limits and budgets end to end: a real gateway, the real OpenAI and Anthropic SDKs, the mock provider."""

from __future__ import annotations

import calendar
import time
from pathlib import Path
from typing import Any

import anthropic
import httpx
import openai
import pytest

from gateway.incidents.store import IncidentQuery
from gateway.lifecycle.state import STATE
from gateway.testing import RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import StartGateway

BASE = """\
policy: {id: limits-test, version: "1"}
default_group: everyone
groups:
  everyone:
    approved_tools:
      - {provider: echo, models: ["*"]}
      - {provider: openai, models: ["gpt-*"]}
      - {provider: anthropic, models: ["claude-*"]}
  engineering:
    approved_tools:
      - {provider: openai, models: ["gpt-*"]}
      - {provider: anthropic, models: ["claude-*"]}
limits:
  rules:
"""
PRICES = [{"provider": "openai", "models": "gpt-*", "input": "2", "output": "8", "currency": "USD"}]


def write_policy(tmp_path: Path, rules: str, name: str = "limits.yaml") -> Path:
    path = tmp_path / name
    path.write_text(BASE + rules, encoding="utf-8")
    return path


def start(start_gateway: StartGateway, policy: Path, **overrides: Any) -> RunningGateway:
    return start_gateway(policy_path=str(policy), policy_reload={"watch_interval_s": 0.05}, **overrides)


def oai(gateway: RunningGateway, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0, timeout=30)


def chat(client: openai.OpenAI, **extra: Any) -> Any:
    return client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hello there"}], **extra
    )


def incidents(gateway: RunningGateway) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        state = gateway.server.app[STATE]
        await state.incidents.flush()
        return await state.incidents.store.search(IncidentQuery())

    return gateway.run(read())


def test_the_request_past_the_limit_is_refused_with_openai_headers(tmp_path: Path, start_gateway: StartGateway) -> None:
    policy = write_policy(tmp_path, "    - {group: everyone, requests_per_minute: 3}\n")
    gateway = start(start_gateway, policy)
    client = oai(gateway, gateway.create_key("ann"))
    remaining = []
    for _ in range(3):
        raw = chat(client)
        assert raw.http_response.status_code == 200
        assert raw.headers["x-ratelimit-limit-requests"] == "3"
        remaining.append(raw.headers["x-ratelimit-remaining-requests"])
    assert remaining == ["2", "1", "0"]
    with pytest.raises(openai.RateLimitError) as info:
        chat(client)
    err = info.value
    assert err.status_code == 429
    assert err.code == "rate_limit_exceeded"
    assert int(err.response.headers["retry-after"]) >= 1
    assert err.response.headers["x-ratelimit-remaining-requests"] == "0"
    assert err.response.headers["x-ratelimit-reset-requests"].endswith("s")
    assert "limits.rules[0]" in err.message
    assert "3 requests per minute" in err.message
    other = oai(gateway, gateway.create_key("bob"))  # each member of the group has their own count
    assert chat(other).http_response.status_code == 200
    found = [i for i in incidents(gateway) if i["type"] == "RATE_OR_BUDGET_EXCEEDED"]
    assert len(found) == 1
    assert found[0]["actor"]["user"] == "ann"
    assert found[0]["details"]["limit"] == "requests_per_minute"


def test_anthropic_routes_get_anthropics_429(tmp_path: Path, start_gateway: StartGateway) -> None:
    policy = write_policy(tmp_path, "    - {group: everyone, requests_per_minute: 1}\n")
    gateway = start(start_gateway, policy)
    client = anthropic.Anthropic(base_url=gateway.url, api_key=gateway.create_key("ann"), max_retries=0)
    ok = client.messages.with_raw_response.create(
        model="claude-haiku-5-5", max_tokens=20, messages=[{"role": "user", "content": "hi"}]
    )
    assert ok.headers["x-ratelimit-remaining-requests"] == "0"
    assert ok.headers["anthropic-ratelimit-requests-limit"] == "1"
    assert ok.headers["anthropic-ratelimit-requests-remaining"] == "0"
    assert ok.headers["anthropic-ratelimit-requests-reset"].endswith("Z")
    with pytest.raises(anthropic.RateLimitError) as info:
        client.messages.create(model="claude-haiku-5-5", max_tokens=20, messages=[{"role": "user", "content": "hi"}])
    body = info.value.body
    assert isinstance(body, dict)
    assert body["error"]["type"] == "rate_limit_error"
    assert info.value.response.headers["retry-after"]
    client.close()


def test_a_stream_past_the_token_budget_finishes_and_the_next_is_refused(
    tmp_path: Path, start_gateway: StartGateway, mock: MockProvider
) -> None:
    mock.configure(reply_text=" ".join(f"word{i}" for i in range(60)))
    policy = write_policy(tmp_path, "    - {user: ann, tokens_per_day: 40}\n")
    gateway = start(start_gateway, policy)
    client = oai(gateway, gateway.create_key("ann"))
    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hello"}], stream=True
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.startswith("word0")
    assert "word59" in text
    assert all(c.choices for c in chunks)  # the usage chunk the gateway asked for was taken out
    assert all(c.usage is None for c in chunks)
    sent = mock.requests[-1].body
    assert sent["stream_options"] == {"include_usage": True}
    with pytest.raises(openai.RateLimitError) as info:
        chat(client)
    assert info.value.type == "tokens"
    assert "tokens per day" in info.value.message


def test_a_caller_that_asked_for_usage_keeps_it(tmp_path: Path, start_gateway: StartGateway) -> None:
    policy = write_policy(tmp_path, "    - {user: ann, tokens_per_day: 100000}\n")
    gateway = start(start_gateway, policy)
    client = oai(gateway, gateway.create_key("ann"))
    chunks = list(
        client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "hello"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    assert chunks[-1].usage is not None
    assert chunks[-1].choices == []


def test_spend_budget_refuses_with_insufficient_quota(
    tmp_path: Path, start_gateway: StartGateway, mock: MockProvider
) -> None:
    mock.configure(reply_text=" ".join(f"w{i}" for i in range(200)))
    # 0.002 USD a day; one answer of ~200 tokens at 8 USD per million output tokens costs ~0.0016
    policy = write_policy(tmp_path, "    - {group: everyone, spend_per_day: 0.002}\n")
    gateway = start(start_gateway, policy, prices=PRICES)
    client = oai(gateway, gateway.create_key("ann"))
    assert chat(client).http_response.status_code == 200
    raw = chat(client)  # 0.0016 < 0.002: admitted, then passes it
    record = gateway.log_record(raw.headers["x-request-id"])
    assert record["cost_currency"] == "USD"
    assert 0.001 < record["cost"] < 0.003  # the prompt log's cost column, from the provider's usage
    with pytest.raises(openai.RateLimitError) as info:
        chat(client)
    assert info.value.code == "insufficient_quota"
    found = [i for i in incidents(gateway) if i["type"] == "RATE_OR_BUDGET_EXCEEDED"]
    assert found
    assert found[0]["severity"] == "medium"
    metrics = httpx.get(f"{gateway.admin_url}/metrics").text
    assert 'aigw_spend_total{currency="USD",group="everyone",model="gpt-4o-mini"}' in metrics
    assert 'aigw_limit_hits_total{group="everyone",limit="spend_per_day",model="gpt-4o-mini"} 1.0' in metrics
    assert 'aigw_limit_used_ratio{group="everyone",limit="spend_per_day"}' in metrics


def test_most_generous_group_and_most_specific_rule(tmp_path: Path, start_gateway: StartGateway) -> None:
    rules = (
        "    - {group: everyone, requests_per_minute: 1}\n"
        "    - {group: engineering, requests_per_minute: 2}\n"
        "    - {user: carol, requests_per_minute: 1}\n"
    )
    gateway = start(start_gateway, write_policy(tmp_path, rules))
    both = oai(gateway, gateway.create_key("dave", "everyone", "engineering"))
    assert chat(both).headers["x-ratelimit-limit-requests"] == "2"  # the more generous of his two groups
    carol = oai(gateway, gateway.create_key("carol", "engineering"))
    assert chat(carol).headers["x-ratelimit-limit-requests"] == "1"  # her own rule beats her group's


def test_a_policy_reload_changes_limits_live_and_keeps_the_count(tmp_path: Path, start_gateway: StartGateway) -> None:
    policy = write_policy(tmp_path, "    - {group: everyone, requests_per_minute: 2}\n")
    gateway = start(start_gateway, policy)
    client = oai(gateway, gateway.create_key("ann"))
    chat(client)
    chat(client)
    with pytest.raises(openai.RateLimitError):
        chat(client)
    policy.write_text(BASE + "    - {group: everyone, requests_per_minute: 4}\n", encoding="utf-8")
    deadline = time.monotonic() + 10
    while gateway.server.app[STATE].policy.document.limits.rules[0].requests_per_minute != 4:
        assert time.monotonic() < deadline, "the policy was not reloaded"
        time.sleep(0.05)
    raw = chat(client)  # two used of four
    assert raw.headers["x-ratelimit-limit-requests"] == "4"
    assert raw.headers["x-ratelimit-remaining-requests"] == "1"


def test_no_limits_no_headers_and_spend_still_counted(start_gateway: StartGateway, tmp_path: Path) -> None:
    rules = "    - {user: nobody-here, requests_per_minute: 1}\n"
    gateway = start(start_gateway, write_policy(tmp_path, rules), prices=PRICES)
    raw = chat(oai(gateway, gateway.create_key("ann")))
    assert "x-ratelimit-limit-requests" not in raw.headers
    assert raw.headers["x-ratelimit-remaining-requests"] == "999"  # the provider's own, relayed
    metrics = httpx.get(f"{gateway.admin_url}/metrics").text
    assert 'aigw_spend_total{currency="USD",group="everyone",model="gpt-4o-mini"}' in metrics


def test_an_anthropic_stream_is_counted_and_max_tokens_is_admitted_up_front(
    tmp_path: Path, start_gateway: StartGateway, mock: MockProvider
) -> None:
    mock.configure(reply_text=" ".join(f"w{i}" for i in range(50)))
    gateway = start(start_gateway, write_policy(tmp_path, "    - {user: ann, tokens_per_minute: 100}\n"))
    client = anthropic.Anthropic(base_url=gateway.url, api_key=gateway.create_key("ann"), max_retries=0)
    with pytest.raises(anthropic.RateLimitError):  # 1000 asked for cannot fit in 100 a minute
        client.messages.create(model="claude-haiku-5-5", max_tokens=1000, messages=[{"role": "user", "content": "hi"}])
    with client.messages.stream(
        model="claude-haiku-5-5", max_tokens=20, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        message = stream.get_final_message()
    assert message.usage.output_tokens > 20  # the mock ignores max_tokens; the provider's usage counts
    raw = client.messages.with_raw_response.create(
        model="claude-haiku-5-5", max_tokens=5, messages=[{"role": "user", "content": "hi"}]
    )
    used = 100 - int(raw.headers["x-ratelimit-remaining-tokens"])
    assert used >= message.usage.input_tokens + message.usage.output_tokens
    client.close()


def test_monitor_mode_records_the_refusal_and_lets_it_through(tmp_path: Path, start_gateway: StartGateway) -> None:
    policy = write_policy(tmp_path, "    - {group: everyone, requests_per_minute: 1}\n")
    policy.write_text(policy.read_text().replace('version: "1"}', 'version: "1", mode: monitor}'))
    gateway = start(start_gateway, policy)
    client = oai(gateway, gateway.create_key("ann"))
    assert [chat(client).http_response.status_code for _ in range(3)] == [200, 200, 200]
    found = [i for i in incidents(gateway) if i["type"] == "RATE_OR_BUDGET_EXCEEDED"]
    assert len(found) == 1
    assert found[0]["occurrences"] == 2
    assert found[0]["enforced"] is False


def test_a_daily_budget_resets_at_midnight_utc(tmp_path: Path, start_gateway: StartGateway) -> None:
    gateway = start(start_gateway, write_policy(tmp_path, "    - {user: ann, tokens_per_day: 30}\n"))
    limiter = gateway.server.app[STATE].limiter
    day = calendar.timegm((2026, 12, 6, 23, 59, 0))
    limiter.clock = lambda: day
    client = oai(gateway, gateway.create_key("ann"))
    assert chat(client).headers["x-ratelimit-reset-tokens"] == "1m0s"  # a minute to midnight
    refused = None
    for _ in range(10):
        try:
            chat(client)
        except openai.RateLimitError as err:
            refused = err
            break
    assert refused is not None  # the day's 30 tokens are used up
    assert refused.response.headers["retry-after"] == "60"
    limiter.clock = lambda: day + 61  # 00:00:01 the next day
    raw = chat(client)
    assert raw.http_response.status_code == 200
    assert raw.headers["x-ratelimit-reset-tokens"] == "23h59m59s"


def test_a_shared_group_budget_and_a_key_limit(tmp_path: Path, start_gateway: StartGateway) -> None:
    gateway = start(
        start_gateway, write_policy(tmp_path, "    - {group: engineering, shared: true, requests_per_minute: 3}\n")
    )
    ann, bob = (oai(gateway, gateway.create_key(user, "engineering")) for user in ("ann", "bob"))
    assert [chat(c).headers["x-ratelimit-remaining-requests"] for c in (ann, bob, ann)] == ["2", "1", "0"]
    with pytest.raises(openai.RateLimitError):
        chat(bob)  # the group's three are used, by whoever
    key = gateway.create_key("carol", "engineering")
    key_id = key.split("_")[1]
    policy = tmp_path / "limits.yaml"
    policy.write_text(BASE + f"    - {{key: '{key_id}', requests_per_minute: 1}}\n", encoding="utf-8")
    deadline = time.monotonic() + 10
    while not gateway.server.app[STATE].policy.document.limits.rules[0].key:
        assert time.monotonic() < deadline, "the policy was not reloaded"
        time.sleep(0.05)
    carol = oai(gateway, key)
    assert chat(carol).headers["x-ratelimit-limit-requests"] == "1"
    with pytest.raises(openai.RateLimitError):
        chat(carol)
    assert "x-ratelimit-limit-requests" not in chat(ann).headers  # the group rule is gone


def test_repeated_refusals_fold_into_one_incident_that_escalates(tmp_path: Path, start_gateway: StartGateway) -> None:
    gateway = start(start_gateway, write_policy(tmp_path, "    - {user: ann, requests_per_minute: 1}\n"))
    client = oai(gateway, gateway.create_key("ann"))
    chat(client)
    for _ in range(11):
        with pytest.raises(openai.RateLimitError):
            chat(client)
    (incident,) = [i for i in incidents(gateway) if i["type"] == "RATE_OR_BUDGET_EXCEEDED"]
    assert incident["occurrences"] == 11
    assert incident["severity"] == "medium"  # sustained: 10 or more within the aggregation window
