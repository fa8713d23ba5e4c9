"""What the gateway learns about one request as it handles it; logged once at the end, then
handed, as one ``ExchangeFinished`` event, to its subscribers (prompt log, incidents, metrics)."""

from __future__ import annotations

import enum
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog

from gateway.auth.identity import Identity
from gateway.errors import ApiFormat
from gateway.logs import code_location
from gateway.policy.policy import Policy
from gateway.policy.register import Verdict
from gateway.policy.violations import Violation
from gateway.screening.screen import Screening
from gateway.usage.limiter import Admission, LimitHit
from gateway.wire.capture import AnswerCapture

MAX_LOGGED_MODEL_LENGTH = 100
log = structlog.get_logger("aigw")


class Outcome(enum.StrEnum):
    """How the exchange ended; the value is what the request log, the prompt log and incidents record."""

    OK = "ok"
    REJECTED = "rejected"  # answered with one of the gateway's own 4xx errors (auth, policy, a malformed request)
    ERROR = "error"  # answered with one of the gateway's own 5xx errors
    UPSTREAM_ERROR = "upstream_error"  # the provider answered with an error, relayed as it came
    STREAM_ERROR = "stream_error"  # a streamed answer cut by an error event after its headers went out
    CLIENT_DISCONNECTED = "client_disconnected"


class AccessDecision(enum.StrEnum):
    """The policy's verdict on the model and features asked for; the value is what logs and metrics record."""

    ALLOW = "allow"
    DENY = "deny"
    MONITOR_DENY = "monitor_deny"  # denied, and let through: the policy runs in monitor mode


def new_request_id() -> str:
    return "req_" + secrets.token_hex(12)


@dataclass(frozen=True)
class Rerouted:
    original: str  # provider/model the caller asked for
    target: str  # provider/model that answered
    classes: tuple[str, ...]  # the data classes the original tool may not receive


@dataclass
class Exchange:
    api: ApiFormat
    request_id: str = field(default_factory=new_request_id)
    started: float = field(default_factory=time.perf_counter)
    endpoint: str | None = None
    identity: Identity | None = None
    model: str | None = None
    provider: str | None = None
    decision: AccessDecision | None = None
    rule: str | None = None
    policy_version: str | None = None
    stream: bool = False
    status: int = 0
    upstream_ms: float | None = None
    outcome: Outcome = Outcome.OK
    error_code: str | None = None
    revoked_key_owner: str | None = None  # a revoked key was presented (with its right secret): whose
    screening: Screening | None = None
    response_screening: Screening | None = None
    # For the prompt log.
    started_us: int = field(default_factory=lambda: time.time_ns() // 1000)
    client: str | None = None  # the caller's user agent, clipped
    prompt_texts: list[str] | None = None  # as the caller sent them (kept only when the log level needs them)
    forwarded_texts: list[str] | None = None  # as they left for the provider
    capture: AnswerCapture | None = None
    register: Verdict | None = None  # the AI tool register's entry for the tool, and where it stood
    rerouted: Rerouted | None = None  # sent to a self-hosted tool for its data's classes (gateway.api.reroute)
    # What the exchange cost, from the price table and the provider's usage (None: no price, or no usage).
    cost: float | None = None
    cost_currency: str | None = None
    restored: bool = False  # pseudonyms in the answer were put back before it went to the caller
    policy: Policy | None = None  # the policy this exchange was decided under
    sent_at: float | None = None  # perf_counter when the provider call began, and when it answered
    answered_at: float | None = None
    relayed_at: float | None = None  # when the answer began to go back to the caller
    # Limits (gateway.usage.limiter): what was charged, the x-ratelimit headers, the limit a 429 hit.
    admission: Admission | None = None
    limit_headers: dict[str, str] = field(default_factory=dict)
    limit_hit: LimitHit | None = None
    upstream_status: int | None = None  # the provider's HTTP status; 0: not reached; None: no answer (yet)
    usage_asked: bool = False  # the gateway asked for a stream's usage the caller did not (stripped on the way back)

    def duration_ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 3)

    def overhead_ms(self) -> float | None:
        """Time spent in the gateway: before the provider call, and between its answer and the relay."""
        if self.sent_at is None:
            return None
        after = (self.relayed_at - self.answered_at) if self.relayed_at and self.answered_at else 0.0
        return round((self.sent_at - self.started + after) * 1000, 3)

    def stamp(self) -> dict[str, str]:
        """Response headers that tie an answer to its log record and to the policy that decided it."""
        headers = {**self.limit_headers, "x-request-id": self.request_id}
        if self.policy_version is not None:
            headers["x-aigw-policy-version"] = self.policy_version
        if self.rerouted is not None:  # the caller is told where its prompt went, and why
            headers["x-aigw-rerouted-to"] = self.rerouted.target
            headers["x-aigw-rerouted-for"] = ",".join(self.rerouted.classes)
        return headers

    def log_fields(self) -> dict[str, Any]:
        """Metadata only: never request or response content."""
        fields: dict[str, Any] = {
            "request_id": self.request_id,
            "endpoint": self.endpoint,
            "status": self.status,
            "outcome": self.outcome.value,
            "duration_ms": self.duration_ms(),
        }
        if self.identity is not None:
            fields.update(user=self.identity.user, groups=list(self.identity.groups), auth=self.identity.method)
            if self.identity.assurance:
                fields["traffic"] = "assurance"
        if self.model is not None:
            fields["model"] = self.model[:MAX_LOGGED_MODEL_LENGTH]
        optional = {
            "provider": self.provider,
            "decision": self.decision.value if self.decision is not None else None,
            "rule": self.rule,
            "policy_version": self.policy_version,
            "upstream_ms": self.upstream_ms,
            "error_code": self.error_code,
        }
        fields.update({k: v for k, v in optional.items() if v is not None})
        if self.stream:
            fields["stream"] = True
        if self.limit_hit is not None:
            fields["limit"], fields["limit_rule"] = self.limit_hit.metric.value, self.limit_hit.rule
        if self.screening is not None and (self.screening.decisions or self.screening.skipped):
            fields["findings"] = self.screening.summary()
            if self.screening.decisions:
                fields["finding_sources"] = self.screening.sources()  # e.g. INJECTION_INDIRECT: [tool/tool_result]
            if self.screening.skipped:
                fields["detection_skipped"] = self.screening.skipped
        if self.screening is not None and self.screening.refused_classes is not None:
            rule, classes = self.screening.refused_classes
            fields["data_class_rule"], fields["refused_data_classes"] = rule, list(classes)
        if self.response_screening is not None and self.response_screening.decisions:
            fields["response_findings"] = self.response_screening.summary()
        return fields


