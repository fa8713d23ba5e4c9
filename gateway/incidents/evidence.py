"""What an incident keeps as evidence instead of the data itself.

A *redacted excerpt* shows the context an analyst needs to judge a finding (was it a
real customer record, or a test value in a code sample?) with every finding in it --
flagged or allowed -- replaced by its type. *Keyed hashes* (HMAC-SHA256 under the prompt
log's hash key) let an investigator holding the key check whether a known value was
involved (``aigw incidents find-value``) without the incident ever holding the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from detectors.base import Finding
from gateway.data_rules import RuledDecision
from gateway.promptlog.crypto import LogKeyring

MAX_HASHES_PER_TYPE = 20
ELLIPSIS = "…"
HASH_SCHEME = "hmac-sha256"

# One scanned text and every decision taken on it (allowed findings included: the
# excerpt must hide them too).
ScannedText = tuple[str, Sequence[RuledDecision]]


@dataclass
class Evidence:
    excerpt: str | None = None
    value_hashes: dict[str, list[str]] = field(default_factory=dict)
    hash_key_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        if not self.value_hashes:
            return {}
        return {"scheme": HASH_SCHEME, "key_id": self.hash_key_id, "value_hashes": self.value_hashes}


def gather(
    texts: Sequence[ScannedText], chosen: Sequence[RuledDecision], keyring: LogKeyring | None, context_chars: int
) -> Evidence:
    """Evidence for the ``chosen`` decisions: an excerpt around the first, hashes of all."""
    wanted = {id(d) for d in chosen}  # identity: two findings of equal type and span in two texts differ
    evidence = Evidence(hash_key_id=keyring.current if keyring else None)
    for text, decisions in texts:
        mine = [d for d in decisions if id(d) in wanted]
        if not mine:
            continue
        if evidence.excerpt is None and context_chars > 0:
            evidence.excerpt = redacted_excerpt(text, [d.finding for d in decisions], mine[0].finding, context_chars)
        if keyring is not None:
            _hash_values(text, mine, keyring, evidence.value_hashes)
    return evidence


def redacted_excerpt(text: str, findings: Sequence[Finding], focus: Finding, context_chars: int) -> str:
    """``context_chars`` either side of ``focus``, every finding in it replaced by ``<TYPE>``."""
    start, end = max(0, focus.start - context_chars), min(len(text), focus.end + context_chars)
    spans = sorted(findings, key=lambda f: f.start)
    for f in spans:  # widen rather than cut a finding: half a card number is still a leak
        if f.start < start < f.end:
            start = f.start
        if f.start < end < f.end:
            end = f.end
    parts, pos = [], start
    for f in spans:
        if f.end <= start or f.start >= end:
            continue
        parts += [text[pos : f.start], f"<{f.entity_type}>"]
        pos = f.end
    parts.append(text[pos:end])
    body = " ".join("".join(parts).split())  # one line: newlines and tabs would break tables and syslog
    return (ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else "")


def _hash_values(
    text: str, decisions: Sequence[RuledDecision], keyring: LogKeyring, into: dict[str, list[str]]
) -> None:
    for d in decisions:
        hashes = into.setdefault(d.finding.entity_type, [])
        digest = keyring.keyed_hash(text[d.finding.start : d.finding.end])
        if digest not in hashes and len(hashes) < MAX_HASHES_PER_TYPE:
            hashes.append(digest)


__all__ = ["Evidence", "ScannedText", "gather", "redacted_excerpt"]
