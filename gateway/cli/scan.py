"""``aigw scan``: what the detectors find in a text and what the policy would do.

Detectors are built once in this process, so ``--jsonl`` evaluates a whole corpus
quickly. Matched values are never printed unless ``--show-values`` is given.

A text is read as the caller's own turn unless ``--part`` says otherwise: the same instruction is
INJECTION_INSTRUCTION_OVERRIDE in a user turn and INJECTION_INDIRECT in a tool result (see
gateway.wire.part_source). ``--body`` scans a whole request body, each text as the part it is.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from detectors.base import Detector, resolve_overlaps
from detectors.registry import build_detectors
from detectors.views import TextViews, detect
from gateway.config.settings import Settings
from gateway.errors import InvalidRequest
from gateway.json_input import parse_request
from gateway.policy.data_rules import Action, Direction, RuledDecision
from gateway.policy.policy import Policy, ToolDecision, load_policy
from gateway.providers.routing import Router
from gateway.screening.redaction import Pseudonyms, rewrite
from gateway.wire.endpoints import ENDPOINTS, Endpoint, endpoint_named
from gateway.wire.part_source import DEFAULT_ROLE, PartKind, PartSource, Role, source
from gateway.wire.request_slots import walk_request


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    scan = sub.add_parser("scan", parents=parents, help="show what the detectors find and what the policy does")
    scan.add_argument("text", nargs="?", help="text to scan (default: standard input)")
    scan.add_argument("--policy", type=Path, help="policy file (default: the settings' policy_path)")
    scan.add_argument("--direction", choices=[d.value for d in Direction], default="prompt")
    where = scan.add_argument_group("where the text is read (prompts)")
    where.add_argument(
        "--part",
        choices=[k.value for k in PartKind],
        default=PartKind.TEXT.value,
        help="the kind of part the text is in (default: text, the caller's own turn)",
    )
    where.add_argument("--role", choices=[r.value for r in Role], help="the role of its turn (default: by --part)")
    where.add_argument("--body", type=Path, help="scan a whole request body (JSON), each text as the part it is")
    where.add_argument(
        "--endpoint", choices=[e.name for e in ENDPOINTS], default="chat.completions", help="the body's API"
    )
    out = scan.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="one JSON object")
    out.add_argument(
        "--jsonl", action="store_true", help='read {"text": ...} lines on stdin, write one result per line'
    )
    scan.add_argument("--show-values", action="store_true", help="include matched values and the rewritten text")
    caller = scan.add_argument_group("the caller (to see the approved-tools decision too)")
    caller.add_argument("--user", help="shown in the result; the policy decides by groups")
    groups = caller.add_mutually_exclusive_group()
    groups.add_argument("--group", action="append", default=[], help="the caller's key groups (repeat)")
    groups.add_argument("--sso-group", action="append", default=[], help="or the groups an SSO proxy sends (repeat)")
    caller.add_argument("--model", help="the model asked for")
    caller.add_argument("--provider", help="the provider (default: the settings' route for --model)")
    scan.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    stdin, stdout = sys.stdin, sys.stdout
    policy = load_policy(args.policy or settings.policy_path)
    tool = _tool_decision(args, settings, policy)
    detectors = build_detectors(policy.detection) if policy.detection and (tool is None or tool.allowed) else []
    direction = Direction(args.direction)
    where = _source(args, direction)

    def result_for(text: str) -> dict[str, Any]:
        if tool is not None and not tool.allowed:
            return {"decision": "deny", "rule": tool.rule, "findings": []} | _caller(args, tool)
        found = scan(text, detectors, policy, direction, args.show_values, where)
        return with_data_classes(found, tool) | _caller(args, tool) if tool is not None else found

    if args.body is not None:
        try:
            body = parse_request(args.body.read_bytes())  # as the gateway reads a body
        except (OSError, InvalidRequest) as exc:
            print(f"aigw scan: cannot read {args.body}: {exc}", file=sys.stderr)
            return 2
        result = scan_body(body, endpoint_named(args.endpoint), detectors, policy, args.show_values)
        if args.json:
            print(json.dumps(result, indent=2), file=stdout)
        else:
            _print_table(result, stdout)
        return 0
    if args.jsonl:
        for line in stdin:
            if line.strip():
                print(json.dumps(result_for(json.loads(line)["text"])), file=stdout)
        return 0
    text = args.text if args.text is not None else stdin.read()
    result = result_for(text)
    if args.json:
        print(json.dumps(result, indent=2), file=stdout)
    else:
        _print_table(result, stdout)
    return 0


def _tool_decision(args: argparse.Namespace, settings: Settings, policy: Policy) -> ToolDecision | None:
    if args.model is None:
        return None
    provider = args.provider
    if provider is None:
        route = Router(settings.routes, settings.providers).resolve(args.model)
        provider = route.provider if route else "(no route)"
    if args.sso_group:
        return policy.check_tool(args.sso_group, provider, args.model, "sso")
    return policy.check_tool(args.group, provider, args.model)


def with_data_classes(result: dict[str, Any], tool: ToolDecision) -> dict[str, Any]:
    """A block when data the approved tool may not receive would leave as it is (see screening)."""
    if tool.data_classes is None or result["decision"] == Action.BLOCK.value:
        return result
    allowed = {c.value for c in tool.data_classes}
    leaving = [f for f in result["findings"] if f["action"] in (Action.ALLOW.value, Action.AUDIT.value)]
    refused = sorted({f["category"] for f in leaving} - allowed)
    if not refused:
        return result
    return result | {
        "decision": Action.BLOCK.value,
        "rule": f"{tool.rule}.data_classes",
        "refused_data_classes": refused,
    }


def _caller(args: argparse.Namespace, tool: ToolDecision) -> dict[str, Any]:
    caller = {"user": args.user, "groups": list(tool.groups), "model": args.model, "tool_rule": tool.rule}
    return {k: v for k, v in caller.items() if v is not None}


def _source(args: argparse.Namespace, direction: Direction) -> PartSource | None:
    """The part a text is read as: an answer is the assistant's; a prompt is ``--part`` (in ``--role``)."""
    if direction is Direction.RESPONSE:
        return None
    kind = PartKind(args.part)
    return source(Role(args.role) if args.role else DEFAULT_ROLE[kind], kind)


