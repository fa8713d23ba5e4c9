"""The policy file's schema: every key a policy may hold, its type and its default.

``policies/default.yaml`` is the commented example of all of it. Cross-field checks
(dangling references, rules that can never apply, contradictions) are in
``policy_checks``; both report the file, line and column to fix.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from detectors.base import Category
from gateway.config.yamlconfig import LocatedError
from gateway.model_names import glob_problem, glob_regex
from gateway.policy.checks import check_document
from gateway.policy.data_rules import DataRule, DetectionPolicy, Mode
from gateway.policy.limits import LimitsPolicy, check_limits
from gateway.policy.register import Register, RegisterPolicy
from gateway.policy.violations import Severity, Violation

# What a model glob may hold: the characters of model names, plus fnmatch's * ? [ ] !.
PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_RETENTION_DAYS = 36_500


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PolicyMeta(_Strict):
    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    owner: str = ""
    description: str = ""
    # monitor: nothing is denied, blocked or rewritten; what enforcement would do is recorded.
    mode: Mode = Mode.ENFORCE


class GroupMembers(_Strict):
    """Who is in a policy group. None: callers whose key or SSO groups include the group's own name."""

    key_groups: tuple[str, ...] | None = None  # groups given to gateway keys (aigw keys create --group)
    sso_groups: tuple[str, ...] | None = None  # groups the SSO proxy sends in its groups header


class RerouteTarget(_Strict):
    """Where a prompt goes instead when it carries data of a class its tool may not receive."""

    provider: str = Field(min_length=1)
    model: str = Field(min_length=1)  # a model name, not a glob: the answer names it


class ApprovedTool(_Strict):
    provider: str = Field(min_length=1)
    models: tuple[str, ...] = Field(min_length=1)
    description: str = ""
    # The data classes this tool may receive as they are (not redacted or pseudonymized):
    # e.g. [pii] for a vendor, while confidential data goes only to a self-hosted model.
    # None: whatever the data rules let through.
    data_classes: tuple[Category, ...] | None = None
    # A prompt with data of another class goes to this tool (approved in the same group, self-hosted
    # when the register covers it) instead of being refused ("hosted versus cloud").
    reroute_to: RerouteTarget | None = None

    @model_validator(mode="after")
    def _check(self) -> ApprovedTool:
        if not PROVIDER_NAME.match(self.provider):
            raise LocatedError("a provider name is lower-case letters, digits, '-' and '_'", "provider")
        for index, glob in enumerate(self.models):
            problem = glob_problem(glob)
            if problem:
                raise LocatedError(f"model glob {glob!r} {problem}", "models", index)
        if self.reroute_to is not None and self.data_classes is None:
            raise LocatedError("reroute_to needs data_classes: it applies to data of the other classes", "reroute_to")
        if self.reroute_to is not None and any(c in self.reroute_to.model for c in "*?["):
            raise LocatedError("reroute_to.model is a model name, not a glob", "reroute_to", "model")
        return self


Permission = Literal["allow", "deny"]


class ProviderFeatures(_Strict):
    """Provider-side features with side effects this group may ask for (gateway.provider_features)."""

    remote_mcp: Permission = "deny"  # the provider connects to an MCP server, with credentials from the caller
    web_search: Permission = "allow"
    web_fetch: Permission = "allow"
    code_execution: Permission = "allow"
    # anthropic-beta / openai-beta header values: allow or deny all, or the list of values allowed
    beta_headers: Permission | tuple[str, ...] = "allow"


class GroupRules(_Strict):
    description: str = ""
    members: GroupMembers = GroupMembers()
    approved_tools: tuple[ApprovedTool, ...] = ()
    provider_features: ProviderFeatures = ProviderFeatures()


class LogLevel(enum.StrEnum):
    """How much of an exchange's text the prompt log keeps, least first."""

    NONE = "none"  # who, when, which tool, the decision and status: no text, nothing derived from it
    METADATA = "metadata"  # and findings (types and counts), token usage and timings
    HASH = "hash"  # and keyed hashes of prompt and answer (prove what was sent without keeping it)
    REDACTED = "redacted"  # and the text as it was forwarded, with the policy's rewrites applied
    FULL = "full"  # and the original text

    @property
    def rank(self) -> int:
        return _LOGLEVEL_RANK[self]


_LOGLEVEL_RANK: Final[Mapping[LogLevel, int]] = MappingProxyType({m: i for i, m in enumerate(LogLevel)})


class ClassLogging(_Strict):
    level: LogLevel | None = None  # None: the policy-wide level
    retention_days: int | None = Field(default=None, gt=0, le=MAX_RETENTION_DAYS)


