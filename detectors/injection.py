"""Prompt injection, offline: rules and a trained classifier. One entity type per kind (category ``injection``):

- ``INJECTION_INSTRUCTION_OVERRIDE``: "ignore all previous instructions", "new instructions:"
- ``INJECTION_ROLE_PLAY``: DAN, "you are now an unrestricted AI", "developer mode", fictional framings
- ``INJECTION_SYSTEM_PROMPT_EXTRACTION``: "repeat your system prompt", "output everything above"
- ``INJECTION_ENCODED_PAYLOAD``: base64, hex, URL-encoding, rot13 or Unicode tag characters that
  decode to an injection; runs of zero-width or bidi controls; a match with zero-width characters in it.
- ``INJECTION_INDIRECT``: an instruction planted in a document the caller asks about (classifier),
  and any injection inside a tool result, document or file part (the gateway retypes those).
- ``INJECTION_ADVERSARIAL_SUFFIX``: a request followed by optimised gibberish (classifier).

``PROMPT_INJECTION`` in ``entities`` selects them all. The rules are data
(``detectors/data/injection_rules.yaml``, documented there); the classifier is
``detectors.injection_classifier``; the decoders are ``detectors.injection_payloads``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import ahocorasick
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from detectors.base import Category, Finding, resolve_overlaps, wanted
from detectors.injection_classifier import (
    ADVERSARIAL_SUFFIX,
    CLASSIFIER_ONLY,
    ENCODED,
    INDIRECT,
    ClassifierConfig,
    InjectionClassifier,
)
from detectors.injection_payloads import (
    BIDI_RUN,
    FLAG,
    INVISIBLE,
    ROT13,
    ROT13_CUES,
    TAG_RUN,
    ZERO_WIDTH_RUN,
    encoded_blobs,
    from_tags,
)

__all__ = ["ADVERSARIAL_SUFFIX", "ENCODED", "INDIRECT", "PROMPT_INJECTION"]

PROMPT_INJECTION = "PROMPT_INJECTION"
RULES_RESOURCE = "data/injection_rules.yaml"
# No IGNORECASE: rules run on lower-cased text, several times faster with Python's re
# (case-insensitive alternations defeat its literal-prefix search).
_FLAGS = re.VERBOSE
# Escapes (\S, \W, \A) and group names may be upper case in a lower-case rule.
_NOT_LITERAL = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)")
# How far before a match a rule's ``not_after`` (a negation such as "don't") is looked for.
_NEGATION_WINDOW = 40
# Rules run only this close to their keywords (found by the prefilter): Python's re tries
# an alternation at every position, ~25 ns a character. A match must contain a keyword.
_KEYWORD_REACH = 160
_SPACE = re.compile(r"\s")
_WS_RUN = re.compile(r"\s\s+")


class Kind(enum.StrEnum):
    INSTRUCTION_OVERRIDE = "instruction_override"
    ROLE_PLAY = "role_play"
    SYSTEM_PROMPT_EXTRACTION = "system_prompt_extraction"

    @property
    def entity_type(self) -> str:
        return f"INJECTION_{self.name}"


class RulesError(ValueError):
    """The injection rules file is unreadable or invalid; the message names the rule."""


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: Kind
    score: float = Field(gt=0, le=1)
    description: str = Field(min_length=1)
    regex: str | None = None
    phrases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    not_after: str | None = None
    # Run on the original text instead (write (?i:...) for the parts that are not).
    case_sensitive: bool = False
    examples: tuple[str, ...] = Field(min_length=1)
    near_misses: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Rule:
        if (self.regex is None) == (not self.phrases):
            raise ValueError(f"rule {self.id!r}: give exactly one of regex or phrases")
        if self.regex is not None and not self.keywords:
            raise ValueError(f"rule {self.id!r}: a regex rule needs keywords (its prefilter)")
        # Single words: a keyword "you are" would miss the "you  are" that \s+ matches.
        if bad := [k for k in self.keywords if not k or k != k.lower() or k.split() != [k]]:
            raise ValueError(f"rule {self.id!r}: keywords must be lower-case single words, not {bad}")
        if any(not p.split() for p in self.phrases):
            raise ValueError(f"rule {self.id!r}: empty phrase")
        for label, source in (("regex", self.source()), ("not_after", self.not_after or "")):
            try:
                re.compile(source, _FLAGS)
            except re.error as exc:
                raise ValueError(f"rule {self.id!r}: invalid {label}: {exc}") from None
            if not self.case_sensitive and any(c.isupper() for c in _NOT_LITERAL.sub("", source)):
                raise ValueError(f"rule {self.id!r}: {label} has upper-case letters but runs on lower-cased text")
        return self

    def source(self) -> str:
        """The rule as one regex: phrases become whole-word, whitespace-tolerant alternatives."""
        if self.regex is not None:
            return self.regex
        words = (r"\s+".join(re.escape(w) for w in p.lower().split()) for p in self.phrases)
        return "|".join(rf"(?<!\w){w}(?!\w)" for w in words)

    def prefilter(self) -> tuple[str, ...]:
        return self.keywords or tuple(max(p.lower().split(), key=len) for p in self.phrases)


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> RuleFile:
        ids = [r.id for r in self.rules]
        if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"duplicate rule ids: {', '.join(duplicates)}")
        return self


class InjectionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules_file: Path | None = None  # None: the rules shipped in the package
    disabled_rules: list[str] = Field(default_factory=list)
    classifier: ClassifierConfig = ClassifierConfig()


def load_rules(path: Path | None = None) -> tuple[Rule, ...]:
    source = str(path) if path else f"detectors/{RULES_RESOURCE}"
    try:
        raw = path.read_text("utf-8") if path else resources.files("detectors").joinpath(RULES_RESOURCE).read_text()
        data = yaml.safe_load(raw)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RulesError(f"{source}: {exc}") from exc
    try:
        return RuleFile.model_validate(data).rules
    except ValidationError as exc:
        # Location and message only: pydantic's str() would echo the whole rule back.
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors())
        raise RulesError(f"{source}: {problems}") from exc


class _Compiled:
    def __init__(self, rule: Rule) -> None:
        self.rule, self.entity_type, self.score = rule, rule.kind.entity_type, rule.score
        self.pattern = re.compile(rule.source(), _FLAGS)
        # The negation must end right before the match: "(?:...)\s*$" searched in a window.
        self.not_after = re.compile(rf"(?:{rule.not_after})\s*$", _FLAGS) if rule.not_after else None

    def matches(self, text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
        for m in self.pattern.finditer(text, start, len(text) if end is None else end):
            negated = self.not_after and self.not_after.search(text, max(0, m.start() - _NEGATION_WINDOW), m.start())
            if m.end() > m.start() and not negated:
                yield m


_MAX_DEPTH = 2  # base64 inside base64 is found; deeper nesting is not
# Deliberately encoding an injection is no accident, whatever the phrase's own score.
_SCORE_ENCODED_FLOOR = 0.8
_SCORE_TAGS, _SCORE_ZERO_WIDTH, _SCORE_BIDI = 0.7, 0.6, 0.5

Span = tuple[int, int, float]


def _squeeze(text: str) -> tuple[str, list[int] | None]:
    """``text`` without invisible characters and with whitespace runs cut to their first
    character, so that neither hides a phrase nor pads it beyond a rule's reach; and the
    original index of each kept character (None: nothing removed)."""
    cuts = [] if text.isascii() else [m.span() for m in INVISIBLE.finditer(text)]
    if "  " in text or not text.isprintable():  # isprintable: no \n, \t, ...
        cuts += [(m.start() + 1, m.end()) for m in _WS_RUN.finditer(text)]
    if not cuts:
        return text, None
    parts: list[str] = []
    index: list[int] = []
    pos = 0
    for start, end in sorted(cuts):
        parts.append(text[pos:start])
        index.extend(range(pos, start))
        pos = end
    parts.append(text[pos:])
    index.extend(range(pos, len(text)))
    return "".join(parts), index


def _original(index: list[int] | None, start: int, end: int) -> tuple[int, int]:
    return (start, end) if index is None else (index[start], index[end - 1] + 1)


@dataclass(frozen=True, slots=True)
class _Scan:
    """A text as the rules see it: ``raw`` squeezed, ``low`` that lower-cased; ``index``:
    where their characters are in the original (None: the same places)."""

    raw: str
    low: str
    index: list[int] | None


def _prepare(text: str) -> _Scan:
    raw, index = _squeeze(text)
    low = raw.lower()
    if len(low) != len(raw):  # only U+0130 lower-cases to two characters: keep offsets
        low = raw.replace("\u0130", "i").lower()
    return _Scan(raw, low, index)


# --- The detector --------------------------------------------------------------------


class InjectionDetector:
    name = "injection"
    category = Category.INJECTION
    entity_types = frozenset({k.entity_type for k in Kind} | {ENCODED, INDIRECT, ADVERSARIAL_SUFFIX})

    def __init__(self, rules: Iterable[Rule], classifier: InjectionClassifier | None = None) -> None:
        """Compile the rules and their keyword prefilter, then check every rule's examples."""
        rule_list = tuple(rules)
        self._rules = tuple(_Compiled(r) for r in rule_list)
        self._classifier = classifier
        # One Aho-Corasick pass over the text finds which rules can match at all.
        by_keyword: dict[str, set[int]] = {}
        for i, rule in enumerate(rule_list):
            for keyword in rule.prefilter():
                by_keyword.setdefault(keyword, set()).add(i)
        self._automaton = ahocorasick.Automaton()
        for keyword, ids in by_keyword.items():
            self._automaton.add_word(keyword, (len(keyword), frozenset(ids)))
        if by_keyword:
            self._automaton.make_automaton()
        self._check_examples()

    @classmethod
    def from_config(cls, cfg: InjectionConfig | None = None) -> InjectionDetector:
        cfg = cfg or InjectionConfig()
        rules = load_rules(cfg.rules_file)
        if unknown := sorted(set(cfg.disabled_rules) - {r.id for r in rules}):
            raise RulesError(f"disabled_rules: unknown rule ids: {', '.join(unknown)}")
        return cls(
            (r for r in rules if r.id not in cfg.disabled_rules), InjectionClassifier.from_config(cfg.classifier)
        )

    def _check_examples(self) -> None:
        # Catches a regex that drifted from its keywords, or that grew too greedy.
        for compiled in self._rules:
            rule = compiled.rule
            if missed := [i for i, t in enumerate(rule.examples, 1) if not self._matched_by(compiled, t)]:
                raise RulesError(f"rule {rule.id!r}: example {missed[0]} is not matched (check regex and keywords)")
            if matched := [i for i, t in enumerate(rule.near_misses, 1) if self._matched_by(compiled, t)]:
                raise RulesError(f"rule {rule.id!r}: near miss {matched[0]} is matched")

    def _matched_by(self, rule: _Compiled, text: str) -> bool:
        return any(r is rule for r, _, _ in self._rule_hits(_prepare(text)))

    def _rule_hits(self, scan: _Scan) -> list[tuple[_Compiled, int, int]]:
        """Rule matches, as offsets into the text ``scan`` was prepared from."""
        if not self._rules:
            return []
        keywords: dict[int, list[tuple[int, int]]] = {}
        for last, (length, rule_ids) in self._automaton.iter(scan.low):
            for i in rule_ids:
                keywords.setdefault(i, []).append((last + 1 - length, last + 1))
        hits: list[tuple[_Compiled, int, int]] = []
        for i, spans in sorted(keywords.items()):
            rule = self._rules[i]
            text = scan.raw if rule.rule.case_sensitive else scan.low
            for lo, hi in _windows(spans, text):
                hits.extend((rule, *_original(scan.index, m.start(), m.end())) for m in rule.matches(text, lo, hi))
        return hits

    def detect(self, text: str, entities: frozenset[str] | None = None) -> list[Finding]:
        umbrella = entities is not None and PROMPT_INJECTION in entities
        want = self.entity_types if umbrella else wanted(self.entity_types, entities)
        if not want:
            return []
        scan = _prepare(text)
        found: list[Finding] = []
        for rule, start, end in self._rule_hits(scan):
            if rule.entity_type in want:
                found.append(self._finding(rule.entity_type, start, end, rule.score))
            if ENCODED in want and scan.index is not None and INVISIBLE.search(text, start, end):
                found.append(self._finding(ENCODED, start, end, rule.score))  # a phrase with hidden characters
        classifier = self._classifier if want & CLASSIFIER_ONLY else None
        if classifier is not None:
            found.extend(self._finding(*hit) for hit in classifier.find(text, want))
        if ENCODED in want:
            spans = self._hidden(text, 0, classifier) + self._rot13(text, scan.low, classifier)
            decoded = self._decoded(scan.raw, 0, classifier)
            spans += [(*_original(scan.index, s, e), score) for s, e, score in decoded]
            found.extend(self._finding(ENCODED, s, e, score) for s, e, score in spans)
        return _merge(found)

    def _finding(self, entity_type: str, start: int, end: int, score: float) -> Finding:
        return Finding(entity_type, start, end, score, self.name, self.category)

    def _payload_score(self, decoded: str, depth: int, classifier: InjectionClassifier | None) -> float:
        """Score of the strongest injection in a decoded payload (rules or classifier), 0 if none."""
        scan = _prepare(decoded)
        best = max((r.score for r, _, _ in self._rule_hits(scan)), default=0.0)
        if not best and classifier is not None:
            best = classifier.attack_score(decoded)
        if not best and depth < _MAX_DEPTH:
            best = max((score for _, _, score in self._decoded(scan.raw, depth + 1, classifier)), default=0.0)
        return max(best, _SCORE_ENCODED_FLOOR) if best else 0.0

    def _decoded(self, text: str, depth: int, classifier: InjectionClassifier | None) -> list[Span]:
        """Base64, hex and percent-encoded blobs that decode to an injection."""
        found: list[Span] = []
        for start, end, decoded in encoded_blobs(text):
            if decoded and (score := self._payload_score(decoded, depth, classifier)):
                found.append((start, end, score))
        return found

    def _rot13(self, text: str, low: str, classifier: InjectionClassifier | None) -> list[Span]:
        # A model decodes rot13 when asked to: no cue, no scan (it would double the cost).
        # rot13 keeps positions, so the spans of hits apply to ``text`` as they are.
        if not any(cue in low for cue in ROT13_CUES):
            return []
        plain = text.translate(ROT13)
        hits = [(s, e, r.score) for r, s, e in self._rule_hits(_prepare(plain))]
        if classifier is not None:
            hits += [(s, e, score) for _, s, e, score in classifier.decoded_hits(plain)]
        return [(s, e, max(score, _SCORE_ENCODED_FLOOR)) for s, e, score in hits]

    def _hidden(self, text: str, depth: int, classifier: InjectionClassifier | None) -> list[Span]:
        """Runs of invisible characters that carry or hide text."""
        if text.isascii():
            return []
        found: list[Span] = [(m.start(), m.end(), _SCORE_BIDI) for m in BIDI_RUN.finditer(text)]
        found.extend((m.start(), m.end(), _SCORE_ZERO_WIDTH) for m in ZERO_WIDTH_RUN.finditer(text))
        for m in TAG_RUN.finditer(text):
            score = self._payload_score(from_tags(m.group()), depth, classifier)
            if not score and len(m.group()) >= 4 and not text.endswith(FLAG, 0, m.start()):
                score = _SCORE_TAGS
            if score:
                found.append((m.start(), m.end(), score))
        return found


def _windows(keywords: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` within reach of the keywords, merged."""
    windows: list[tuple[int, int]] = []
    for start, end in sorted(keywords):
        lo, hi = max(0, start - _KEYWORD_REACH), end + _KEYWORD_REACH
        if windows and lo <= windows[-1][1]:
            prev_lo, prev_hi = windows.pop()
            lo, hi = prev_lo, max(hi, prev_hi)
        windows.append((lo, hi))
    # End each stretch at whitespace, so that \b and lookaheads at its edge see real text.
    return [(lo, m.start() if (m := _SPACE.search(text, hi)) else len(text)) for lo, hi in windows]


def _merge(found: list[Finding]) -> list[Finding]:
    """One finding per span and type: several rules often match the same words."""
    by_type: dict[str, list[Finding]] = {}
    for finding in found:
        by_type.setdefault(finding.entity_type, []).append(finding)
    merged = [f for group in by_type.values() for f in resolve_overlaps(group)]
    return sorted(merged, key=lambda f: (f.start, f.end, f.entity_type))
