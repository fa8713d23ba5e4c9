"""Control assurance runs kept as evidence: each run appended to a hash chain of its own in the audit database.

A run (the scheduler's or ``aigw assure``'s) is stored whole, as canonical JSON, with the policy version it
tested, and linked like the incident chain (``gateway.incidents.verify.link``: ``sha256(prev_hash | seq |
event | body)``) but in its own table and sequence, so either chain verifies without the other. Appending
goes through ``PromptStore.transact``, which excludes every other chain writer on the database (SQLite:
``BEGIN IMMEDIATE``; PostgreSQL: the fleet-wide advisory lock), so several workers or a fleet of gateways
never both read the same head and fork the chain.

Outcomes say what was expected and seen in the probes' own words (statuses, actions, codes): never prompt
text or a planted value. This module lives in ``incidents`` (not ``promptlog``) for the import layers: it
shares the incident chain's ``link`` and ``canonical``.

``verify_runs`` shows a gap in the sequence (a deleted run), a run that does not link to the one before it
(deleted or reordered), a body that does not match its hash (edited), and columns that differ from the
body (edited). Like the incident chain, deleting the newest runs, or rewriting the whole chain at once, is
caught only against a copy of the head kept elsewhere.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
from collections.abc import AsyncGenerator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog

from gateway.incidents.model import canonical
from gateway.incidents.verify import GENESIS, link
from gateway.promptlog.store import PromptStore, Transaction

STATUSES = ("pass", "fail", "skip")
ORIGINS = ("schedule", "command")


def new_run_id() -> str:
    return "asr_" + secrets.token_hex(8)


EVENT = "assurance_run"  # the chain event name hashed into every link
PAGE = 2000
MAX_RUNS = 100_000  # a year of runs every five minutes, or hourly on eleven machines: a report reads the newest
_COLUMNS = ("seq", "run_id", "started_us", "finished_us", "origin", "policy_id", "policy_version")
_CHAIN = f"SELECT {', '.join(_COLUMNS)}, body, prev_hash, hash FROM assurance_runs"  # noqa: S608 - constants
log = structlog.get_logger("aigw")
_HEAD = "SELECT seq, hash FROM assurance_runs ORDER BY seq DESC LIMIT 1"


class RunRejected(ValueError):
    """A run that cannot be evidence as given: an unknown status or origin, or a run id already stored
    with a different content (a retry of the same run is stored once)."""


class Checked(Protocol):
    """What a probe's result carries that is evidence (``gateway.assurance.probes.Result`` has it)."""

    @property
    def control(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def expected(self) -> str: ...
    @property
    def seen(self) -> str: ...


@dataclass(frozen=True)
class ControlOutcome:
    control: str
    status: str  # "pass" | "fail" | "skip"
    expected: str
    seen: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise RunRejected(f"control {self.control!r}: status must be one of {', '.join(STATUSES)}")

    @classmethod
    def of(cls, result: Checked) -> ControlOutcome:
        return cls(result.control, result.status, result.expected, result.seen)

    def as_json(self) -> dict[str, str]:
        return {"control": self.control, "status": self.status, "expected": self.expected, "seen": self.seen}


@dataclass(frozen=True)
class AssuranceRun:
    run_id: str
    started_us: int
    finished_us: int
    origin: str  # "schedule" | "command" (aigw assure)
    policy_id: str
    policy_version: str
    outcomes: tuple[ControlOutcome, ...]
    # The machine that ran it: every machine's scheduler runs its own, into the one chain, and a broken
    # replica's failures must not be closed by another's passes. "": stored before runs carried it.
    instance: str = field(default_factory=socket.gethostname, kw_only=True)

    def __post_init__(self) -> None:
        if self.origin not in ORIGINS:
            raise RunRejected(f"origin must be one of {', '.join(ORIGINS)}")

    @property
    def failed(self) -> tuple[str, ...]:
        """The controls that failed, in the run's order, each once."""
        return tuple(dict.fromkeys(o.control for o in self.outcomes if o.status == "fail"))

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_us": self.started_us,
            "finished_us": self.finished_us,
            "origin": self.origin,
            "policy_id": self.policy_id,
            "policy_version": self.policy_version,
            "outcomes": [o.as_json() for o in self.outcomes],
        } | ({"instance": self.instance} if self.instance else {})  # a run stored before reads back as it was

    def columns(self) -> tuple[Any, ...]:
        """The searchable columns, in ``_COLUMNS`` order after ``seq``."""
        return (self.run_id, self.started_us, self.finished_us, self.origin, self.policy_id, self.policy_version)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> AssuranceRun:
        outcomes = tuple(
            ControlOutcome(str(o["control"]), str(o["status"]), str(o["expected"]), str(o["seen"]))
            for o in body["outcomes"]
        )
        return cls(
            str(body["run_id"]),
            int(body["started_us"]),
            int(body["finished_us"]),
            str(body["origin"]),
            str(body["policy_id"]),
            str(body["policy_version"]),
            outcomes,
            instance=str(body.get("instance", "")),
        )


