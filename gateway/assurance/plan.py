"""What each probe expects, read from the policy and settings the gateway runs with.

A data probe's expected outcome is the action of the first data rule that matches its
finding in a prompt, exactly as the gateway decides it (``DataRules.decide``). A rule
that lets the type through (allow, audit, or any action in monitor mode) is a control
switched off: the probe fails without needing to send anything more. A type no rule
names is not a control of this policy: its probe is skipped, never counted as passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detectors.base import Category, Finding
from gateway.assurance.canaries import PERSON_TEMPLATE
from gateway.auth.identity import ASSURANCE_USER as ASSURANCE_USER  # re-exported: credentials, the command
from gateway.config.settings import Settings
from gateway.policy.data_rules import DEFAULT_RULE, Action, Direction
from gateway.policy.policy import Policy
from gateway.providers.routing import Router
from gateway.wire.part_source import ANSWER, USER_TEXT

# The assurance identity: a gateway key issued to ASSURANCE_USER (defined with ``Identity.assurance``, the
# mark), in this key group. The key is the mark (a header could be sent by anyone); the prompt log and
# incidents record the user as usual.
ASSURANCE_GROUP = "aigw-assurance"
PROTECTING = (Action.REDACT, Action.PSEUDONYMIZE, Action.BLOCK)


@dataclass(frozen=True)
class DataTarget:
    """One planted value: the entity type the detectors report for it, and its data class."""

    control: str
    entity_type: str
    category: Category
    detector: str
    canary: str  # the Canaries field holding the value
    template: str  # the prompt, with {value} where the canary goes
    direction: Direction = Direction.PROMPT  # where the value is met: in the prompt, or only in the answer


DATA_TARGETS = (
    DataTarget(
        "credential_blocked",
        "AWS_ACCESS_KEY_ID",
        Category.SECRET,
        "secrets",
        "aws_key_id",
        "Deploy with aws_access_key_id = {value} please.",
    ),
    DataTarget(
        "card_protected", "CREDIT_CARD", Category.PII, "pii", "card", "Charge my credit card {value} for the order."
    ),
    DataTarget("ssn_protected", "US_SSN", Category.PII, "pii", "ssn", "My social security number is {value}."),
    DataTarget("email_protected", "EMAIL_ADDRESS", Category.PII, "pii", "email", "Write to me at {value} today."),
    DataTarget("name_protected", "PERSON", Category.PII, "pii", "person", PERSON_TEMPLATE),
)
STREAM_TARGET = DataTarget(
    "stream_protected", "CREDIT_CARD", Category.PII, "pii", "card", "Repeat back my card number {value} exactly."
)
# The card only the echo's answer holds: the prompt is the echo's plant instruction (providers/echo_plant.py).
ANSWER_TARGET = DataTarget(
    "answer_stream_protected", "CREDIT_CARD", Category.PII, "pii", "answer_card", "{value}", Direction.RESPONSE
)
JAILBREAK_TARGET = DataTarget(
    "jailbreak_recorded", "INJECTION_INSTRUCTION_OVERRIDE", Category.INJECTION, "injection", "jailbreak", "{value}"
)


@dataclass(frozen=True)
class Expectation:
    action: Action | None  # None: no rule acts on this type here (the probe is skipped)
    rule: str
    off: str | None = None  # why the control is switched off under this policy (the probe fails)

    def describe(self) -> str:
        if self.action is None:
            return "no data rule for this type"
        return f"{self.action.value} (rule {self.rule})"


def expectation(policy: Policy, target: DataTarget) -> Expectation:
    """What the first rule for the target's type in its direction (prompt or answer) makes of it."""
    finding = Finding(target.entity_type, 0, 1, 1.0, target.detector, target.category)
    # Where the probe puts it: the user's text in a prompt, the answer's text in an answer (a rule's `sources`).
    where = ANSWER if target.direction is Direction.RESPONSE else USER_TEXT
    decision = policy.data_rules.decide([finding], target.direction, where)[0]
    if decision.rule == DEFAULT_RULE:
        return Expectation(None, decision.rule)
    rule = decision.rule.removeprefix("data_rules.")
    if target.entity_type not in policy.known_types:
        return Expectation(decision.action, rule, off="no detector configured in the policy reports this type")
    if decision.monitored is not None:
        return Expectation(decision.action, rule, off=f"rule {rule} is in monitor mode: nothing is enforced")
    wanted = (Action.AUDIT, *PROTECTING) if target.category is Category.INJECTION else PROTECTING
    if decision.action not in wanted:
        return Expectation(decision.action, rule, off=f"rule {rule} lets the type through ({decision.action.value})")
    return Expectation(decision.action, rule)


@dataclass(frozen=True)
class Models:
    echo: str | None  # an approved model served by an echo provider: where every planted value goes
    unapproved: str | None  # a routed model the assurance identity may not use
    unapproved_provider: str | None


def pick_models(settings: Settings, policy: Policy, groups: Sequence[str] = (ASSURANCE_GROUP,)) -> Models:
    """From the providers' catalogues as routed: an approved echo model, and an unapproved model
    (served by echo if any is, so that a broken control still sends nothing off the host)."""
    router = Router(settings.routes, settings.providers.keys())
    echo: str | None = None
    refused: list[tuple[bool, str, str]] = []
    for provider_name, provider in settings.providers.items():
        for model in provider.models:
            route = router.resolve(model)
            if route is None or route.provider != provider_name:
                continue
            allowed = policy.check_tool(tuple(groups), route.provider, route.model).allowed
            is_echo = provider.type == "echo"
            if allowed and is_echo and echo is None:
                echo = model
            elif not allowed and provider.type != "anthropic":  # probes speak the OpenAI API
                refused.append((not is_echo, model, provider_name))
    refused.sort()  # echo-served first
    first = refused[0] if refused else None
    return Models(echo, first[1] if first else None, first[2] if first else None)
