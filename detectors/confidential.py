"""Confidential data: configured terms and patterns, classification markers (category ``confidential``).

- ``CONFIDENTIAL_TERM``: a configured term (code names, customers), all found in one
  Aho-Corasick pass however many there are; case-insensitive, any whitespace run matches
  a space, whole words only ("Acme" not in "Acmeville"); overlaps: leftmost, then longest.
- ``CONFIDENTIAL_PATTERN``: a configured regex (``DOC-\\d{6}``). One type for all patterns,
  not one per name, so the entity types (the policy's vocabulary) do not vary with config.
- ``CLASSIFICATION_MARKER``: ``CONFIDENTIAL``, ``*** Internal Only ***``...; prose is not a
  marking, see :func:`find_markers`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
from pydantic import BaseModel, ConfigDict, Field, model_validator

from detectors.base import Category, Finding, wanted

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


# --- Terms --------------------------------------------------------------------------

# Every whitespace code point (all are below U+3001) to a space: str.translate is ~10x
# faster than a regex substitution and keeps offsets.
_SPACES = {cp: " " for cp in range(0x3001) if chr(cp).isspace()}
_SPACE_RUN = re.compile(" {2,}")


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w means, without a regex call per hit


def normalize_term(term: str) -> str:
    return " ".join(_lower(term).split())


def _lower(text: str) -> str:
    low = text.lower()
    # U+0130 (İ) is the one code point that lower-cases to two characters (i + a combining
    # dot); as a plain "i" offsets stay put, and "İZMİR" matches the term "izmir".
    return low if len(low) == len(text) else text.replace("\u0130", "i").lower()


@dataclass(frozen=True, slots=True)
class _Folded:
    """Text lower-cased with whitespace runs collapsed, and how to map offsets back.

    Collapsing shifts positions only at runs of two or more whitespace characters, so
    the map is a short list of segments (one per such run), searched with bisect."""

    text: str
    seg_folded: list[int]  # where each segment starts in ``text``
    seg_original: list[int]  # ... and in the original

    def span(self, start: int, end: int) -> tuple[int, int]:
        # Map the last character, not ``end``: end may sit after a collapsed run.
        return self._original(start), self._original(end - 1) + 1

    def _original(self, pos: int) -> int:
        k = bisect.bisect_right(self.seg_folded, pos) - 1
        return self.seg_original[k] + pos - self.seg_folded[k]


def _fold(text: str) -> _Folded:
    low = _lower(text)
    # isprintable() is False for any whitespace but the ASCII space: a cheap test.
    spaced = low if low.isprintable() else low.translate(_SPACES)
    seg_folded, seg_original = [0], [0]
    if "  " not in spaced:
        return _Folded(spaced, seg_folded, seg_original)
    removed = 0
    for run in _SPACE_RUN.finditer(spaced):
        removed += run.end() - run.start() - 1
        seg_folded.append(run.end() - removed)
        seg_original.append(run.end())
    return _Folded(_SPACE_RUN.sub(" ", spaced), seg_folded, seg_original)


def _leftmost_longest(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort(key=lambda s: (s[0], -s[1]))
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


class TermMatcher:
    """Many literal terms, one pass: an Aho-Corasick automaton over normalised terms."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        for term in terms:
            if key := normalize_term(term):
                # Word-boundary checks apply only at a term's word-character edges,
                # so that terms such as "C++" or ".NET core" still match.
                self._automaton.add_word(key, (len(key), _is_word(key[0]), _is_word(key[-1])))
        self.size: int = len(self._automaton)
        if self.size:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[tuple[int, int]]:
        """Spans of whole-word term matches in ``text`` (original offsets), leftmost-longest."""
        if not self.size:
            return []
        folded = _fold(text)
        t = folded.text
        hits: list[tuple[int, int]] = []
        for last, (length, word_start, word_end) in self._automaton.iter(t):
            start, end = last - length + 1, last + 1
            if word_start and start > 0 and _is_word(t[start - 1]):
                continue
            if word_end and end < len(t) and _is_word(t[end]):
                continue
            hits.append((start, end))
        return [folded.span(s, e) for s, e in _leftmost_longest(hits)]


# --- Classification markers ----------------------------------------------------------

_SEP = r"[ \t_-]+"


def _alternatives(*phrases: str) -> str:
    # Longest first, so that "strictly confidential" wins over "confidential".
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(_SEP.join(re.escape(w) for w in p.split()) for p in ordered)


