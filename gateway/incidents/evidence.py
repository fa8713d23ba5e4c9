"""What an incident keeps as evidence instead of the data itself.

A *redacted excerpt* shows the context an analyst needs to judge a finding (was it a
real customer record, or a test value in a code sample?) with every finding in it --
flagged or allowed, and whatever else any detector of the policy can find there -- replaced
by its type. *Keyed hashes* (HMAC-SHA256 under the prompt log's hash key) let an
investigator holding the key check whether a known value was involved (``aigw incidents
find-value``) without the incident ever holding the value.

The excerpt is made in two steps. On the request path, ``gather`` only cuts the raw
window around the first finding (an ``ExcerptWindow``: string slicing, no scan). The
incident recorder's task then scans that window with every detector of the policy in force
(``gateway.incidents.masking``) and masks what they find besides what screening found: an
answer is scanned only for the types the response rules name, so a name or an email next to
the SSN an answer rule flagged would otherwise be stored, chained and exported as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from detectors.base import Finding
from gateway.policy.data_rules import RuledDecision
from gateway.promptlog.crypto import LogKeyring

MAX_HASHES_PER_TYPE = 20
ELLIPSIS = "…"
HASH_SCHEME = "hmac-sha256"
# Text scanned either side of the excerpt when it is masked: NER needs the context around a
# name, and a value that the excerpt's edge cuts must be found whole to be masked.
SCAN_MARGIN_CHARS = 100
# The margin grows to the next whitespace, up to this much, so that the scan does not start or
# end inside a word (a cut value can go unrecognised, and part of it lie inside the excerpt).
MAX_SCAN_MARGIN_CHARS = 400

# One scanned text and every decision taken on it (allowed findings included: the
# excerpt must hide them too).
ScannedText = tuple[str, Sequence[RuledDecision]]
Span = tuple[int, int, str]  # start, end, entity type: a value to mask


@dataclass(frozen=True, repr=False)
class ExcerptWindow:
    """The raw text an excerpt is cut from, between the request path and the recorder's
    masking: held in memory only, never stored, spooled, logged or printed (see ``__repr__``)."""

    text: str  # the excerpt's span and a scan margin either side
    start: int  # the excerpt's span within ``text``
    end: int
    spans: tuple[Span, ...]  # what screening found in ``text``, offsets into it (clipped)
    before: bool  # the scanned text goes on before ``text``: the excerpt will start with an ellipsis
    after: bool  # ... and after it

    def __repr__(self) -> str:
        return f"ExcerptWindow(<{len(self.text)} chars>)"


@dataclass
class Evidence:
    window: ExcerptWindow | None = None  # to be masked off the request path (``masked``)
    value_hashes: dict[str, list[str]] = field(default_factory=dict)
    hash_key_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        if not self.value_hashes:
            return {}
        return {"scheme": HASH_SCHEME, "key_id": self.hash_key_id, "value_hashes": self.value_hashes}


def gather(
    texts: Sequence[ScannedText], chosen: Sequence[RuledDecision], keyring: LogKeyring | None, context_chars: int
) -> Evidence:
    """Evidence for the ``chosen`` decisions: the window around the first, hashes of all."""
    wanted = {id(d) for d in chosen}  # identity: two findings of equal type and span in two texts differ
    evidence = Evidence(hash_key_id=keyring.current if keyring else None)
    for text, decisions in texts:
        mine = [d for d in decisions if id(d) in wanted]
        if not mine:
            continue
        if evidence.window is None and context_chars > 0:
            evidence.window = excerpt_window(text, [d.finding for d in decisions], mine[0].finding, context_chars)
        if keyring is not None:
            _hash_values(text, mine, keyring, evidence.value_hashes)
    return evidence


def excerpt_window(text: str, findings: Sequence[Finding], focus: Finding, context_chars: int) -> ExcerptWindow:
    """``context_chars`` either side of ``focus`` (never cutting a finding in half), with the scan margin."""
    spans = [(f.start, f.end, f.entity_type) for f in findings]
    start, end = _widened(spans, max(0, focus.start - context_chars), min(len(text), focus.end + context_chars))
    low, high = max(0, start - SCAN_MARGIN_CHARS), min(len(text), end + SCAN_MARGIN_CHARS)
    while low > 0 and start - low < MAX_SCAN_MARGIN_CHARS and not text[low - 1].isspace():
        low -= 1
    while high < len(text) and high - end < MAX_SCAN_MARGIN_CHARS and not text[high].isspace():
        high += 1
    inside = tuple((max(a, low) - low, min(b, high) - low, kind) for a, b, kind in spans if a < high and b > low)
    return ExcerptWindow(text[low:high], start - low, end - low, inside, low > 0, high < len(text))


def masked(window: ExcerptWindow, found: Iterable[Finding]) -> str:
    """The excerpt: the window's span with what screening found and ``found`` (the masking
    scan's findings, offsets into ``window.text``) replaced by ``<TYPE>``, on one line."""
    spans = [*window.spans, *((f.start, f.end, f.entity_type) for f in found)]
    start, end = _widened(spans, window.start, window.end)
    parts, pos = [], start
    for a, b, kind in sorted(spans, key=lambda span: (span[0], -span[1])):
        if b <= pos or a >= end:
            continue  # outside the excerpt, or within a value masked already
        if a >= pos:
            parts += [window.text[pos:a], f"<{kind}>"]
        pos = b  # overlapping values (screening's and the scan's) are masked as one
    parts.append(window.text[pos:end])
    body = " ".join("".join(parts).split())  # one line: newlines and tabs would break tables and syslog
    lead = window.before or start > 0
    trail = window.after or end < len(window.text)
    return (ELLIPSIS if lead else "") + body + (ELLIPSIS if trail else "")


def redacted_excerpt(text: str, findings: Sequence[Finding], focus: Finding, context_chars: int) -> str:
    """``context_chars`` either side of ``focus``, every one of ``findings`` in it replaced by ``<TYPE>``."""
    return masked(excerpt_window(text, findings, focus, context_chars), ())


def _widened(spans: Sequence[Span], start: int, end: int) -> tuple[int, int]:
    """Widen rather than cut a finding: half a card number is still a leak. Until nothing
    straddles either edge: findings of two scans overlap, so one widening can expose another."""
    changed = True
    while changed:
        changed = False
        for a, b, _ in spans:
            if a < start < b:
                start, changed = a, True
            if a < end < b:
                end, changed = b, True
    return start, end


def _hash_values(
    text: str, decisions: Sequence[RuledDecision], keyring: LogKeyring, into: dict[str, list[str]]
) -> None:
    for d in decisions:
        hashes = into.setdefault(d.finding.entity_type, [])
        digest = keyring.keyed_hash(text[d.finding.start : d.finding.end])
        if digest not in hashes and len(hashes) < MAX_HASHES_PER_TYPE:
            hashes.append(digest)


__all__ = ["Evidence", "ExcerptWindow", "ScannedText", "excerpt_window", "gather", "masked", "redacted_excerpt"]
