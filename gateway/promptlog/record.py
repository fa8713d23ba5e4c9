"""One prompt-log record per exchange, and its sealed form as stored.

A ``LogRecord`` is built when a request ends, holding text only as far as the policy's
log level allows. The writer seals it into a ``Row`` (text encrypted, or hashed) off the
request path; a row is what the stores, the spool file and the readers see.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from gateway.policy.schema import LogLevel
from gateway.promptlog.crypto import LogKeyring

# Columns of the exchanges table, in order. Text columns are sealed (or hashed).
COLUMNS = (
    "request_id",
    "ts_us",
    "user_name",
    "groups",
    "auth",
    "client",
    "provider",
    "model",
    "endpoint",
    "stream",
    "policy_id",
    "policy_version",
    "decision",
    "rule",
    "findings",
    "response_findings",
    "entity_types",
    "data_classes",
    "prompt_tokens",
    "completion_tokens",
    "upstream_ms",
    "overhead_ms",
    "duration_ms",
    "status",
    "outcome",
    "error_code",
    "log_level",
    "expires_us",
    "key_id",
    "prompt_sealed",
    "response_sealed",
    "prompt_hash",
    "response_hash",
    "finding_sources",
    "cost",
    "cost_currency",
    "assurance",
)
SEALED = ("prompt_sealed", "response_sealed")
Row = dict[str, Any]


@dataclass
class LogRecord:
    request_id: str
    ts_us: int
    status: int
    outcome: str
    level: LogLevel
    expires_us: int
    user: str | None = None
    groups: tuple[str, ...] = ()
    auth: str | None = None
    client: str | None = None
    provider: str | None = None
    model: str | None = None
    endpoint: str | None = None
    stream: bool = False
    policy_id: str | None = None
    policy_version: str | None = None
    decision: str | None = None
    rule: str | None = None
    findings: dict[str, int] = field(default_factory=dict)  # "US_SSN:redact" -> count; never values
    response_findings: dict[str, int] = field(default_factory=dict)
    entity_types: tuple[str, ...] = ()
    # Per entity type, the parts it was found in: {"INJECTION_INDIRECT": ["tool/tool_result"]} (metadata).
    finding_sources: dict[str, list[str]] = field(default_factory=dict)
    data_classes: tuple[str, ...] = ()
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost: float | None = None  # in cost_currency, from the price table when the exchange was made
    cost_currency: str | None = None
    assurance: bool = False  # control-assurance traffic (Identity.assurance): left out of usage and spend
    upstream_ms: float | None = None
    overhead_ms: float | None = None
    duration_ms: float | None = None
    error_code: str | None = None
    # Plain text, in memory only until sealed; None when the level keeps none.
    prompt_text: str | None = None
    response_text: str | None = None

    def seal(self, keyring: LogKeyring | None) -> Row:
        """The stored form: text encrypted (``redacted``, ``full``) or keyed-hashed (``hash``)."""
        row: Row = {
            "request_id": self.request_id,
            "ts_us": self.ts_us,
            "user_name": self.user,
            "groups": _list(self.groups),
            "auth": self.auth,
            "client": self.client,
            "provider": self.provider,
            "model": self.model,
            "endpoint": self.endpoint,
            "stream": self.stream,
            "policy_id": self.policy_id,
            "policy_version": self.policy_version,
            "decision": self.decision,
            "rule": self.rule,
            "findings": json.dumps(self.findings, sort_keys=True),
            "response_findings": json.dumps(self.response_findings, sort_keys=True),
            "entity_types": _list(self.entity_types),
            "data_classes": _list(self.data_classes),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost": self.cost,
            "cost_currency": self.cost_currency,
            "assurance": self.assurance,
            "upstream_ms": self.upstream_ms,
            "overhead_ms": self.overhead_ms,
            "duration_ms": self.duration_ms,
            "status": self.status,
            "outcome": self.outcome,
            "error_code": self.error_code,
            "log_level": self.level.value,
            "expires_us": self.expires_us,
            "key_id": None,
            "prompt_sealed": None,
            "response_sealed": None,
            "prompt_hash": None,
            "response_hash": None,
            "finding_sources": json.dumps(self.finding_sources, sort_keys=True),
        }
        texts = {"prompt": self.prompt_text, "response": self.response_text}
        if self.level.rank < LogLevel.HASH.rank or all(t is None for t in texts.values()):
            return row
        if keyring is None:
            raise LookupError("a text log level needs a log key")  # refused at start-up; a guard here
        row["key_id"] = keyring.current
        for name, text in texts.items():
            if text is None:
                continue
            if self.level is LogLevel.HASH:
                row[f"{name}_hash"] = keyring.keyed_hash(text)
            else:
                row[f"{name}_sealed"] = keyring.seal(text, seal_context(self.request_id, name))
        return row


def seal_context(request_id: str, field_name: str) -> bytes:
    """Associated data: a sealed value opens only as this field of this record."""
    return f"aigw-prompt-log/v1/{request_id}/{field_name}".encode()


def open_text(row: Row, field_name: str, keyring: LogKeyring) -> str | None:
    sealed = row.get(f"{field_name}_sealed")
    if sealed is None:
        return None
    return keyring.open(str(row["key_id"]), bytes(sealed), seal_context(str(row["request_id"]), field_name))


def _list(values: tuple[str, ...]) -> str:
    """Lists are stored as ",a,b," so that one LIKE '%,a,%' finds a member in both databases."""
    return "," + ",".join(values) + "," if values else ""


def parse_list(stored: str | None) -> list[str]:
    return [v for v in (stored or "").split(",") if v]


# The NOT NULL columns, with the type each must have.
_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "request_id": str,
    "ts_us": int,
    "groups": str,
    "stream": (bool, int),
    "findings": str,
    "response_findings": str,
    "entity_types": str,
    "finding_sources": str,
    "data_classes": str,
    "status": int,
    "outcome": str,
    "log_level": str,
    "expires_us": int,
}


def checked_row(row: Row) -> Row:
    """``row`` if every column the store requires is there with its type; else ValueError (a spool
    line that lost fields must be set aside, not sent to a store that would refuse its whole batch)."""
    for name, kind in _REQUIRED.items():
        if not isinstance(row.get(name), kind) or (kind is int and isinstance(row.get(name), bool)):
            raise ValueError(f"spooled row without a valid {name}")
    if not row["request_id"]:
        raise ValueError("spooled row without a request id")
    return row


def row_to_json(row: Row) -> str:
    """A row as one JSON line (the spool file): bytes as base64."""
    out = {k: base64.b64encode(bytes(v)).decode() if k in SEALED and v is not None else v for k, v in row.items()}
    return json.dumps(out, separators=(",", ":"))


def row_from_json(line: str) -> Row:
    data: Row = json.loads(line)
    for name in SEALED:
        if data.get(name) is not None:
            data[name] = base64.b64decode(data[name])
    data.setdefault("finding_sources", "{}")  # spooled by a gateway from before the column
    data.setdefault("assurance", False)  # likewise: before the mark, every exchange was staff's
    return {name: data.get(name) for name in COLUMNS}
