"""Getting candidates into the incident store without losing one and without a bad one
stopping the rest.

A batch goes in one transaction. When the store refuses it as data (``RecordRejected``: a
NUL PostgreSQL text cannot hold, say) or our own code cannot store one of its candidates,
each is stored alone; one still refused is repaired (``scrub_stored_dataclass``) and,
failing that, quarantined. ``StoreUnavailable`` is an outage, never a reason to quarantine:
it goes back to the caller, which retries. The spool a past shutdown left is stored at
start in batches, each removed from the file only once it is in the store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import structlog

from gateway.incidents import spool
from gateway.incidents.model import Candidate
from gateway.incidents.store import IncidentStore, Reassess, Recorded
from gateway.metrics import GatewayMetrics
from gateway.promptlog.store import StoreUnavailable
from gateway.quarantine import quarantine
from gateway.text_safety import scrub_stored_dataclass

log = structlog.get_logger("aigw")
Quarantine = Callable[[Candidate, str], None]


async def record_each_if_needed(
    store: IncidentStore,
    batch: Sequence[Candidate],
    window: int,
    reassess_for: Callable[[Candidate], Reassess],
    metrics: GatewayMetrics,
    set_aside: Quarantine,
) -> list[Recorded]:
    """The batch in one transaction; if it is refused (not for an outage), each alone, repaired
    if refused again, and quarantined (``set_aside``) only if even the repair is refused."""
    try:
        return await store.record_all(batch, window, reassess_for)
    except StoreUnavailable:
        raise
    except Exception as exc:  # RecordRejected, or a candidate our own code cannot hash or encode
        cause = type(exc).__name__
    stored: list[Recorded] = []
    for candidate in batch:
        try:
            stored += await store.record_all([candidate], window, reassess_for)
            continue
        except StoreUnavailable:
            raise
        except Exception as exc:
            failure = f"{cause}/{type(exc).__name__}"
        repaired = scrub_stored_dataclass(candidate)
        if repaired is not candidate:
            try:
                stored += await store.record_all([repaired], window, reassess_for)
            except StoreUnavailable:
                raise
            except Exception as exc:
                failure += f"/{type(exc).__name__}"
            else:
                metrics.record_errors.labels("incidents", "repaired").inc()
                log.error("incident_repaired", type=candidate.violation.value, cause=failure)
                continue
        set_aside(repaired, failure)
    return stored


def quarantine_candidate(path: Path | None, metrics: GatewayMetrics, candidate: Candidate, cause: str) -> None:
    """Kept aside in an owner-only file (no file configured: counted and logged only)."""
    metrics.record_errors.labels("incidents", "quarantined").inc()
    log.error(
        "incident_quarantined", type=candidate.violation.value, cause=cause, violation="LOGGING_OR_RETENTION_FAILURE"
    )
    if path is not None:
        try:
            quarantine(path, [{"cause": cause, "candidate": spool.to_json(candidate)}])
        except OSError as exc:
            log.error("incident_quarantine_failed", error_type=type(exc).__name__)


async def replay_spool(path: Path, store_batch: Callable[[list[Candidate]], Awaitable[None]], batch: int) -> int:
    """Store what the spool holds, ``batch`` at a time, however many (no queue bound applies);
    how many were stored. Each stored batch leaves the file at once, so that a crash or an
    outage midway stores none twice and loses none: the rest waits for the next start."""
    left = await asyncio.to_thread(spool.read, path)
    total = len(left)
    while left:
        try:
            await store_batch(left[:batch])
        except (StoreUnavailable, TimeoutError) as exc:  # an outage, or a call that hung
            log.error(
                "incident_spool_kept",
                stored=total - len(left),
                left=len(left),
                spool=str(path),
                error=str(exc) or type(exc).__name__,
                violation="LOGGING_OR_RETENTION_FAILURE",
            )
            return total - len(left)
        left = left[batch:]
        await asyncio.to_thread(spool.rewrite, path, left)
    if total:
        log.warning("incident_spool_replayed", incidents=total)
    return total


__all__ = ["quarantine_candidate", "record_each_if_needed", "replay_spool"]
