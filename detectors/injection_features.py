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
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

CHAR_SIZES = (3, 4, 5)
_MASK = 2**64 - 1
_BASE = 0x100000001B3  # FNV's 64-bit prime: odd, so it has an inverse modulo 2**64
_INVERSE = pow(_BASE, -1, 2**64)
_CHAR_SALT = {n: 0x9E3779B97F4A7C15 * n & _MASK for n in CHAR_SIZES}
_WORD_SALT, _BIGRAM_SALT = 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9
# A bigram's key is h(first) * _PAIR + h(second). Not * _BASE: a polynomial hash shifted by one place
# overlaps the second word's own places, so "x yz" and "z yx" shared a key (found in Devanagari, where
# vowel signs cut words into one-letter pieces). An odd multiplier unrelated to _BASE mixes them instead.
_PAIR = 0xD6E8FEB86659FD93
_WORD = re.compile(r"\w+")


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


# What each code point is, remembered as texts bring new ones: a byte per code point (1.1 MB, its pages
# touched only where texts have points), 0 until looked up. One gather then answers a whole text; a
# Python call is made once per distinct code point in the process's life, not once per text.
_KNOWN, _IS_SPACE, _IS_WORD = 1, 2, 4
_CLASSES = np.zeros(0x110000, dtype=np.uint8)
_CLASSES[:128] = [_KNOWN | _IS_SPACE * chr(c).isspace() | _IS_WORD * _is_word(chr(c)) for c in range(128)]

Keys = npt.NDArray[np.uint64]
Offsets = npt.NDArray[np.int64]


def _classes(points: npt.NDArray[np.int64]) -> npt.NDArray[np.uint8]:
    """The ``_KNOWN | _IS_SPACE | _IS_WORD`` bits of every code point (``\\s`` and ``\\w`` as ``re`` sees them).
    The points come as int64: numpy's take reads those 3x faster than it indexes with uint64 or uint32."""
    classes = _CLASSES.take(points)
    if not classes.all():
        # Writes from two threads at once store the same value: no lock needed.
        new = np.unique(points[classes == 0]).tolist()
        _CLASSES[new] = [_KNOWN | _IS_SPACE * chr(c).isspace() | _IS_WORD * _is_word(chr(c)) for c in new]
        classes = _CLASSES.take(points)
    return classes


@dataclass(frozen=True, slots=True)
class Grams:
    """A text's n-gram keys and, for each, the character offset (into the squeezed text) where it
    starts: windows of a long text are counted from the same arrays."""

    keys: Keys
    starts: Offsets


class Prepared:
    """A text as the classifier reads it: lower-cased, whitespace runs cut to one space and the
    ends stripped (layout does not change what a text asks, and padding must not break n-grams),
    as code points; ``index[i]`` is where point i was in the original text."""

    __slots__ = ("_index", "_lowered", "points", "text")

    def __init__(self, points: Keys, text: str, lowered: str) -> None:
        self.points = points
        self.text = text
        self._lowered = lowered
        self._index: Offsets | None = None

    @property
    def index(self) -> Offsets:
        """Computed when first asked: only a reported stretch needs it (benign texts never ask)."""
        if self._index is None:
            self._index = _kept(self._lowered)
        return self._index


