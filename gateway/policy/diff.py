"""What changed between two versions of a policy, and whether each change loosens or
tightens a control, so that loosening one is visible in review and in the change record.

``aigw policy diff OLD NEW`` prints it; a reload will record it as a policy-change event.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from detectors.base import Category
from gateway.policy.data_rules import Action, DataRule, DetectionPolicy, Mode
from gateway.policy.limits import Metric, limit_label
from gateway.policy.register import RegisterEntry, RegisterPolicy
from gateway.policy.schema import LogLevel, PolicyDocument, PromptLogPolicy
from gateway.policy.violations import Severity

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
        *_mode(old, new),
        *_tools(old, new),
        *_data_classes(old, new),
        *_detection(old.detection, new.detection),
        *_rules(old, new),
        *_members(old, new),
        *_features(old, new),
        *_prompt_log(old, new),
        *_severities(old, new),
        *register_diff(old.tool_register, new.tool_register),
        *_reroutes(old, new),
        *_limits(old, new),
    ]


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
    if now.strength > was.strength:  # how strongly an action protects data (Action.strength)
        return Effect.TIGHTENED
    return Effect.LOOSENED if now.strength < was.strength else Effect.CHANGED


def _member_names(doc: PolicyDocument) -> dict[str, set[str]]:
    """group -> "key:NAME" and "sso:NAME" entries that put a caller in it."""
    out: dict[str, set[str]] = {}
    for group, rules in doc.groups.items():
        key, sso = rules.members.key_groups, rules.members.sso_groups
        out[group] = {f"key group {n}" for n in (group,) if key is None} | {f"key group {n}" for n in key or ()}
        out[group] |= {f"SSO group {n}" for n in (group,) if sso is None} | {f"SSO group {n}" for n in sso or ()}
    return out


def _members(old: PolicyDocument, new: PolicyDocument) -> Iterator[Change]:
    """More members get a group's tools (loosened, unless it is the default group everyone is in anyway)."""
    before, after = _member_names(old), _member_names(new)
    for group in sorted(before.keys() & after.keys()):
        where = f"groups.{group}.members"
        for name in sorted(after[group] - before[group]):
            yield Change(Effect.LOOSENED, where, f"{name} now a member")
        for name in sorted(before[group] - after[group]):
            yield Change(Effect.TIGHTENED, where, f"{name} no longer a member")


def _features(old: PolicyDocument, new: PolicyDocument) -> Iterator[Change]:
    """A provider feature allowed where it was denied (or more beta values) loosens; the reverse tightens."""
    for group in sorted(old.groups.keys() & new.groups.keys()):
        was, now = old.groups[group].provider_features, new.groups[group].provider_features
        for name in type(was).model_fields:
            before, after = getattr(was, name), getattr(now, name)
            if before != after:
                where = f"groups.{group}.provider_features.{name}"
                yield Change(_permission_effect(before, after), where, f"{before} -> {after}")


def _permission_effect(before: object, after: object) -> Effect:
    """deny < a list of values < allow; two lists compare by inclusion."""
    if isinstance(before, tuple) and isinstance(after, tuple):
        if set(after) > set(before):
            return Effect.LOOSENED
        return Effect.TIGHTENED if set(after) < set(before) else Effect.CHANGED
    rank = {"deny": 0, "allow": 2}
    return Effect.LOOSENED if rank.get(str(after), 1) > rank.get(str(before), 1) else Effect.TIGHTENED


def _prompt_log(old: PolicyDocument, new: PolicyDocument) -> Iterator[Change]:
    """Keeping more text, or keeping it longer, loosens data protection; less of either weakens
    the evidence kept: both are worth a reviewer's look, so only "more" is called loosened."""
    was, now = old.prompt_log, new.prompt_log
    yield from _log_settings("prompt_log", was.level, now.level, was.retention_days, now.retention_days)
    for category in sorted(was.data_classes.keys() | now.data_classes.keys()):
        (old_level, old_days), (new_level, new_days) = _class_log(was, category), _class_log(now, category)
        yield from _log_settings(f"prompt_log.data_classes.{category}", old_level, new_level, old_days, new_days)


def _class_log(log: PromptLogPolicy, category: Category) -> tuple[LogLevel, int]:
    rule = log.data_classes.get(category)
    if rule is None:
        return log.level, log.retention_days
    return rule.level or log.level, rule.retention_days or log.retention_days