class PromptLogPolicy(_Strict):
    """What the prompt log keeps and for how long. A record holding data of a class listed
    under ``data_classes`` follows that class; with several, the least text and the shortest
    retention among them apply (data minimisation)."""

    level: LogLevel = LogLevel.METADATA
    retention_days: int = Field(default=90, gt=0, le=MAX_RETENTION_DAYS)
    data_classes: dict[Category, ClassLogging] = Field(default_factory=dict)
    # When a record cannot be stored: block (refuse requests until the store is back; nothing
    # is forwarded unlogged) or spool (keep records in a local file, replayed later).
    on_failure: Literal["block", "spool"] = "block"

    @property
    def keeps_text(self) -> bool:
        """Whether any record can hold text or hashes of it (then a log key is required)."""
        levels = [self.level, *(c.level for c in self.data_classes.values() if c.level is not None)]
        return max(level.rank for level in levels) >= LogLevel.HASH.rank

    def for_classes(self, classes: set[Category]) -> tuple[LogLevel, int]:
        """(level, retention days) for a record holding data of these classes."""
        chosen = [self.data_classes[c] for c in classes if c in self.data_classes]
        levels = [c.level or self.level for c in chosen] or [self.level]
        days = [c.retention_days or self.retention_days for c in chosen] or [self.retention_days]
        return min(levels, key=lambda level: level.rank), min(days)


class SeverityOverride(_Strict):
    """Replaces the mapping's severity for a violation, optionally only for some groups or types."""

    violation: Violation
    severity: Severity
    groups: tuple[str, ...] = ()  # policy groups; empty: any
    entity_types: tuple[str, ...] = ()  # empty: any
    description: str = ""


class AuthFailures(_Strict):
    """Failed authentications from one source become an UNAUTHENTICATED_ACCESS incident at ``threshold``
    within ``window_s`` (one mistyped key is not an incident; a brute force is)."""

    threshold: int = Field(default=5, gt=0, le=10_000)
    window_s: int = Field(default=60, gt=0, le=86_400)


class IncidentPolicy(_Strict):
    severity_overrides: tuple[SeverityOverride, ...] = ()
    # Members of these groups are privileged actors: some violations escalate when they commit them.
    privileged_groups: tuple[str, ...] = ()
    # Identical violations (type, actor, destination, entity types) within this many seconds of the
    # last one aggregate into one open incident with a count; also the repeat-offender window.
    aggregation_window_s: int = Field(default=300, gt=0, le=86_400)
    auth_failures: AuthFailures = AuthFailures()
    # Characters of context either side of a finding in an incident's redacted excerpt (every
    # detected value in it is replaced by its type); 0 keeps no excerpt at all.
    excerpt_chars: int = Field(default=60, ge=0, le=500)


class PolicyDocument(_Strict):
    policy: PolicyMeta
    default_group: str
    groups: dict[str, GroupRules] = Field(min_length=1)
    detection: DetectionPolicy | None = None
    data_rules: tuple[DataRule, ...] = ()
    prompt_log: PromptLogPolicy = PromptLogPolicy()
    incidents: IncidentPolicy = IncidentPolicy()
    tool_register: RegisterPolicy = RegisterPolicy()  # the AI tool register (gateway.policy.register)
    # Requests, tokens and spend per group, user or key (gateway.policy.limits).
    limits: LimitsPolicy = LimitsPolicy()

    @model_validator(mode="after")
    def _check(self) -> PolicyDocument:
        check_document(self)
        _check_register(self)
        _check_reroutes(self)
        check_limits(self.limits, self.groups)
        return self


def _check_reroutes(doc: PolicyDocument) -> None:
    """A reroute goes to a tool the same group is approved for, without a reroute of its own, and
    (when the register covers it) hosted by the company: rerouting exists to keep data in house."""
    register = Register(doc.tool_register)
    for group, rules in doc.groups.items():
        for index, tool in enumerate(rules.approved_tools):
            target = tool.reroute_to
            if target is None:
                continue
            where = ("groups", group, "approved_tools", index, "reroute_to")
            grants = [
                t for t in rules.approved_tools if t.provider == target.provider and _covers(t.models, target.model)
            ]
            if not grants or grants[0] is tool:
                message = f"reroute target {target.provider}/{target.model} is not another tool group {group!r} may use"
                raise LocatedError(message, *where)
            if grants[0].reroute_to is not None:
                raise LocatedError("a reroute target may not reroute again", *where)
            covering = register.entries_for(target.provider, target.model)
            entry = next((e for e in covering if e.hosting.type != "self_hosted"), None)
            if not covering:
                name = f"{target.provider}/{target.model}"
                message = f"reroute target {name} has no register entry: a reroute goes to a self-hosted tool on record"
                raise LocatedError(message, *where)
            if entry is not None:
                name = f"{target.provider}/{target.model}"
                message = f"reroute target {name} is register entry {entry.id!r}, which is not self-hosted"
                raise LocatedError(message, *where)


def _covers(globs: tuple[str, ...], model: str) -> bool:
    return any(glob_regex(glob).match(model) for glob in globs)


def _check_register(doc: PolicyDocument) -> None:
    """An entry in service must cover a tool some group is approved for: a register entry for a
    provider nobody may use is a typo or a stale entry, and would enforce nothing."""
    granted = {tool.provider for rules in doc.groups.values() for tool in rules.approved_tools}
    for index, entry in enumerate(doc.tool_register.entries):
        if entry.status.in_service and entry.provider not in granted:
            known = ", ".join(sorted(granted)) or "none"
            message = (
                f"register entry {entry.id!r} covers provider {entry.provider!r}, "
                f"which no group's approved_tools grant ({known})"
            )
            raise LocatedError(message, "tool_register", "entries", index, "provider")
