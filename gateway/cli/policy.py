"""``aigw policy check``, ``test`` and ``diff``: review a policy before it is deployed.

``check`` validates policy files (errors name file, line and column) and prints what
each allows, so a reviewer reads the effect and not only the YAML. ``test`` runs the
expectation cases kept next to a policy (``NAME.tests.yaml`` beside ``NAME.yaml``): a
group, a provider and model, optionally a text, and the decision and rule expected, so a
security team keeps its own regression suite for its policy.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field, model_validator

from detectors.base import Category, Detector
from detectors.registry import build_detectors
from gateway.cli.scan import scan, with_data_classes
from gateway.config.yamlconfig import Loc, LocatedError, YamlDocument, validate
from gateway.errors import ConfigError
from gateway.policy.data_rules import DataRule, Direction
from gateway.policy.diff import Effect, diff
from gateway.policy.policy import GroupSource, Policy, load_policy
from gateway.policy.register import RegisterPolicy, standing
from gateway.policy.schema import GroupMembers, PolicyDocument
from gateway.wire.part_source import DEFAULT_ROLE, PartKind
from gateway.wire.part_source import source as part_source

CASES_SUFFIX = ".tests.yaml"
Expected = Literal["allow", "deny", "audit", "redact", "pseudonymize", "block"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expectation(_Strict):
    decision: Expected
    rule: str | None = None  # the rule that must have decided, when given
    entities: tuple[str, ...] = ()  # entity types that must be among the findings


class PolicyCase(_Strict):
    name: str = Field(min_length=1)
    groups: tuple[str, ...] = ()  # the caller's key groups; none (and no sso_groups): the default group
    sso_groups: tuple[str, ...] = ()  # or the groups an SSO proxy sends for the caller
    provider: str | None = None
    model: str | None = None
    text: str | None = None
    direction: Direction = Direction.PROMPT
    # The part of a prompt the text is in: "tool_result" reads it as a tool's output (an injection
    # there is INJECTION_INDIRECT), in the role that part has by default (gateway.wire.part_source).
    part: PartKind = PartKind.TEXT
    today: date | None = None  # the day the AI tool register is judged on (default: today, UTC)
    expect: Expectation

    @model_validator(mode="after")
    def _one_source(self) -> PolicyCase:
        if self.groups and self.sso_groups:
            raise LocatedError("a caller's groups come from a key or from SSO: give groups or sso_groups", "sso_groups")
        return self

    def caller(self) -> tuple[tuple[str, ...], GroupSource]:
        return (self.sso_groups, "sso") if self.sso_groups else (self.groups, "key")


class PolicyCases(_Strict):
    cases: tuple[PolicyCase, ...] = Field(min_length=1)


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    actions = sub.add_parser("policy", help="check and test policy files").add_subparsers(
        required=True, metavar="ACTION"
    )
    check = actions.add_parser("check", parents=parents, help="validate policies and print what they allow")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.set_defaults(run=lambda args, settings: run_check(args.files, sys.stdout, sys.stderr))
    test = actions.add_parser("test", parents=parents, help="run the expectation cases kept next to a policy")
    test.add_argument("file", type=Path, metavar="FILE")
    test.add_argument("--cases", type=Path, help="cases file (default: FILE's NAME.tests.yaml)")
    test.set_defaults(run=lambda args, settings: run_test(args.file, args.cases, sys.stdout))
    changes = actions.add_parser("diff", parents=parents, help="what changed between two policies, loosened or not")
    changes.add_argument("old", type=Path, metavar="OLD")
    changes.add_argument("new", type=Path, metavar="NEW")
    changes.set_defaults(run=lambda args, settings: run_diff(args.old, args.new, sys.stdout))


def run_check(files: Sequence[Path], out: TextIO, err: TextIO) -> int:
    failed = 0
    for path in files:
        if path.name.endswith(CASES_SUFFIX):  # `policies/*.yaml` includes the cases files: check them too
            try:
                print(f"{path}: OK  {len(load_cases(path).cases)} expectation cases\n", file=out)
            except ConfigError as exc:
                failed += 1
                print(f"{path}: INVALID\n{exc}\n", file=err)
            continue
        try:
            policy = load_policy(path)
        except ConfigError as exc:
            failed += 1
            print(f"{path}: INVALID\n{exc}\n", file=err)
            continue
        except OSError as exc:
            failed += 1
            print(f"{path}: cannot be read: {exc.strerror}\n", file=err)
            continue
        print(summary(path, policy), file=out)
    print(f"{len(files) - failed} of {len(files)} files valid", file=out)
    return 1 if failed else 0


def summary(path: Path, policy: Policy) -> str:
    """What a policy allows, as a reviewer reads it."""
    meta = policy.document.policy
    lines = [
        f"{path}: OK  policy {policy.id} version {policy.version}  mode {meta.mode.value}"
        + (f"  owner {meta.owner}" if meta.owner else ""),
        f"  default group: {policy.document.default_group}",
        f"  {'GROUP':<20} {'PROVIDER':<12} MODELS",
    ]
    for group, rules in policy.document.groups.items():
        members = _members(group, rules.members)
        if members:
            lines.append(f"  {group:<20} members: {members}")
        if not rules.approved_tools:
            lines.append(f"  {group:<20} {'-':<12} (nothing approved)")
        for tool in rules.approved_tools:
            receives = "" if tool.data_classes is None else f"  (receives only: {_classes(tool.data_classes)})"
            lines.append(f"  {group:<20} {tool.provider:<12} {', '.join(tool.models)}{receives}")
    lines += _log_and_incidents(policy.document)
    lines += _register(policy.document.tool_register)
    detection = policy.detection
    if detection is None:
        lines.append("  detection: off (no prompt or answer is scanned)")
        return "\n".join(lines) + "\n"
    enabled = [name for name in type(detection).model_fields if name in ("secrets", "pii", "confidential", "injection")]
    on = [name for name in enabled if getattr(detection, name) is not None]
    lines.append(
        f"  detection: {', '.join(on)}; time limit {detection.time_limit_ms} ms, on failure {detection.on_failure}"
    )
    lines.append(f"  {'DATA RULE':<22} {'ACTION':<13} {'DIRECTIONS':<18} MATCHES")
    for rule in policy.document.data_rules:
        directions = ", ".join(d.value for d in rule.directions)
        monitored = " (monitor)" if (rule.mode or meta.mode).value == "monitor" else ""
        lines.append(f"  {rule.id:<22} {rule.action.value + monitored:<13} {directions:<18} {_matches(rule)}")
    lines.append("  anything no rule matches: audit (recorded, passes)")
    return "\n".join(lines) + "\n"


def _members(group: str, members: GroupMembers) -> str:
    """Who is in a group, when the policy says more than "callers with the group's name"."""
    if members.key_groups is None and members.sso_groups is None:
        return ""
    parts = [
        f"{label} {', '.join(names) if names else '(none)'}"
        for label, names in (("key groups", members.key_groups), ("SSO groups", members.sso_groups))
        if names is not None
    ]
    same_name = [label for label, names in (("key", members.key_groups), ("SSO", members.sso_groups)) if names is None]
    parts += [f"{label} group {group!r}" for label in same_name]
    return "; ".join(parts)


def _log_and_incidents(doc: PolicyDocument) -> list[str]:
    log = doc.prompt_log
    lines = [f"  prompt log: {log.level.value}, kept {log.retention_days} days"]
    for category, rule in log.data_classes.items():
        level = (rule.level or log.level).value
        lines.append(f"    with {category.value} data: {level}, kept {rule.retention_days or log.retention_days} days")
    for override in doc.incidents.severity_overrides:
        scope = [
            f"{label} {', '.join(names)}"
            for label, names in (("groups", override.groups), ("types", override.entity_types))
            if names
        ]
        where = f" ({'; '.join(scope)})" if scope else ""
        lines.append(f"  incident severity: {override.violation.value}{where} -> {override.severity.value}")
    return lines + _limits(doc)


def _limits(doc: PolicyDocument) -> list[str]:
    limits, lines = doc.limits, []
    if limits.rules:
        lines.append(
            f"  limits: {limits.groups_combine.replace('_', ' ')} across groups; store down: {limits.on_store_failure}"
        )
    for rule in limits.rules:
        kind, name = rule.principal
        scope = (f" on {rule.models}" if rule.models else "") + (" (shared)" if rule.shared else "")
        values = ", ".join(f"{metric.value} {value}" for metric, value in rule.values().items())
        lines.append(f"    {kind} {name}{scope}: {values}")
    return lines


def _register(register: RegisterPolicy, today: date | None = None) -> list[str]:
    """Each register entry, where it stands today, and whom to ask."""
    if not register.entries:
        return []
    day = today or datetime.now(UTC).date()
    lines = [
        f"  tool register: {len(register.entries)} entries, {register.enforcement}, warning {register.warn_days} days",
        f"    {'ENTRY':<20} {'TOOL':<28} {'STATUS':<12} {'REVIEW BY':<11} {'TODAY':<14} OWNER",
    ]
    for entry in register.entries:
        verdict = standing(entry, day, register.warn_days)
        tool = f"{entry.provider}/{','.join(entry.models)}"
        lines.append(
            f"    {entry.id:<20} {tool:<28} {entry.status.value:<12} {entry.review_by.isoformat():<11} "
            f"{verdict.standing.value:<14} {entry.owner}"
        )
    return lines


def _classes(classes: Sequence[Category]) -> str:
    return ", ".join(c.value for c in classes) or "no detected data"


def _matches(rule: DataRule) -> str:
    match = rule.match
    parts = [
        f"{label} {', '.join(values)}"
        for label, values in (
            ("categories", [c.value for c in match.categories]),
            ("types", list(match.entity_types)),
            ("detectors", list(match.detectors)),
            ("in", [k.value for k in match.sources]),
        )
        if values
    ]
    return "; ".join(parts) or "every finding"


def cases_path(policy_path: Path) -> Path:
    return policy_path.with_name(policy_path.stem + CASES_SUFFIX)


def load_cases(path: Path) -> PolicyCases:
    doc = YamlDocument.load(path)

    def locate(loc: Loc, related: object) -> tuple[str, int | None, int | None]:
        mark = doc.mark(loc)
        return (doc.source, *mark) if mark else (doc.source, None, None)

    return validate(PolicyCases, doc.data, locate)


def run_test(policy_path: Path, cases_file: Path | None, out: TextIO) -> int:
    policy = load_policy(policy_path)
    cases = load_cases(cases_file or cases_path(policy_path))
    detectors = build_detectors(policy.detection) if policy.detection and any(c.text for c in cases.cases) else []
    failures = 0
    for case in cases.cases:
        problems = check_case(case, policy, detectors)
        failures += bool(problems)
        print(f"{'FAIL' if problems else 'ok  '} {case.name}" + "".join(f"\n     {p}" for p in problems), file=out)
    print(f"{len(cases.cases) - failures} of {len(cases.cases)} cases pass (policy {policy.version})", file=out)
    return 1 if failures else 0


def decide_case(case: PolicyCase, policy: Policy, detectors: Sequence[Detector]) -> tuple[str, str, set[str]]:
    """(decision, rule, entity types found) for one case, as the gateway would decide it."""
    rule, tool = "", None
    if case.provider is not None and case.model is not None:
        groups, source = case.caller()
        tool = policy.check_tool(groups, case.provider, case.model, source)
        if not tool.allowed:
            return "deny", tool.rule, set()
        verdict = policy.register.verdict(case.provider, case.model, case.today or datetime.now(UTC).date())
        if verdict is not None and verdict.standing.refused:
            return "deny", f"register.{verdict.entry.id}", set()
        if verdict is None and policy.document.tool_register.require_entry:
            return "deny", "tool_register.require_entry", set()
        if verdict is not None and verdict.entry.data_classes is not None:  # the entry narrows the grant
            classes = frozenset(verdict.entry.data_classes)
            granted = classes if tool.data_classes is None else tool.data_classes
            tool = dataclasses.replace(tool, data_classes=classes & granted)
        rule = tool.rule
    if case.text is None:
        return "allow", rule, set()
    where = part_source(DEFAULT_ROLE[case.part], case.part) if case.direction is Direction.PROMPT else None
    result = scan(case.text, detectors, policy, case.direction, show_values=False, where=where)
    if tool is not None and case.direction is Direction.PROMPT:
        result = with_data_classes(result, tool)
    found = {f["entity_type"] for f in result["findings"]}
    return result["decision"], result["rule"] or rule, found


def check_case(case: PolicyCase, policy: Policy, detectors: Sequence[Detector]) -> list[str]:
    decision, rule, found = decide_case(case, policy, detectors)
    expect, problems = case.expect, []
    if decision != expect.decision:
        problems.append(f"decision: expected {expect.decision}, got {decision} (rule: {rule or '-'})")
    if expect.rule is not None and rule != expect.rule:
        problems.append(f"rule: expected {expect.rule}, got {rule or '-'}")
    missing = sorted(set(expect.entities) - found)
    if missing:
        problems.append(f"entity types not found: {', '.join(missing)} (found: {', '.join(sorted(found)) or 'none'})")
    return problems


def run_diff(old_path: Path, new_path: Path, out: TextIO) -> int:
    """Print the changes; exit 1 when any loosens a control (so a pipeline can ask for a second review)."""
    old, new = load_policy(old_path), load_policy(new_path)
    changes = diff(old.document, new.document)
    print(f"policy {old.id} {old.version} -> {new.id} {new.version}: {len(changes)} changes", file=out)
    for change in changes:
        print(f"  {change}", file=out)
    return 1 if any(c.effect is Effect.LOOSENED for c in changes) else 0