def scan(
    text: str,
    detectors: Sequence[Detector],
    policy: Policy,
    direction: Direction,
    show_values: bool,
    where: PartSource | None = None,
) -> dict[str, Any]:
    """``where``: the part the text is in (None: an answer's, or a prompt's of no known part)."""
    decisions = _decide(text, detectors, policy, direction, where)
    result = _overall(decisions) | {"findings": [_finding(d, text, show_values) for d in decisions]}
    if show_values and result["decision"] != Action.BLOCK.value:
        result["rewritten"] = rewrite(text, decisions, Pseudonyms())
    return result


def scan_body(
    body: dict[str, Any], endpoint: Endpoint, detectors: Sequence[Detector], policy: Policy, show_values: bool
) -> dict[str, Any]:
    """A whole request body, as the gateway screens it: every text with its part's source; each
    finding names the text it is in (``part``: its index among the texts, offsets within it)."""
    walk = walk_request(endpoint, body)
    decided: list[RuledDecision] = []
    findings: list[dict[str, Any]] = []
    for n, slot in enumerate(s for s in walk.slots if s.text):
        text = slot.text
        decisions = _decide(text, detectors, policy, Direction.PROMPT, slot.source)
        decided += decisions
        findings += [{"part": n} | _finding(d, text, show_values) for d in decisions]
    return _overall(decided) | {"findings": findings, "unscreenable": sorted(walk.unscreenable)}


def _decide(
    text: str, detectors: Sequence[Detector], policy: Policy, direction: Direction, where: PartSource | None
) -> list[RuledDecision]:
    views = TextViews.of(text)  # what the gateway scans: the text and its normalised/decoded views
    findings = resolve_overlaps(f for d in detectors for f in detect(d, text, views, None))
    return policy.data_rules.decide(findings, direction, where)


def _overall(decisions: Sequence[RuledDecision]) -> dict[str, Any]:
    decision = max((d.action for d in decisions), key=lambda a: a.strength, default=Action.ALLOW)  # the strongest
    deciding = next((d.rule for d in decisions if d.action is decision), None)
    return {"decision": decision.value, "rule": deciding}


def _finding(decision: RuledDecision, text: str, show_values: bool) -> dict[str, Any]:
    out = {**decision.finding.summary(), "source": decision.source.label}
    out |= {"action": decision.action.value, "rule": decision.rule}
    if decision.monitored is not None:
        out["monitored"] = decision.monitored.value  # what enforce mode would have done
    if show_values:
        out["value"] = text[decision.finding.start : decision.finding.end]
    return out


def _print_table(result: dict[str, Any], out: TextIO) -> None:
    rule = f" (rule: {result['rule']})" if result.get("rule") else ""
    print(f"decision: {result['decision']}{rule}", file=out)
    if "tool_rule" in result:
        print(f"caller: groups {', '.join(result['groups'])}, model {result['model']}: {result['tool_rule']}", file=out)
    if not result["findings"]:
        print("no findings", file=out)
        return
    head = f"{'ENTITY TYPE':<34} {'START':>6} {'END':>6} {'SCORE':>5}  {'DETECTOR':<13} {'SOURCE':<30}"
    print(f"{'PART':>4} " * ("part" in result["findings"][0]) + f"{head} {'ACTION':<13} RULE", file=out)
    for f in result["findings"]:
        where = f"{f['start']:>6} {f['end']:>6} {f['score']:>5.2f}"
        row = f"{f['entity_type']:<34} {where}  {f['detector']:<13} {f['source']:<30} {f['action']:<13} {f['rule']}"
        row = f"{f['part']:>4} {row}" if "part" in f else row
        print(row + (f"  {f['value']!r}" if "value" in f else ""), file=out)
    if "rewritten" in result:
        print(f"rewritten: {result['rewritten']}", file=out)
