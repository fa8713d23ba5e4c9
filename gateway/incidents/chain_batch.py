"""One transaction's incident changes, built in memory and written with a few statements.

Each change is still one chain event with the incident's whole state after it (``store``'s
docstring), linked in order; what changes is how they reach the database. Appending each
event, upserting the row and noting the request one statement at a time cost six statements
per violation, and in a worker thread each statement waits for the GIL while the event loop
is busy: at full load with every request blocked, a batch of 200 violations held the database
for over a second and the recorder fell behind (issue 18). Here the chain head is read once,
an incident this batch has already touched is taken from memory (as the database would return
it: its last event's body), and at the end the events, the rows (one per incident, its last
state) and the request ids go in with one multi-row statement each.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gateway.incidents.model import canonical, is_assurance
from gateway.incidents.verify import GENESIS, link
from gateway.promptlog.store import Transaction, now_us

ROW_COLUMNS = (
    "id",
    "type",
    "severity",
    "status",
    "opened_us",
    "last_seen_us",
    "actor",
    "agg_key",
    "state",
    "seq",
    "assurance",
)
EVENT_COLUMNS = ("seq", "incident_id", "event", "at_us", "body", "prev_hash", "hash")
PARAMETERS_PER_STATEMENT = 990  # under SQLite's oldest limit (999, before 3.32) and PostgreSQL's
_UPSERT = (
    "ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, status = excluded.status, "
    "last_seen_us = excluded.last_seen_us, state = excluded.state, seq = excluded.seq, assurance = excluded.assurance"
)


@dataclass
class ChainBatch:
    tx: Transaction
    seq: int  # the chain's last sequence number so far
    prev: str  # and its hash
    events: list[list[Any]] = field(default_factory=list)
    rows: dict[str, list[Any]] = field(default_factory=dict)  # incident id -> its row after its last event
    requests: dict[tuple[str, str], None] = field(default_factory=dict)  # (incident id, request id), in order
    touched: dict[str, str] = field(default_factory=dict)  # aggregation key -> body of the last event written

    @classmethod
    async def begin(cls, tx: Transaction) -> ChainBatch:
        head = await tx.fetch("SELECT seq, hash FROM incident_chain ORDER BY seq DESC LIMIT 1")
        return cls(tx, int(head[0]["seq"]) if head else 0, str(head[0]["hash"]) if head else GENESIS)

    def written(self, key: str) -> dict[str, Any] | None:
        """The state this batch last wrote for ``key``, as its event's body reads (a copy)."""
        body = self.touched.get(key)
        if body is None:
            return None
        state: dict[str, Any] = json.loads(body)
        return state

    def append(self, state: dict[str, Any], event: str, key: str) -> None:
        """Chain one event with ``state``; ``state`` gets its ``seq`` and ``hash`` (for the SIEM)."""
        body = canonical(state)
        self.seq += 1
        digest = link(self.prev, self.seq, event, body)
        self.events.append([self.seq, state["id"], event, now_us(), body, self.prev, digest])
        self.touched[key] = body
        state["seq"], state["hash"] = self.seq, digest
        self.prev = digest
        actor = state.get("actor") or {}
        who = actor.get("user") or actor.get("source")
        values = [state["type"], state["severity"], state["status"], state["opened_us"], state["last_seen_us"]]
        who_s = str(who) if who is not None else None
        # The assurance column is the state's mark, searchable (the report leaves probes' incidents out in SQL).
        self.rows[state["id"]] = [state["id"], *values, who_s, key, body, self.seq, is_assurance(state)]

    def note_request(self, incident_id: str, request_id: str) -> None:
        self.requests[(incident_id, request_id)] = None

    async def flush(self) -> None:
        await _insert(self.tx, "incident_chain", EVENT_COLUMNS, self.events, "")
        await _insert(self.tx, "incidents", ROW_COLUMNS, list(self.rows.values()), _UPSERT)
        requests = [list(pair) for pair in self.requests]
        await _insert(self.tx, "incident_requests", ("incident_id", "request_id"), requests, "ON CONFLICT DO NOTHING")


async def _insert(tx: Transaction, table: str, columns: Sequence[str], rows: list[list[Any]], tail: str) -> None:
    row = f"({', '.join('?' * len(columns))})"
    per_statement = PARAMETERS_PER_STATEMENT // len(columns)
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * len(chunk))} {tail}"  # noqa: S608
        await tx.execute(sql, [value for values in chunk for value in values])
