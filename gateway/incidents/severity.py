"""How severe an incident is: the mapping's default, raised by every escalation rule that
applies to the facts of this incident, then the policy's overrides (the security team's
word is last). The reasons are kept on the incident, so a severity can be explained."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from gateway.compliance.catalog import Conditions, SeveritySpec
from gateway.policy.schema import SeverityOverride
from gateway.policy.violations import Severity, Violation


@dataclass(frozen=True)
class Facts:
    """What is known about one incident that can make it more severe."""

    let_through: bool = False  # the data or request passed unchanged (monitor mode, an audit-only rule)
    enforced: bool = True  # False: the policy (or the rule) is in monitor mode
    data_classes: frozenset[str] = frozenset()
    entity_types: frozenset[str] = frozenset()
    count: int = 1  # findings (or failures) in this incident
    repeats: int = 1  # incidents of this type by the same actor within the window, this one included
    privileged: bool = False
    flags: frozenset[str] = field(default_factory=frozenset)
    groups: tuple[str, ...] = ()

    def with_repeats(self, repeats: int) -> Facts:
        return dataclasses.replace(self, repeats=repeats)


@dataclass(frozen=True)
class Assessment:
    severity: Severity
    reasons: tuple[str, ...]


def assess(violation: Violation, spec: SeveritySpec, facts: Facts, overrides: Sequence[SeverityOverride]) -> Assessment:
    severity, reasons = spec.default, [f"default for {violation.value}: {spec.default.value}"]
    for rule in spec.escalation:
        if applies(rule.when, facts) and rule.severity.rank > severity.rank:
            severity = rule.severity
            reasons.append(f"escalated to {rule.severity.value}: {rule.why}")
    for override in overrides:
        if _override_applies(override, violation, facts):
            severity = override.severity
            why = override.description or "policy override"
            reasons.append(f"set to {override.severity.value} by the policy: {why}")
            break  # the first matching override wins, as policies are read top to bottom
    return Assessment(severity, tuple(reasons))


def applies(when: Conditions, facts: Facts) -> bool:
    checks = (
        when.let_through is None or when.let_through == facts.let_through,
        when.enforced is None or when.enforced == facts.enforced,
        not when.data_classes_any or bool(facts.data_classes.intersection(when.data_classes_any)),
        not when.entity_types_any or bool(facts.entity_types.intersection(when.entity_types_any)),
        when.min_count is None or facts.count >= when.min_count,
        when.min_repeats is None or facts.repeats >= when.min_repeats,
        when.privileged is None or when.privileged == facts.privileged,
        not when.flags_any or bool(facts.flags.intersection(when.flags_any)),
    )
    return all(checks)


def _override_applies(override: SeverityOverride, violation: Violation, facts: Facts) -> bool:
    if override.violation is not violation:
        return False
    if override.groups and not set(override.groups).intersection(facts.groups):
        return False
    return not override.entity_types or bool(facts.entity_types.intersection(override.entity_types))
