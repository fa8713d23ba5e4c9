"""Configured terms (``CONFIDENTIAL_TERM``): many literal terms found in one pass, tolerant of
how people write them.

Two Aho-Corasick passes over the text:

- the *spaced* view: lower-cased, every whitespace run as one space. Terms match as written,
  whole words only ("Acme" not in "Acmeville"), punctuation included ("C++", ".NET");
- the *compact* view: lower-cased with every separator (whitespace, ``-``, ``_``, ``.``, dashes,
  soft hyphens, zero-width characters) removed, for terms made of letters and digits only. A
  hit counts when the separators it crossed in the original sit only where the term has a
  word break (``Project-Nightingale``, ``ProjectNightingale``, ``project_nightingale``,
  ``project.nightingale``), or between every letter (``N I G H T I N G A L E``), and it may
  end in a plural ``s``/``es`` (``ies`` for a term ending in consonant + ``y``). Its edges
  must not touch a letter or digit, so "in it tech" is not "Initech" and "Acmeville" not "Acme".

Overlaps: leftmost, then longest. Homoglyphs and full-width forms are the normalisation
layer's (detectors/normalize.py); this module is tolerant of what remains after it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

# Every whitespace code point (all are below U+3001) to a space: str.translate is ~10x
# faster than a regex substitution and keeps offsets.
_SPACES = {cp: " " for cp in range(0x3001) if chr(cp).isspace()}
_SPACE_RUN = re.compile(" {2,}")


def is_word(char: str) -> bool:
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


# Separators people put (or leave out) between the words of a name; removed in the compact
# view. Whitespace, hyphens and dashes, "_", ".", "·", soft hyphen, zero-width characters.
_SEPARATOR_CHARS = "".join(chr(cp) for cp in _SPACES) + "-_.\u00b7\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_INVISIBLE_CHARS = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"
_SEPARATOR_CHARS += _INVISIBLE_CHARS
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS))
_COMPACT = dict.fromkeys(map(ord, _SEPARATOR_CHARS))
_ASCII_SEPARATORS = bytes(ord(c) for c in _SEPARATOR_CHARS if c.isascii())
_SEPARATOR_RUN = re.compile(f"[{re.escape(_SEPARATOR_CHARS)}]+")
# Terms the compact view takes: words of letters and digits, separators between them.
_COMPACT_TERM = re.compile(f"[^\\W_]+(?:{_SEPARATOR_RUN.pattern}[^\\W_]+)*")
_PLURALS = ("s", "es")
_MIN_LETTER_SPACED = 4  # "A C M E" is a term written letter by letter; "a c" is not


@dataclass(frozen=True, slots=True)
class _Compact:
    """A compact key: its length, where the term's word breaks are, whether a plural may follow."""

    length: int
    breaks: frozenset[int]
    plural: bool


def _compact_keys(terms: Iterable[str]) -> dict[str, _Compact]:
    keys: dict[str, _Compact] = {}
    for term in terms:
        low = _lower(term.strip())
        if not _COMPACT_TERM.fullmatch(low):
            continue
        words = _SEPARATOR_RUN.split(low)
        breaks = {sum(len(w) for w in words[:n]) for n in range(1, len(words))}
        key = "".join(words)
        variants = [(key, key[-1].isalpha())]
        if len(key) > 2 and key[-1] == "y" and key[-2] not in "aeiou":
            variants.append((key[:-1] + "ies", False))  # "Company" -> "Companies"
        for variant, plural in variants:
            if known := keys.get(variant):  # "Acme Corp" and "AcmeCorp" both configured
                breaks |= known.breaks
                plural |= known.plural
            keys[variant] = _Compact(len(variant), frozenset(breaks), plural)
    return keys