@dataclass(frozen=True, slots=True)
class ExchangeFinished:
    """One request, answered, refused, failed or cut off: published once, after its request log line."""

    exchange: Exchange
    policy: Policy  # the policy it was decided under (the one in force if it got no lease)
    source: str  # the caller's address, "unknown" when the transport has none

    @property
    def reached_endpoint(self) -> bool:
        """It was a call to an API endpoint, models listings included (not an unknown path, not a 404)."""
        return self.exchange.endpoint is not None


class ExchangeSubscriber(Protocol):
    """Told of each finished exchange, on the event loop: it must be quick and never wait (a counter,
    a queue put); whatever is slow it does off the request path, as the prompt log's writer does. It
    reads the exchange and never changes it: the subscribers after it see the same exchange."""

    def __call__(self, finished: ExchangeFinished, /) -> None: ...


@dataclass(frozen=True, slots=True)
class Subscription:
    name: str  # names the subscriber in the log line when it fails
    receive: ExchangeSubscriber
    keeps_evidence: bool = True  # its failure loses audit evidence: logged as a LOGGING_OR_RETENTION_FAILURE


class ExchangeSubscribers:
    """The subscribers of finished exchanges, told in the order they were declared (at assembly)."""

    def __init__(self, *subscriptions: Subscription) -> None:
        self._subscriptions = subscriptions

    @property
    def names(self) -> Sequence[str]:
        return tuple(subscription.name for subscription in self._subscriptions)

    def publish(self, finished: ExchangeFinished) -> None:
        """Each subscriber on its own: a failure in one (a bug, a value it cannot take) must neither
        turn an answered request into a 500 nor keep the others from seeing the exchange. The failure
        is logged by type and place only: its message could quote the prompt."""
        for subscription in self._subscriptions:
            try:
                subscription.receive(finished)
            except Exception as exc:
                log.error(
                    "observer_failed",
                    observer=subscription.name,
                    request_id=finished.exchange.request_id,
                    error_type=type(exc).__name__,
                    where=code_location(exc),
                    violation=Violation.LOGGING_OR_RETENTION_FAILURE.value if subscription.keeps_evidence else None,
                )