# Strong markings are reported when written as a marking: upper case, title case
# (several words), or in banner form. Weak words are everyday words in code and
# prose ("INTERNAL SERVER ERROR", "client SECRET"): only their banner form counts.
_STRONG = _alternatives(
    *(f"{q} confidential" for q in ("strictly", "highly", "company", "business")),
    *(f"{q} {a} confidential" for q in ("proprietary", "privileged") for a in ("and", "&")),
    "for internal use only",
    "internal use only",
    "internal only",
    "for official use only",
    "top secret",
    "not for distribution",
    "not for external distribution",
    "do not distribute",
    "confidential",
    "restricted",
)
_WEAK = _alternatives("internal", "secret", "sensitive", "proprietary")
# US-style banners: SECRET//NOFORN, TOP SECRET//SCI//NOFORN, CONFIDENTIAL//REL TO USA, FVEY.
_CAVEATS = r"(?-i://[A-Z][A-Z0-9-]*(?:[ ,]+[A-Z][A-Z0-9-]*)*)*"
# Not after "." or before "(": enum members and calls in code (Level.RESTRICTED).
_MARKER = re.compile(rf"(?<![\w.$@])(?:(?P<strong>{_STRONG})|(?P<weak>{_WEAK}))(?P<caveats>{_CAVEATS})(?![\w(])", re.I)
_DISTRIBUTION = re.compile(
    r"[ \t]*[-–—:,.|/]*\s*(?:do\s+not|don'?t|not\s+for)\s+(?:external\s+)?"
    r"(?:distribute|distribution|forward|share|copy|disclose)\b",
    re.I,
)
_LABEL = re.compile(
    r"(?:classification|classified|sensitivity|security\s+(?:level|label)|marking|label)\s*[:=]\s*$",
    re.I,
)
_HINTS = ("confiden", "internal", "restrict", "secret", "distribut", "proprietary", "sensitive", "official")
_HINT_REACH = 48  # the farthest a hint sits from either end of a marker (caveats aside)
_SPACE = re.compile(r"\s")
_OPEN, _CLOSE = "[(<{*=#|~-_", "])>}*=#|~-_"
_DECOR = " \t\r[](){}<>*=#|~-_–—:."
# Scores: the more a marker looks like a deliberate marking, the higher.
_SCORE_BANNER, _SCORE_CAVEATS, _SCORE_DISTRIBUTION = 0.9, 0.95, 0.9
_SCORE_UPPER_PHRASE, _SCORE_TITLE_PHRASE, _SCORE_UPPER_WORD = 0.85, 0.7, 0.7


def _banner(text: str, start: int, end: int) -> bool:
    """Alone on its line (however decorated), between brackets or rules, or after a label."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before, after = text[line_start:start], text[end : len(text) if line_end < 0 else line_end]
    if not before.strip(_DECOR) and not after.strip(_DECOR):
        return True
    left, right = before.rstrip(" \t"), after.lstrip(" \t")
    if left and right and left[-1] in _OPEN and right[0] in _CLOSE:
        return True
    return _LABEL.search(before) is not None


def _titled(marker: str) -> bool:
    # "Internal Use Only", "Proprietary and Confidential": small words may stay lower.
    return all(w[:1].isupper() for w in re.split(_SEP, marker) if len(w) > 3)


def _marker_score(text: str, m: re.Match[str]) -> tuple[float, int]:
    """Score (0 = prose, not reported) and end of the marker that starts at ``m``."""
    marker, end = m.group(), m.end()
    if m.group("strong") and (suffix := _DISTRIBUTION.match(text, end)):
        return _SCORE_DISTRIBUTION, suffix.end()  # "Confidential - do not distribute", any case
    if m.group("caveats") and marker.isupper():
        return _SCORE_CAVEATS, end
    if _banner(text, m.start(), end):
        return (_SCORE_BANNER if m.group("strong") or not marker.islower() else 0.0), end
    if m.group("weak"):
        return 0.0, end
    phrase = re.search(_SEP, marker) is not None
    if marker.isupper():
        return (_SCORE_UPPER_PHRASE if phrase else _SCORE_UPPER_WORD), end
    return (_SCORE_TITLE_PHRASE if phrase and _titled(marker) else 0.0), end


def find_markers(text: str) -> list[tuple[int, int, float]]:
    """Classification markings in ``text`` as (start, end, score).

    A marking is written as one: upper case (``CONFIDENTIAL``), a title-case phrase
    (``Internal Use Only``), a banner (``[Confidential]``, ``*** internal only ***``, a
    line of its own, ``Classification: Restricted``), or followed by a distribution
    notice (``Confidential - do not distribute``). The same words in running prose
    ("keep this confidential", "Confidential information must...") are not reported at
    all, not even with a low score: the policy acts on findings, and prose mentions
    would drown real markings."""
    found: list[tuple[int, int, float]] = []
    pos = 0
    for lo, hi in _hint_windows(text):
        pos = max(pos, lo)
        while m := _MARKER.search(text, pos, hi):
            score, pos = _marker_score(text, m)
            if score:
                found.append((m.start(), pos, score))
    return found


def _hint_windows(text: str) -> list[tuple[int, int]]:
    """Where markers can be: around the hint words, which every marker contains. The
    regex costs ~45 ns a character; the hints, a few substring searches (usually no hit)."""
    low = _lower(text)
    windows: list[tuple[int, int]] = []
    for at in sorted(i for hint in _HINTS for i in _occurrences(low, hint)):
        lo, hi = max(0, at - _HINT_REACH), at + _HINT_REACH
        if windows and lo <= windows[-1][1]:
            lo = windows.pop()[0]
        windows.append((lo, hi))
    # End each window at whitespace, so that lookarounds at its edge see real text.
    return [(lo, m.start() if (m := _SPACE.search(text, hi)) else len(text)) for lo, hi in windows]


def _occurrences(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


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
            if self.word_start and start > 0 and _is_word(text[start - 1]):
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
