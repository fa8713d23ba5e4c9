"""Where a held stream window may be cut: what goes out now and what waits for more text.

A window is released up to a whitespace that leaves ``TAIL`` characters held, and never
inside a value that could go on: a card or an SSN written in groups ("4111 1111 1111
1111", "536 22 8726") or an IBAN spans whitespace, and the part released first can no
longer be redacted. So the cut backs off over a trailing run of groups that hold a digit,
separated by a space or two, or of upper-case groups (a key id written in fours).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gateway.policy.data_rules import Action, RuledDecision

# Text kept unreleased at a window's end, and re-scanned as context with the next
# window, so an entity up to this long is never cut between two scans.
TAIL = 64
_LAST_SPACE = re.compile(r"\s(?=\S*$)")
_REACH = 2 * TAIL  # no value the detectors find is longer: a run is not followed further back
_SEPARATORS = " \u00a0\u202f\t"
_ENDED = ".,;:!?)]}\"'\n"


def window_cut(held: str) -> int:
    """Release up to the last whitespace that leaves TAIL characters held back, and before a
    run of digit groups ending there."""
    space = _LAST_SPACE.search(held, 0, len(held) - TAIL)
    return run_start(held, space.end()) if space else 0


def close_cut(held: str, end: int) -> int:
    """Release up to ``end`` (where a key closed) but a trailing run a continuation could complete;
    text ending in punctuation or a line end is complete."""
    if end <= 0 or (held[end - 1] in _ENDED and not (end > 1 and held[end - 2].isdigit())):
        return max(end, 0)  # "4111." may go on as "4111.1111.1111.1111": digits before it are no end
    return run_start(held, end)


def run_start(text: str, end: int) -> int:
    """Where the run of value characters ending at ``end`` begins: a trailing token of key
    characters, and before it any groups holding a digit, a separator or two apart."""
    floor = max(0, end - _REACH)
    start = _token_start(text, end, floor)
    while True:
        gap = start
        while gap > floor and start - gap < 2 and text[gap - 1] in _SEPARATORS:
            gap -= 1
        if gap == start:
            return start
        group = _token_start(text, gap, floor)
        if group == gap or not _value_group(text[group:gap]):
            return start
        start = group


def _value_group(group: str) -> bool:
    """A group of a value written spaced: it holds a digit (cards, SSNs, IBANs) or is upper-case
    letters and digits only (a key id written in fours: "AKIA IOSF ODNN 7EXA MPLQ")."""
    return any(c.isdigit() for c in group) or (group.isalnum() and group.isupper())


def _token_start(text: str, end: int, floor: int) -> int:
    at = end
    while at > floor and _is_token(text[at - 1]):
        at -= 1
    return at


def _is_token(char: str) -> bool:
    return char.isalnum() or char in "_-+/=.@:%"


def rewrite_piece(
    text: str, low: int, high: int, decisions: Sequence[RuledDecision], bare: frozenset[int] = frozenset()
) -> str:
    """``text[low:high]`` with the redactions that touch it applied to the part of them inside it:
    a value across two pieces (a key's close, released context) is redacted in each. A value
    starting at an offset in ``bare`` (JSON text outside a string literal: a number) is written as a
    JSON string, once, in the piece where it starts."""
    out, cursor = [], low
    for d in sorted(decisions, key=lambda d: d.finding.start):
        f = d.finding
        if d.action is not Action.REDACT or f.end <= low or f.start >= high or max(f.start, low) < cursor:
            continue
        out.append(text[cursor : max(f.start, low)])
        if f.start not in bare:
            out.append(f"[{f.entity_type}]")
        elif f.start >= low:
            out.append(f'"[{f.entity_type}]"')
        cursor = min(f.end, high)
    out.append(text[cursor:high])
    return "".join(out)
