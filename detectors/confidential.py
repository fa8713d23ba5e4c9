"""Confidential data: configured terms and patterns, classification markers (category ``confidential``).

- ``CONFIDENTIAL_TERM``: a configured term (code names, customers), all found in two
  Aho-Corasick passes however many there are; case-insensitive, any whitespace run matches
  a space, whole words only ("Acme" not in "Acmeville"), and written with hyphens,
  underscores, dots or nothing between its words, letter by letter, or as a plural
  (``Project-Nightingale``, ``ProjectNightingales``): see :mod:`detectors.confidential_terms`.
- ``CONFIDENTIAL_PATTERN``: a configured regex (``DOC-\\d{6}``). One type for all patterns,
  not one per name, so the entity types (the policy's vocabulary) do not vary with config.
- ``CLASSIFICATION_MARKER``: ``CONFIDENTIAL``, ``*** Internal Only ***``, ``VERTRAULICH``,
  ``КОНФИДЕНЦИАЛЬНО``, ``C0NFIDENTIAL``, ``C-O-N-F-I-D-E-N-T-I-A-L``, ``【社外秘】``,
  ``此文件为机密``...; prose is not a marking, see
  :func:`detectors.confidential_markers.find_markers`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from detectors.base import Category, Finding, wanted
from detectors.confidential_markers import find_markers
from detectors.confidential_terms import TermMatcher, is_word, normalize_term

__all__ = ["MARKER", "PATTERN", "TERM", "ConfidentialConfig", "ConfidentialDetector", "TermMatcher", "find_markers"]
__all__ += ["normalize_term", "read_terms_file"]

TERM = "CONFIDENTIAL_TERM"
PATTERN = "CONFIDENTIAL_PATTERN"
MARKER = "CLASSIFICATION_MARKER"
# A configured term is an explicit decision by the security team, but a customer
# called "Apple" collides with prose; a pattern is usually an unambiguous ID format.
TERM_SCORE = 0.85
PATTERN_SCORE = 0.9


class PatternSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    regex: str = Field(min_length=1)

    @model_validator(mode="after")
    def _check_regex(self) -> PatternSpec:
        try:
            compiled = re.compile(self.regex)
        except re.error as exc:
            raise ValueError(f"pattern {self.name!r}: invalid regex: {exc}") from None
        if compiled.fullmatch(""):
            raise ValueError(f"pattern {self.name!r}: regex matches the empty string")
        return self


class ConfidentialConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    terms: list[str] = Field(default_factory=list)
    # One term per line; blank lines and lines starting with "#" are skipped (a "#"
    # inside a line is part of the term: "C#"). Paths are resolved by the caller.
    terms_files: list[Path] = Field(default_factory=list)
    # Run as given, on the original text: (?i) for case-insensitive.
    patterns: list[PatternSpec] = Field(default_factory=list)
    markers: bool = True

    @model_validator(mode="after")
    def _unique_pattern_names(self) -> ConfidentialConfig:
        names = [p.name for p in self.patterns]
        if duplicates := sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"duplicate pattern names: {', '.join(duplicates)}")
        return self


def read_terms_file(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise ValueError(f"terms file {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"terms file {path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    return [term for line in lines if (term := line.strip()) and not term.startswith("#")]


# --- Patterns ----------------------------------------------------------------------

# A leading \b makes Python's re try every position (~50x slower than a pattern that
# starts with a literal): "\bDOC-" runs as "DOC-" with the boundary checked here.
_BOUNDARY_THEN_LITERAL = re.compile(r"\\b[A-Za-z0-9](?![?*{])")


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    word_start: bool  # the source's leading \b, checked by hand

    @classmethod
    def of(cls, source: str) -> _Pattern:
        # Only without "|": "\bA|B" does not put the boundary before B.
        if _BOUNDARY_THEN_LITERAL.match(source) and "|" not in source:
            return cls(re.compile(source[2:]), True)
        return cls(re.compile(source), False)

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        pos = 0
        while m := self.regex.search(text, pos):
            start, end = m.span()
            if self.word_start and start > 0 and is_word(text[start - 1]):
                pos = start + 1  # what \b would have rejected: look again further on
                continue
            if end > start:
                yield start, end
            pos = max(end, start + 1)


# --- The detector --------------------------------------------------------------------


class ConfidentialDetector:
    name = "confidential"
    category = Category.CONFIDENTIAL
    entity_types = frozenset({TERM, PATTERN, MARKER})

    def __init__(self, terms: TermMatcher, patterns: Sequence[str], markers: bool = True) -> None:
        self._terms = terms
        self._patterns = tuple(_Pattern.of(p) for p in patterns)
        self._markers = markers

    @classmethod
    def from_config(cls, cfg: ConfidentialConfig) -> ConfidentialDetector:
        """Build once (reads the terms files, builds the automaton); detect is then cheap."""
        terms = list(cfg.terms)
        for path in cfg.terms_files:
            terms.extend(read_terms_file(path))
        return cls(TermMatcher(terms), [p.regex for p in cfg.patterns], cfg.markers)

    def detect(self, text: str, entities: frozenset[str] | None = None) -> list[Finding]:
        want = wanted(self.entity_types, entities)
        spans: list[tuple[str, int, int, float]] = []
        if TERM in want:
            spans.extend((TERM, s, e, TERM_SCORE) for s, e in self._terms.find(text))
        if PATTERN in want:
            spans.extend((PATTERN, s, e, PATTERN_SCORE) for pattern in self._patterns for s, e in pattern.spans(text))
        if MARKER in want and self._markers:
            spans.extend((MARKER, s, e, score) for s, e, score in find_markers(text))
        spans.sort(key=lambda s: (s[1], s[2]))
        return [Finding(kind, s, e, score, self.name, self.category) for kind, s, e, score in spans]
