"""Probes of the policy's data rules, one control for them all (``data_rules_enforced``).

Each data rule yields the probe that exercises it: an entity type the rule matches for which a
canary can be made (canaries.py, or the policy's own confidential terms and patterns), chosen so
that this rule is the *first* rule deciding that type in a prompt, by the gateway's own decision
code (``DataRules.decide``). The value goes, in a sentence of its own, to an echo model; what the
echo got (or the refusal) shows what the rule did. A rule for answers only is probed with the
echo's plant instruction when it decides cards in answers (the only value the echo can plant).

Types the fixed core probes (plan.DATA_TARGETS) already plant come last in the order of choice,
so that this control adds coverage: under the default policy the ID rule is probed with a
National Insurance number, the people rule with a phone number.

What is reported per rule: passed; failed (what was seen: an action, a status, an error code,
never the value); allows (nothing to enforce); not reachable (earlier rules decide every type
it matches); not probed (why). The control is one name whatever the policy (a metric label);
which rule did what is in ``seen``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp

from detectors.base import Category, Finding
from detectors.registry import entity_categories
from gateway.assurance import pattern_values
from gateway.assurance.canaries import Canaries
from gateway.assurance.checks import AdminClient, sealed
from gateway.assurance.plan import ANSWER_TARGET, DATA_TARGETS, JAILBREAK_TARGET, DataTarget
from gateway.assurance.probes import BLOCKED_CODE, Result, Sent, chat, leaked, observed
from gateway.policy.data_rules import Action, DataRule, Direction
from gateway.policy.policy import Policy
from gateway.providers.echo_plant import plant_instruction
from gateway.wire.part_source import ANSWER, USER_TEXT, PartKind

CONTROL = "data_rules_enforced"
EXPECTED = (
    "each data rule does what it says to a value of a type it decides first: redact, pseudonymize or block "
    "keep it from the echo; audit lets it through and records the finding"
)
MARKER = "CONFIDENTIAL"  # a banner, not a value: the same word every run (and no planted value)
# The detector reporting each data class (a rule may match by detector name).
DETECTOR = {
    Category.SECRET: "secrets",
    Category.PII: "pii",
    Category.CONFIDENTIAL: "confidential",
    Category.INJECTION: "injection",
}


def _target(entity_type: str, category: Category, canary: str, template: str) -> DataTarget:
    return DataTarget(CONTROL, entity_type, category, DETECTOR[category], canary, template)


# In order of choice. ``canary``: the Canaries field; "" for a value taken from the policy or fixed here.
PROBE_TYPES: tuple[DataTarget, ...] = (
    _target("UK_NINO", Category.PII, "nino", "My national insurance number is {value}."),
    _target("IBAN_CODE", Category.PII, "iban", "Please pay the invoice to IBAN {value} today."),
    _target("PHONE_NUMBER", Category.PII, "phone", "Call me back on {value} tomorrow."),
    _target("IP_ADDRESS", Category.PII, "ip_address", "The server at {value} is down again."),
    _target("STREET_ADDRESS", Category.PII, "street_address", "Ship the parcel to {value} by Friday."),
    _target("GITHUB_TOKEN", Category.SECRET, "github_token", "Use the token {value} to clone the repo."),
    _target("SLACK_TOKEN", Category.SECRET, "slack_token", "The bot token is {value} for the alerts."),
    _target("PRIVATE_KEY", Category.SECRET, "private_key", "Here is the deploy key:\n{value}\n"),
    _target("GENERIC_SECRET", Category.SECRET, "api_key", "Set api_key = {value} in the config."),
    _target("CONFIDENTIAL_TERM", Category.CONFIDENTIAL, "", "Summarise the status of the {value} file."),
    _target("CONFIDENTIAL_PATTERN", Category.CONFIDENTIAL, "", "Summarise the status of the {value} file."),
    _target("CLASSIFICATION_MARKER", Category.CONFIDENTIAL, "", "{value}\nSummarise the quarterly numbers."),
    *(_target(t.entity_type, t.category, t.canary, t.template) for t in DATA_TARGETS),
    _target(JAILBREAK_TARGET.entity_type, Category.INJECTION, "jailbreak", "{value}"),
)
# The lowest score the real detectors give each canary in its sentence (tests/gateway/assurance/
# test_rule_canaries.py checks it): the finding a rule's min_score is compared with when planning.
SCORES = {
    "STREET_ADDRESS": 0.85,
    "GENERIC_SECRET": 0.7,
    "CONFIDENTIAL_TERM": 0.85,
    "CONFIDENTIAL_PATTERN": 0.9,
    "CLASSIFICATION_MARKER": 0.9,
    "PERSON": 0.85,
    "INJECTION_INSTRUCTION_OVERRIDE": 0.9,
}
DEFAULT_SCORE = 1.0  # tokens with a prefix of their own, and checksummed or fixed-shape PII


@dataclass(frozen=True)
class RulePlan:
    rule: str  # "data_rules.<id>"
    action: Action
    target: DataTarget | None  # None: not probed (``note`` says why)
    note: str = ""
    off: str | None = None  # the rule enforces nothing here (monitor mode): it fails without a probe
    direction: Direction = Direction.PROMPT


def plan(policy: Policy) -> list[RulePlan]:
    """Per data rule, in policy order: the type it is probed with, or why it is not."""
    known = entity_categories(policy.detection) if policy.detection else {}
    return [_plan_rule(policy, rule, known) for rule in policy.data_rules.rules]


def _finding(entity_type: str, category: Category) -> Finding:
    return Finding(entity_type, 0, 1, SCORES.get(entity_type, DEFAULT_SCORE), DETECTOR[category], category)


def _first(policy: Policy, entity_type: str, category: Category, direction: Direction) -> tuple[str, Action | None]:
    """The rule deciding this type first (the gateway's own code), and what enforcement would do."""
    source = USER_TEXT if direction is Direction.PROMPT else ANSWER
    decision = policy.data_rules.decide([_finding(entity_type, category)], direction, source)[0]
    return decision.rule, decision.monitored


def _plan_rule(policy: Policy, rule: DataRule, known: dict[str, Category]) -> RulePlan:
    name = f"data_rules.{rule.id}"
    if rule.action is Action.ALLOW:
        return RulePlan(name, rule.action, None, "allows (nothing to enforce)")
    if Direction.PROMPT not in rule.directions:
        return _plan_answer_rule(policy, rule, name)
    if rule.match.sources and PartKind.TEXT not in rule.match.sources:
        kinds = ", ".join(rule.match.sources)
        return RulePlan(name, rule.action, None, f"not probed (matches only in {kinds} parts)")
    matched = [t for t, c in known.items() if rule.match.matches(_finding(t, c), USER_TEXT)]
    if not matched:  # the rule can never act: a control on paper only
        return RulePlan(name, rule.action, None, off="no configured detector reports a type it matches")
    decided = {t: _first(policy, t, known[t], Direction.PROMPT) for t in matched}
    reachable = [t for t in matched if decided[t][0] == name]
    if not reachable:
        by = sorted({decided[t][0] for t in matched})
        return RulePlan(
            name, rule.action, None, f"not reachable (earlier rules decide every type it matches: {', '.join(by)})"
        )
    if decided[reachable[0]][1] is not None:  # what enforcement would do, recorded only
        return RulePlan(name, rule.action, None, off=f"rule {rule.id} is in monitor mode: nothing is enforced")
    for target in PROBE_TYPES:
        if target.entity_type in reachable and (target.canary or _policy_value(policy, target) is not None):
            return RulePlan(name, rule.action, target)
    shown = ", ".join(sorted(reachable)[:4]) + (", ..." if len(reachable) > 4 else "")
    return RulePlan(name, rule.action, None, f"not probed (no canary for the types it decides: {shown})")


def _plan_answer_rule(policy: Policy, rule: DataRule, name: str) -> RulePlan:
    """A rule for answers only: the echo can plant a card in its answer, nothing else."""
    card = ANSWER_TARGET
    if rule.match.matches(_finding(card.entity_type, card.category), ANSWER):
        decided, monitored = _first(policy, card.entity_type, card.category, Direction.RESPONSE)
        if decided == name and monitored is not None:
            return RulePlan(name, rule.action, None, off=f"rule {rule.id} is in monitor mode: nothing is enforced")
        if decided == name and card.entity_type in policy.known_types:
            return RulePlan(name, rule.action, card, direction=Direction.RESPONSE)
    return RulePlan(name, rule.action, None, "not probed (answers only, and the echo can plant only a card there)")


def _policy_value(policy: Policy, target: DataTarget) -> str | None:
    """A value the policy's own confidential detector reports; None where there is none to use."""
    config = policy.detection.confidential if policy.detection else None
    if config is None or target.canary:
        return None
    if target.entity_type == "CLASSIFICATION_MARKER":
        return MARKER if config.markers else None
    if target.entity_type == "CONFIDENTIAL_TERM":
        return next(iter(pattern_values.terms(config)), None)
    if target.entity_type == "CONFIDENTIAL_PATTERN":
        return next((v for p in config.patterns if (v := pattern_values.sample(p.regex)) is not None), None)
    return None


def value_of(policy: Policy, canaries: Canaries, target: DataTarget) -> str | None:
    if target.direction is Direction.RESPONSE:
        return canaries.answer_card
    return getattr(canaries, target.canary) if target.canary else _policy_value(policy, target)


@dataclass
class SentProbe:
    plan: RulePlan
    target: DataTarget
    value: str
    sent: Sent


async def probe(
    session: aiohttp.ClientSession,
    url: str,
    key: str,
    model: str | None,
    policy: Policy,
    canaries: Canaries,
    admin: AdminClient,
) -> Result:
    if model is None:  # every value goes to echo: with none approved, nothing is sent anywhere
        return Result(CONTROL, "skip", EXPECTED, "no approved echo model to probe with")
    passed: list[str] = []
    failed: list[str] = []
    notes: list[str] = []
    sent: list[SentProbe] = []
    for rule in plan(policy):
        if rule.off is not None:
            failed.append(f"{rule.rule}: {rule.off}")
        elif rule.target is None:
            notes.append(f"{rule.rule}: {rule.note}")
        elif (value := value_of(policy, canaries, rule.target)) is None:  # a pattern's draw that did not match
            notes.append(f"{rule.rule}: not probed (no {rule.target.entity_type} value could be drawn this run)")
        else:
            text = plant_instruction(canaries.plant_nonce) if rule.direction is Direction.RESPONSE else None
            prompt = text or rule.target.template.format(value=value)
            answer = await chat(session, url, key, model, prompt, stream=rule.direction is Direction.RESPONSE)
            sent.append(SentProbe(rule, rule.target, value, answer))
    secret = [*canaries.values, *(s.value for s in sent if not s.target.canary and s.value != MARKER)]
    records = await asyncio.gather(*(_record(admin, s) for s in sent))
    for item, record in zip(sent, records, strict=True):
        ok, seen = judge(item, record, secret)
        where = f"{item.plan.rule} ({item.target.entity_type}"
        where += " in a streamed answer)" if item.plan.direction is Direction.RESPONSE else ")"
        (passed if ok else failed).append(f"{where}: {seen}")
    seen = "; ".join([*(f"FAILED {f}" for f in failed), *passed, *notes])
    if failed:
        return Result(CONTROL, "fail", EXPECTED, seen)
    return Result(CONTROL, "pass" if passed else "skip", EXPECTED, seen or "the policy has no data rules")


async def _record(admin: AdminClient, item: SentProbe) -> dict[str, object] | None:
    if item.sent.request_id is None:
        return None
    _, record = await admin.record(item.sent.request_id)
    return record


def judge(item: SentProbe, record: dict[str, object] | None, secret: Sequence[str]) -> tuple[bool, str]:
    """Whether the rule did what it says, and what was seen, in words (never the value)."""
    action, sent, target = item.plan.action, item.sent, item.target
    seen = observed(sent, item.value, target)
    if record is None:
        return False, f"{seen}; no prompt-log record for the probe"
    if not sealed(record, secret):
        return False, f"{seen}; its prompt-log record shows text outside its seal"
    if action is Action.AUDIT:
        found = [str(t) for t in _types(record)]
        injection = target.category is Category.INJECTION  # one phrase may be reported as any injection type
        wanted = [t for t in found if t == target.entity_type or (injection and t.startswith("INJECTION_"))]
        if sent.status != 200 or not leaked(sent.text, item.value):
            return False, f"audit expected (let through, recorded); the provider got: {seen}"
        if not wanted:
            return False, f"audit expected; let through, but no {target.entity_type} finding in its prompt-log record"
        return True, f"audit: let through, recorded as {', '.join(sorted(set(wanted)))}"
    if item.plan.direction is Direction.RESPONSE:
        stopped = sent.stream_error == BLOCKED_CODE or (sent.stream_error is None and not sent.complete)
        ok = not leaked(sent.text, item.value) and (seen == action.value or stopped or seen == Action.REDACT.value)
        return ok, seen if ok else f"{action.value} expected; the caller got: {seen}"
    ok = seen == action.value and (action is not Action.BLOCK or sent.code == BLOCKED_CODE)
    return ok, seen if ok else f"{action.value} expected; the provider got: {seen}"


def _types(record: dict[str, object]) -> list[object]:
    types = record.get("entity_types")
    return list(types) if isinstance(types, list) else []
