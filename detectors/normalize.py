"""A normalised view of a text for the detectors, with a map back to the original.

A value planted with one invisible character, full-width or Arabic-Indic digits,
Cyrillic look-alike letters or spaced-out digits reads the same to a model but not to
a regular expression. The detectors therefore also run on a *view* of each text:

- every character through NFKC (full-width forms, ligatures, mathematical letters and
  digits, compatibility spaces become their plain forms);
- format and control characters dropped (category Cf: zero-width characters, word
  joiner, soft hyphen, bidi controls; Cc: NUL and the other C0/C1 controls), except
  ``\\n``, ``\\t`` and ``\\r``, which separate words; combining marks (overlays,
  accents, variation selectors) on an ASCII letter or digit dropped (``5\\u0336`` reads 5);
- every Unicode decimal digit to its ASCII digit;
- Cyrillic and Greek letters that look Latin folded to the Latin letter, but only in a
  token (between whitespace) that also holds an ASCII letter or digit: a homoglyph
  attack mixes scripts, while folding a wholly Russian or Greek word would only make
  up words a detector could misread;
- a run of at least nine single digits each separated by one space, dot or dash, or by a
  comma with at most one space and maybe quotes (``5 3 6 2 2 8 7 4 1``,
  ``[5,3,6,2,2,8,7,4,1]``, ``["5", "3", ...]``) collapsed
  to its digits: no ordinary number is written so, and every digit-based detector wants
  at least nine;
- digit groups of an SSN's or a card's shape joined by one and the same dot, slash,
  underscore, Unicode dash or minus sign (``536.22.8741``, ``536/22/8741``,
  ``4111_1111_1111_1111``, ``536\u201322\u20138741``) read with dashes.

Each view character remembers the original character it came from, so a finding in
the view maps back to the span of original characters that produced it (including any
dropped character inside it): redaction replaces what was actually sent. The view is
only built when it can differ: pure-ASCII text without controls or spaced digits (most
prompts) costs one ``isascii`` and one regular-expression search, other text a few
checks in C (``_unchanged``) before any per-character work.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from detectors.base import Finding

# Reviewed by eye against Unicode's confusables.txt: only letters whose usual glyph is
# indistinguishable from the Latin one in common fonts (not e.g. Cyrillic "в" or "п").
_CONFUSABLES = {
    # Cyrillic
    "а": "a",
    "е": "e",
    "о": "o",
    "р": "p",
    "с": "c",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "і": "i",
    "ј": "j",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "һ": "h",
    "ӏ": "l",
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "Х": "X",
    "У": "Y",
    "Ү": "Y",
    "Ѕ": "S",
    "І": "I",
    "Ј": "J",
    "Ԛ": "Q",
    "Ԝ": "W",
    "Ӏ": "I",
    # Greek
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Ζ": "Z",
    "Η": "H",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Υ": "Y",
    "Χ": "X",
    "ο": "o",
    "ν": "v",
    "ι": "i",
    "κ": "k",
    "α": "a",
    "ρ": "p",
    "υ": "u",
}
_FOLD = str.maketrans(_CONFUSABLES)
_CONFUSABLE_CHARS = frozenset(_CONFUSABLES)

_KEEP_CONTROLS = frozenset("\n\t\r")
_DROP_CATEGORIES = frozenset({"Cf", "Cc"})
# A run of single digits, each after one separator: at least nine digits in all. A comma
# may take one space after it, and quotes around it: a digit array ("[5, 3, 6, ...]",
# '["5","3","6",...]') is a value written out.
_SPACED_SEP = r"""(?:[ .\-]|(?P<q>["']?), ?(?P=q))"""
_SPACED_DIGITS = re.compile(rf"(?<!\d)\d(?:{_SPACED_SEP}\d){{8,}}(?!\d)")
_SEPARATORS = frozenset(" .-,\"'")
# Digit groups of an SSN's or a card's shape joined by one and the same dot, slash,
# underscore, Unicode hyphen or dash (U+2010..U+2015) or minus sign (536.22.8741,
# 536/22/8741, 4111_1111_1111_1111, an en dash): the detectors know them with
# ASCII dashes or spaces only. IP addresses (groups of 1-3 digits), versions and dates
# (2024/05/17) never have these shapes.
_GROUP_SEP = "./_\u2010-\u2015\u2212"
_DOTTED_GROUPS = (
    rf"(?<![\d{_GROUP_SEP}])(?:\d{{3}}(?P<s>[{_GROUP_SEP}])\d{{2}}(?P=s)\d{{4}}"
    r"|\d{4}(?P<c>[" + _GROUP_SEP + r"])\d{4}(?P=c)\d{4}(?P=c)\d{4}"
    r"|\d{4}(?P<x>[" + _GROUP_SEP + r"])\d{6}(?P=x)\d{5})"
    rf"(?!\d|[{_GROUP_SEP}]\d)"
)
_DOTTED = re.compile(_DOTTED_GROUPS)
_GROUP_SEPARATOR = re.compile(f"[{_GROUP_SEP}]")
# In every grouped shape; ten times cheaper to look for.
_SEP_FOUR_DIGITS = re.compile(rf"[{_GROUP_SEP}]\d{{4}}")
# The same shapes (and a card's 4-4-4-4-3 and 4-6-4) with a MIX of separators, or one
# of a comma or a pipe, each separator maybe between single spaces (536-22 8726,
# 536 - 22 - 8726, 4111-1111 1111.1111, 4111,1111,1111,1111). They read with dashes when a
# separator is a dash or all are dots, slashes or underscores (what _DOTTED reads with
# dashes), else with single spaces: a plain spaced SSN needs context, and an odd
# separator should not make a number list score higher than that.
_MIX_CHARS = _GROUP_SEP + ",|\\-"
_MIX_SEP = rf"(?: ?[{_MIX_CHARS}] ?| )"
_MIXED = re.compile(
    # A digit first (what the search scans for in C), then what may not stand before it.
    rf"\d(?<![\d{_MIX_CHARS}]\d)(?<!\d \d)(?<!\d[{_MIX_CHARS}] \d)"
    rf"(?:\d{{3}}(?:{_MIX_SEP}\d{{4}}){{3}}(?:{_MIX_SEP}\d{{3}})?|\d{{3}}{_MIX_SEP}\d{{6}}{_MIX_SEP}\d{{4,5}}"
    rf"|\d{{2}}{_MIX_SEP}\d{{2}}{_MIX_SEP}\d{{4}})"
    rf"(?!\d|{_MIX_SEP}\d)"
)
_MIX_SEPARATOR = re.compile(rf" ?([{_MIX_CHARS}]) ?| ")
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
_DASH_LIKE = frozenset("-./_\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
# What can make the view of an ASCII text differ from the text (besides grouped digits):
# two expressions, each scanned fast from its first character class (one alternation
# with a lookbehind costs six times as much); a false alarm only builds the view.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACED_TRIGGER = re.compile(rf"\d(?:{_SPACED_SEP}\d){{8}}")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_NON_ASCII_DIGIT = re.compile(r"[^\D0-9]")
# Combining marks that strike through, underline or decorate a letter or digit (and the
# variation selectors): dropped after an ASCII letter or digit.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f"
_COMBINING = re.compile(f"[{_MARKS}]")
_COMBINING_AFTER_ASCII = re.compile(f"[A-Za-z0-9][{_MARKS}]")
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class View:
    """The normalised text, and for each of its characters the original's index (and,
    when one view character stands for several original ones, as a digit for its word,
    the end of what it stands for)."""

    text: str
    source: tuple[int, ...]
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original characters behind view characters ``start:end`` (end exclusive)."""
        if end <= start:
            at = self.source[start] if start < len(self.source) else (self.source[-1] + 1 if self.source else 0)
            return at, at
        return self.source[start], (self.ends[end - 1] if self.ends is not None else self.source[end - 1] + 1)

    def then(self, inner: View) -> View:
        """``inner``, a view of this view's text, as a view of the original text."""
        ends = inner.ends if inner.ends is not None else tuple(s + 1 for s in inner.source)
        return View(
            inner.text,
            tuple(self.span(s, s + 1)[0] for s in inner.source),
            tuple(self.span(e - 1, e)[1] for e in ends),
        )

    def to_original(self, finding: Finding) -> Finding:
        start, end = self.span(finding.start, finding.end)
        return Finding(finding.entity_type, start, end, finding.score, finding.detector, finding.category)


def normalized_view(text: str) -> View | None:
    """The detectors' view of ``text``, or None when it would be ``text`` itself."""
    if text.isascii():
        if _ASCII_CONTROL.search(text) is None and _SPACED_TRIGGER.search(text) is None and not _dotted(text):
            return None
    elif _unchanged(text):
        return None
    return build_view(text)


def build_view(text: str) -> View | None:
    """The view, character by character (``normalized_view`` without its shortcuts)."""
    chars: list[str] = []
    source: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            if ch.isprintable() or ch in _KEEP_CONTROLS:
                chars.append(ch)
                source.append(i)
            continue
        category = unicodedata.category(ch)
        if category in _DROP_CATEGORIES:
            continue
        if _COMBINING.match(ch) and chars and chars[-1].isascii() and chars[-1].isalnum():
            continue
        for out in unicodedata.normalize("NFKC", ch):
            digit = unicodedata.decimal(out, None)
            chars.append(str(digit) if digit is not None else out)
            source.append(i)
    view = "".join(chars)
    if _CONFUSABLE_CHARS.intersection(view):
        view = _TOKEN.sub(_fold_mixed, view)  # one character for one: the map holds
    if _SPACED_DIGITS.search(view) is not None:
        view, source = _collapse_spaced_digits(view, source)
    if _DOTTED.search(view) is not None:
        view = _DOTTED.sub(lambda m: _GROUP_SEPARATOR.sub("-", m.group()), view)  # one for one
    if _MIXED.search(view) is not None:
        view, source = _join_mixed(view, source)
    if view == text:
        return None
    return View(view, tuple(source))


def _unchanged(text: str) -> bool:
    """True when the view of a non-ASCII ``text`` is ``text``: each test below, all in C,
    rules out one step of the per-character loop (most non-English prompts: accents, CJK,
    emoji). Printable means no Cf or Cc character; an NFKC-normalised text holds no
    character that NFKC would change on its own."""
    printable = text.replace("\n", " ").replace("\t", " ").replace("\r", " ").isprintable()
    return (
        printable
        and unicodedata.is_normalized("NFKC", text)
        and _NON_ASCII_DIGIT.search(text) is None
        and not _CONFUSABLE_CHARS.intersection(text)
        and _COMBINING_AFTER_ASCII.search(text) is None
        and _SPACED_DIGITS.search(text) is None
        and not _dotted(text)
    )


def _dotted(text: str) -> bool:
    """Whether ``text`` may hold grouped digits: the full expression is tried only around
    a separator before four digits (dates such as 12/05/2024 have one), not along all
    of a long text. A shape holding the hit lies within 15 characters of it."""
    for hit in _SEP_FOUR_DIGITS.finditer(text):
        if _DOTTED.search(text, max(0, hit.start() - 15), hit.end() + 20) is not None:
            return True
    # One scan (it stops at digits only): windows around cheaper hits cost more, as
    # dates, phones and decimals give many.
    return any(_mixed_form(match.group()) != match.group() for match in _MIXED.finditer(text))


def _mixed_form(shape: str) -> str:
    """A mixed-separator shape with one dash or one space between its groups. An SSN's
    shape with only spaces, commas or pipes stays as it is: the SSN recognizer takes a
    spaced 3-2-4 group without context, and a table row or a number list
    ("| 100 | 20 | 3000 |", "scores 120,45,2024") would become an SSN; a card's digits
    have Luhn to tell them from a list."""
    seps = [m.group(1) or " " for m in _MIX_SEPARATOR.finditer(shape)]
    if not any(c in _DASH_LIKE for c in seps) and len(seps) == 2:
        return shape
    dashed = any(c in _DASHES for c in seps) or all(c in _DASH_LIKE for c in seps)
    return _MIX_SEPARATOR.sub("-" if dashed else " ", shape)


def _join_mixed(view: str, source: list[int]) -> tuple[str, list[int]]:
    """``view`` with each mixed-separator shape in its ``_mixed_form``; each separator
    keeps the original index of its separator character (or its space)."""
    chars: list[str] = []
    out: list[int] = []
    at = 0
    for match in _MIXED.finditer(view):
        chars.append(view[at : match.start()])
        out.extend(source[at : match.start()])
        form = _mixed_form(match.group())
        i = match.start()
        for c in form:
            if c.isdigit():
                while not view[i].isdigit():
                    i += 1
                chars.append(c)
                out.append(source[i])
                i += 1
            else:
                end = i
                while not view[end].isdigit():
                    end += 1
                region = view[i:end]
                chars.append(c)
                out.append(source[i + len(region) - len(region.lstrip(" "))])
                i = end
        at = match.end()
    chars.append(view[at:])
    out.extend(source[at:])
    return "".join(chars), out


def _fold_mixed(token: re.Match[str]) -> str:
    word = token.group()
    if not _CONFUSABLE_CHARS.intersection(word) or _ASCII_ALNUM.search(word) is None:
        return word
    return word.translate(_FOLD)


def _collapse_spaced_digits(view: str, source: list[int]) -> tuple[str, list[int]]:
    keep = [True] * len(view)
    for run in _SPACED_DIGITS.finditer(view):
        for i in range(run.start(), run.end()):
            if view[i] in _SEPARATORS:
                keep[i] = False
    return (
        "".join(c for c, k in zip(view, keep, strict=True) if k),
        [s for s, k in zip(source, keep, strict=True) if k],
    )
