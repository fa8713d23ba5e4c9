"""The security team's policy file: who may use which AI providers and models.

This is the approved-tools part of the policy; every decision names the rule
that made it. The policy file is validated as strictly as settings are: unknown
keys, wrong types and dangling group references stop the gateway with the file,
line and column to fix.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from detectors.base import Category
from detectors.registry import entity_categories
from gateway.data_rules import DataRule, DataRules, DetectionPolicy, Direction, Mode
from gateway.yamlconfig import Loc, LocatedError, YamlDocument, validate

MAX_ALTERNATIVES_SHOWN = 12
# Decisions are pure functions of (groups, provider, model) for a loaded policy, so
# they are cached; bounded because model names come from callers.
DECISION_CACHE_SIZE = 4096


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PolicyMeta(_Strict):
    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    owner: str = ""
    description: str = ""
    # monitor: nothing is denied, blocked or rewritten; what enforcement would do is recorded.
    mode: Mode = Mode.ENFORCE


class ApprovedTool(_Strict):
    provider: str = Field(min_length=1)
    models: tuple[str, ...] = Field(min_length=1)
    description: str = ""
    # The data classes this tool may receive as they are (not redacted or pseudonymized):
    # e.g. [pii] for a vendor, while confidential data goes only to a self-hosted model.
    # None: whatever the data rules let through.
    data_classes: tuple[Category, ...] | None = None


class GroupRules(_Strict):
    description: str = ""
    approved_tools: tuple[ApprovedTool, ...] = ()


class PolicyDocument(_Strict):
    policy: PolicyMeta
    default_group: str
    groups: dict[str, GroupRules] = Field(min_length=1)
    detection: DetectionPolicy | None = None
    data_rules: tuple[DataRule, ...] = ()

    @model_validator(mode="after")
    def _check_default_group(self) -> PolicyDocument:
        if self.default_group not in self.groups:
            defined = ", ".join(self.groups)
            message = f"default_group {self.default_group!r} is not one of the groups defined ({defined})"
            raise LocatedError(message, "default_group")
        seen: set[str] = set()
        for index, rule in enumerate(self.data_rules):
            if rule.id in seen:
                raise LocatedError(f"data rule id {rule.id!r} is used twice", "data_rules", index, "id")
            seen.add(rule.id)
        self._check_rule_entities()
        self._check_data_classes()
        return self

    def _check_data_classes(self) -> None:
        if self.detection is not None and self.detection.enabled:
            return
        for group, rules in self.groups.items():
            for index, tool in enumerate(rules.approved_tools):
                if tool.data_classes is not None:
                    message = "data_classes needs detection: without detectors no data class is ever known"
                    raise LocatedError(message, "groups", group, "approved_tools", index, "data_classes")

    def _check_rule_entities(self) -> None:
        known = entity_categories(self.detection) if self.detection else {}
        for index, rule in enumerate(self.data_rules):
            for position, entity in enumerate(rule.match.entity_types):
                if entity not in known:
                    hint = ", ".join(sorted(known)) or "none: the policy enables no detectors"
                    message = f"entity type {entity!r} is not reported by the detectors this policy enables ({hint})"
                    raise LocatedError(message, "data_rules", index, "match", "entity_types", position)


@dataclass(frozen=True)
class ToolDecision:
    allowed: bool
    rule: str
    groups: tuple[str, ...]
    alternatives: tuple[str, ...] = ()
    data_classes: frozenset[Category] | None = None  # what the approved tool may receive as is


@dataclass(frozen=True)
class _Grant:
    group: str
    index: int
    provider: str
    pattern: re.Pattern[str]
    label: str
    data_classes: frozenset[Category] | None


class Policy:
    """A loaded, validated policy, ready to answer approved-tool questions quickly."""

    def __init__(self, document: PolicyDocument, digest: str) -> None:
        self.document = document
        self.id = document.policy.id
        self.version = f"{document.policy.version}+{digest[:12]}"
        self._grants: dict[str, list[_Grant]] = {
            group: [
                _Grant(
                    group,
                    index,
                    tool.provider,
                    re.compile(fnmatch.translate(glob)),
                    f"{tool.provider}/{glob}",
                    None if tool.data_classes is None else frozenset(tool.data_classes),
                )
                for index, tool in enumerate(rules.approved_tools)
                for glob in tool.models
            ]
            for group, rules in document.groups.items()
        }
        self._decide = functools.lru_cache(maxsize=DECISION_CACHE_SIZE)(self._decide_uncached)
        self.detection = document.detection if document.detection and document.detection.enabled else None
        self.monitor = document.policy.mode is Mode.MONITOR
        self.data_rules = DataRules(document.data_rules, document.policy.mode)
        known = entity_categories(self.detection) if self.detection else {}
        self.answer_entities = self.data_rules.answer_entities(known)
        self.scans_answers = self.data_rules.acts_on(Direction.RESPONSE) and self.answer_entities != frozenset()

    def effective_groups(self, groups: Iterable[str]) -> tuple[str, ...]:
        """The caller's groups the policy knows; the default group if it knows none."""
        known = tuple(dict.fromkeys(g for g in groups if g in self._grants))
        return known or (self.document.default_group,)

    def check_tool(self, groups: Iterable[str], provider: str, model: str) -> ToolDecision:
        return self._decide(tuple(groups), provider, model)

    def _decide_uncached(self, groups: tuple[str, ...], provider: str, model: str) -> ToolDecision:
        effective = self.effective_groups(groups)
        for group in effective:
            for grant in self._grants[group]:
                if grant.provider == provider and grant.pattern.match(model):
                    rule = f"groups.{group}.approved_tools[{grant.index}]"
                    return ToolDecision(True, rule, effective, data_classes=grant.data_classes)
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
    doc = YamlDocument.load(path)

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
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Policy(document, digest)


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
