"""The injection classifier's features: character n-grams and word n-grams, as 64-bit keys.

One function, :func:`text_features`, serves both training (``detectors.injection_train``, which
hands the keys to scikit-learn) and inference (``detectors.injection_model``), so the two cannot
drift apart. It is numpy-vectorised because it runs on every prompt: a 2,000-character text is
about 10,000 character n-grams, which a Python loop would take a millisecond to build.

- Character n-grams (3 to 5 code points) of the lower-cased text with whitespace runs squeezed:
  they survive typos, inflections, other languages and glued words ("ignorepreviousinstructions").
- Word unigrams and bigrams of ``\\w+`` tokens: they see phrases ("system prompt", "no restrictions").

A key is a polynomial hash of the n-gram's code points (wrapping 64-bit arithmetic), salted by
n-gram kind; the model file stores the n-grams themselves, readable, and hashes them when loaded.
With 64 bits, a collision among the ~10^5 kept n-grams is a 1 in 10^9 event.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

CHAR_SIZES = (3, 4, 5)
_MASK = 2**64 - 1
_BASE = 0x100000001B3  # FNV's 64-bit prime: odd, so it has an inverse modulo 2**64
_INVERSE = pow(_BASE, -1, 2**64)
_CHAR_SALT = {n: 0x9E3779B97F4A7C15 * n & _MASK for n in CHAR_SIZES}
_WORD_SALT, _BIGRAM_SALT = 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9
_WORD = re.compile(r"\w+")


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


# Which ASCII code points \w matches; other code points are looked up one distinct value at a time.
_ASCII_WORD = np.array([_is_word(chr(c)) for c in range(128)])
_ASCII_SPACE = np.array([chr(c).isspace() for c in range(128)])

Keys = npt.NDArray[np.uint64]
Offsets = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Grams:
    """A text's n-gram keys and, for each, the character offset (into the squeezed text) where it
    starts: windows of a long text are counted from the same arrays."""

    keys: Keys
    starts: Offsets


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text as the classifier reads it: lower-cased, whitespace runs cut to one space and the
    ends stripped (layout does not change what a text asks, and padding must not break n-grams),
    as code points; ``index[i]`` is where point i was in the original text."""

    points: Keys
    index: Offsets

    @property
    def text(self) -> str:
        return self.points.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