class _CompactView:
    """The text without separators, and (built on the first hit only) the map back."""

    def __init__(self, text: str) -> None:
        self.original = text
        if text.isascii():  # bytes.translate deletes in a C loop: ~6x faster than str.translate
            self.text = text.lower().encode("ascii").translate(None, _ASCII_SEPARATORS).decode("ascii")
        else:
            self.text = _lower(text).translate(_COMPACT)
        self._seg_compact: list[int] = []
        self._seg_original: list[int] = []

    def position(self, pos: int) -> int:
        if not self._seg_compact:
            self._seg_compact, self._seg_original = [0], [0]
            removed = 0
            for run in _SEPARATOR_RUN.finditer(self.original):
                removed += run.end() - run.start()
                self._seg_compact.append(run.end() - removed)
                self._seg_original.append(run.end())
        k = bisect.bisect_right(self._seg_compact, pos) - 1
        return self._seg_original[k] + pos - self._seg_compact[k]

    def match(self, last: int, key: _Compact) -> tuple[int, int] | None:
        """The original span of the compact hit ending at ``last``, if it is the term as written."""
        text = self.original
        start, end = self.position(last - key.length + 1), self.position(last) + 1
        if start > 0 and text[start - 1].isalnum():
            return None
        suffix = 0
        if end < len(text) and text[end].isalnum():
            suffix = _plural(text, end) if key.plural else 0
            if not suffix:
                return None
        # Invisible characters (soft hyphen, zero-width) may sit anywhere, even inside a word.
        written = text[start:end].translate(_INVISIBLE)
        pieces = _SEPARATOR_RUN.split(written)
        if len(pieces) > 1:
            # Letter-spaced ("N-I-G-H-T..."): every piece one character (the last may be plural).
            spaced = all(len(p) == 1 for p in pieces[:-1]) and len(pieces[-1]) == 1
            if not (spaced and key.length >= _MIN_LETTER_SPACED) and not _at_breaks(pieces, written, key):
                return None
        return start, end + suffix


def _at_breaks(pieces: list[str], written: str, key: _Compact) -> bool:
    """Separators only where the term has word breaks, none ending a sentence ("Acme. Corp")."""
    cuts, at = set(), 0
    for piece in pieces[:-1]:
        at += len(piece)
        cuts.add(at)
    gaps = _SEPARATOR_RUN.findall(written)
    return cuts <= key.breaks and not any("." in g and any(c.isspace() for c in g) for g in gaps)


def _plural(text: str, end: int) -> int:
    """Length of a plural suffix at ``end`` that ends a word, else 0."""
    for suffix in _PLURALS:
        after = end + len(suffix)
        if text[end:after].lower() == suffix and (after == len(text) or not text[after].isalnum()):
            return len(suffix)
    return 0


class TermMatcher:
    """Many literal terms, two passes (the spaced and the compact view), each one Aho-Corasick automaton."""

    def __init__(self, terms: Iterable[str]) -> None:
        terms = list(terms)
        self._automaton = ahocorasick.Automaton()
        for term in terms:
            if key := normalize_term(term):
                # Word-boundary checks apply only at a term's word-character edges,
                # so that terms such as "C++" or ".NET core" still match.
                self._automaton.add_word(key, (len(key), is_word(key[0]), is_word(key[-1])))
        self.size: int = len(self._automaton)
        if self.size:
            self._automaton.make_automaton()
        self._compact = ahocorasick.Automaton()
        for key, compact in _compact_keys(terms).items():
            self._compact.add_word(key, compact)
        if len(self._compact):
            self._compact.make_automaton()

    def find(self, text: str) -> list[tuple[int, int]]:
        """Spans of whole-word term matches in ``text`` (original offsets), leftmost-longest."""
        if not self.size:
            return []
        folded = _fold(text)
        t = folded.text
        hits: list[tuple[int, int]] = []
        for last, (length, word_start, word_end) in self._automaton.iter(t):
            start, end = last - length + 1, last + 1
            if word_start and start > 0 and is_word(t[start - 1]):
                continue
            if word_end and end < len(t) and is_word(t[end]):
                continue
            hits.append((start, end))
        spans = [folded.span(s, e) for s, e in hits]
        if len(self._compact):
            compact = _CompactView(text)
            spans.extend(s for last, key in self._compact.iter(compact.text) if (s := compact.match(last, key)))
        return _leftmost_longest(spans)
