"""The policy's data rules: what to do with each finding, in prompts and in answers.

Rules are an ordered list, first match wins (like a firewall), so a reviewer can
read the policy top-down and every action names the rule that chose it. A finding
no rule matches is recorded (``audit``) and passes.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from detectors.base import Category, Finding
from detectors.injection import INDIRECT
from detectors.injection_classifier import CLASSIFIER_ONLY, CLASSIFIER_TYPES
from detectors.registry import DetectorsConfig
from gateway.config.yamlconfig import LocatedError
from gateway.policy.unscreenable import UnscreenablePolicy
from gateway.wire.part_source import ANSWER, UNKNOWN, PartKind, PartSource

DEFAULT_RULE = "data_rules.default_audit"


class Action(enum.StrEnum):
    """What a data rule does with a finding. Declared weakest first: ``strength`` is that order."""

    ALLOW = "allow"
    AUDIT = "audit"  # record only
    REDACT = "redact"
    PSEUDONYMIZE = "pseudonymize"
    BLOCK = "block"

    @property
    def strength(self) -> int:
        """ALLOW < AUDIT < REDACT < PSEUDONYMIZE < BLOCK: the strongest of several actions wins, and a
        policy change that raises it tightens (``max(actions, key=lambda a: a.strength)``). Not ``<`` on
        the enum itself: Action is a str, whose ``<`` orders by spelling."""
        return _ORDER.index(self)


_ORDER: tuple[Action, ...] = tuple(Action)


@dataclass(frozen=True, slots=True)
class Decision:
    """A finding and what the policy does about it."""

    finding: Finding
    action: Action


class DetectionPolicy(DetectorsConfig):
    """The policy's ``detection`` section: which detectors run, and what happens
    when detection cannot answer (fail closed unless the policy says otherwise)."""

    # Per job of a scan: a long text is scanned in pieces, each a job (settings: detection.chunk_chars).
    time_limit_ms: int = Field(default=2000, gt=0, le=60_000)
    on_failure: Literal["block", "allow"] = "block"
    # The most text one request or answer may hold for scanning (every text field together).
    # A prompt over it is refused (413, in enforce and monitor mode alike: its size is the
    # caller's to fix, and scanning it would take the workers from everyone else); an answer
    # over it follows on_failure. A million characters is about 250,000 tokens.
    max_scan_chars: int = Field(default=1_000_000, gt=0, le=100_000_000)
    # Streamed answers go out as soon as they are safe (gateway.screening.stream_cut); when
    # their scan runs NER, a stream's text is scanned at most every 100 ms, or once this many
    # characters are ready.
    stream_window_chars: int = Field(default=256, ge=32, le=65_536)
    # What cannot be screened as text (base64 images, audio, files, token ids, remote tool
    # credentials): allow or block per kind; see gateway.policy.unscreenable for the defaults.
    unscreenable: UnscreenablePolicy = UnscreenablePolicy()


class Direction(enum.StrEnum):
    PROMPT = "prompt"
    RESPONSE = "response"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleMatch(_Strict):
    """Which findings a rule is about; every given field must match (an empty match
    matches everything)."""

    entity_types: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    detectors: tuple[str, ...] = ()
    min_score: float = Field(default=0.0, ge=0.0, le=1.0)
    # The kinds of part the finding was made in (gateway.wire.part_source.PartKind): e.g.
    # [tool_result, document] for "an instruction inside data the model reads". An answer's
    # text is of kind ``text``.
    sources: tuple[PartKind, ...] = ()

    def matches(self, finding: Finding, source: PartSource = UNKNOWN) -> bool:
        return (
            (not self.entity_types or finding.entity_type in self.entity_types)
            and (not self.categories or finding.category in self.categories)
            and (not self.detectors or finding.detector in self.detectors)
            and finding.score >= self.min_score
            and (not self.sources or source.kind in self.sources)
        )


class Mode(enum.StrEnum):
    ENFORCE = "enforce"
    MONITOR = "monitor"  # record what enforcement would do, change nothing: how a new rule is rolled out


class DataRule(_Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    match: RuleMatch = RuleMatch()
    directions: tuple[Direction, ...] = (Direction.PROMPT, Direction.RESPONSE)
    action: Action
    mode: Mode | None = None  # None: the policy's mode

    @model_validator(mode="after")
    def _check(self) -> DataRule:
        if self.action is Action.PSEUDONYMIZE and self.directions == (Direction.RESPONSE,):
            raise LocatedError("pseudonymize applies to prompts (answers get the originals back)", "action")
        return self


@dataclass(frozen=True, slots=True)
class RuledDecision(Decision):
    rule: str = DEFAULT_RULE
    # In monitor mode ``action`` is AUDIT (nothing changes) and this is what enforcement would have done.
    monitored: Action | None = None
    source: PartSource = UNKNOWN  # where the finding was made (role and part kind): metadata, never text

    @property
    def label(self) -> str:
        """For the record: "US_SSN:redact", or "US_SSN:redact(monitor)" when it was only recorded."""
        if self.monitored is not None:
            return f"{self.finding.entity_type}:{self.monitored.value}(monitor)"
        return f"{self.finding.entity_type}:{self.action.value}"


def as_read_in(findings: Iterable[Finding], source: PartSource) -> Iterable[Finding]:
    """An instruction in the caller's own turn is a request; the same words inside a tool result,
    a document or a file are an indirect injection: there every injection finding becomes
    INJECTION_INDIRECT, keeping its span, score and detector, before any rule reads it."""
    if not source.indirect:
        return findings
    return [dataclasses.replace(f, entity_type=INDIRECT) if f.category is Category.INJECTION else f for f in findings]


def finding_sources(decisions: Iterable[RuledDecision]) -> dict[str, list[str]]:
    """Per entity type, the parts it was found in ("tool/tool_result"), for records: metadata, never text."""
    found: dict[str, set[str]] = {}
    for d in decisions:
        found.setdefault(d.finding.entity_type, set()).add(d.source.label)
    return {entity: sorted(labels) for entity, labels in sorted(found.items())}


class DataRules:
    def __init__(self, rules: Sequence[DataRule], mode: Mode = Mode.ENFORCE) -> None:
        self._rules = tuple(rules)
        self._monitored = frozenset(r.id for r in self._rules if (r.mode or mode) is Mode.MONITOR)

    def decide(
        self, findings: Iterable[Finding], direction: Direction, source: PartSource | None = None
    ) -> list[RuledDecision]:
        """The decision on each finding of one text, read from ``source`` (an answer's text is the
        assistant's; a prompt's text of unknown origin is ``none/other``). Injection findings in
        data the model reads are indirect injections first (``as_read_in``)."""
        where = source or (ANSWER if direction is Direction.RESPONSE else UNKNOWN)
        return [self._decide_one(f, direction, where) for f in as_read_in(findings, where)]

    def _decide_one(self, finding: Finding, direction: Direction, source: PartSource) -> RuledDecision:
        for rule in self._rules:
            if direction in rule.directions and rule.match.matches(finding, source):
                name = f"data_rules.{rule.id}"
                if rule.id in self._monitored and rule.action not in (Action.ALLOW, Action.AUDIT):
                    return RuledDecision(finding, Action.AUDIT, rule=name, monitored=rule.action, source=source)
                return RuledDecision(finding, rule.action, rule=name, source=source)
        return RuledDecision(finding, Action.AUDIT, source=source)

    def answer_entities(self, known: dict[str, Category]) -> frozenset[str] | None:
        """What to look for in answers: only the entity types that response-direction
        rules (other than allow) can match. Prompts get every configured detector; an
        answer is only scanned for what the policy says to act on there, so a policy
        that acts on secrets in answers does not pay for NER on every answer. None:
        a rule matches by detector or matches everything, so run all."""
        wanted: set[str] = set()
        for rule in self._rules:
            if Direction.RESPONSE not in rule.directions or rule.action is Action.ALLOW:
                continue
            match = rule.match
            if match.detectors or not (match.entity_types or match.categories):
                return None
            wanted.update(match.entity_types)
            wanted.update(t for t, category in known.items() if category in match.categories)
        if wanted & CLASSIFIER_TYPES:  # the injection classifier runs only for a scan asking for its own types
            wanted.update(CLASSIFIER_ONLY & known.keys())
        return frozenset(wanted)

    def acts_on(self, direction: Direction) -> bool:
        """Whether scanning this direction can change anything (else skip detection)."""
        return any(direction in r.directions and r.action is not Action.ALLOW for r in self._rules)

    @property
    def rules(self) -> tuple[DataRule, ...]:
        return self._rules