def prepare(text: str) -> Prepared:
    low = text.lower()
    if len(low) != len(text):  # only U+0130 lower-cases to two characters: keep offsets
        low = text.replace("\u0130", "i").lower()
    # str.split() cuts at runs of what str.isspace() calls whitespace and drops the ends, in C.
    squeezed = " ".join(low.split())
    # surrogatepass: a lone surrogate (a provider's answer may hold one) is a code point like any other.
    points = np.frombuffer(squeezed.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    return Prepared(points, squeezed, low)


def _kept(low: str) -> Offsets:
    """Where each point of the squeezed text is in ``low``: every non-space, and a space after one
    unless it ends the text."""
    points = np.frombuffer(low.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    space = (_classes(points) & _IS_SPACE).astype(bool)
    ink = ~space
    keep = ink.copy()
    keep[1:] |= ink[:-1]
    index = np.flatnonzero(keep).astype(np.int64, copy=False)
    return index[:-1] if len(index) and space[index[-1]] else index


def squeeze(text: str) -> str:
    return prepare(text).text


# BASE**k and BASE**-k (mod 2**64), and 0, 1, 2... for the character n-grams' starts, made once for
# texts of up to 65,536 points (1.5 MB, read-only, shared by every text and thread); a longer text (the
# gateway cuts texts into 16 KB chunks, ``aigw scan`` does not) gets its own, and nothing keeps them.
_CACHED = 1 << 16


def _make_powers(count: int) -> tuple[Keys, Keys]:
    powers, inverses = np.full(count, _BASE, dtype=np.uint64), np.full(count, _INVERSE, dtype=np.uint64)
    powers[0] = inverses[0] = 1
    powers, inverses = np.cumprod(powers, dtype=np.uint64), np.cumprod(inverses, dtype=np.uint64)
    powers.flags.writeable = inverses.flags.writeable = False
    return powers, inverses


_POWERS = _make_powers(_CACHED)
_COUNTING: Offsets = np.arange(_CACHED, dtype=np.int64)
_COUNTING.flags.writeable = False


def _powers_of(count: int) -> tuple[Keys, Keys]:
    """At least ``count`` powers (the 3-gram loop reads the first three, whatever the text's length)."""
    return _POWERS if count <= _CACHED else _make_powers(count)


def _count_to(count: int) -> Offsets:
    return _COUNTING[:count] if count <= _CACHED else np.arange(count, dtype=np.int64)


def _word_spans(points: Keys) -> tuple[Offsets, Offsets]:
    """Starts and ends of the ``\\w+`` runs, as Python's ``re`` finds them: the edges of the word
    flags alternate start, end, start, end..."""
    is_word = np.zeros(len(points) + 2, dtype=bool)
    is_word[1:-1] = (_classes(points.view(np.int64)) & _IS_WORD).astype(bool)
    edges = np.flatnonzero(is_word[1:] != is_word[:-1])
    return edges[0::2], edges[1::2]


def text_features(prepared: Prepared) -> Grams:
    """Every character n-gram and word n-gram of a prepared text, with where each starts: the
    character n-grams of each size in order of start, then the words, then the bigrams.

    The key of a substring [s, e) is ``sum(point[s + k] * BASE**k)`` (mod 2**64). Character n-grams
    are built from that sum directly, each size from the one below (n-grams of 4 are those of 3 plus
    a fourth point): a few passes over the text, no gather. Words, of any length, are differences
    of prefix sums, brought back to BASE**0 by BASE**-s."""
    points = prepared.points
    count = len(points)
    sizes = [max(count - n + 1, 0) for n in CHAR_SIZES]
    word_starts, word_ends = _word_spans(points)
    words = len(word_starts)
    total = sum(sizes) + (2 * words - 1 if words else 0)
    keys, starts = np.empty(total, dtype=np.uint64), np.empty(total, dtype=np.int64)
    powers, inverses = _powers_of(count + 1)
    at, below = 0, points[:0]
    for n, size in zip(CHAR_SIZES, sizes, strict=True):
        grams = keys[at : at + size]
        if n == CHAR_SIZES[0]:
            np.copyto(grams, points[:size])
            for k in range(1, n):
                grams += points[k : k + size] * powers[k]
        elif size:
            np.add(below[:size], points[n - 1 :] * powers[n - 1], out=grams)
        starts[at : at + size] = _count_to(size)
        at, below = at + size, grams
    at = 0
    for n, size in zip(CHAR_SIZES, sizes, strict=True):  # salted once every size is built from the unsalted
        keys[at : at + size] ^= np.uint64(_CHAR_SALT[n])
        at += size
    if words:
        prefix = np.zeros(count + 1, dtype=np.uint64)
        np.cumsum(points * powers[:count], dtype=np.uint64, out=prefix[1:])
        hashes = (prefix[word_ends] - prefix[word_starts]) * inverses[word_starts]
        np.bitwise_xor(hashes, np.uint64(_WORD_SALT), out=keys[at : at + words])
        bigrams = keys[at + words :]
        np.multiply(hashes[:-1], np.uint64(_PAIR), out=bigrams)
        bigrams += hashes[1:]
        bigrams ^= np.uint64(_BIGRAM_SALT)
        starts[at : at + words] = word_starts
        starts[at + words :] = word_starts[:-1]
    return Grams(keys, starts)


def _hash(text: str) -> int:
    """The unsalted hash of a whole string, as :func:`text_features` computes it for a substring."""
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
        return ((_hash(first) * _PAIR + _hash(second)) & _MASK) ^ _BIGRAM_SALT
    raise ValueError(f"not a feature name: {feature!r}")


def feature_names(squeezed: str) -> dict[int, str]:
    """Each key of a text with the feature name it stands for (training names its vocabulary so)."""
    grams = {f"c:{squeezed[i : i + n]}" for n in CHAR_SIZES for i in range(len(squeezed) - n + 1)}
    words = _WORD.findall(squeezed)
    grams |= {f"w:{w}" for w in words} | {f"b:{a} {b}" for a, b in itertools.pairwise(words)}
    names: dict[int, str] = {}
    for gram in sorted(grams):  # in order: were two n-grams ever to share a key, the same one names it
        names.setdefault(key_of(gram), gram)
    return names
