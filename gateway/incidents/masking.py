"""Masking incident excerpts with every detector of the policy in force, off the request path.

Screening scans an answer only for the types its response rules name, and a prompt for
what its rules need; an excerpt holds whatever else was written around the first finding
(a customer's name, an email), and once an incident is chained it cannot be erased. So
before a batch of candidates is stored, the recorder's task scans each candidate's excerpt
window (``evidence.ExcerptWindow``) once more with every enabled detector -- every entity
type they can report, NER included (``entities=None``) -- and masks what they find as well.

The scan goes through the detection pool (``ExcerptScan``, given by ``gateway.lifecycle.state``): in
its worker processes, or inline when it is short and has no name to look for, so it never
holds the event loop longer than a request's own scan would. When detection cannot answer
(no detection configured, the pool overloaded, timed out or closed), the excerpt is
dropped, the hashes kept: an incident without context, never one with an unmasked value.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Mapping, Sequence

import structlog

from detectors.base import Finding
from gateway.incidents.evidence import ExcerptWindow, masked
from gateway.incidents.model import Candidate
from gateway.screening.pool import DetectionUnavailable

log = structlog.get_logger("aigw")

# Findings per text, every type the detectors can report; raises when detection cannot answer.
ExcerptScan = Callable[[Sequence[str]], Awaitable[list[list[Finding]]]]
MASK_TIME_LIMIT_S = 30.0  # the pool's own per-job limit applies too: this bounds a whole batch
RETRY_S = (0.5, 2.0)  # a busy pool ("overloaded") often has room a moment later; then the excerpts go


def repeats(batch: Sequence[Candidate], open_since: Mapping[str, int], window_s: int) -> set[int]:
    """The candidates of ``batch`` (by position) that will fold into an open incident: one already
    open for their key and seen within the window (``open_since``: key -> last sighting), or an
    earlier candidate of the batch with the same key. A repeat keeps no excerpt (``repeated_state``):
    masking its window would cost a full scan, NER included, for nothing. At full load with every
    request blocked, that scan per violation was what held the recorder to a third of the rate."""
    last_seen = dict(open_since)  # a batch's own candidates are sightings too, in order
    out: set[int] = set()
    for n, candidate in enumerate(batch):
        key = candidate.aggregation_key()
        seen = last_seen.get(key)
        if seen is not None and seen >= candidate.at_us - window_s * 1_000_000:
            out.add(n)
        last_seen[key] = max(seen or 0, candidate.at_us)
    return out


def without_windows(batch: Sequence[Candidate], positions: set[int]) -> list[Candidate]:
    """``batch`` with the excerpt windows of these candidates dropped (their excerpts are not kept)."""
    return [dataclasses.replace(c, window=None) if n in positions and c.window else c for n, c in enumerate(batch)]


async def mask_excerpts(batch: Sequence[Candidate], scan: ExcerptScan | None) -> list[Candidate]:
    """``batch`` with every excerpt window masked into ``excerpt`` (or dropped), and no window left."""
    pending = [(n, candidate.window) for n, candidate in enumerate(batch) if candidate.window is not None]
    if not pending:
        return list(batch)
    found = await _scan([window for _, window in pending], scan)
    out = list(batch)
    for i, (n, window) in enumerate(pending):
        excerpt = masked(window, found[i]) if found is not None else None
        out[n] = dataclasses.replace(batch[n], excerpt=excerpt, window=None)
    return out


async def _scan(windows: list[ExcerptWindow], scan: ExcerptScan | None) -> list[list[Finding]] | None:
    """Every window's findings from one scan (one pool call for a burst), or None: detection cannot answer."""
    reason = "no detection"
    for attempt in range(len(RETRY_S) + 1):
        if scan is None:
            break
        if attempt:
            await asyncio.sleep(RETRY_S[attempt - 1])
        try:
            found: list[list[Finding]] = await asyncio.wait_for(scan([w.text for w in windows]), MASK_TIME_LIMIT_S)
        except DetectionUnavailable as exc:
            reason = exc.reason  # overloaded, timeout, worker crashed...: never content
            continue
        except Exception as exc:  # whatever else went wrong, the excerpts go rather than stay unmasked
            reason = type(exc).__name__
            break
        if len(found) == len(windows):
            return found
        reason = "wrong number of results"
        break
    log.error("incident_excerpts_dropped", incidents=len(windows), reason=reason)
    return None


__all__ = ["ExcerptScan", "mask_excerpts", "repeats", "without_windows"]
