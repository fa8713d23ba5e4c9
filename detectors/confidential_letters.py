"""Classification markings spelled letter by letter (part of ``CLASSIFICATION_MARKER``):
``C O N F I D E N T I A L``, ``C-O-N-F-I-D-E-N-T-I-A-L``, ``C.O.N.F.I.D.E.N.T.I.A.L``,
``I N T E R N A L  O N L Y``, ``S_E_C_R_E_T``.

Nobody spells a marking out in passing: it is emphasis or a way around a filter, so a strong
marking spelled out counts in any case, digits for letters included (``c-0-n-f-...``). The
weak words (SECRET, INTERNAL) count in upper case only ("s-e-c-r-e-t" is how a child spells
a word out). Cost on clean text: one pass looking for three single letters between
separators; only if it finds some, substring searches for the spelled-out start of a marking
("c o n f", "s-e-c-r", "c - o - n - f"...), and the run regex only where one is found. One
separator character, or " - ", between the letters is what the hints look for ("C -O- N" is
not found).
Configured terms spelled out are :mod:`detectors.confidential_terms`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

_LEET = {"o": "0", "i": "1", "l": "1", "e": "3", "a": "4", "s": "5", "t": "7"}
_SEPARATORS = " .-_"
# The start of every marking below, spelled out with each separator (lower case, digits as letters).
_HINTS = tuple(sep.join(word) for word in ("conf", "inte", "secr", "rest", "vert") for sep in (*_SEPARATORS, " - "))
_STRONG = (
    *("strictlyconfidential", "highlyconfidential", "confidential", "confidentielle", "confidentiel"),
    *("confidencial", "confidenziale", "strengvertraulich", "vertraulich", "vertrouwelijk"),
    *("forinternaluseonly", "internaluseonly", "internalonly", "restricted", "topsecret"),
)
_WEAK = ("secret", "internal")


def _letters(word: str) -> str:
    return "".join(f"[{c}{_LEET[c]}]" if c in _LEET else c for c in word)


_COMPACT = re.compile(
    f"(?P<strong>{'|'.join(map(_letters, _STRONG))})|(?P<weak>{'|'.join(map(_letters, _WEAK))})", re.I
)
# Single letters (or digits), each one to three separators from the next; a word gap may be
# wider ("I N T E R N A L  O N L Y").
_RUN = re.compile(r"(?<![^\W_])[^\W_](?:[ .\-_]{1,3}[^\W_])+(?![^\W_])")
# The gate: three single letters between separators, which every spelled-out marking holds and
# ordinary text rarely does ("e.g." and "v1.2.3" do not). Found with one bytes.translate (ASCII
# letters to "a", separators to "_", anything else to "x") and one regex that starts with a
# literal: ~3 ns a character, where a regex over the text took ~13. The markings below are all
# ASCII letters.
_CLASSES = bytes(
    ord("a") if chr(b).isascii() and chr(b).isalpha() else ord("_") if chr(b) in _SEPARATORS else ord("x")
    for b in range(256)
)
_GATE = re.compile(b"_a_{1,3}a_{1,3}a_")  # sre beats bytes.find on this low-entropy text
_REACH = 64  # how far before a hint a run may start ("S T R I C T L Y  C O N F...")
_SCORE, _SCORE_BANNER = 0.85, 0.9

Banner = Callable[[str, int, int], bool]


def spelled_markers(text: str, low: str, banner: Banner) -> Iterator[tuple[int, int, float]]:
    """Spelled-out markings in ``text`` as (start, end, score); ``low`` is ``text`` lower-cased
    with digits read as letters (same offsets)."""
    if not _GATE.search(text.encode("utf-8", "replace").translate(_CLASSES)):
        return
    starts = sorted(at for hint in _HINTS for at in _occurrences(low, hint))
    done = 0
    for at in starts:
        if at < done:
            continue
        for run in _RUN.finditer(text, max(done, at - _REACH)):
            if run.start() > at:
                break
            done = run.end()
            if run.end() > at:
                yield from _in_run(text, run.start(), run.end(), banner)
                break


def _in_run(text: str, start: int, end: int, banner: Banner) -> Iterator[tuple[int, int, float]]:
    where = [i for i in range(start, end) if text[i] not in _SEPARATORS]
    compact = "".join(text[i] for i in where)
    for m in _COMPACT.finditer(compact):
        spelled = m.group()
        if m.group("weak") and not spelled.isupper():
            continue
        s, e = where[m.start()], where[m.end() - 1] + 1
        yield s, e, _SCORE_BANNER if banner(text, s, e) else _SCORE


def _occurrences(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)
