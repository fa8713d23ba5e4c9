"""Incidents in the prompt store's database, each change appended to a hash chain.

Every change (opened, repeated, acknowledged, resolved, false_positive) is one chain event
with the incident's whole state after it: ``hash = sha256(prev_hash || seq || event ||
state)``. ``verify`` walks the chain and checks the links, that the sequence has no gap,
and that each incident row equals its last event's state: an edited, deleted or
reordered record shows. (Someone able to rewrite the whole chain and the table at once
is caught only against a copy of the chain head held elsewhere: the SIEM export carries
``seq`` and ``hash`` on every incident for that.)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from gateway.incidents.chain_batch import ChainBatch
from gateway.incidents.model import TRANSITIONS, Candidate, canonical, new_incident_id, repeated_state
from gateway.incidents.verify import Verification, verify_chain
from gateway.policy.violations import Severity
from gateway.promptlog.store import PromptStore, Transaction, now_us

log = structlog.get_logger("aigw")
KEYS_PER_LOOKUP = 900  # parameters per statement: under SQLite's oldest limit (999)
Reassess = Callable[[int], tuple[Severity, tuple[str, ...]]]  # severity after this many occurrences


class WorkflowError(ValueError):
    """A status change the workflow does not allow, or an unknown incident."""


class UnknownIncident(WorkflowError):
    """No incident has that id."""


@dataclass(frozen=True)
class Recorded:
    state: dict[str, Any]
    opened: bool  # False: aggregated into an incident already open
    row_edited: bool = False  # its table row differed from its last chain event: the chain's state was used


@dataclass(frozen=True)
class IncidentQuery:
    status: str | None = None
    type: str | None = None
    severity: str | None = None
    actor: str | None = None
    since_us: int | None = None
    until_us: int | None = None
    limit: int = 100
    # True: only incidents control-assurance probes raised; False: only real ones; None: both.
    assurance: bool | None = None


class IncidentStore:
    def __init__(self, store: PromptStore) -> None:
        self.store = store

    async def record(self, seen: Candidate, window_s: int, reassess: Reassess) -> Recorded:
        """Open an incident, or fold ``seen`` into the open one with the same key seen within the window."""
        [recorded] = await self.record_all([seen], window_s, lambda _seen: reassess)
        return recorded

    async def record_all(
        self, batch: Sequence[Candidate], window_s: int, reassess_for: Callable[[Candidate], Reassess]
    ) -> list[Recorded]:
        """``record`` for each, in order, in one transaction: all are stored or none (a retry is safe),
        and a burst of violations costs one commit instead of one each."""

        async def work(tx: Transaction) -> list[Recorded]:
            chain = await ChainBatch.begin(tx)
            recorded = [await _record(chain, seen, window_s, reassess_for(seen)) for seen in batch]
            await chain.flush()
            return recorded

        return await self.store.transact(work)

    async def transition(self, incident_id: str, status: str, by: str, note: str = "") -> dict[str, Any]:
        async def work(tx: Transaction) -> dict[str, Any]:
            rows = await tx.fetch("SELECT id, state, agg_key FROM incidents WHERE id = ?", [incident_id])
            if not rows:
                raise UnknownIncident(f"no incident {incident_id}")
            state, _edited = await _trusted_state(tx, rows[0])  # the verifier reports an edited row
            if status not in TRANSITIONS.get(state["status"], frozenset()):
                raise WorkflowError(f"{incident_id} is {state['status']}: it cannot become {status}")
            state["status"] = status
            state["workflow"].append({"status": status, "by": by, "at_us": now_us(), "note": note})
            chain = await ChainBatch.begin(tx)
            chain.append(state, status, rows[0]["agg_key"])
            await chain.flush()
            return state

        return await self.store.transact(work)

    async def get(self, incident_id: str) -> dict[str, Any] | None:
        rows = await self.store.fetch(self.store.dialect.sql("SELECT state FROM incidents WHERE id = ?"), [incident_id])
        return _state(rows[0]) if rows else None

    async def search(self, query: IncidentQuery) -> list[dict[str, Any]]:
        where, params = _where(query)
        sql = f"SELECT state FROM incidents WHERE {where} ORDER BY opened_us DESC, seq DESC LIMIT ?"  # noqa: S608
        rows = await self.store.fetch(self.store.dialect.sql(sql), [*params, max(1, min(query.limit, 100_000))])
        return [_state(r) for r in rows]

    async def count(self, query: IncidentQuery) -> int:
        """How many incidents ``search`` would find without its limit (one COUNT: no state is read)."""
        where, params = _where(query)
        sql = f"SELECT COUNT(*) AS n FROM incidents WHERE {where}"  # noqa: S608 - built from constants
        rows = await self.store.fetch(self.store.dialect.sql(sql), params)
        return int(rows[0]["n"])

    async def open_since(self, keys: Sequence[str]) -> dict[str, int]:
        """Of these aggregation keys, those with an open or acknowledged incident: its last sighting."""
        found: dict[str, int] = {}
        for start in range(0, len(keys), KEYS_PER_LOOKUP):
            chunk = list(keys[start : start + KEYS_PER_LOOKUP])
            sql = (
                f"SELECT agg_key, MAX(last_seen_us) AS seen FROM incidents WHERE agg_key IN ({', '.join('?' * len(chunk))}) "  # noqa: S608,E501
                "AND status IN ('open', 'acknowledged') GROUP BY agg_key"
            )
            rows = await self.store.fetch(self.store.dialect.sql(sql), chunk)
            found |= {str(r["agg_key"]): int(r["seen"]) for r in rows}
        return found

    async def held_request_ids(self) -> set[str]:
        """Prompt-log records an open or acknowledged incident refers to: the purge keeps them."""
        rows = await self.store.fetch(
            "SELECT r.request_id FROM incident_requests r JOIN incidents i ON i.id = r.incident_id "
            "WHERE i.status IN ('open', 'acknowledged')"
        )
        return {str(r["request_id"]) for r in rows}

    async def verify(self) -> Verification:
        """Check the hash chain and every row against it (see ``verify``); no lock is held."""
        return await verify_chain(self.store)


def _where(query: IncidentQuery) -> tuple[str, list[Any]]:
    where, params = ["1 = 1"], list[Any]()
    for column, value in (("status", query.status), ("type", query.type), ("severity", query.severity)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if query.actor is not None:
        where.append("actor = ?")
        params.append(query.actor)
    if query.since_us is not None:
        where.append("last_seen_us >= ?")
        params.append(query.since_us)
    if query.until_us is not None:
        where.append("opened_us < ?")
        params.append(query.until_us)
    if query.assurance is not None:  # a boolean in PostgreSQL, 0/1 in SQLite: both read it bare
        where.append("assurance" if query.assurance else "NOT assurance")
    return " AND ".join(where), params


async def _record(chain: ChainBatch, seen: Candidate, window_s: int, reassess: Reassess) -> Recorded:
    key = seen.aggregation_key()
    since = seen.at_us - window_s * 1_000_000
    state, edited = chain.written(key), False  # this batch wrote it: the database has not got it yet
    if state is not None:
        current = state if state["last_seen_us"] >= since else None
    else:
        rows = await chain.tx.fetch(
            "SELECT id, state FROM incidents WHERE agg_key = ? AND status IN ('open', 'acknowledged') "
            "AND last_seen_us >= ? ORDER BY last_seen_us DESC LIMIT 1",
            [key, since],
        )
        current, edited = await _trusted_state(chain.tx, rows[0]) if rows else (None, False)
    if current is not None:
        severity, reasons = reassess(current["occurrences"] + 1)
        repeated_state(current, seen, severity, reasons)
        recorded = Recorded(current, opened=False, row_edited=edited)
    else:
        recorded = Recorded(seen.opened_state(new_incident_id()), opened=True)
    chain.append(recorded.state, "opened" if recorded.opened else "repeated", key)
    if seen.request_id is not None:  # its prompt-log record is evidence: held while the incident is worked
        chain.note_request(recorded.state["id"], seen.request_id)
    return recorded


async def _trusted_state(tx: Transaction, row: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The incident's state from its last chain event, and whether its row said otherwise.

    Building on the row would write an edit made to the table into the chain as if the
    gateway had made it: the chain is the record; the row is only its searchable copy."""
    events = await tx.fetch(
        "SELECT body FROM incident_chain WHERE incident_id = ? ORDER BY seq DESC LIMIT 1", [row["id"]]
    )
    if not events:  # a row the gateway never wrote: keep it as it is, and say so
        return _state(row), True
    body = str(events[0]["body"])
    state: dict[str, Any] = json.loads(body)
    edited = canonical(_state(row)) != body
    if edited:
        log.error("incident_row_edited", incident_id=row["id"], violation="LOGGING_OR_RETENTION_FAILURE")
    return state, edited


def _state(row: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(row["state"])
    return state
