"""A relayed header value whose shape proves nothing is scanned like the answer.

A shape (``gateway.providers.reply_headers``) proves a number or a date holds nothing; an id
or a long number can still spell a key or a card, so when the policy screens answers those
values are also scanned with the pattern detectors and dropped on any finding. Dropping loses a
provider's debugging reference at worst; the answer is unaffected.
"""

from __future__ import annotations

import structlog

from gateway.policy.policy import Policy
from gateway.providers.reply_headers import needs_scan
from gateway.screening.pool import DetectionPool, DetectionUnavailable
from gateway.screening.split_values import pattern_entities

log = structlog.get_logger("aigw")


async def screen_header_values(pool: DetectionPool, policy: Policy, headers: dict[str, str]) -> None:
    """Drop each relayed header value in which a pattern detector finds anything (all of them
    when detection cannot answer: they are references, not the answer)."""
    names = [n for n, v in headers.items() if n != "content-type" and needs_scan(v)]
    if not names or policy.detection is None:
        return
    try:
        found = await pool.scan([headers[n] for n in names], pattern_entities(policy.known_types, None))
        flagged = [n for n, f in zip(names, found, strict=True) if f]
    except DetectionUnavailable:
        flagged = names
    for name in flagged:
        del headers[name]
    if flagged:
        log.warning("upstream_headers_dropped", count=len(flagged), reason="finding")
