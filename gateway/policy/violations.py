"""The kinds of policy violation the gateway records, and how severe an incident can be.

The codes are those of the violation-to-control mapping (``compliance/``), so a policy's
severity overrides, the incident log and the evidence report all speak of the same things.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final


class Violation(enum.StrEnum):
    UNAPPROVED_AI_PROVIDER_OR_MODEL = "UNAPPROVED_AI_PROVIDER_OR_MODEL"
    PII_IN_PROMPT = "PII_IN_PROMPT"
    CONFIDENTIAL_DATA_IN_PROMPT = "CONFIDENTIAL_DATA_IN_PROMPT"
    SECRET_OR_CREDENTIAL_IN_PROMPT = "SECRET_OR_CREDENTIAL_IN_PROMPT"  # noqa: S105 - a code, not a secret
    PROMPT_INJECTION_ATTEMPT = "PROMPT_INJECTION_ATTEMPT"
    UNAUTHENTICATED_ACCESS = "UNAUTHENTICATED_ACCESS"
    RATE_OR_BUDGET_EXCEEDED = "RATE_OR_BUDGET_EXCEEDED"
    PII_IN_OUTPUT = "PII_IN_OUTPUT"
    LOGGING_OR_RETENTION_FAILURE = "LOGGING_OR_RETENTION_FAILURE"
    POLICY_CHANGE = "POLICY_CHANGE"
    SUPPLIER_REVIEW_LAPSED = "SUPPLIER_REVIEW_LAPSED"  # an AI tool used past (or near) its register review date
    SENSITIVE_DATA_REROUTED = "SENSITIVE_DATA_REROUTED"  # sent to a self-hosted tool instead (an audit record)
    CONTROL_FAILURE = "CONTROL_FAILURE"  # a scheduled assurance probe found a control not operating


class Severity(enum.StrEnum):
    """Least to most severe; comparisons follow that order."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK: Final[Mapping[Severity, int]] = MappingProxyType({m: i for i, m in enumerate(Severity)})
