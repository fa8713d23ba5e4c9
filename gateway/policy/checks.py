"""Cross-field checks of a policy: what a schema alone cannot see.

Dangling references (a default group or an override naming a group that does not
exist), names the enabled detectors never report, and contradictions: a data rule
that can never apply, because it asks for an entity type outside its own categories
or because a rule above it already takes every finding it would. Each raises a
``LocatedError`` pointing at the key to fix, with the keys that led to it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Protocol

from detectors.base import Category
from detectors.registry import entity_categories
from gateway.config.yamlconfig import LocatedError
from gateway.policy.data_rules import DataRule, DetectionPolicy, RuleMatch

DETECTOR_NAMES = ("secrets", "pii", "confidential", "injection")


# What the checks read of a policy document. The schema (gateway.policy.schema) runs these checks
# when it validates a document, so they name the parts they read here instead of importing it back.
class _Tool(Protocol):
    @property
    def data_classes(self) -> tuple[Category, ...] | None: ...


class _Group(Protocol):
    @property
    def approved_tools(self) -> Sequence[_Tool]: ...


class _Override(Protocol):
    @property
    def groups(self) -> Sequence[str]: ...
    @property
    def entity_types(self) -> Sequence[str]: ...


class _Incidents(Protocol):
    @property
    def privileged_groups(self) -> Sequence[str]: ...
    @property
    def severity_overrides(self) -> Sequence[_Override]: ...


class CheckedDocument(Protocol):
    """The parts of ``gateway.policy.schema.PolicyDocument`` that the checks read."""

    @property
    def default_group(self) -> str: ...
    @property
    def groups(self) -> Mapping[str, _Group]: ...
    @property
    def detection(self) -> DetectionPolicy | None: ...
    @property
    def data_rules(self) -> tuple[DataRule, ...]: ...
    @property
    def incidents(self) -> _Incidents: ...


def check_document(doc: CheckedDocument) -> None:
    if doc.default_group not in doc.groups:
        defined = ", ".join(doc.groups)
        message = f"default_group {doc.default_group!r} is not one of the groups defined ({defined})"
        raise LocatedError(message, "default_group")
    known = entity_categories(doc.detection) if doc.detection else {}
    _check_rule_ids(doc.data_rules)
    for index, rule in enumerate(doc.data_rules):
        _check_rule_names(doc, index, rule, known)
    _check_reachable(doc.data_rules, known)
    _check_data_classes(doc)
    _check_overrides(doc, known)


def _check_rule_ids(rules: tuple[DataRule, ...]) -> None:
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if rule.id in seen:
            related = [("data_rules", seen[rule.id], "id")]
            raise LocatedError(f"data rule id {rule.id!r} is used twice", "data_rules", index, "id", related=related)
        seen[rule.id] = index


def _unknown_entity(entity: str, known: Mapping[str, Category]) -> str:
    message = f"entity type {entity!r} is not reported by the detectors this policy enables"
    if not known:
        return message + " (none: the policy enables no detectors)"
    close = difflib.get_close_matches(entity, list(known), n=1, cutoff=0.6)
    return message + (f"; did you mean {close[0]!r}?" if close else f" ({', '.join(sorted(known))})")


def _check_rule_names(doc: CheckedDocument, index: int, rule: DataRule, known: Mapping[str, Category]) -> None:
    for position, entity in enumerate(rule.match.entity_types):
        if entity not in known:
            raise LocatedError(_unknown_entity(entity, known), "data_rules", index, "match", "entity_types", position)
    enabled = [name for name in DETECTOR_NAMES if doc.detection and getattr(doc.detection, name) is not None]
    for position, detector in enumerate(rule.match.detectors):
        if detector not in enabled:
            hint = ", ".join(enabled) or "none"
            message = f"detector {detector!r} is not one this policy enables (enabled: {hint})"
            raise LocatedError(message, "data_rules", index, "match", "detectors", position)
    if rule.match.entity_types and rule.match.categories and not _types_of(rule.match, known):
        outside = ", ".join(f"{t} is {known[t].value}" for t in rule.match.entity_types)
        message = f"this rule can never apply: none of its entity types is in its categories ({outside})"
        raise LocatedError(message, "data_rules", index, "match", "categories")


def _types_of(match: RuleMatch, known: Mapping[str, Category]) -> set[str] | None:
    """The entity types a match can take; None: any (it names neither types nor categories)."""
    if match.entity_types:
        return {t for t in match.entity_types if not match.categories or known.get(t) in match.categories}
    if match.categories:
        return {t for t, category in known.items() if category in match.categories}
    return None


def _covers(first: DataRule, later: DataRule, known: Mapping[str, Category]) -> bool:
    """Whether ``first`` matches every finding ``later`` would (so ``later`` never decides)."""
    a, b = first.match, later.match
    if not set(later.directions) <= set(first.directions) or a.min_score > b.min_score:
        return False
    if a.detectors and not (b.detectors and set(b.detectors) <= set(a.detectors)):
        return False
    if a.sources and not (b.sources and set(b.sources) <= set(a.sources)):
        return False  # ``first`` holds only in some parts: a later rule still decides the others
    types = _types_of(b, known)
    if types is None:
        return not a.entity_types and not a.categories
    return all(
        (not a.entity_types or t in a.entity_types) and (not a.categories or known[t] in a.categories) for t in types
    )


def _check_reachable(rules: tuple[DataRule, ...], known: Mapping[str, Category]) -> None:
    for index, rule in enumerate(rules):
        for earlier, first in enumerate(rules[:index]):
            if _covers(first, rule, known):
                message = (
                    f"data rule {rule.id!r} can never apply: rule {first.id!r} above it matches every finding it "
                    f"would (the first match wins); move {rule.id!r} up or narrow {first.id!r}"
                )
                raise LocatedError(message, "data_rules", index, "id", related=[("data_rules", earlier, "id")])


def _check_data_classes(doc: CheckedDocument) -> None:
    if doc.detection is not None and doc.detection.enabled:
        return
    for group, rules in doc.groups.items():
        for index, tool in enumerate(rules.approved_tools):
            if tool.data_classes is not None:
                message = "data_classes needs detection: without detectors no data class is ever known"
                raise LocatedError(message, "groups", group, "approved_tools", index, "data_classes")


def _check_overrides(doc: CheckedDocument, known: Mapping[str, Category]) -> None:
    for position, group in enumerate(doc.incidents.privileged_groups):
        if group not in doc.groups:
            message = f"group {group!r} is not one of the groups defined ({', '.join(doc.groups)})"
            raise LocatedError(message, "incidents", "privileged_groups", position)
    for index, override in enumerate(doc.incidents.severity_overrides):
        where = ("incidents", "severity_overrides", index)
        for position, group in enumerate(override.groups):
            if group not in doc.groups:
                message = f"group {group!r} is not one of the groups defined ({', '.join(doc.groups)})"
                raise LocatedError(message, *where, "groups", position)
        for position, entity in enumerate(override.entity_types):
            if entity not in known:
                raise LocatedError(_unknown_entity(entity, known), *where, "entity_types", position)
