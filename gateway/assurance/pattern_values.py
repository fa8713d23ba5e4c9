"""Values for the policy's own confidential detector: one of its terms, and a fresh string its pattern matches.

A term is the policy's own word (a client or project name the detector is told to find): it is
sent only to an echo model, and kept out of every result as a planted value is. A pattern's value
is drawn at random from the regular expression itself (digits for ``\\d``, letters from a class...),
so ``DL-\\d{6}`` gives a new deal id each run. Only simple expressions are drawn (literals, classes,
bounded repeats, groups, alternatives, anchors); any other construct (look-arounds,
back-references) gives no value, and the rule is listed as not probed rather than guessed at.
"""

from __future__ import annotations

import re
import secrets
import string
from typing import Any

from detectors.confidential import ConfidentialConfig, read_terms_file

MAX_REPEAT = 8  # an open-ended repeat (``+``, ``*``, ``{2,}``) is drawn at most this long
_CATEGORIES = {
    "CATEGORY_DIGIT": string.digits,
    "CATEGORY_WORD": string.ascii_letters + string.digits,
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_DIGIT": string.ascii_letters,
    "CATEGORY_NOT_WORD": "-",
    "CATEGORY_NOT_SPACE": string.ascii_letters,
}


class _NoValue(Exception):
    """A construct this drawer does not draw from."""


def terms(config: ConfidentialConfig) -> list[str]:
    found = list(config.terms)
    for path in config.terms_files:
        try:
            found.extend(read_terms_file(path))
        except ValueError:
            continue  # the gateway could not load the policy either: nothing to probe with
    return [term for term in found if term.strip()]


def sample(pattern: str) -> str | None:
    """A random string the pattern matches in full, or None where it cannot be drawn."""
    parser: Any = getattr(re, "_parser")  # noqa: B009 - the stdlib's own regex parser (sre_parse)
    try:
        value = _draw(parser.parse(pattern))
    except (_NoValue, re.error, IndexError, ValueError):
        return None
    flags = re.compile(pattern).flags
    return value if re.search(pattern, value, flags) else None


def _draw(items: Any) -> str:
    return "".join(_one(str(op), arg) for op, arg in items)


def _one(op: str, arg: Any) -> str:
    if op == "LITERAL":
        return chr(arg)
    if op == "AT":
        return ""
    if op == "ANY":
        return secrets.choice(string.ascii_letters)
    if op == "IN":
        return _from_class(arg)
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, items = arg
        count = low + secrets.randbelow(min(high, low + MAX_REPEAT) - low + 1)
        return "".join(_draw(items) for _ in range(count))
    if op == "SUBPATTERN":
        return _draw(arg[-1])
    if op == "BRANCH":
        return _draw(arg[1][0])
    raise _NoValue(op)


def _from_class(items: Any) -> str:
    choices: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            raise _NoValue(name)
        if name == "LITERAL":
            choices.append(chr(arg))
        elif name == "RANGE":
            choices.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        elif name == "CATEGORY":
            choices.extend(_CATEGORIES.get(str(arg), ""))
    if not choices:
        raise _NoValue("IN")
    return secrets.choice(choices)
