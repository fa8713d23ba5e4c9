"""Verifying the incidents' hash chain while the gateway keeps recording.

The chain is read page by page (memory stays flat however long it grows) and each page is
hashed in a worker thread, so a long chain never stalls the event loop. No lock is held:
incidents go on being recorded during the walk. A row whose incident changed after the walk
passed it carries a later ``seq``; it is checked against that newer event instead.

What shows: a gap in the sequence (deleted events), an event that does not link to the one
before it (deleted or reordered), an event whose hash does not match its content (edited),
a row that differs from its last event or has none (edited, or inserted outside the
gateway), and an incident in the chain with no row (deleted).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gateway.incidents.model import canonical, is_assurance
from gateway.promptlog.store import PromptStore

GENESIS = "0" * 64
PAGE = 2000
_EVENTS = "SELECT seq, incident_id, event, body, prev_hash, hash FROM incident_chain WHERE seq > ? ORDER BY seq LIMIT ?"
_ROWS = "SELECT id, type, severity, status, last_seen_us, state, seq, assurance FROM incidents"
_EVENT_AT = "SELECT incident_id, body FROM incident_chain WHERE seq = ?"


def link(prev_hash: str, seq: int, event: str, body: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{seq}|{event}|{body}".encode()).hexdigest()


def _digest(body: str) -> bytes:
    return hashlib.sha256(body.encode()).digest()


@dataclass
class Verification:
    events: int = 0
    incidents: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Walk:
    """Where the walk is, and the last event seen of each incident (its seq and a digest of its body)."""

    result: Verification
    prev_hash: str = GENESIS
    expected_seq: int = 1
    last: dict[str, tuple[int, bytes]] = field(default_factory=dict)

    def check(self, events: Sequence[dict[str, Any]]) -> None:
        problems = self.result.problems
        for e in events:
            self.result.events += 1
            seq = int(e["seq"])
            if seq != self.expected_seq:
                problems.append(f"event {self.expected_seq}: missing (the chain jumps to {seq})")
            if e["prev_hash"] != self.prev_hash:
                problems.append(f"event {seq}: does not follow the event before it (deleted or reordered)")
            if link(e["prev_hash"], seq, e["event"], e["body"]) != e["hash"]:
                problems.append(f"event {seq}: its content does not match its hash (edited)")
            self.last[str(e["incident_id"])] = (seq, _digest(str(e["body"])))
            self.prev_hash, self.expected_seq = str(e["hash"]), seq + 1


async def verify_chain(store: PromptStore) -> Verification:
    walk = _Walk(Verification())
    after = 0
    while True:
        events = await store.fetch(store.dialect.sql(_EVENTS), [after, PAGE])
        if not events:
            break
        await asyncio.to_thread(walk.check, events)
        after = int(events[-1]["seq"])
    rows = await store.fetch(_ROWS)
    newer: dict[int, tuple[str, str]] = {}  # rows changed after the walk passed: their own events
    for row in rows:
        if int(row["seq"]) > after:
            found = await store.fetch(store.dialect.sql(_EVENT_AT), [int(row["seq"])])
            if found:
                newer[int(row["seq"])] = (str(found[0]["incident_id"]), str(found[0]["body"]))
    await asyncio.to_thread(_compare_rows, walk, rows, newer, after)
    return walk.result


def _compare_rows(walk: _Walk, rows: Sequence[dict[str, Any]], newer: dict[int, tuple[str, str]], upto: int) -> None:
    problems, seen = walk.result.problems, set()
    for row in rows:
        walk.result.incidents += 1
        incident, seq = str(row["id"]), int(row["seq"])
        seen.add(incident)
        state = json.loads(row["state"])
        body = canonical(state)
        # The assurance mark too: set on a real incident's row it would hide it from the report (which filters
        # on the column); rows from before the column were marked from their state by migration 12.
        columns = (state["type"], state["severity"], state["status"], state["last_seen_us"], is_assurance(state))
        stored = (row["type"], row["severity"], row["status"], int(row["last_seen_us"]), bool(row["assurance"]))
        if columns != stored:
            problems.append(f"incident {incident}: its columns differ from its state (edited)")
        if seq > upto:  # changed after the walk passed: compare with the event it names
            event = newer.get(seq)
            if event is None or event != (incident, body):
                problems.append(f"incident {incident}: differs from its last chain event (edited)")
            continue
        last = walk.last.get(incident)
        if last is None:
            problems.append(f"incident {incident}: not in the chain (inserted outside the gateway)")
        elif last != (seq, _digest(body)):
            problems.append(f"incident {incident}: differs from its last chain event (edited)")
    for missing in sorted(set(walk.last) - seen):
        problems.append(f"incident {missing}: in the chain but not in the table (deleted)")


__all__ = ["GENESIS", "Verification", "link", "verify_chain"]
