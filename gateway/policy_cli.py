"""``aigw policy check``, ``test`` and ``diff``: review a policy before it is deployed.

``check`` validates policy files (errors name file, line and column) and prints what
each allows, so a reviewer reads the effect and not only the YAML. ``test`` runs the
expectation cases kept next to a policy (``NAME.tests.yaml`` beside ``NAME.yaml``): a
group, a provider and model, optionally a text, and the decision and rule expected, so a
security team keeps its own regression suite for its policy.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field

from detectors.base import Category, Detector
from detectors.registry import build_detectors
from gateway.data_rules import DataRule, Direction
from gateway.errors import ConfigError
from gateway.policy import Policy, load_policy
from gateway.policy_diff import Effect, diff
from gateway.scan_cli import scan, with_data_classes
from gateway.yamlconfig import Loc, YamlDocument, validate

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
    groups: tuple[str, ...] = ()  # the caller's groups; none means the policy's default group
    provider: str | None = None
    model: str | None = None
    text: str | None = None
    direction: Direction = Direction.PROMPT
    expect: Expectation


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
        if not rules.approved_tools:
            lines.append(f"  {group:<20} {'-':<12} (nothing approved)")
        for tool in rules.approved_tools:
            receives = "" if tool.data_classes is None else f"  (receives only: {_classes(tool.data_classes)})"
            lines.append(f"  {group:<20} {tool.provider:<12} {', '.join(tool.models)}{receives}")
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
        tool = policy.check_tool(case.groups, case.provider, case.model)
        if not tool.allowed:
            return "deny", tool.rule, set()
        rule = tool.rule
    if case.text is None:
        return "allow", rule, set()
    result = scan(case.text, detectors, policy, case.direction, show_values=False)
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
