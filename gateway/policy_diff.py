"""What changed between two versions of a policy, and whether each change loosens or
tightens a control, so that loosening one is visible in review and in the change record.

``aigw policy diff OLD NEW`` prints it; a reload will record it as a policy-change event.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from gateway.data_rules import DataRule, DetectionPolicy, Mode
from gateway.policy import PolicyDocument
from gateway.redaction import Action

# How strongly an action protects data, weakest first (the same order `aigw scan` uses).
STRENGTH = [Action.ALLOW, Action.AUDIT, Action.REDACT, Action.PSEUDONYMIZE, Action.BLOCK]
DETECTORS = ("secrets", "pii", "confidential", "injection")


class Effect(enum.StrEnum):
    LOOSENED = "loosened"  # more is allowed, or less is checked
    TIGHTENED = "tightened"
    CHANGED = "changed"  # neither, or not decidable without knowing the traffic


@dataclass(frozen=True)
class Change:
    effect: Effect
    where: str  # the policy key, e.g. "groups.engineering.approved_tools" or "data_rules.ids-redact"
    what: str

    def __str__(self) -> str:
        return f"{self.effect.value:<9}  {self.where}: {self.what}"


def diff(old: PolicyDocument, new: PolicyDocument) -> list[Change]:
    return [
        *_mode(old, new), *_tools(old, new), *_data_classes(old, new),
        *_detection(old.detection, new.detection), *_rules(old, new),
    ]  # fmt: skip


def _mode(old: PolicyDocument, new: PolicyDocument) -> Iterator[Change]:
    was, now = old.policy.mode, new.policy.mode
    if was != now:
        effect = Effect.LOOSENED if now is Mode.MONITOR else Effect.TIGHTENED
        yield Change(effect, "policy.mode", f"{was.value} -> {now.value} (rules without their own mode)")


def _grants(doc: PolicyDocument) -> dict[str, set[str]]:
    return {
        group: {f"{tool.provider}/{glob}" for tool in rules.approved_tools for glob in tool.models}
        for group, rules in doc.groups.items()
    }


def _receives(doc: PolicyDocument) -> dict[tuple[str, str], frozenset[str] | None]:
    """(group, "provider: models") -> the data classes that tool may receive as is (None: any)."""
    out: dict[tuple[str, str], frozenset[str] | None] = {}
    for group, rules in doc.groups.items():
        for tool in rules.approved_tools:
            classes = None if tool.data_classes is None else frozenset(c.value for c in tool.data_classes)
            out[(group, f"{tool.provider}: {', '.join(tool.models)}")] = classes
    return out


def _data_classes(old: PolicyDocument, new: PolicyDocument) -> Iterator[Change]:
    before, after = _receives(old), _receives(new)
    for key in sorted(before.keys() & after.keys()):
        was, now = before[key], after[key]
        if was == now:
            continue
        where = f"groups.{key[0]}.approved_tools[{key[1]}].data_classes"
        shown = f"{'any' if was is None else sorted(was)} -> {'any' if now is None else sorted(now)}"
        wider = was is not None and (now is None or now > was)
        narrower = now is not None and (was is None or now < was)
        yield Change(Effect.LOOSENED if wider else Effect.TIGHTENED if narrower else Effect.CHANGED, where, shown)


def _tools(old: PolicyDocument, new: PolicyDocument) -> Iterator[Change]:
    before, after = _grants(old), _grants(new)
    for group in sorted(before.keys() | after.keys()):
        was, now = before.get(group, set()), after.get(group, set())
        where = f"groups.{group}.approved_tools"
        if group not in before:
            yield Change(Effect.CHANGED, f"groups.{group}", "group added")
        if group not in after:
            yield Change(Effect.CHANGED, f"groups.{group}", "group removed (its members fall into the default group)")
        for grant in sorted(now - was):
            yield Change(Effect.LOOSENED, where, f"now approved: {grant}")
        for grant in sorted(was - now):
            yield Change(Effect.TIGHTENED, where, f"no longer approved: {grant}")
    if old.default_group != new.default_group:
        yield Change(Effect.CHANGED, "default_group", f"{old.default_group} -> {new.default_group}")


def _detection(old: DetectionPolicy | None, new: DetectionPolicy | None) -> Iterator[Change]:
    for name in DETECTORS:
        was = getattr(old, name, None) if old else None
        now = getattr(new, name, None) if new else None
        if was is None and now is not None:
            yield Change(Effect.TIGHTENED, f"detection.{name}", "detector enabled")
        elif was is not None and now is None:
            yield Change(Effect.LOOSENED, f"detection.{name}", "detector disabled: nothing it finds is acted on")
        elif was != now:
            yield Change(Effect.CHANGED, f"detection.{name}", "settings changed")
    if old and new and old.on_failure != new.on_failure:
        effect = Effect.LOOSENED if new.on_failure == "allow" else Effect.TIGHTENED
        yield Change(effect, "detection.on_failure", f"{old.on_failure} -> {new.on_failure}")
    if old and new and old.time_limit_ms != new.time_limit_ms:
        yield Change(Effect.CHANGED, "detection.time_limit_ms", f"{old.time_limit_ms} -> {new.time_limit_ms}")


def _rules(old: PolicyDocument, new: PolicyDocument) -> Iterator[Change]:
    before = {rule.id: rule for rule in old.data_rules}
    after = {rule.id: rule for rule in new.data_rules}
    for rule_id, rule in after.items():
        if rule_id not in before:
            yield Change(_effect_of(Action.AUDIT, rule.action), f"data_rules.{rule_id}", f"added ({rule.action.value})")
    for rule_id, rule in before.items():
        if rule_id not in after:
            yield Change(_effect_of(rule.action, Action.AUDIT), f"data_rules.{rule_id}", f"removed (was {rule.action})")
        else:
            yield from _rule_changes(rule, after[rule_id], old.policy.mode, new.policy.mode)
    common_before = [r for r in before if r in after]
    if common_before != [r for r in after if r in before]:
        yield Change(Effect.CHANGED, "data_rules", "rules reordered (the first match wins)")


def _rule_changes(was: DataRule, now: DataRule, old_mode: Mode, new_mode: Mode) -> Iterator[Change]:
    where = f"data_rules.{was.id}"
    if was.action != now.action:
        yield Change(_effect_of(was.action, now.action), where, f"action {was.action.value} -> {now.action.value}")
    dropped, added = set(was.directions) - set(now.directions), set(now.directions) - set(was.directions)
    if dropped:
        yield Change(Effect.LOOSENED, where, f"no longer applies to {', '.join(sorted(dropped))}")
    if added:
        yield Change(Effect.TIGHTENED, where, f"now also applies to {', '.join(sorted(added))}")
    was_mode, now_mode = was.mode or old_mode, now.mode or new_mode
    if was.mode != now.mode and was_mode != now_mode:  # a policy-wide switch is reported once, above
        effect = Effect.LOOSENED if now_mode is Mode.MONITOR else Effect.TIGHTENED
        yield Change(effect, where, f"mode {was_mode.value} -> {now_mode.value}")
    if was.match != now.match:
        yield Change(Effect.CHANGED, where, "match changed")


def _effect_of(was: Action, now: Action) -> Effect:
    """A finding no rule matches is audited: that is what adding or removing a rule is measured against."""
    if STRENGTH.index(now) > STRENGTH.index(was):
        return Effect.TIGHTENED
    return Effect.LOOSENED if STRENGTH.index(now) < STRENGTH.index(was) else Effect.CHANGED