@dataclass
class RunsVerification:
    count: int = 0  # runs checked
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "runs": self.count, "problems": list(self.problems)}


async def record_run(store: PromptStore, run: AssuranceRun) -> None:
    """Append ``run`` to the chain; the same run recorded again (a retry) is stored once."""
    body = canonical(run.as_json())

    async def work(tx: Transaction) -> None:
        stored = await tx.fetch("SELECT body FROM assurance_runs WHERE run_id = ?", [run.run_id])
        if stored:
            if str(stored[0]["body"]) != body:
                raise RunRejected(f"run {run.run_id} is already recorded with other results")
            return
        head = await tx.fetch(_HEAD)
        seq, prev = (int(head[0]["seq"]) + 1, str(head[0]["hash"])) if head else (1, GENESIS)
        marks = ", ".join("?" * (len(_COLUMNS) + 3))
        sql = f"INSERT INTO assurance_runs ({', '.join(_COLUMNS)}, body, prev_hash, hash) VALUES ({marks})"  # noqa: S608
        await tx.execute(sql, [seq, *run.columns(), body, prev, link(prev, seq, EVENT, body)])

    await store.transact(work)


async def runs_between(
    store: PromptStore, since_us: int, until_us: int, *, limit: int | None = None, newest_first: bool = False
) -> list[AssuranceRun]:
    """The newest ``limit`` (at most MAX_RUNS) runs started in [since_us, until_us), oldest first (or newest
    first). Past the cap the oldest are left out, never the newest: a control still failing at the end of
    the period must show. ``count_runs`` says whether any were left out.

    Read from each run's chained body, not its columns: an edited column cannot change what is shown
    (``verify_runs`` reports it)."""
    count = max(1, min(limit if limit is not None else MAX_RUNS, MAX_RUNS))
    sql = (
        "SELECT seq, body FROM assurance_runs WHERE started_us >= ? AND started_us < ? "
        "ORDER BY started_us DESC, seq DESC LIMIT ?"
    )
    rows = await store.fetch(store.dialect.sql(sql), [since_us, until_us, count])
    runs = [run for run in map(_readable, rows) if run is not None]
    return runs if newest_first else runs[::-1]


async def count_runs(store: PromptStore, since_us: int, until_us: int) -> int:
    """How many runs started in [since_us, until_us) are on record (read or not)."""
    sql = "SELECT COUNT(*) AS n FROM assurance_runs WHERE started_us >= ? AND started_us < ?"
    rows = await store.fetch(store.dialect.sql(sql), [since_us, until_us])
    return int(rows[0]["n"])


