"""A view for the secrets detector alone: keys written in shapes a model undoes at once.

- an AWS access key id lower-cased or mixed-case (``akiaqwertyuiopasdfgh``) reads
  upper-cased;
- an AWS access key id grouped by fours or written one character at a time, with one
  and the same space, dot, dash or underscore between groups (``AKIA QWER TYUI OPAS
  DFGH``, ``AKIA-QWER-...``, ``A.K.I.A.Q.W.E...``) reads without the separators;
- a token that ROT13 turns into a known key prefix (``NXVN...`` for ``AKIA...``,
  ``tuc_...`` for ``ghp_...``, ``fx-...`` for ``sk-...``) reads ROT13-decoded.

Only those tokens change (one character for one, or separators dropped), so a finding
maps back through the view to the characters sent. Prose never takes these shapes: a
lower-case or grouped id must hold a digit or be all capitals ("Asia tour plan with
many" is not a key), and the ROT13 prefixes are not English word beginnings followed
by a dozen or more token characters.
"""

from __future__ import annotations

import codecs
import re

from detectors.normalize import View

_AWS_PREFIX = r"(?:akia|asia|abia|acca)"
_AWS_FLAT = re.compile(rf"(?<![A-Za-z0-9]){_AWS_PREFIX}[a-z0-9]{{16}}(?![A-Za-z0-9])", re.IGNORECASE)
_AWS_GROUPED = re.compile(
    rf"(?<![A-Za-z0-9]){_AWS_PREFIX}(?P<s>[ .\-_])[a-z0-9]{{4}}(?:(?P=s)[a-z0-9]{{4}}){{3}}(?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9])a(?P<t>[ .\-_])(?:k(?P=t)i|s(?P=t)i|b(?P=t)i|c(?P=t)c)(?P=t)a"
    r"(?:(?P=t)[a-z0-9]){16}(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# Any other grouping (groups of 5 or 2, slashes, commas, one group per line, a lone
# split "AKI AIOS..."): the prefix and 16 more key characters with at most one
# separator (maybe followed by a space) or one line break between any two of them.
# It must hold a separator (the flat form is above), a digit, and letters of one case:
# capitals-only prose with a digit exactly 16 characters on is the rare false alarm.
_LOOSE_SEP = r"(?:[ .\-_/,|:;\t] ?|\r?\n)"
_AWS_LOOSE = re.compile(
    rf"(?<![A-Za-z0-9])a{_LOOSE_SEP}?(?:k{_LOOSE_SEP}?i|s{_LOOSE_SEP}?i|b{_LOOSE_SEP}?i|c{_LOOSE_SEP}?c)"
    rf"{_LOOSE_SEP}?a(?:{_LOOSE_SEP}?[a-z0-9]){{16}}(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# Its gate: a prefix with a separator somewhere, in the lower-cased text (one search
# that stops only at an "a").
_AWS_LOOSE_GATE = re.compile(r"a[^a-z0-9]{0,3}[ksbc][^a-z0-9]{0,3}[ic][^a-z0-9]{0,3}a")
_LOOSE_SEPARATORS = re.compile(r"[ .\-_/,|:;\t\r\n]")
# Substrings one of which every form above holds (in the lower-cased text), each behind
# a shorter one most texts lack: a few searches in C instead of case-insensitive
# expressions along all of every text.
_AWS_GATES = (
    ("ia", ("akia", "asia", "abia")),
    ("cca", ("acca",)),
    *((f"i{sep}a", tuple(sep.join(p) for p in ("akia", "asia", "abia"))) for sep in " .-_"),
    *((f"c{sep}a", (sep.join("acca"),)) for sep in " .-_"),
)
# ROT13 of the key prefixes in data/secret_rules.yaml: AKIA ASIA ABIA ACCA, sk- sk_ rk_,
# gh[pousr]_, github_pat_, glpat- (and GitLab's other token kinds), xox?-, xapp-, whsec_, AIza.
_ROT13_KEY = re.compile(
    r"(?<![\w-])(?:N(?:XVN|FVN|OVN|PPN)|fx[-_]|ex_|tu[cbhfe]_|tvguho_cng_|ty(?:cng|qg|eg|cgg|sg|fbng|pog|vzg)-"
    r"|kbk[nocbfer]-|kncc-|jufrp_|NVmn)[A-Za-z0-9_\-]{12,250}(?![\w-])"
)
_ROT13_GATES = (
    ("VN", ("NXVN", "NFVN", "NOVN")),
    ("PPN", ("NPPN",)),
    ("NVmn", ("NVmn",)),
    ("_", ("fx_", "ex_", "tuc_", "tub_", "tuh_", "tuf_", "tue_", "tvguho_cng_", "jufrp_")),
    ("-", ("fx-", "tycng-", "tyqg-", "tyeg-", "tycgg-", "tysg-", "tyfbng-", "typog-", "tyvzg-", "kncc-", "kbk")),
)
_SEPARATOR = re.compile(r"[ .\-_]")
_DIGIT = re.compile(r"\d")


def key_view(text: str) -> View | None:
    """``text`` with each key-shaped token in its plain form, or None if it holds none."""
    edits: list[tuple[int, int, str, list[int]]] = []  # (start, end, new text, its sources)
    lower = text.lower()
    if _gated(lower, _AWS_GATES):
        for match in _AWS_FLAT.finditer(text):
            token = match.group()
            # All capitals is the plain scan's; mixed case needs a digit to be no word.
            if token != token.upper() and (token.islower() or _DIGIT.search(token) is not None):
                edits.append((match.start(), match.end(), token.upper(), list(range(match.start(), match.end()))))
        for match in _AWS_GROUPED.finditer(text):
            token = match.group()
            if token == token.upper() or _DIGIT.search(token) is not None:
                kept = [match.start() + i for i, c in enumerate(token) if _SEPARATOR.fullmatch(c) is None]
                edits.append((match.start(), match.end(), "".join(text[i] for i in kept).upper(), kept))
    if _AWS_LOOSE_GATE.search(lower) is not None:
        edits.extend(_loose_edits(text))
    if _gated(text, _ROT13_GATES):
        edits.extend(
            (match.start(), match.end(), codecs.encode(match.group(), "rot13"), list(range(*match.span())))
            for match in _ROT13_KEY.finditer(text)
        )
    return _apply(text, edits) if edits else None


def _loose_edits(text: str) -> list[tuple[int, int, str, list[int]]]:
    edits: list[tuple[int, int, str, list[int]]] = []
    for match in _AWS_LOOSE.finditer(text):
        token = match.group()
        kept = [match.start() + i for i, c in enumerate(token) if _LOOSE_SEPARATORS.fullmatch(c) is None]
        key = "".join(text[i] for i in kept)
        one_case = key == key.upper() or key == key.lower()
        if len(kept) < len(token) and one_case and _DIGIT.search(key) is not None:
            edits.append((match.start(), match.end(), key.upper(), kept))
    return edits


def _gated(text: str, gates: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    return any(marker in text and any(gate in text for gate in then) for marker, then in gates)


def _apply(text: str, edits: list[tuple[int, int, str, list[int]]]) -> View:
    chars: list[str] = []
    source: list[int] = []
    at = 0
    for start, end, new, sources in sorted(edits):
        if start < at:  # overlaps an earlier edit: keep that one
            continue
        chars.append(text[at:start])
        source.extend(range(at, start))
        chars.append(new)
        source.extend(sources)
        at = end
    chars.append(text[at:])
    source.extend(range(at, len(text)))
    return View("".join(chars), tuple(source))
