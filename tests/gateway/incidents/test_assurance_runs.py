"""Assurance runs as evidence, on both backends: stored whole with the policy version, read back by
period, chained apart from the incidents, and a chain that shows an edited, deleted or reordered run
and stays one chain under concurrent writers."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket

import pytest

from gateway.assurance.probes import Result
from gateway.incidents import assurance_runs as runs_module
from gateway.incidents.assurance_runs import (
    AssuranceRun,
    ControlOutcome,
    RunRejected,
    count_runs,
    last_run_before,
    record_run,
    runs_before,
    runs_between,
    verify_runs,
)
from gateway.incidents.store import IncidentStore
from gateway.promptlog.store import PromptStore
from tests.gateway.incidents.test_incident_store import same, seen
from tests.gateway.promptlog.conftest import MakeStore

HOUR_US = 3_600_000_000
T0 = 1_790_000_000_000_000  # 2026-09-21


def run(n: int, failing: tuple[str, ...] = (), version: str = "1+abc", origin: str = "schedule") -> AssuranceRun:
    outcomes = tuple(
        ControlOutcome(control, "fail" if control in failing else "pass", f"{control} works", "as expected")
        for control in ("unapproved_model", "credential_blocked", "card_redacted")
    )
    skipped = ControlOutcome("revoked_key", "skip", "a revoked key is refused", "no key store here")
    return AssuranceRun(
        f"run-{n}", T0 + n * HOUR_US, T0 + n * HOUR_US + 2_000_000, origin, "acme", version, (*outcomes, skipped)
    )


async def three_runs(store: PromptStore) -> list[AssuranceRun]:
    made = [run(1), run(2, failing=("card_redacted",)), run(3, version="2+def", origin="command")]
    for each in made:
        await record_run(store, each)
    assert (await verify_runs(store)).ok
    return made


async def test_runs_are_stored_whole_and_read_back_by_period(store: PromptStore) -> None:
    made = await three_runs(store)
    assert made[1].failed == ("card_redacted",)
    assert made[0].failed == ()
    assert await runs_between(store, T0, T0 + 10 * HOUR_US) == made
    assert await runs_between(store, T0 + 2 * HOUR_US, T0 + 3 * HOUR_US) == [made[1]]  # until is exclusive
    assert await runs_between(store, T0, T0 + 10 * HOUR_US, newest_first=True) == made[::-1]
    assert await runs_between(store, T0, T0 + 10 * HOUR_US, limit=2) == made[1:]
    assert await runs_between(store, T0, T0 + 10 * HOUR_US, limit=2, newest_first=True) == made[:0:-1]
    assert await last_run_before(store, T0 + 2 * HOUR_US) == made[0]
    assert await last_run_before(store, T0) is None
    result = await verify_runs(store)
    assert (result.ok, result.count, result.problems) == (True, 3, [])


async def test_a_retry_is_stored_once_and_a_different_run_under_the_same_id_is_refused(store: PromptStore) -> None:
    made = await three_runs(store)
    await record_run(store, made[1])
    assert len(await runs_between(store, T0, T0 + 10 * HOUR_US)) == 3
    with pytest.raises(RunRejected, match="already recorded"):
        await record_run(store, run(2))  # same id, now passing: the evidence cannot be rewritten
    assert (await verify_runs(store)).count == 3


def test_a_run_takes_only_known_statuses_and_origins() -> None:
    with pytest.raises(RunRejected, match="status"):
        ControlOutcome("x", "passed", "", "")
    with pytest.raises(RunRejected, match="origin"):
        run(1, origin="manual")


async def test_the_chain_is_its_own_beside_the_incidents(store: PromptStore) -> None:
    incidents = IncidentStore(store)
    await incidents.record(seen(user="a"), 300, same)
    await three_runs(store)
    await incidents.record(seen(user="b"), 300, same)
    rows = await store.fetch("SELECT seq FROM assurance_runs ORDER BY seq")
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert (await incidents.verify()).events == 2
    assert (await verify_runs(store)).ok


async def test_an_edited_run_is_detected(store: PromptStore) -> None:
    await three_runs(store)
    # The failure turned into a pass: the body no longer matches its hash.
    await store.execute("UPDATE assurance_runs SET body = REPLACE(body, '\"fail\"', '\"pass\"') WHERE seq = 2")
    assert (await verify_runs(store)).problems == ["run 2: its content does not match its hash (edited)"]


async def test_an_edited_column_is_detected_and_never_shown(store: PromptStore) -> None:
    made = await three_runs(store)
    await store.execute("UPDATE assurance_runs SET policy_version = '9+fake' WHERE seq = 1")
    assert (await verify_runs(store)).problems == ["run 1: its columns differ from its content (edited)"]
    assert (await runs_between(store, T0, T0 + 10 * HOUR_US))[0] == made[0]  # read from the chained body


async def test_an_unreadable_run_is_left_out_of_reads_and_reported(store: PromptStore) -> None:
    made = await three_runs(store)
    await store.execute("UPDATE assurance_runs SET body = '{}' WHERE seq = 2")
    assert await runs_between(store, T0, T0 + 10 * HOUR_US) == [made[0], made[2]]
    problems = (await verify_runs(store)).problems
    assert "run 2: its content is not a run (edited)" in problems


async def test_a_deleted_run_is_detected(store: PromptStore) -> None:
    await three_runs(store)
    await store.execute("DELETE FROM assurance_runs WHERE seq = 2")
    assert (await verify_runs(store)).problems == [
        "run 2: missing (the chain jumps to 3)",
        "run 3: does not follow the run before it (deleted or reordered)",
    ]


async def test_reordered_runs_are_detected(store: PromptStore) -> None:
    await three_runs(store)
    # Swap runs 2 and 3 (their sequence numbers), each keeping its own hash.
    for old, new in ((2, 99), (3, 2), (99, 3)):
        await store.execute(store.dialect.sql("UPDATE assurance_runs SET seq = ? WHERE seq = ?"), [new, old])
    problems = (await verify_runs(store)).problems
    assert "run 2: does not follow the run before it (deleted or reordered)" in problems
    assert "run 3: does not follow the run before it (deleted or reordered)" in problems


async def test_verification_reads_the_chain_in_pages(store: PromptStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runs_module, "PAGE", 3)
    for n in range(10):
        await record_run(store, run(n))
    assert (await verify_runs(store)).count == 10
    await store.execute("DELETE FROM assurance_runs WHERE seq = 4")  # the first of the second page
    problems = (await verify_runs(store)).problems
    assert problems[0] == "run 4: missing (the chain jumps to 5)"


async def test_two_writers_on_one_database_keep_one_chain(make_store: MakeStore) -> None:
    """Two gateways (two stores, two connections or pools) appending at once: the head is read and
    written inside one exclusive transaction, so no two runs take the same place and none is lost."""
    first, second = make_store(), make_store()
    await first.open()
    await second.open()
    try:

        async def write(store: PromptStore, start: int) -> None:
            for n in range(start, start + 40):
                await record_run(store, run(n))

        await asyncio.gather(write(first, 0), write(second, 1000))
        result = await verify_runs(first)
        assert (result.ok, result.count, result.problems) == (True, 80, [])
        seqs = [int(r["seq"]) for r in await first.fetch("SELECT seq FROM assurance_runs ORDER BY seq")]
        assert seqs == list(range(1, 81))
    finally:
        await first.close()
        await second.close()


async def test_a_probe_result_is_stored_as_its_four_words_only(store: PromptStore) -> None:
    """A probe's result carries its request id and extras for the run's own checks; the evidence keeps
    what was expected and seen (statuses and codes), nothing else of it."""
    probe = Result("card_redacted", "fail", "CREDIT_CARD redacted", "the provider got it", "req_1", None, {"k": "v"})
    await record_run(store, AssuranceRun("r", T0, T0 + 1, "command", "acme", "1+abc", (ControlOutcome.of(probe),)))
    body = json.loads((await store.fetch("SELECT body FROM assurance_runs"))[0]["body"])
    assert body["outcomes"] == [probe.as_json()]
    assert "req_1" not in json.dumps(body)


async def test_past_the_cap_the_newest_runs_are_read(store: PromptStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A period with more runs than are read (MAX_RUNS, made small): the oldest are left out, never the newest
    (a control still failing at the end must show), and the count says how many there were."""
    made = await three_runs(store)
    monkeypatch.setattr(runs_module, "MAX_RUNS", 2)
    assert await runs_between(store, T0, T0 + 10 * HOUR_US) == made[1:]
    assert await runs_between(store, T0, T0 + 10 * HOUR_US, newest_first=True) == made[:0:-1]
    assert await count_runs(store, T0, T0 + 10 * HOUR_US) == 3
    assert await count_runs(store, T0 + 2 * HOUR_US, T0 + 3 * HOUR_US) == 1