def _log_settings(where: str, was: LogLevel, now: LogLevel, was_days: int, now_days: int) -> Iterator[Change]:
    if was != now:
        effect = Effect.LOOSENED if now.rank > was.rank else Effect.CHANGED
        yield Change(effect, where, f"level {was.value} -> {now.value}")
    if was_days != now_days:
        effect = Effect.LOOSENED if now_days > was_days else Effect.CHANGED
        yield Change(effect, where, f"retention {was_days} -> {now_days} days")


def _severities(old: PolicyDocument, new: PolicyDocument) -> Iterator[Change]:
    def keyed(doc: PolicyDocument) -> dict[tuple[str, tuple[str, ...], tuple[str, ...]], Severity]:
        return {(o.violation.value, o.groups, o.entity_types): o.severity for o in doc.incidents.severity_overrides}

    before, after = keyed(old), keyed(new)
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        if was == now:
            continue
        where = f"incidents.severity_overrides[{key[0]}]"
        if was is None and now is not None:
            yield Change(Effect.CHANGED, where, f"override added ({now.value})")
        elif now is None and was is not None:
            yield Change(Effect.CHANGED, where, f"override removed (was {was.value})")
        elif was is not None and now is not None:
            effect = Effect.LOOSENED if now.rank < was.rank else Effect.TIGHTENED
            yield Change(effect, where, f"severity {was.value} -> {now.value}")


def _limit_values(doc: PolicyDocument) -> dict[tuple[str, Metric], int | Decimal]:
    """Each limit by what it limits and which metric (validation holds each set once)."""
    values = ((rule, metric, value) for rule in doc.limits.rules for metric, value in rule.values().items())
    return {(limit_label(rule, metric), metric): value for rule, metric, value in values}


def _limits(old: PolicyDocument, new: PolicyDocument) -> Iterator[Change]:
    """A limit raised or removed loosens (more use is allowed); one lowered or added tightens."""
    before, after = _limit_values(old), _limit_values(new)
    order = list(Metric)
    for label, metric in sorted(before.keys() | after.keys(), key=lambda key: (key[0], order.index(key[1]))):
        a, b = before.get((label, metric)), after.get((label, metric))
        if a == b:
            continue
        where = f"limits[{label}].{metric.value}"
        if b is None:
            yield Change(Effect.LOOSENED, where, f"{a} -> no limit")
        elif a is None:
            yield Change(Effect.TIGHTENED, where, f"no limit -> {b}")
        else:
            yield Change(Effect.LOOSENED if b > a else Effect.TIGHTENED, where, f"{a} -> {b}")
    was_l, now_l = old.limits, new.limits
    if was_l.on_store_failure != now_l.on_store_failure:
        effect = Effect.LOOSENED if now_l.on_store_failure == "fail_open" else Effect.TIGHTENED
        yield Change(effect, "limits.on_store_failure", f"{was_l.on_store_failure} -> {now_l.on_store_failure}")
    if was_l.groups_combine != now_l.groups_combine:
        effect = Effect.LOOSENED if now_l.groups_combine == "most_generous" else Effect.TIGHTENED
        yield Change(effect, "limits.groups_combine", f"{was_l.groups_combine} -> {now_l.groups_combine}")
    if was_l.currency != now_l.currency:
        yield Change(Effect.CHANGED, "limits.currency", f"{was_l.currency} -> {now_l.currency}")


