"""What the incident log costs: evidence on the request path, and the store off it.

1. Evidence (on the request path, only for requests with a violation): ``gather`` for a
   2 KB prompt with 3 findings -- the excerpt's raw window (masked later by the recorder's
   task, off the request path) and three HMAC-SHA256 value hashes.
2. Recording (off the request path, one task): incidents per second into a real store,
   SQLite and PostgreSQL, each with its hash-chain event; ``distinct`` opens a new
   incident each time, ``repeats`` folds identical ones into one (the flood case: one user
   pasting the same secret again and again). One per transaction is the recorder's pace
   when violations trickle in; a burst is stored MAX_BATCH per transaction.
3. Verification: ``verify`` over the whole chain (what the gateway runs at start-up and
   every ``incident_verify_interval_s``), for the chain the recording part left.

    python -m loadtests.bench_incidents            # about a minute
    python -m loadtests.bench_incidents --quick
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import timeit
from pathlib import Path

from detectors.base import Category, Finding
from gateway.compliance.catalog import load_compliance
from gateway.incidents.evidence import gather
from gateway.incidents.model import Candidate
from gateway.incidents.recorder import MAX_BATCH
from gateway.incidents.store import IncidentStore
from gateway.policy.data_rules import Action, RuledDecision
from gateway.policy.violations import Severity, Violation
from gateway.promptlog.crypto import LogKeyring
from gateway.promptlog.postgres_store import PostgresPromptStore
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import PromptStore, now_us
from loadtests.prompt_log_load import PG_DSN, PROMPT_TEXT, pg_schema

COMPLIANCE = load_compliance()


def evidence_case() -> tuple[str, list[RuledDecision]]:
    values = [("536-22-8726", "US_SSN"), ("maria.lopez@example.org", "EMAIL_ADDRESS"), ("AKIAQWERTYUIOPASDFGH", "AWS")]
    text = PROMPT_TEXT * 3
    decisions = []
    for n, (value, entity) in enumerate(values):
        at = len(text) // 4 * (n + 1)
        text = text[:at] + value + text[at:]
        finding = Finding(entity, at, at + len(value), 0.9, "bench", Category.PII)
        decisions.append(RuledDecision(finding=finding, action=Action.REDACT))
    return (text + PROMPT_TEXT * 2)[:2048], decisions


def bench_evidence(repeat: int) -> list[str]:
    text, decisions = evidence_case()
    keyring = LogKeyring({"k": b"\x07" * 32}, "k")
    runs = timeit.repeat(lambda: gather([(text, decisions)], decisions, keyring, 60), number=2000, repeat=repeat)
    per_call = [run / 2000 * 1e6 for run in runs]
    return [
        f"| evidence: excerpt + 3 keyed hashes, 2 KB prompt | {statistics.median(per_call):.1f} µs "
        f"(min {min(per_call):.1f}) |"
    ]


def candidate(n: int, distinct: bool) -> Candidate:
    user = f"user{n}" if distinct else "paster"
    return Candidate(
        violation=Violation.SECRET_OR_CREDENTIAL_IN_PROMPT,
        severity=Severity.HIGH,
        severity_reasons=("default",),
        controls=COMPLIANCE.refs(Violation.SECRET_OR_CREDENTIAL_IN_PROMPT),
        catalogue_version=COMPLIANCE.catalogue_version,
        at_us=now_us(),
        actor={"user": user, "groups": ["eng"]},
        destination={"provider": "openai", "model": "gpt-4o"},
        detectors=("secrets",),
        entity_types={"AWS_ACCESS_KEY_ID": 1},
        request_id=f"req_{n}",
        excerpt="key <AWS_ACCESS_KEY_ID> fails",
        evidence={"scheme": "hmac-sha256", "key_id": "k", "value_hashes": {"AWS_ACCESS_KEY_ID": ["0" * 64]}},
    )


async def bench_store(name: str, store: PromptStore, n: int) -> list[str]:
    await store.open()
    incidents, rows = IncidentStore(store), []
    try:
        high = lambda _seen: lambda _n: (Severity.HIGH, ("default",))  # noqa: E731
        for mode, distinct, per_tx in (
            ("distinct", True, 1),
            ("repeats", False, 1),
            ("distinct", True, MAX_BATCH),
            ("repeats", False, MAX_BATCH),
        ):
            batch = [candidate(i, distinct) for i in range(n)]
            started = time.perf_counter()
            for at in range(0, n, per_tx):
                await incidents.record_all(batch[at : at + per_tx], 300, high)
            rate = n / (time.perf_counter() - started)
            rows.append(f"| record, {mode}, {per_tx} per transaction, {name} | {rate:,.0f} incidents/s |")
        started = time.perf_counter()
        result = await incidents.verify()
        assert result.ok, result.problems
        rows.append(f"| verify {result.events:,} events, {name} | {(time.perf_counter() - started) * 1000:,.0f} ms |")
    finally:
        await store.close()
    return rows


async def main(quick: bool) -> None:
    n = 500 if quick else 3000
    rows = ["| what | figure |", "| --- | --- |", *bench_evidence(3 if quick else 7)]
    with tempfile.TemporaryDirectory() as tmp:
        rows += await bench_store("SQLite", SqlitePromptStore(Path(tmp) / "log.db"), n)
    async with pg_schema(PG_DSN) as schema:
        rows += await bench_store("PostgreSQL", PostgresPromptStore(PG_DSN, schema), n)
    print("\n".join(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    asyncio.run(main(parser.parse_args().quick))
