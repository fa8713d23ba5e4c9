"""The security team's policy file: who may use which AI providers and models.

This is the approved-tools part of the policy; every decision names the rule
that made it. The policy file is validated as strictly as settings are: unknown
keys, wrong types and dangling group references stop the gateway with the file,
line and column to fix.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from detectors.base import Category
from detectors.registry import entity_categories
from gateway.config.yamlconfig import Loc, YamlDocument, validate
from gateway.errors import ConfigError, ConfigProblem
from gateway.model_names import glob_regex
from gateway.policy.data_rules import DataRules, Direction, Mode
from gateway.policy.limits import Limits
from gateway.policy.register import Register
from gateway.policy.schema import PolicyDocument

MAX_ALTERNATIVES_SHOWN = 12
# Decisions are pure functions of (groups, provider, model) for a loaded policy, so
# they are cached; bounded because model names come from callers.
DECISION_CACHE_SIZE = 4096
# Where a caller's groups came from: a gateway key, or the SSO proxy's groups header.
GroupSource = Literal["key", "sso"]


@dataclass(frozen=True)
class ToolDecision:
    allowed: bool
    rule: str
    groups: tuple[str, ...]
    alternatives: tuple[str, ...] = ()
    data_classes: frozenset[Category] | None = None  # what the approved tool may receive as is
    reroute: tuple[str, str] | None = None  # (provider, model) for data of other classes, instead of a refusal


@dataclass(frozen=True)
class _Grant:
    group: str
    index: int
    provider: str
    pattern: re.Pattern[str]
    label: str
    data_classes: frozenset[Category] | None
    reroute: tuple[str, str] | None


class Policy:
    """A loaded, validated policy, ready to answer approved-tool questions quickly."""

    def __init__(self, document: PolicyDocument, digest: str, files: tuple[tuple[Path, str], ...] = ()) -> None:
        self.document = document
        # The policy file and the files it names, with the SHA-256 of what was read: what a reload watches.
        self.files = files
        self.id = document.policy.id
        self.version = f"{document.policy.version}+{digest[:12]}"
        self._grants: dict[str, list[_Grant]] = {
            group: [
                _Grant(
                    group,
                    index,
                    tool.provider,
                    glob_regex(glob),
                    f"{tool.provider}/{glob}",
                    None if tool.data_classes is None else frozenset(tool.data_classes),
                    None if tool.reroute_to is None else (tool.reroute_to.provider, tool.reroute_to.model),
                )
                for index, tool in enumerate(rules.approved_tools)
                for glob in tool.models
            ]
            for group, rules in document.groups.items()
        }
        # (source, caller group) -> the policy groups it puts the caller in, in policy order.
        self._members: dict[tuple[GroupSource, str], list[str]] = {}
        for group, rules in document.groups.items():
            lists: tuple[tuple[GroupSource, tuple[str, ...] | None], ...] = (
                ("key", rules.members.key_groups),
                ("sso", rules.members.sso_groups),
            )
            for source, names in lists:
                for name in (group,) if names is None else names:
                    self._members.setdefault((source, name), []).append(group)
        self._decide = functools.lru_cache(maxsize=DECISION_CACHE_SIZE)(self._decide_uncached)
        self.detection = document.detection if document.detection and document.detection.enabled else None
        self.monitor = document.policy.mode is Mode.MONITOR
        self.data_rules = DataRules(document.data_rules, document.policy.mode)
        known = entity_categories(self.detection) if self.detection else {}
        # Listing them builds detectors (tens of ms): once per policy, never per request.
        self.known_types = frozenset(known)
        self.answer_entities = self.data_rules.answer_entities(known)
        self.scans_answers = self.data_rules.acts_on(Direction.RESPONSE) and self.answer_entities != frozenset()
        self.log_keeps_text = document.prompt_log.keeps_text
        self.register = Register(document.tool_register)
        self.limits = Limits(document.limits)

    def effective_groups(self, groups: Iterable[str], source: GroupSource = "key") -> tuple[str, ...]:
        """The policy groups a caller with these key or SSO groups is in; the default group if none."""
        member_of = (g for caller in groups for g in self._members.get((source, caller), ()))
        return tuple(dict.fromkeys(member_of)) or (self.document.default_group,)

    def check_tool(self, groups: Iterable[str], provider: str, model: str, source: GroupSource = "key") -> ToolDecision:
        return self._decide(tuple(groups), provider, model, source)

    def _decide_uncached(self, groups: tuple[str, ...], provider: str, model: str, source: GroupSource) -> ToolDecision:
        effective = self.effective_groups(groups, source)
        for group in effective:
            for grant in self._grants[group]:
                if grant.provider == provider and grant.pattern.match(model):
                    rule = f"groups.{group}.approved_tools[{grant.index}]"
                    return ToolDecision(True, rule, effective, data_classes=grant.data_classes, reroute=grant.reroute)
        alternatives = tuple(dict.fromkeys(g.label for group in effective for g in self._grants[group]))
        return ToolDecision(False, "approved_tools.default_deny", effective, alternatives)

    def providers_used(self) -> set[str]:
        return {g.provider for grants in self._grants.values() for g in grants}


def denial_message(decision: ToolDecision, policy: Policy, provider: str, model: str) -> str:
    shown = decision.alternatives[:MAX_ALTERNATIVES_SHOWN]
    more = len(decision.alternatives) - len(shown)
    approved = ", ".join(shown) + (f" (+{more} more)" if more > 0 else "") if shown else "none"
    return (
        f"Model '{_clip(model)}' on provider '{provider}' is not approved for your groups "
        f"({', '.join(decision.groups)}) by AI policy '{policy.id}' version {policy.version} "
        f"(rule: {decision.rule}). Approved for you: {approved}."
    )


def _clip(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def load_policy(path: Path) -> Policy:
    """Load and validate a policy. Its version's hash covers the file and the files it names
    (term lists, rule files), read once: what is hashed is what was validated."""
    raw = _read(path)
    doc = YamlDocument.from_bytes(raw, str(path))

    def locate(loc: Loc, related: object) -> tuple[str, int | None, int | None]:
        mark = doc.mark(loc)
        return (doc.source, *mark) if mark else (doc.source, None, None)

    data = _paths_relative_to(path.parent, doc.data)
    meta = data.get("policy")
    if isinstance(meta, dict) and isinstance(meta.get("version"), int | float):
        # A version is a label: `version: 1.10` means "1.10", which YAML would read as 1.1.
        text = doc.scalar_text(("policy", "version")) or str(meta["version"])
        data = {**data, "policy": {**meta, "version": text}}
    document = validate(PolicyDocument, data, locate)
    files = {path: raw} | {file: _read(file) for file in referenced_files(document)}
    digest = hashlib.sha256(raw)
    for file, content in list(files.items())[1:]:
        digest.update(b"\0" + str(file).encode() + b"\0" + content)
    read = tuple((file, hashlib.sha256(content).hexdigest()) for file, content in files.items())
    return Policy(document, digest.hexdigest(), read)


def referenced_files(document: PolicyDocument) -> tuple[Path, ...]:
    """The files besides itself that a policy's meaning depends on."""
    detection = document.detection
    if detection is None:
        return ()
    files = list(detection.confidential.terms_files) if detection.confidential else []
    if detection.injection is not None and detection.injection.rules_file is not None:
        files.append(detection.injection.rules_file)
    return tuple(files)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError([ConfigProblem(str(path), "", f"cannot read file: {exc.strerror}")]) from None


def _paths_relative_to(folder: Path, data: dict[str, object]) -> dict[str, object]:
    """Files a policy names (term lists, rule files) live next to it."""
    detection = data.get("detection")
    if not isinstance(detection, dict):
        return data
    detection = dict(detection)
    for section, key in (("confidential", "terms_files"), ("injection", "rules_file")):
        conf = detection.get(section)
        if isinstance(conf, dict) and key in conf:
            detection[section] = {**conf, key: _relative(folder, conf[key])}
    return {**data, "detection": detection}


def _relative(folder: Path, value: object) -> object:
    if isinstance(value, list):
        return [_relative(folder, v) for v in value]
    return str(folder / value) if isinstance(value, str) else value