def register_diff(old: RegisterPolicy, new: RegisterPolicy) -> Iterator[Change]:
    """The register can only take tools out of service (the worst-standing entry covering a tool decides):
    putting one back, a later review date, an entry removed or narrowed, wider data classes or monitor mode
    loosen it; the reverse tightens."""
    if old.enforcement != new.enforcement:
        effect = Effect.LOOSENED if new.enforcement == "monitor" else Effect.TIGHTENED
        yield Change(effect, "tool_register.enforcement", f"{old.enforcement} -> {new.enforcement}")
    if old.require_entry != new.require_entry:
        effect = Effect.TIGHTENED if new.require_entry else Effect.LOOSENED
        yield Change(effect, "tool_register.require_entry", f"{old.require_entry} -> {new.require_entry}")
    if old.warn_days != new.warn_days:
        yield Change(Effect.CHANGED, "tool_register.warn_days", f"{old.warn_days} -> {new.warn_days}")
    was, now = {e.id: e for e in old.entries}, {e.id: e for e in new.entries}
    for entry_id in sorted(was.keys() - now.keys()):
        yield Change(Effect.LOOSENED, f"tool_register.{entry_id}", "entry removed: its tool is no longer reviewed")
    for entry_id in sorted(now.keys() - was.keys()):
        entry = now[entry_id]
        refuses = not entry.status.in_service or entry.review_by < datetime.now(UTC).date()
        restricts = entry.data_classes is not None
        effect = Effect.TIGHTENED if refuses or restricts else Effect.CHANGED
        yield Change(effect, f"tool_register.{entry_id}", f"entry added ({entry.status.value})")
    for entry_id in sorted(was.keys() & now.keys()):
        yield from _entry_changes(f"tool_register.{entry_id}", was[entry_id], now[entry_id])


def _entry_changes(where: str, was: RegisterEntry, now: RegisterEntry) -> Iterator[Change]:
    if was.status != now.status:
        before, after = was.status.in_service, now.status.in_service
        effect = Effect.CHANGED if before == after else (Effect.LOOSENED if after else Effect.TIGHTENED)
        yield Change(effect, f"{where}.status", f"{was.status.value} -> {now.status.value}")
    if was.review_by != now.review_by:
        effect = Effect.LOOSENED if now.review_by > was.review_by else Effect.TIGHTENED
        yield Change(effect, f"{where}.review_by", f"{was.review_by} -> {now.review_by}")
    yield from _entry_classes(where, was.data_classes, now.data_classes)
    if (was.provider, was.models) != (now.provider, now.models):
        tool_was, tool_now = f"{was.provider}/{list(was.models)}", f"{now.provider}/{list(now.models)}"
        wider = was.provider == now.provider and set(now.models) >= set(was.models)
        yield Change(Effect.CHANGED if wider else Effect.LOOSENED, f"{where}.models", f"{tool_was} -> {tool_now}")
    if was.data_terms != now.data_terms or was.hosting != now.hosting:
        yield Change(Effect.CHANGED, where, "hosting or data terms changed")


def _entry_classes(where: str, was: tuple[Category, ...] | None, now: tuple[Category, ...] | None) -> Iterator[Change]:
    if was == now:
        return
    if was is None or now is None:
        effect = Effect.TIGHTENED if was is None else Effect.LOOSENED
        yield Change(effect, f"{where}.data_classes", f"{_stated(was)} -> {_stated(now)}")
        return
    added, removed = set(now) - set(was), set(was) - set(now)
    if added:
        yield Change(Effect.LOOSENED, f"{where}.data_classes", "approved for " + ", ".join(sorted(added)))
    if removed:
        yield Change(Effect.TIGHTENED, f"{where}.data_classes", "no longer for " + ", ".join(sorted(removed)))


def _stated(classes: tuple[Category, ...] | None) -> str:
    return "not stated" if classes is None else "[" + ", ".join(c.value for c in classes) + "]"


def _reroute_targets(doc: PolicyDocument) -> dict[tuple[str, str], str]:
    return {
        (group, f"{tool.provider}/{','.join(tool.models)}"): f"{tool.reroute_to.provider}/{tool.reroute_to.model}"
        for group, rules in doc.groups.items()
        for tool in rules.approved_tools
        if tool.reroute_to is not None
    }


def _reroutes(old: PolicyDocument, new: PolicyDocument) -> Iterator[Change]:
    """A reroute sends data a tool may not receive elsewhere instead of refusing it: adding one loosens."""
    was, now = _reroute_targets(old), _reroute_targets(new)
    for key in sorted(was.keys() | now.keys()):
        where = f"groups.{key[0]}.approved_tools[{key[1]}].reroute_to"
        if key not in was:
            yield Change(Effect.LOOSENED, where, f"data of other classes goes to {now[key]} instead of being refused")
        elif key not in now:
            yield Change(Effect.TIGHTENED, where, f"no longer rerouted to {was[key]}: refused")
        elif was[key] != now[key]:
            yield Change(Effect.CHANGED, where, f"{was[key]} -> {now[key]}")
