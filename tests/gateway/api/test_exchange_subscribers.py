"""A finished exchange is one typed event, published once to subscribers declared at assembly:
told in a pinned order, each on its own (one that fails stops neither the others nor the answer),
a failure logged by type and place only."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog

from gateway.errors import ApiFormat
from gateway.exchange import Exchange, ExchangeFinished, ExchangeSubscribers, Subscription
from gateway.incidents.recorder import IncidentLog
from gateway.incidents.store import IncidentQuery
from gateway.lifecycle.state import STATE
from gateway.policy.policy import Policy
from gateway.promptlog.service import PromptLog
from gateway.request_metrics import RequestMetrics
from gateway.testing import RunningGateway
from tests.conftest import TEST_POLICY, StartGateway
from tests.gateway.test_metrics import scrape, value

SSN = "536-22-8726"
POLICY = TEST_POLICY.read_text() + (
    "detection:\n  pii: {entities: [US_SSN]}\n"
    "data_rules:\n  - {id: ssn-redact, match: {entity_types: [US_SSN]}, action: redact}\n"
)
DECLARED = ("prompt_log", "incidents", "metrics", "auth_failures")
Told = list[tuple[str, str, int]]  # subscriber, request id, status


def finished(policy: Policy, request_id: str = "req_1") -> ExchangeFinished:
    return ExchangeFinished(Exchange(ApiFormat.OPENAI, request_id=request_id), policy, "127.0.0.1")


# --- the bus
def test_subscribers_are_told_in_the_declared_order(policy: Policy) -> None:
    told: list[str] = []
    bus = ExchangeSubscribers(*(Subscription(name, lambda _, name=name: told.append(name)) for name in "cab"))
    bus.publish(finished(policy))
    assert told == ["c", "a", "b"]
    assert bus.names == ("c", "a", "b")


def test_a_failing_subscriber_is_logged_without_its_message_and_stops_no_other(policy: Policy) -> None:
    told: list[str] = []

    def leaky(_: ExchangeFinished) -> None:
        raise ValueError(f"cannot take the prompt 'my SSN is {SSN}'")

    bus = ExchangeSubscribers(
        Subscription("first", leaky),
        Subscription("second", lambda _: told.append("second")),
        Subscription("counting", leaky, keeps_evidence=False),
        Subscription("third", lambda _: told.append("third")),
    )
    with structlog.testing.capture_logs() as logged:
        bus.publish(finished(policy, "req_failing"))
    assert told == ["second", "third"]
    failures = [entry for entry in logged if entry["event"] == "observer_failed"]
    assert [(f["observer"], f["violation"]) for f in failures] == [
        ("first", "LOGGING_OR_RETENTION_FAILURE"),
        ("counting", None),  # no evidence lost: a counter
    ]
    assert all(f["request_id"] == "req_failing" and f["error_type"] == "ValueError" for f in failures)
    assert all(Path(f["where"]).name.startswith("test_exchange_subscribers.py:") for f in failures)
    assert SSN not in json.dumps(logged, default=str)


# --- the gateway's subscribers
@pytest.fixture
def start(start_gateway: StartGateway, tmp_path: Path) -> Callable[[], RunningGateway]:
    def started() -> RunningGateway:
        policy = tmp_path / "policy.yaml"
        policy.write_text(POLICY)
        return start_gateway(policy_path=str(policy), detection={"workers": 1})

    return started


def tell_into(monkeypatch: pytest.MonkeyPatch, told: Told) -> None:
    """Note each subscriber's call, then let it do its work (patched before the gateway assembles them)."""
    targets: dict[str, tuple[type, str]] = {
        "prompt_log": (PromptLog, "exchange_finished"),
        "incidents": (IncidentLog, "exchange_finished"),
        "metrics": (RequestMetrics, "exchange_finished"),
        "auth_failures": (IncidentLog, "count_failed_authentication"),
    }
    for name, (cls, method) in targets.items():
        original = getattr(cls, method)

        def noting(self: Any, event: ExchangeFinished, name: str = name, original: Any = original) -> None:
            told.append((name, event.exchange.request_id, event.exchange.status))
            original(self, event)

        monkeypatch.setattr(cls, method, noting)


def ask(gateway: RunningGateway, key: str, text: str) -> httpx.Response:
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": text}]}
    headers = {"authorization": f"Bearer {key}"}
    return httpx.post(f"{gateway.url}/v1/chat/completions", json=body, headers=headers, timeout=30)


def test_each_finished_exchange_reaches_every_subscriber_once_in_the_pinned_order(
    start: Callable[[], RunningGateway], monkeypatch: pytest.MonkeyPatch
) -> None:
    told: Told = []
    tell_into(monkeypatch, told)
    gateway = start()
    assert gateway.server.app[STATE].exchange_subscribers.names == DECLARED
    answered = ask(gateway, gateway.create_key("alice", "engineering"), "hello")
    refused = ask(gateway, "aigw_not_a_key", "hello")
    listing = httpx.get(f"{gateway.url}/v1/models", headers={"authorization": "Bearer aigw_nope"}, timeout=30)
    assert (answered.status_code, refused.status_code, listing.status_code) == (200, 401, 401)
    for response in (answered, refused, listing):
        request_id, status = response.headers["x-request-id"], response.status_code
        assert [name for name, rid, _ in told if rid == request_id] == list(DECLARED)
        assert {s for _, rid, s in told if rid == request_id} == {status}  # told after the status was set
    gateway.log_record(answered.headers["x-request-id"])  # the subscribers did their work too
    gateway.log_record(refused.headers["x-request-id"])
    assert value(scrape(gateway), "aigw_auth_failures_total", target="api") == 2  # the listing's failure too


def test_a_failing_subscriber_stops_neither_the_others_nor_the_answer(
    start: Callable[[], RunningGateway], monkeypatch: pytest.MonkeyPatch
) -> None:
    def leaky(self: PromptLog, event: ExchangeFinished) -> None:
        raise ValueError(f"cannot take {event.exchange.prompt_texts}: my SSN is {SSN}")

    monkeypatch.setattr(PromptLog, "exchange_finished", leaky)
    gateway = start()
    before = scrape(gateway)
    key = gateway.create_key("alice", "engineering")
    with structlog.testing.capture_logs() as logged:
        answer = ask(gateway, key, f"my SSN is {SSN}")
        refused = ask(gateway, "aigw_not_a_key", "hello")
    assert answer.status_code == 200
    assert answer.json()["choices"][0]["message"]["content"] == "Hello from the mock provider."
    assert refused.status_code == 401
    after = scrape(gateway)  # flushes the incident log first
    requests = "aigw_requests_total"
    assert value(after, requests, status="200") - value(before, requests, status="200") == 1  # metrics: told
    assert value(after, "aigw_auth_failures_total", target="api") == 1  # auth failures: told
    incidents = gateway.run(gateway.server.app[STATE].incidents.store.search(IncidentQuery()))
    assert [i["type"] for i in incidents] == ["PII_IN_PROMPT"]  # incidents: told
    failed = [entry for entry in logged if entry["event"] == "observer_failed"]
    assert [(f["observer"], f["request_id"]) for f in failed] == [
        ("prompt_log", answer.headers["x-request-id"]),
        ("prompt_log", refused.headers["x-request-id"]),
    ]
    assert all(f["error_type"] == "ValueError" and f["violation"] == "LOGGING_OR_RETENTION_FAILURE" for f in failed)
    assert SSN not in json.dumps(logged, default=str)