async def test_a_run_carries_its_machine_and_one_stored_before_reads_without(store: PromptStore) -> None:
    assert run(1).instance == socket.gethostname()  # the scheduler's and the command's, unless they say
    here = dataclasses.replace(run(1), instance="gw-2")
    older = dataclasses.replace(run(2), instance="")  # as runs were stored before they carried their machine
    for each in (here, older):
        await record_run(store, each)
    bodies = [json.loads(str(r["body"])) for r in await store.fetch("SELECT body FROM assurance_runs ORDER BY seq")]
    assert (bodies[0]["instance"], "instance" in bodies[1]) == ("gw-2", False)
    assert await runs_between(store, T0, T0 + 10 * HOUR_US) == [here, older]
    assert (await verify_runs(store)).ok


async def test_runs_before_a_time_are_read_back_page_by_page(
    store: PromptStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs_module, "PAGE", 2)
    made = [run(1), run(2), run(3, origin="command"), dataclasses.replace(run(4), run_id="run-4b"), run(4), run(5)]
    for each in made:
        await record_run(store, each)
    older = [r.run_id async for r in runs_before(store, T0 + 5 * HOUR_US, "schedule", 100)]
    assert older == ["run-4", "run-4b", "run-2", "run-1"]  # newest first; a tie by its sequence; no command run
    assert [r.run_id async for r in runs_before(store, T0 + 5 * HOUR_US, "schedule", 3)] == older[:3]
    assert [r.run_id async for r in runs_before(store, T0 + 5 * HOUR_US, "command", 100)] == ["run-3"]