async def last_run_before(store: PromptStore, until_us: int) -> AssuranceRun | None:
    """The newest run started before ``until_us``: what was known of the controls when a period began."""
    sql = "SELECT seq, body FROM assurance_runs WHERE started_us < ? ORDER BY started_us DESC, seq DESC LIMIT 1"
    rows = await store.fetch(store.dialect.sql(sql), [until_us])
    return _readable(rows[0]) if rows else None


async def runs_before(store: PromptStore, until_us: int, origin: str, most: int) -> AsyncGenerator[AssuranceRun, None]:
    """Runs of ``origin`` started before ``until_us``, newest first, page by page, at most ``most``: how far
    back a report looks for the last outcome of each control."""
    sql = (
        "SELECT seq, started_us, body FROM assurance_runs WHERE origin = ? AND (started_us < ? "
        "OR (started_us = ? AND seq < ?)) ORDER BY started_us DESC, seq DESC LIMIT ?"
    )
    read, at, seq = 0, until_us, 0  # (started_us, seq) of the last row read: the next page starts below it
    while read < most:
        rows = await store.fetch(store.dialect.sql(sql), [origin, at, at, seq, min(PAGE, most - read)])
        if not rows:
            return
        read += len(rows)
        at, seq = int(rows[-1]["started_us"]), int(rows[-1]["seq"])
        for run in map(_readable, rows):
            if run is not None:
                yield run


def _readable(row: dict[str, Any]) -> AssuranceRun | None:
    """A stored run; one whose body no longer reads as a run was edited: left out and logged (by its
    sequence number only), so that one tampered row cannot stop a report. ``verify_runs`` reports it."""
    try:
        return AssuranceRun.from_json(json.loads(str(row["body"])))
    except (ValueError, KeyError, TypeError):
        log.error("assurance_run_unreadable", seq=int(row["seq"]), violation="LOGGING_OR_RETENTION_FAILURE")
        return None


async def verify_runs(store: PromptStore) -> RunsVerification:
    """Walk the chain page by page (hashing off the event loop); no lock is held, runs go on being recorded."""
    walk = _Walk(RunsVerification())
    after = 0
    while True:
        rows = await store.fetch(store.dialect.sql(f"{_CHAIN} WHERE seq > ? ORDER BY seq LIMIT ?"), [after, PAGE])
        if not rows:
            return walk.result
        await asyncio.to_thread(walk.check, rows)
        after = int(rows[-1]["seq"])


@dataclass
class _Walk:
    result: RunsVerification
    prev_hash: str = GENESIS
    expected_seq: int = 1

    def check(self, rows: Sequence[dict[str, Any]]) -> None:
        problems = self.result.problems
        for row in rows:
            self.result.count += 1
            seq = int(row["seq"])
            if seq != self.expected_seq:
                problems.append(f"run {self.expected_seq}: missing (the chain jumps to {seq})")
            if row["prev_hash"] != self.prev_hash:
                problems.append(f"run {seq}: does not follow the run before it (deleted or reordered)")
            body = str(row["body"])
            if link(str(row["prev_hash"]), seq, EVENT, body) != row["hash"]:
                problems.append(f"run {seq}: its content does not match its hash (edited)")
            problems += _column_problems(seq, row, body)
            self.prev_hash, self.expected_seq = str(row["hash"]), seq + 1


def _column_problems(seq: int, row: dict[str, Any], body: str) -> Iterable[str]:
    try:
        run = AssuranceRun.from_json(json.loads(body))
    except (ValueError, KeyError, TypeError):
        return [f"run {seq}: its content is not a run (edited)"]
    stored = tuple(int(row[c]) if c.endswith("_us") else row[c] for c in _COLUMNS[1:])
    return [] if stored == run.columns() else [f"run {seq}: its columns differ from its content (edited)"]


__all__ = [
    "AssuranceRun",
    "ControlOutcome",
    "RunRejected",
    "RunsVerification",
    "count_runs",
    "last_run_before",
    "record_run",
    "runs_before",
    "runs_between",
    "verify_runs",
]