def prepare(text: str) -> Prepared:
    low = text.lower()
    if len(low) != len(text):  # only U+0130 lower-cases to two characters: keep offsets
        low = text.replace("\u0130", "i").lower()
    # surrogatepass: a lone surrogate (a provider's answer may hold one) is a code point like any other.
    points = np.frombuffer(low.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    space = _flags(points, _ASCII_SPACE, str.isspace)
    # Keep a space only after a non-space, and none at the start; a trailing one is dropped below.
    keep = ~space | np.concatenate(([False], ~space[:-1]))
    index = np.flatnonzero(keep).astype(np.int64)
    if len(index) and space[index[-1]]:
        index = index[:-1]
    kept = points[index]
    kept[space[index]] = 32
    return Prepared(kept, index)


def _flags(points: Keys, ascii_table: npt.NDArray[np.bool_], test: Callable[[str], bool]) -> npt.NDArray[np.bool_]:
    """``test`` of every code point: a table for ASCII, one call per distinct other value."""
    flags = np.zeros(len(points), dtype=bool)
    ascii_ = points < 128
    flags[ascii_] = ascii_table[points[ascii_].astype(np.intp)]
    if not ascii_.all():
        other = points[~ascii_]
        hits = np.array([c for c in np.unique(other).tolist() if test(chr(c))], dtype=np.uint64)
        flags[~ascii_] = np.isin(other, hits)
    return flags


def squeeze(text: str) -> str:
    return prepare(text).text


class _Hashes:
    """Prefix hashes of a text's code points: the hash of any substring in O(1), vectorised.

    ``prefix[i]`` = sum of ``point[k] * BASE**k`` for k < i (mod 2**64); a substring [s, e) hashes
    to ``(prefix[e] - prefix[s]) * BASE**-s``, which is the same number wherever it occurs."""

    def __init__(self, points: Keys) -> None:
        self.points = points
        count = len(self.points)
        powers = np.full(count, _BASE, dtype=np.uint64)
        powers[:1] = 1
        inverses = np.full(count, _INVERSE, dtype=np.uint64)
        inverses[:1] = 1
        self.inverse_powers = np.cumprod(inverses, dtype=np.uint64)
        self.prefix = np.zeros(count + 1, dtype=np.uint64)
        np.cumsum(self.points * np.cumprod(powers, dtype=np.uint64), dtype=np.uint64, out=self.prefix[1:])

    def of(self, starts: Offsets, ends: Offsets) -> Keys:
        return (self.prefix[ends] - self.prefix[starts]) * self.inverse_powers[starts]


def _salted(keys: Keys, salt: int) -> Keys:
    return keys ^ np.uint64(salt)


def _word_spans(points: Keys) -> tuple[Offsets, Offsets]:
    """Starts and ends of the ``\\w+`` runs, as Python's ``re`` finds them."""
    is_word = _flags(points, _ASCII_WORD, _is_word)
    edges = np.diff(np.concatenate(([False], is_word, [False])).astype(np.int8))
    return np.flatnonzero(edges == 1).astype(np.int64), np.flatnonzero(edges == -1).astype(np.int64)


def text_features(prepared: Prepared) -> Grams:
    """Every character n-gram and word n-gram of a prepared text, with where each starts."""
    hashes = _Hashes(prepared.points)
    count = len(prepared.points)
    keys: list[Keys] = []
    starts: list[Offsets] = []
    for n in CHAR_SIZES:
        if count >= n:
            at = np.arange(count - n + 1, dtype=np.int64)
            keys.append(_salted(hashes.of(at, at + n), _CHAR_SALT[n]))
            starts.append(at)
    word_starts, word_ends = _word_spans(prepared.points)
    if len(word_starts):
        words = hashes.of(word_starts, word_ends)
        keys += [_salted(words, _WORD_SALT), _salted(words[:-1] * np.uint64(_BASE) + words[1:], _BIGRAM_SALT)]
        starts += [word_starts, word_starts[:-1]]
    if not keys:
        return Grams(np.zeros(0, np.uint64), np.zeros(0, np.int64))
    return Grams(np.concatenate(keys), np.concatenate(starts))


def _hash(text: str) -> int:
    """The unsalted hash of a whole string, as ``_Hashes.of`` gives it for a substring."""
    value, power = 0, 1
    for char in text:
        value = (value + ord(char) * power) & _MASK
        power = power * _BASE & _MASK
    return value


def key_of(feature: str) -> int:
    """The key of a feature as the model file names it: ``c:<n-gram>``, ``w:<word>`` or
    ``b:<word> <word>``."""
    kind, _, gram = feature.partition(":")
    if kind == "c" and len(gram) in CHAR_SIZES:
        return _hash(gram) ^ _CHAR_SALT[len(gram)]
    if kind == "w" and _WORD.fullmatch(gram):
        return _hash(gram) ^ _WORD_SALT
    first, _, second = gram.partition(" ")
    if kind == "b" and _WORD.fullmatch(first) and _WORD.fullmatch(second):
        return ((_hash(first) * _BASE + _hash(second)) & _MASK) ^ _BIGRAM_SALT
    raise ValueError(f"not a feature name: {feature!r}")


def feature_names(squeezed: str) -> dict[int, str]:
    """Each key of a text with the feature name it stands for (training names its vocabulary so)."""
    names: dict[int, str] = {}
    for n in CHAR_SIZES:
        names.update((key_of(f"c:{g}"), f"c:{g}") for g in {squeezed[i : i + n] for i in range(len(squeezed) - n + 1)})
    words = _WORD.findall(squeezed)
    names.update((key_of(f"w:{w}"), f"w:{w}") for w in set(words))
    pairs = {f"b:{a} {b}" for a, b in itertools.pairwise(words)}
    names.update((key_of(p), p) for p in pairs)
    return names
