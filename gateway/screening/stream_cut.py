"""Where held stream text may be cut: what goes out now and what waits for more text.

Text goes out as soon as no value the detectors find could still run back across the cut
(``release_cut``): a stream is held back by its last word (it may go on) and by an open
candidate before it, no fixed window. A cut is only made next to a *plain* word, one that no
finding starts, goes on or is joined across: lower-case letters (a hyphen or apostrophe
inside), with no digit, no capital, no symbol but sentence punctuation around it, and not a
word that joins values (``JOINERS``: digit words, which spell a number out; name particles,
which NER takes into a name, "van", "de"; the words of classification banners; street
types written in lower case, first, "rue", "ul", or after the name, "Váci utca 12"). The
cut goes after such a word, or before the last word once it has begun as one: "Thanks"
goes out when " fo" comes, which no joiner begins, rather than when "for" is known to be
complete (a tokenizer sends " for" and only the next piece ends it). Everything else may be part of a value:
a token with a digit (cards, phones, SSNs, IBANs and house numbers, written in groups), a
capital (a run NER may still join, a key id in fours, a postcode's state), a symbol
(secrets, e-mails, URLs, banners). And a digit keeps the cut away for the two words after
it (``DIGIT_SPAN``): an address runs from its number over lower-case words to its street
type ("12 main street"), and a cue after a number ("... is her SSN") is scanned with it.
A run with no such cut (a table of numbers, text in capitals or in a script without case)
is cut as a window once it is longer than 128 characters: at a whitespace ``TAIL`` characters
back, before a run of digit groups ending there.

The text released is scanned, with the ``TAIL`` characters released before it as context
(cue words, and a value a window cut may still cross, found whole), before it goes out.

A close (``close_cut``) is cut anywhere but inside a value written with spaces: a card or an
SSN written in groups ("4111 1111 1111 1111", "536 22 8726") or an IBAN spans whitespace, and
the part released first can no longer be redacted. So the cut backs off over a trailing run
of groups that hold a digit, separated by a space or two, or of upper-case groups (a key id
written in fours).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from detectors.pii.address_lexicon import TYPE_FIRST_ANY_CASE, WORD_AFTER_NAME
from detectors.pii.address_parts import UNIT_WORDS
from gateway.policy.data_rules import Action, RuledDecision

# The released text re-scanned as context with the next text, and the text a long run keeps
# held when it is cut as a window, so an entity up to this long is never cut between two scans.
TAIL = 64
_LAST_SPACE = re.compile(r"\s(?=\S*$)")
_REACH = 2 * TAIL  # no value the detectors find is longer: a run is not followed further back
DIGIT_SPAN = 3  # a token holding a digit, and the two words after it, are never cut after
_TOKEN = re.compile(r"\S+")
_OPENING = "\"'([{“‘«¿¡"
_CLOSING = ".,;:!?\"')]}”’»…"
_INNER = re.compile(r"[-'’]")
# Lower-case words that may be part of a value (see the module's docstring).
_SPELLED = "zero oh one two three four five six seven eight nine double triple"
# Name particles, and the articles inside a street's name ("Viale dei Mille 43", "Rua do Ouvidor 50").
_PARTICLES = (
    "van von der den de del della dei degli delle dello dell dal dalla dai des di da das do dos du la le ter ten "
    "bin ibn al el st"
)
_BANNERS = (
    "strictly highly company business proprietary privileged confidential internal use only official "
    "secret distribution external distribute restricted sensitive"
)
# Street types written after the name, in lower case, the number last ("Váci utca 12", "Karl Johans gate
# 22"): the name before them is part of the address once the number comes.
_TYPES_AFTER_NAME = frozenset(t.rstrip(".") for t in WORD_AFTER_NAME)
# And the words of a flat, floor or door, which an address takes after its number: "5420, bloco B, ap. 71".
_UNITS = frozenset(UNIT_WORDS)
JOINERS = frozenset(f"{_SPELLED} {_PARTICLES} {_BANNERS}".split()) | TYPE_FIRST_ANY_CASE | _TYPES_AFTER_NAME | _UNITS
# Every start of a joiner: a last word that is not one of these cannot become a joiner.
_JOINER_STARTS = frozenset(j[:n] for j in JOINERS for n in range(1, len(j) + 1))


def release_cut(held: str) -> int:
    """How much of ``held`` may go out now: up to the whitespace after the last plain word
    that no digit precedes by fewer than ``DIGIT_SPAN`` words; a run longer than 128 characters
    without one is cut as a window."""
    start = max(0, len(held) - 2 * _REACH)
    tokens = [(m.start() + start, m.group()) for m in _TOKEN.finditer(held, start)]
    if start and tokens and tokens[0][0] == start:
        tokens[0] = (start, "\0")  # may be cut off: not plain, and not the last break either
    cut = 0
    for n in range(len(tokens) - 1, -1, -1):
        at, token = tokens[n]
        end = at + len(token)
        if end == len(held):
            # The last word may go on; but once it has begun as a plain word, what is before it is closed.
            if _begins_plain(token) and not _digit_before(tokens, n) and held[start:at].strip():
                cut = at
                break
            continue
        if _plain(token) and not _digit_before(tokens, n + 1):
            cut = tokens[n + 1][0] if n + 1 < len(tokens) else len(held)
            break
    if len(held) - cut > _REACH:
        cut = max(cut, window_cut(held))
    return cut


def _plain(token: str) -> bool:
    core = token.lstrip(_OPENING).rstrip(_CLOSING)
    parts = _INNER.split(core)
    return bool(core) and all(p.isalpha() and p.islower() and p not in JOINERS for p in parts)


def _begins_plain(token: str) -> bool:
    """The start of a plain word, whatever follows: lower-case letters no joiner begins with."""
    core = token.lstrip(_OPENING)
    return bool(core) and core.isalpha() and core.islower() and core not in _JOINER_STARTS


def _digit_before(tokens: Sequence[tuple[int, str]], n: int) -> bool:
    """Whether a cut before token ``n`` is within ``DIGIT_SPAN`` words of a token holding a digit."""
    return any(_has_digit(t) for _, t in tokens[max(0, n - DIGIT_SPAN) : n])


def _has_digit(token: str) -> bool:
    return any(c.isdigit() for c in token)


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
